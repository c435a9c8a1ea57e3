"""Filters of budget lines and cost entries, for pages and API, and the reads of their lists
(the rows joined once, the totals of what a filter kept)."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import FinancePolicy, Portfolio, Programme
from projects.choices import CostCategory, CostKind, EntrySource, Nature
from projects.models import BudgetLine, CostEntry, Project

ZERO = Decimal("0.00")


# --- reads --------------------------------------------------------------------------------


def budget_line_list() -> QuerySet[BudgetLine]:
    """Budget lines with their project, which every row shows."""
    return BudgetLine.objects.select_related("project")


def cost_entry_list() -> QuerySet[CostEntry]:
    """Cost entries with their project and who recorded them."""
    return CostEntry.objects.select_related("project", "recorded_by")


def budget_total(lines: QuerySet[BudgetLine]) -> Decimal:
    """The sum of ``lines`` (a filtered list), in one query."""
    return lines.aggregate(total=Sum("amount"))["total"] or ZERO


def cost_totals_by_kind(entries: QuerySet[CostEntry]) -> list[dict]:
    """For each kind (commitment, actual): how many of ``entries`` and their sum, in one
    query; a kind without entries is listed with zero."""
    found = {
        row["kind"]: row
        for row in entries.order_by()
        .values("kind")
        .annotate(total=Sum("amount"), count=Count("pk"))
    }
    return [
        {
            "kind": kind,
            "label": label,
            "count": found.get(kind, {}).get("count", 0),
            "total": found.get(kind, {}).get("total") or ZERO,
        }
        for kind, label in CostKind.choices
    ]


# --- filters ------------------------------------------------------------------------------


class FiscalYearField(forms.IntegerField):
    """A fiscal year: named after the calendar year it starts in, 2000 to 2100."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class FiscalYearFilter(django_filters.NumberFilter):
    field_class = FiscalYearField


class ProjectScopedFilterSet(BaseFilterSet):
    """Where a row is held: its project, or that project's programme or portfolio."""

    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("Nature"))
    category = django_filters.ChoiceFilter(choices=CostCategory.choices, label=_("Category"))


class BudgetLineFilterSet(ProjectScopedFilterSet):
    search_fields = ("project__code", "project__name", "note")
    fiscal_year = FiscalYearFilter(label=_("Fiscal year"))

    class Meta:
        model = BudgetLine
        fields = ["q", "portfolio", "programme", "project", "fiscal_year", "nature", "category"]


class CostEntryFilterSet(ProjectScopedFilterSet):
    search_fields = ("label", "supplier", "external_reference")
    kind = django_filters.ChoiceFilter(choices=CostKind.choices, label=_("Kind"))
    source = django_filters.ChoiceFilter(choices=EntrySource.choices, label=_("Source"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    fiscal_year = FiscalYearFilter(
        method="filter_fiscal_year",
        label=_("Fiscal year"),
        help_text=_("Entries dated within the fiscal year, as the finance policy sets it."),
    )

    class Meta:
        model = CostEntry
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "kind",
            "nature",
            "category",
            "source",
            "date_after",
            "date_before",
            "fiscal_year",
        ]

    def filter_fiscal_year(self, queryset, name, value):
        if value is None:
            return queryset
        first, last = FinancePolicy.get().fiscal_year_bounds(int(value))
        return queryset.filter(date__range=(first, last))
