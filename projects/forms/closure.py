"""The form of a project's closure report."""

from django import forms

from pmo.forms import UserAwareModelForm
from projects.models import ClosureReport


class ClosureReportForm(UserAwareModelForm):
    """What the writer says; the final figures are frozen by the approval."""

    class Meta:
        model = ClosureReport
        fields = ["objectives_met", "objectives_comment", "scope_delivered", "handover"]
        widgets = {
            "objectives_comment": forms.Textarea(attrs={"rows": 3}),
            "scope_delivered": forms.Textarea(attrs={"rows": 4}),
            "handover": forms.Textarea(attrs={"rows": 3}),
        }
