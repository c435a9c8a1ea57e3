"""Forms of project requests (launch notes) and of their review by the PMO."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pmo.forms import UserAwareModelForm
from pmo.roles import Role
from portfolio.models import Programme, StrategicObjective
from projects.models import Project, ProjectRequest
from projects.services.intake import REQUEST_FIELDS


def people_in(role: str):
    return (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class ProjectRequestForm(UserAwareModelForm):
    """A launch note. The service checks that the programme is one of the portfolio's."""

    class Meta:
        model = ProjectRequest
        fields = [*REQUEST_FIELDS, "strategic_objectives"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "stakes": forms.Textarea(attrs={"rows": 3}),
            "expected_benefits": forms.Textarea(attrs={"rows": 3}),
            "strategic_objectives": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.select_related("portfolio").order_by(
            "portfolio__code", "code"
        )
        self.fields["programme"].help_text = _("Optional; one of the portfolio's programmes.")
        self.fields["sponsor"].queryset = people_in(Role.EXECUTIVE)
        self.fields["strategic_objectives"].queryset = StrategicObjective.objects.order_by("code")


class RequestAcceptForm(forms.Form):
    """What the PMO gives to turn a request into a project: its code, its manager when the
    requester is not a project manager, and a note."""

    code = forms.CharField(
        label=_("Project code"),
        max_length=Project._meta.get_field("code").max_length,
        help_text=_("Short unique reference, e.g. PRJ-042."),
    )
    project_manager = forms.ModelChoiceField(
        label=_("Project manager"),
        queryset=people_in(Role.PROJECT_MANAGER),
        required=False,
        help_text=_("By default the requester, if they are a project manager."),
    )
    review_note = forms.CharField(
        label=_("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestRejectForm(forms.Form):
    review_note = forms.CharField(
        label=_("Why the request is rejected"), widget=forms.Textarea(attrs={"rows": 2})
    )
