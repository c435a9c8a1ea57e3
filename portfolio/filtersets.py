"""Filters of the portfolio structure, for pages and API."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme, StrategicObjective


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
