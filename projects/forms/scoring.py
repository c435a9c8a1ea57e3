"""Forms of strategic scoring: a portfolio's criteria (one formset), a project's scores and
a cut-line scenario. They check each field; the services check the whole (weights summing
to 100, projects of the portfolio) and save."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from portfolio.models import ScoringCriterion
from projects.choices import ScenarioChoice
from projects.models import ProjectScore, Scenario
from projects.models.scoring import SCORE_MAX


def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class CriterionForm(forms.Form):
    """One criterion of the formset; ``id`` is empty for a new one."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = _model_field(ScoringCriterion, "name")
    description = _model_field(
        ScoringCriterion, "description", widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = _model_field(ScoringCriterion, "weight")
    higher_is_better = _model_field(ScoringCriterion, "higher_is_better")
    position = _model_field(ScoringCriterion, "position")
    is_active = _model_field(ScoringCriterion, "is_active")


CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=1, can_delete=True, max_num=30, validate_max=True
)


def criterion_initial(criteria) -> list[dict]:
    return [
        {
            "id": c.pk,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "higher_is_better": c.higher_is_better,
            "position": c.position,
            "is_active": c.is_active,
        }
        for c in criteria
    ]


def criterion_rows(formset) -> list[dict]:
    """The rows to save: the filled forms not marked for deletion."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class ProjectScoresForm(forms.Form):
    """A score (0 to 5, or empty: not scored) and a comment for each active criterion."""

    def __init__(self, *args, criteria=(), scores=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.criteria = list(criteria)
        comment_field = ProjectScore._meta.get_field("comment")
        for criterion in self.criteria:
            current = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                required=False,
                min_value=0,
                max_value=SCORE_MAX,
                initial=current.score if current else None,
                help_text=criterion.description,
                disabled=disabled,
                widget=forms.NumberInput(attrs={"min": 0, "max": SCORE_MAX, "step": 1}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=comment_field.max_length,
                initial=current.comment if current else "",
                disabled=disabled,
            )

    def rows(self):
        """(criterion, score field, comment field) for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class ScenarioForm(forms.Form):
    """A scenario's name and envelopes, and a forced choice per ranked project."""

    name = _model_field(Scenario, "name")
    description = _model_field(Scenario, "description", widget=forms.Textarea(attrs={"rows": 2}))
    capex_envelope = _model_field(Scenario, "capex_envelope", validators=[MinValueValidator(0)])
    opex_envelope = _model_field(Scenario, "opex_envelope", validators=[MinValueValidator(0)])
    fte_capacity = _model_field(
        Scenario, "fte_capacity", validators=[MinValueValidator(0), MaxValueValidator(999999)]
    )

    def __init__(self, *args, ranking=(), forced=None, **kwargs):
        super().__init__(*args, **kwargs)
        forced = forced or {}
        self.ranking = list(ranking)
        choices = [("", _("By rank")), *ScenarioChoice.choices]
        for row in self.ranking:
            self.fields[f"choice_{row.project.pk}"] = forms.ChoiceField(
                label=row.project.code,
                choices=choices,
                required=False,
                initial=forced.get(row.project.pk, ""),
            )

    def choice_rows(self):
        return [(row, self[f"choice_{row.project.pk}"]) for row in self.ranking]

    def data_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "description", "capex_envelope", "opex_envelope", "fte_capacity")
        }

    def choices(self) -> dict[int, str]:
        return {
            row.project.pk: self.cleaned_data[f"choice_{row.project.pk}"]
            for row in self.ranking
            if self.cleaned_data.get(f"choice_{row.project.pk}")
        }
