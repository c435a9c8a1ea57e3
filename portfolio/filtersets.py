"""Filters of the portfolio structure, the resource pool and the envelopes, for pages and
API."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo import months
from pmo.filtersets import BaseFilterSet
from portfolio import selectors
from portfolio.forms import MonthField, MonthInput
from portfolio.models import (
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


class StrategicObjectiveFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = StrategicObjective
        fields = ["q", "is_active"]


class PortfolioFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description")
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Owner")
    )

    class Meta:
        model = Portfolio
        fields = ["q", "owner", "is_active"]


class ProgrammeFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "outcome")
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    director = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Programme director")
    )

    class Meta:
        model = Programme
        fields = ["q", "portfolio", "director", "is_active"]


# --- resource pool ------------------------------------------------------------------------

# The value of the pool filter for the resources no portfolio holds ("?portfolio=shared").
SHARED = "shared"


def pool_filter(field_name: str = "portfolio") -> django_filters.ModelChoiceFilter:
    """A portfolio's pool, or the shared resources (held by no portfolio)."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Portfolio.objects.all(),
        label=_("Pool"),
        null_label=pgettext_lazy("resource", "Shared (no pool)"),
        null_value=SHARED,
    )


class MonthFilter(django_filters.DateFilter):
    """A month typed as YYYY-MM or as a date; a date stands for its whole month."""

    field_class = MonthField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MonthInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, months.month_start(value) if value else value)


class ResourceFilterSet(BaseFilterSet):
    search_fields = ("name", "skill", "team")
    team = django_filters.ChoiceFilter(
        choices=lambda: [(team, team) for team in selectors.teams()], label=_("Team")
    )
    skill = django_filters.CharFilter(lookup_expr="icontains", label=_("Role or skill"))
    portfolio = pool_filter()

    class Meta:
        model = Resource
        fields = ["q", "kind", "team", "skill", "portfolio", "is_active"]


class ResourceCapacityFilterSet(BaseFilterSet):
    search_fields = ("resource__name", "reason")
    resource = django_filters.ModelChoiceFilter(
        queryset=Resource.objects.all(), label=_("Resource")
    )
    portfolio = pool_filter("resource__portfolio")
    month_from = MonthFilter(field_name="month", lookup_expr="gte", label=_("From (YYYY-MM)"))
    month_to = MonthFilter(field_name="month", lookup_expr="lte", label=_("To (YYYY-MM)"))

    class Meta:
        model = ResourceCapacity
        fields = ["q", "resource", "portfolio", "month_from", "month_to"]


# --- envelopes ----------------------------------------------------------------------------


class YearFilter(django_filters.NumberFilter):
    """A whole year (a fiscal year is named by one)."""

    field_class = forms.IntegerField


class PortfolioEnvelopeFilterSet(BaseFilterSet):
    search_fields = ("portfolio__code", "portfolio__name", "note")
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    fiscal_year = YearFilter(label=_("Fiscal year"))

    class Meta:
        model = PortfolioEnvelope
        fields = ["q", "portfolio", "fiscal_year"]
