"""Filters of the overrun alerts, for the overrun list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme
from projects.models import OverrunAlert, Project


class OverrunAlertFilterSet(BaseFilterSet):
    search_fields = ("project__code", "project__name")
    portfolio = django_filters.ModelMultipleChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    project = django_filters.ModelMultipleChoiceFilter(
        queryset=Project.objects.all(), label=_("Project")
    )
    # An alert is open until the estimate comes back within the tolerance.
    open = django_filters.BooleanFilter(
        field_name="closed_at", lookup_expr="isnull", label=pgettext_lazy("overrun alert", "Open")
    )
    unflagged = django_filters.BooleanFilter(
        label=pgettext_lazy("overrun alert", "Unflagged by its project")
    )

    class Meta:
        model = OverrunAlert
        fields = ["q", "portfolio", "programme", "project", "open", "unflagged"]
