"""Reads of the portfolio structure and the resource pool, annotated so that a list costs
the same at any size."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pmo import months
from portfolio.models import (
    ZERO,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)

# Counted projects exclude the cancelled ones: they no longer weigh on the portfolio.
# Meta.ordering does not apply to aggregated (GROUP BY) querysets: each list orders itself.
LIVE_PROJECTS = ~Q(projects__phase="cancelled")


def objective_list() -> QuerySet[StrategicObjective]:
    return StrategicObjective.objects.annotate(
        project_count=Count("contributions", distinct=True)
    ).order_by(*StrategicObjective._meta.ordering)


def portfolio_list() -> QuerySet[Portfolio]:
    return (
        Portfolio.objects.select_related("owner")
        .annotate(
            programme_count=Count("programmes", distinct=True),
            project_count=Count("projects", filter=LIVE_PROJECTS, distinct=True),
        )
        .order_by(*Portfolio._meta.ordering)
    )


def programme_list() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("portfolio", "director")
        .annotate(project_count=Count("projects", filter=LIVE_PROJECTS, distinct=True))
        .order_by(*Programme._meta.ordering)
    )


# --- resource pool ------------------------------------------------------------------------

# How far ahead a resource's page and its API representation show its monthly capacity.
PLAN_MONTHS = 12


def current_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of this month (in the site's time zone)."""
    return months.month_start(today or timezone.localdate())


def resource_list(*, month: datetime.date | None = None) -> QuerySet[Resource]:
    """Resources with their pool and account, and ``capacity_this_month``: the FTE of
    ``month`` (this month by default), its override if it has one, else the usual one."""
    month = months.month_start(month) if month else current_month()
    override = ResourceCapacity.objects.filter(resource=OuterRef("pk"), month=month).values("fte")
    return Resource.objects.select_related("portfolio", "user").annotate(
        capacity_this_month=Coalesce(
            Subquery(override[:1]),
            "capacity_fte",
            output_field=DecimalField(max_digits=6, decimal_places=2),
        )
    )


def upcoming_overrides(*, first: datetime.date | None = None, count: int = PLAN_MONTHS) -> Prefetch:
    """Prefetch of each resource's overrides from ``first`` (this month) for ``count``
    months, as ``upcoming_overrides``: one query for a whole list."""
    first = months.month_start(first) if first else current_month()
    return Prefetch(
        "capacity_overrides",
        queryset=ResourceCapacity.objects.filter(
            month__gte=first, month__lt=months.add_months(first, count)
        ).order_by("month"),
        to_attr="upcoming_overrides",
    )


def resource_capacity_plan(
    resource: Resource, *, first: datetime.date | None = None, count: int = PLAN_MONTHS
) -> list[dict]:
    """``count`` months of ``resource`` from ``first`` (this month): each month's FTE, and
    its override (with the reason) when it has one, else ``None`` (the usual capacity)."""
    plan = months.months(first or current_month(), count)
    overrides = {
        o.month: o
        for o in resource.capacity_overrides.filter(month__gte=plan[0], month__lte=plan[-1])
    }
    return [
        {
            "month": month,
            "fte": overrides[month].fte if month in overrides else resource.capacity_fte,
            "override": overrides.get(month),
        }
        for month in plan
    ]


def capacities(
    resources, first: datetime.date, last: datetime.date
) -> dict[int, dict[datetime.date, Decimal]]:
    """The FTE of each of ``resources`` (a queryset or a list) in each month from ``first``'s
    to ``last``'s, overrides applied: ``{resource id: {month: fte}}``, in at most two
    queries whatever the number of resources and months."""
    if isinstance(resources, QuerySet):
        resources = list(resources.only("pk", "capacity_fte"))
    span = list(months.months_between(first, last))
    if not resources or not span:
        return {}
    overrides = defaultdict(dict)
    for resource_id, month, fte in ResourceCapacity.objects.filter(
        resource__in=[r.pk for r in resources], month__gte=span[0], month__lte=span[-1]
    ).values_list("resource_id", "month", "fte"):
        overrides[resource_id][month] = fte
    return {
        r.pk: {month: overrides[r.pk].get(month, r.capacity_fte) for month in span}
        for r in resources
    }


def resource_capacity_list() -> QuerySet[ResourceCapacity]:
    return ResourceCapacity.objects.select_related("resource")


def teams() -> list[str]:
    """The teams named in the pool, for a filter's choices."""
    return list(
        Resource.objects.exclude(team="").order_by("team").values_list("team", flat=True).distinct()
    )


# --- envelopes ----------------------------------------------------------------------------


def envelope_list() -> QuerySet[PortfolioEnvelope]:
    """Envelopes with their portfolio and ``amount_total`` (CAPEX + OPEX, to sort on)."""
    return PortfolioEnvelope.objects.select_related("portfolio").annotate(
        amount_total=F("capex") + F("opex")
    )


def envelope_totals(queryset: QuerySet[PortfolioEnvelope]) -> dict[str, Decimal]:
    """The CAPEX, OPEX and total of the envelopes of ``queryset``, in one query."""
    sums = queryset.order_by().aggregate(
        capex=Coalesce(Sum("capex"), ZERO, output_field=DecimalField()),
        opex=Coalesce(Sum("opex"), ZERO, output_field=DecimalField()),
    )
    return {**sums, "total": sums["capex"] + sums["opex"]}
