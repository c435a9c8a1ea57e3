"""Reads of capacity against demand: who is planned how much, month by month, against what
they can give.

The capacity of a resource in a month is its override for that month, else its usual FTE
(:meth:`portfolio.models.Resource.capacity_in`). An inactive resource gives nothing: it is
left out of capacity, but what is still planned on it shows as demand, flagged. The load is
allocated / capacity; a capacity of 0 with something allocated is over-allocated, its load
unknown (never a division by zero).

Every read here costs a fixed number of queries whatever the number of resources: resources
come with their overrides of the window prefetched, allocations summed in SQL by resource
and month.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pmo import months as month_math
from pmo.rules import can
from portfolio.models import Portfolio, Resource, ResourceCapacity
from projects.models import Allocation, Project

ZERO = Decimal("0")
HUNDRED = Decimal("100")
# From this share of its capacity on, a resource is well used; below, it has room.
NORMAL_FROM = Decimal("0.8")
GROUP_BY = ("resource", "team")


# --- cells and rows -----------------------------------------------------------------------


@dataclass
class Cell:
    """One month of a resource (or of a group of them): what it can give, what is planned,
    and (when the grid is read for a portfolio) the part planned on that portfolio."""

    month: datetime.date
    capacity: Decimal = ZERO
    allocated: Decimal = ZERO
    on_portfolio: Decimal | None = None
    # Members over their own capacity this month (a team row may hide them in its sum).
    over_count: int = 0

    @property
    def over(self) -> bool:
        return self.allocated > self.capacity

    @property
    def load(self) -> Decimal | None:
        """Allocated / capacity in whole percent; None without capacity."""
        if not self.capacity:
            return None
        return (self.allocated * HUNDRED / self.capacity).quantize(Decimal("1"), ROUND_HALF_UP)

    @property
    def band(self) -> str:
        """The heat map's colour: "none" (no capacity, nothing planned), "light" (under 80%),
        "normal" (80% to 100%), "over" (above capacity)."""
        if self.over:
            return "over"
        if not self.capacity:
            return "none"
        if self.allocated >= self.capacity * NORMAL_FROM:
            return "normal"
        return "light"

    def add(self, other: "Cell") -> None:
        self.capacity += other.capacity
        self.allocated += other.allocated
        if other.on_portfolio is not None:
            self.on_portfolio = (self.on_portfolio or ZERO) + other.on_portfolio
        self.over_count += other.over_count or int(other.over)


@dataclass
class Row:
    """A line of the heat map: one resource, or one team (its members summed)."""

    key: str
    label: str
    cells: list[Cell]
    resource: Resource | None = None
    team: str = ""
    members: int = 1
    is_active: bool = True

    @property
    def over_months(self) -> int:
        return sum(1 for cell in self.cells if cell.over)

    @property
    def is_over(self) -> bool:
        return any(cell.over for cell in self.cells)


@dataclass
class OverAllocation:
    """A resource planned above its capacity in a month: the over-allocation alert."""

    resource: Resource
    month: datetime.date
    capacity: Decimal
    allocated: Decimal
    excess: Decimal


# --- shared reads -------------------------------------------------------------------------


def window(first_month: datetime.date, count: int) -> list[datetime.date]:
    """The ``count`` months from ``first_month``'s."""
    return month_math.months(first_month, count)


def _in(months: list[datetime.date]) -> Q:
    return Q(month__gte=months[0], month__lte=months[-1])


def _with_overrides(resources: QuerySet[Resource], months) -> QuerySet[Resource]:
    """``resources`` with their capacity overrides of the window in ``window_overrides``."""
    return resources.prefetch_related(
        Prefetch(
            "capacity_overrides",
            queryset=ResourceCapacity.objects.filter(_in(months)).order_by(),
            to_attr="window_overrides",
        )
    )


def _capacities(resource: Resource, months) -> list[Decimal]:
    """What ``resource`` gives each month: nothing once inactive."""
    if not resource.is_active:
        return [ZERO for _month in months]
    overrides = {o.month: o.fte for o in getattr(resource, "window_overrides", ())}
    return [resource.capacity_in(month, overrides) for month in months]


