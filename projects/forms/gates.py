"""Forms of stage gates: a gate review (the checklist of the gate the project faces, the
decision) and a gate template (its name and checklist, one item a line)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput
from projects.choices import GateDecision


class GateReviewForm(forms.Form):
    """The review of one gate: for each item of its checklist a checkbox and an evidence
    link, then the decision. The service checks the rules of the decision."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", "---------"), *GateDecision.choices]
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a go with conditions: what must follow, by when."),
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())

    def __init__(self, *args, items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["decided_on"].initial = timezone.localdate()
        self.item_rows = []
        for index, item in enumerate(items):
            checked, evidence = f"item_{index}_checked", f"item_{index}_evidence"
            self.fields[checked] = forms.BooleanField(label=item, required=False)
            self.fields[evidence] = forms.URLField(
                label=_("Evidence"),
                required=False,
                max_length=500,
                assume_scheme="https",
                widget=forms.URLInput(attrs={"placeholder": "https://…"}),
            )
            self.item_rows.append((item, checked, evidence))

    def checklist_rows(self):
        """(item, checkbox field, evidence field) for each item, for the template."""
        return [(item, self[checked], self[evidence]) for item, checked, evidence in self.item_rows]

    def decision_fields(self):
        return [self[name] for name in ("decision", "conditions", "comments", "decided_on")]

    def clean(self):
        cleaned = super().clean()
        cleaned["checklist"] = [
            {
                "item": item,
                "checked": bool(cleaned.pop(checked, False)),
                "evidence": cleaned.pop(evidence, "") or "",
            }
            for item, checked, evidence in self.item_rows
        ]
        return cleaned


class GateTemplateForm(forms.Form):
    """A gate's name and its checklist, one item a line (blank lines are dropped)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    checklist = forms.CharField(
        label=_("Checklist"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line."),
    )
