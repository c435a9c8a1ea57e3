"""Forms of the reporting pages."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput
from portfolio.models import Portfolio, Programme
from projects import weeks
from projects.choices import ACTIVE_PHASES, Axis, Phase, Rating


class ComplianceFilterForm(forms.Form):
    """The week (any day of it) and the portfolio the compliance page is about."""

    week = forms.DateField(
        label=_("Week"),
        required=False,
        widget=DateInput(),
        help_text=_("Any day of the week; empty for the last week past its deadline."),
    )
    portfolio = forms.ModelChoiceField(
        label=_("Portfolio"),
        queryset=Portfolio.objects.order_by("name"),
        required=False,
        empty_label=_("All portfolios"),
    )

    def __init__(self, *args, latest_week: datetime.date, **kwargs):
        self.latest_week = latest_week
        super().__init__(*args, **kwargs)

    def clean_week(self) -> datetime.date | None:
        day = self.cleaned_data.get("week")
        if day is None:
            return None
        monday = weeks.monday_of(day)
        if monday > self.latest_week:
            raise forms.ValidationError(_("This week has not started yet."))
        return monday


# The columns the dashboard sorts on (the ``sort`` parameter, "-" first for descending).
DASHBOARD_SORTS = (
    "code",
    "name",
    "programme",
    "project_manager",
    "phase",
    "weather",
    "quality",
    "cost",
    "delay",
    "risk",
    "computed_cost",
    "computed_delay",
    "computed_risk",
    "report_age",
    "consumption",
    "eac",
    "slip",
    "top_risk",
    "alerts",
)


class DashboardFilterForm(forms.Form):
    """What the PMO dashboard shows (active projects of the chosen portfolios, narrowed by
    programme, phase, project manager, declared rating, attention and text) and its order.

    Every field is optional: an empty form shows every active project by code. The portfolio,
    programme and project manager choices are read once each and checked against those lists
    (ids in, ids out), so that filtering costs no query more than showing the form.
    """

    portfolio = forms.TypedMultipleChoiceField(
        label=_("Portfolios"),
        coerce=int,
        required=False,
        help_text=_("None chosen: all of them."),
    )
    programme = forms.TypedChoiceField(
        label=_("Programme"), coerce=int, empty_value=None, required=False
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    project_manager = forms.TypedChoiceField(
        label=_("Project manager"), coerce=int, empty_value=None, required=False
    )
    quality = forms.ChoiceField(label=_("Quality"), required=False)
    cost = forms.ChoiceField(label=_("Cost"), required=False)
    delay = forms.ChoiceField(label=_("Delay"), required=False)
    risk = forms.ChoiceField(label=_("Risk"), required=False)
    attention = forms.BooleanField(
        label=_("Needs attention"),
        required=False,
        help_text=_("Red declared or computed, declared and computed disagreeing, or alerts."),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].choices = list(
            Portfolio.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        )
        self.fields["programme"].choices = [
            ("", _("All programmes")),
            *Programme.objects.order_by("name").values_list("pk", "name"),
        ]
        managers = (
            get_user_model()
            .objects.filter(managed_projects__phase__in=ACTIVE_PHASES)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["project_manager"].choices = [
            ("", _("All project managers")),
            *((user.pk, user.get_full_name() or user.username) for user in managers),
        ]
        self.fields["phase"].choices = [
            ("", _("All active phases")),
            *((value, label) for value, label in Phase.choices if value in ACTIVE_PHASES),
        ]
        for axis in Axis.values:
            self.fields[axis].choices = [("", _("Any")), *Rating.choices]
        self.fields["sort"].choices = [
            ("", ""),
            *((key, key) for key in DASHBOARD_SORTS),
            *((f"-{key}", f"-{key}") for key in DASHBOARD_SORTS),
        ]

    def query(self) -> dict:
        """The valid choices (a field in error counts as not chosen), for the selector: ids
        for the portfolios, programme and project manager."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "portfolios": list(data.get("portfolio") or []),
            "programme": data.get("programme"),
            "phase": data.get("phase") or None,
            "project_manager": data.get("project_manager"),
            "ratings": {axis: data[axis] for axis in Axis.values if data.get(axis)},
            "attention": bool(data.get("attention")),
            "q": (data.get("q") or "").strip(),
            "sort": data.get("sort") or "code",
        }
