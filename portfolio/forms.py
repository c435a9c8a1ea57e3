"""Forms of the portfolio structure, the resource pool, the envelopes and the finance
policy."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.forms import UserAwareModelForm
from pmo.roles import Role
from portfolio import services
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


def users_with_role(*roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StrategicObjectiveForm(UserAwareModelForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "name", "description", "weight", "is_active"]


class PortfolioForm(UserAwareModelForm):
    class Meta:
        model = Portfolio
        fields = ["code", "name", "description", "owner", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_role(Role.PMO_MANAGER)


class ProgrammeForm(UserAwareModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "portfolio", "director", "outcome", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_active=True)
        self.fields["director"].queryset = users_with_role(
            Role.PMO_MANAGER, Role.PROJECT_MANAGER, Role.EXECUTIVE
        )


# --- months -------------------------------------------------------------------------------


class MonthInput(forms.DateInput):
    """A browser's month picker, sending YYYY-MM."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (what ``<input type="month">`` sends) or as its first day,
    YYYY-MM-DD; the value is a date (the first day when typed as YYYY-MM)."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a valid month, e.g. 2026-08.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", self.input_formats)
        super().__init__(**kwargs)


# --- resource pool ------------------------------------------------------------------------


class ResourceForm(UserAwareModelForm):
    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "user",
            "skill",
            "team",
            "portfolio",
            "capacity_fte",
            "daily_rate",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active people without a resource yet, and the one this resource already has.
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(Q(is_active=True, resource__isnull=True) | Q(pk=self.instance.user_id))
            .order_by("last_name", "first_name", "username")
        )
        self.fields["portfolio"].queryset = Portfolio.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.portfolio_id)
        )
        self.fields["portfolio"].empty_label = pgettext_lazy("resource", "Shared (no pool)")


class ResourceCapacityForm(forms.Form):
    """A month's capacity of a resource: which month, how many FTE, why. Whether it may be
    set is the service's answer."""

    month = MonthField(label=_("Month"))
    fte = ResourceCapacity._meta.get_field("fte").formfield(label=_("Capacity (FTE)"))
    reason = ResourceCapacity._meta.get_field("reason").formfield()

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


# --- envelopes and the finance policy -----------------------------------------------------


class PortfolioEnvelopeForm(UserAwareModelForm):
    class Meta:
        model = PortfolioEnvelope
        fields = ["portfolio", "fiscal_year", "capex", "opex", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.portfolio_id)
        )
        policy = FinancePolicy.get()
        if policy.fiscal_year_start_month != 1:
            # A fiscal year straddling two calendar years: say which one its number names.
            first, last = policy.fiscal_year_bounds(policy.fiscal_year(timezone.localdate()))
            self.fields["fiscal_year"].help_text = _(
                "Named after the calendar year it starts in: %(year)s runs from %(first)s "
                "to %(last)s."
            ) % {
                "year": first.year,
                "first": date_format(first, "SHORT_DATE_FORMAT"),
                "last": date_format(last, "SHORT_DATE_FORMAT"),
            }

    def clean(self):
        cleaned = super().clean()
        # Said next to the year, before the database constraint says it about the whole row.
        error = services.envelope_year_error(
            portfolio=cleaned.get("portfolio"),
            fiscal_year=cleaned.get("fiscal_year"),
            envelope=self.instance if self.instance.pk else None,
        )
        if error is not None:
            self.add_error(None, error)
        return cleaned


class FinancePolicyForm(forms.ModelForm):
    class Meta:
        model = FinancePolicy
        fields = ["fiscal_year_start_month", "overrun_tolerance"]