def _allocated(resource_ids, months, *, portfolio: Portfolio | None = None) -> dict:
    """{(resource id, month): (total FTE, FTE on ``portfolio`` or None)} in one query."""
    if not resource_ids:
        return {}
    sums = {"total": Sum("fte")}
    if portfolio is not None:
        sums["on_portfolio"] = Sum("fte", filter=Q(project__portfolio=portfolio))
    rows = (
        Allocation.objects.filter(_in(months), resource_id__in=resource_ids)
        .values("resource_id", "month")
        .annotate(**sums)
        # The model's ordering would join projects and split the groups.
        .order_by()
    )
    return {
        (row["resource_id"], row["month"]): (
            row["total"] or ZERO,
            (row["on_portfolio"] or ZERO) if portfolio is not None else None,
        )
        for row in rows
    }


def resource_pool(*, team: str = "", skill: str = "") -> QuerySet[Resource]:
    """The resources of the pool, of one team and one skill when given."""
    resources = Resource.objects.all()
    if team:
        resources = resources.filter(team=team)
    if skill:
        resources = resources.filter(skill=skill)
    return resources


def pool_values(field_name: str) -> list[str]:
    """The distinct non-blank teams (or skills) of the pool, sorted: filter choices."""
    return list(
        Resource.objects.exclude(**{field_name: ""})
        .order_by(field_name)
        .values_list(field_name, flat=True)
        .distinct()
    )


def capacity_resources(
    *,
    first_month: datetime.date,
    months: int = 12,
    resources_qs: QuerySet[Resource] | None = None,
    portfolio: Portfolio | None = None,
) -> QuerySet[Resource]:
    """The resources a heat map shows: the active ones, and the inactive ones still planned
    in the window (their demand must show). For a portfolio: those of its pool, and those
    planned on its projects in the window, wherever their pool."""
    span = window(first_month, months)
    resources = resources_qs if resources_qs is not None else Resource.objects.all()
    planned = Allocation.objects.filter(_in(span), fte__gt=0)
    shown = Q(is_active=True) | Q(pk__in=planned.values("resource_id"))
    if portfolio is not None:
        on_portfolio = planned.filter(project__portfolio=portfolio).values("resource_id")
        shown = (Q(portfolio=portfolio) & shown) | Q(pk__in=on_portfolio)
    return resources.filter(shown)


# --- the heat map -------------------------------------------------------------------------


def capacity_grid(
    *,
    first_month: datetime.date,
    months: int = 12,
    resources_qs: QuerySet[Resource] | None = None,
    portfolio: Portfolio | None = None,
    group_by: str = "resource",
    over_only: bool = False,
) -> dict:
    """The capacity heat map: rows (resources, or teams) × ``months`` months from
    ``first_month``, each cell its capacity, allocated FTE, load and over flag; and the
    totals per month of the rows shown.

    ``resources_qs`` narrows the pool (a team, a skill). With ``portfolio``, the rows are the
    resources of its pool and those planned on its projects (:func:`capacity_resources`);
    their load still counts all their allocations (overload is about the person), the part
    on the portfolio in ``Cell.on_portfolio``. ``over_only`` keeps the rows over capacity in
    at least one month. Three queries, whatever the number of resources.
    """
    if group_by not in GROUP_BY:
        raise ValueError(group_by)
    span = window(first_month, months)
    resources = list(
        _with_overrides(
            capacity_resources(
                first_month=first_month,
                months=months,
                resources_qs=resources_qs,
                portfolio=portfolio,
            ),
            span,
        )
    )
    allocated = _allocated([r.pk for r in resources], span, portfolio=portfolio)
    no_portfolio_part = (ZERO, None)
    resource_rows = []
    for resource in resources:
        cells = []
        for month, capacity in zip(span, _capacities(resource, span), strict=True):
            total, part = allocated.get((resource.pk, month), no_portfolio_part)
            if portfolio is not None and part is None:
                part = ZERO
            cells.append(Cell(month=month, capacity=capacity, allocated=total, on_portfolio=part))
        resource_rows.append(
            Row(
                key=f"resource-{resource.pk}",
                label=resource.name,
                cells=cells,
                resource=resource,
                team=resource.team,
                is_active=resource.is_active,
            )
        )
    rows = resource_rows if group_by == "resource" else _team_rows(resource_rows, span)
    if over_only:
        rows = [row for row in rows if row.is_over]
    totals = [Cell(month=month, on_portfolio=ZERO if portfolio else None) for month in span]
    for row in rows:
        for total, cell in zip(totals, row.cells, strict=True):
            total.capacity += cell.capacity
            total.allocated += cell.allocated
            if cell.on_portfolio is not None:
                total.on_portfolio += cell.on_portfolio
            total.over_count += cell.over_count if group_by == "team" else int(cell.over)
    return {
        "months": span,
        "first_month": span[0],
        "rows": rows,
        "totals": totals,
        "group_by": group_by,
        "portfolio": portfolio,
        "over_rows": sum(1 for row in rows if row.is_over),
    }


