"""Filters of allocations, for the allocation list page and the ``allocations`` endpoint."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme, Resource
from projects.choices import EntrySource
from projects.forms.staffing import MonthField, MonthInput
from projects.models import Allocation, Project


class MonthFilter(django_filters.Filter):
    """A month, typed YYYY-MM (or YYYY-MM-01)."""

    field_class = MonthField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MonthInput)
        super().__init__(*args, **kwargs)


class AllocationFilterSet(BaseFilterSet):
    search_fields = ("resource__name", "project__code", "project__name", "note")
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    resource = django_filters.ModelChoiceFilter(
        queryset=Resource.objects.all(), label=_("Resource")
    )
    team = django_filters.CharFilter(field_name="resource__team", label=_("Team"))
    skill = django_filters.CharFilter(field_name="resource__skill", label=_("Role or skill"))
    month_after = MonthFilter(field_name="month", lookup_expr="gte", label=_("From month"))
    month_before = MonthFilter(field_name="month", lookup_expr="lte", label=_("To month"))
    source = django_filters.ChoiceFilter(choices=EntrySource.choices, label=_("Source"))

    class Meta:
        model = Allocation
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "resource",
            "team",
            "skill",
            "month_after",
            "month_before",
            "source",
        ]
