"""Forms of projects and milestones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput, UserAwareModelForm
from pmo.roles import Role
from portfolio.choices import Contribution
from portfolio.forms import users_with_role
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.models import Milestone, Project
from projects.rules import reserved_fields
from projects.selectors import projects_open_to_milestones

OBJECTIVE_PREFIX = "objective_"


class ProjectForm(UserAwareModelForm):
    """A project, with one contribution choice per active strategic objective."""

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "portfolio",
            "programme",
            "sponsor",
            "project_manager",
            "phase",
            "baseline_start",
            "baseline_end",
            "forecast_start",
            "forecast_end",
        ]
        widgets = {
            name: DateInput()
            for name in ("baseline_start", "baseline_end", "forecast_start", "forecast_end")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_active=True)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True).select_related(
            "portfolio"
        )
        self.fields["programme"].label_from_instance = lambda p: f"{p.portfolio.code} · {p.name}"
        self.fields["project_manager"].queryset = users_with_role(Role.PROJECT_MANAGER)
        self.fields["sponsor"].queryset = users_with_role(Role.EXECUTIVE, Role.PMO_MANAGER)
        for name in reserved_fields(self.user, Project) & self.fields.keys():
            self.fields[name].disabled = True
        current = {}
        if self.instance.pk:
            current = dict(self.instance.contributions.values_list("objective_id", "contribution"))
        self.objective_field_names = []
        for objective in StrategicObjective.objects.filter(is_active=True):
            name = f"{OBJECTIVE_PREFIX}{objective.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(objective),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("None")), *Contribution.choices],
                initial=current.get(objective.pk),
            )
            self.fields[name].objective = objective
            self.objective_field_names.append(name)

    def objective_fields(self):
        return [self[name] for name in self.objective_field_names]

    def clean(self):
        cleaned = super().clean()
        contributions = {}
        for name in self.objective_field_names:
            level = cleaned.pop(name, None)
            if level:
                contributions[self.fields[name].objective] = level
        cleaned["objectives"] = contributions
        # Disabled fields keep their stored value; the service needs no copy of them.
        for name in [n for n, f in self.fields.items() if f.disabled]:
            cleaned.pop(name, None)
        return cleaned


class MilestoneForm(UserAwareModelForm):
    class Meta:
        model = Milestone
        fields = [
            "project",
            "name",
            "description",
            "is_gate",
            "baseline_date",
            "forecast_date",
            "actual_date",
        ]
        widgets = {name: DateInput() for name in ("baseline_date", "forecast_date", "actual_date")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_open_to_milestones(self.user)
        if self.instance.pk:
            self.fields["project"].disabled = True
            for name in reserved_fields(self.user, Milestone) & self.fields.keys():
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        for name in [n for n, f in self.fields.items() if f.disabled]:
            cleaned.pop(name, None)
        return cleaned