def _team_rows(resource_rows: list[Row], span) -> list[Row]:
    """The resource rows summed by team (the teamless last)."""
    teams: dict[str, Row] = {}
    for row in resource_rows:
        team = teams.get(row.team)
        if team is None:
            team = teams[row.team] = Row(
                key=f"team-{row.team}",
                label=row.team or _("No team"),
                cells=[Cell(month=month) for month in span],
                team=row.team,
                members=0,
            )
        team.members += 1
        for total, cell in zip(team.cells, row.cells, strict=True):
            total.add(cell)
    return sorted(teams.values(), key=lambda row: (not row.team, row.team.casefold()))


def over_allocations(
    *,
    first_month: datetime.date,
    months: int = 12,
    resources_qs: QuerySet[Resource] | None = None,
) -> list[OverAllocation]:
    """The over-allocation alerts of the window: each resource and month where the FTE
    planned exceeds the capacity (an inactive resource still planned has none), by month
    then resource. Three queries."""
    span = window(first_month, months)
    planned = Allocation.objects.filter(_in(span), fte__gt=0)
    if resources_qs is not None:
        planned = planned.filter(resource__in=resources_qs.values("pk"))
    sums = list(planned.values("resource_id", "month").annotate(total=Sum("fte")).order_by())
    if not sums:
        return []
    resources = {
        r.pk: r
        for r in _with_overrides(
            Resource.objects.filter(pk__in={row["resource_id"] for row in sums}), span
        )
    }
    capacities = {
        pk: dict(zip(span, _capacities(r, span), strict=True)) for pk, r in resources.items()
    }
    alerts = []
    for row in sums:
        resource = resources[row["resource_id"]]
        capacity = capacities[resource.pk][row["month"]]
        if row["total"] > capacity:
            alerts.append(
                OverAllocation(
                    resource=resource,
                    month=row["month"],
                    capacity=capacity,
                    allocated=row["total"],
                    excess=row["total"] - capacity,
                )
            )
    alerts.sort(key=lambda a: (a.month, a.resource.name.casefold(), a.resource.pk))
    return alerts


# --- a project, a portfolio, a resource ---------------------------------------------------


@dataclass
class StaffingCell(Cell):
    """A month of a resource on a project: the FTE planned on the project (None if no
    allocation), and the resource's whole load that month (``allocated``, all projects)."""

    fte: Decimal | None = None
    allocation_id: int | None = None


@dataclass
class StaffingRow:
    resource: Resource
    cells: list[StaffingCell] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((cell.fte or ZERO for cell in self.cells), ZERO)

    @property
    def is_over(self) -> bool:
        return any(cell.over and cell.fte for cell in self.cells)


def project_staffing(project: Project, *, first_month: datetime.date, months: int = 12) -> dict:
    """Who is planned on ``project``, resource × month, with each resource's whole load each
    month (to see who is overloaded elsewhere); and the project's FTE per month. Three
    queries."""
    span = window(first_month, months)
    allocations = list(
        Allocation.objects.filter(_in(span), project=project)
        .select_related("resource")
        .order_by("resource__name", "resource_id", "month")
    )
    resources: dict[int, Resource] = {}
    planned: dict[tuple[int, datetime.date], Allocation] = {}
    for allocation in allocations:
        resources.setdefault(allocation.resource_id, allocation.resource)
        planned[(allocation.resource_id, allocation.month)] = allocation
    overrides = defaultdict(dict)
    if resources:
        for override in ResourceCapacity.objects.filter(
            _in(span), resource_id__in=list(resources)
        ).order_by():
            overrides[override.resource_id][override.month] = override.fte
    loads = _allocated(list(resources), span)
    rows = []
    for resource in resources.values():
        row = StaffingRow(resource=resource)
        for month in span:
            allocation = planned.get((resource.pk, month))
            capacity = (
                resource.capacity_in(month, overrides[resource.pk]) if resource.is_active else ZERO
            )
            row.cells.append(
                StaffingCell(
                    month=month,
                    capacity=capacity,
                    allocated=loads.get((resource.pk, month), (ZERO, None))[0],
                    fte=allocation.fte if allocation else None,
                    allocation_id=allocation.pk if allocation else None,
                )
            )
        rows.append(row)
    totals = [sum((row.cells[i].fte or ZERO for row in rows), ZERO) for i in range(len(span))]
    return {"months": span, "rows": rows, "totals": totals}


@dataclass
class MonthDemand:
    """A month of a portfolio: FTE planned on its projects against its pool's capacity."""

    month: datetime.date
    demand: Decimal
    capacity: Decimal

    @property
    def gap(self) -> Decimal:
        """Capacity left (positive) or missing (negative)."""
        return self.capacity - self.demand

    @property
    def over(self) -> bool:
        return self.demand > self.capacity


def portfolio_demand(
    portfolio: Portfolio, *, first_month: datetime.date, months: int = 12
) -> list[MonthDemand]:
    """Each month of the window: the FTE demand of ``portfolio`` (allocations on its projects,
    whoever the resource) against its capacity (the active resources of its pool). Three
    queries."""
    span = window(first_month, months)
    demand = dict(
        Allocation.objects.filter(_in(span), project__portfolio=portfolio)
        .values("month")
        .annotate(total=Sum("fte"))
        .order_by()
        .values_list("month", "total")
    )
    capacity = dict.fromkeys(span, ZERO)
    for resource in _with_overrides(
        Resource.objects.filter(portfolio=portfolio, is_active=True), span
    ):
        for month, fte in zip(span, _capacities(resource, span), strict=True):
            capacity[month] += fte
    return [
        MonthDemand(month=month, demand=demand.get(month) or ZERO, capacity=capacity[month])
        for month in span
    ]


def resource_allocations(
    resource: Resource, *, first_month: datetime.date, months: int = 12
) -> dict:
    """One resource over the window: each month's capacity, allocated FTE and load, and its
    allocations by project (FTE per month, None where not planned). Two queries."""
    span = window(first_month, months)
    allocations = list(
        Allocation.objects.filter(_in(span), resource=resource)
        .select_related("project")
        .order_by("project__code", "month")
    )
    overrides = dict(
        ResourceCapacity.objects.filter(_in(span), resource=resource)
        .order_by()
        .values_list("month", "fte")
    )
    cells = [
        Cell(
            month=month,
            capacity=resource.capacity_in(month, overrides) if resource.is_active else ZERO,
        )
        for month in span
    ]
    index = {month: i for i, month in enumerate(span)}
    projects: dict[int, dict] = {}
    for allocation in allocations:
        i = index[allocation.month]
        cells[i].allocated += allocation.fte
        entry = projects.setdefault(
            allocation.project_id,
            {"project": allocation.project, "ftes": [None] * len(span), "total": ZERO},
        )
        entry["ftes"][i] = allocation.fte
        entry["total"] += allocation.fte
    return {"months": span, "cells": cells, "projects": list(projects.values())}


# --- lists --------------------------------------------------------------------------------


def allocation_list() -> QuerySet[Allocation]:
    """Allocations with what a list shows of them joined: no query per row."""
    return Allocation.objects.select_related("resource", "project", "project__portfolio")


def projects_staffable_by(user) -> QuerySet[Project]:
    """The projects ``user`` may plan resources on, as the rules say (for a project manager:
    the not-ended projects they manage)."""
    allowed = [
        project.pk
        for project in Project.objects.only("pk", "phase", "project_manager_id")
        if can(user, "add", Allocation, parent=project)
    ]
    return Project.objects.filter(pk__in=allowed).order_by("code")
