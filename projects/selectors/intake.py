"""Reads of project requests (launch notes) and of the figures of a closure report.

Who sees which request is a rule (:class:`projects.rules.ProjectRequestRules`): the list a
user gets is filtered here the same way, so that a request one may not see is absent from
lists and answers 404 when asked by its id (its existence does not leak).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone

from pmo.roles import has_any_role
from projects.choices import CostKind
from projects.models import ClosureReport, CostEntry, Project, ProjectRequest
from projects.rules import sees_every_request
from projects.selectors.finance import ByNature, cents


def request_list() -> QuerySet[ProjectRequest]:
    """Every request with what its list and page show, newest first."""
    return ProjectRequest.objects.select_related(
        "portfolio", "programme", "sponsor", "requested_by", "reviewed_by", "project"
    ).prefetch_related("strategic_objectives")


def request_list_for(user) -> QuerySet[ProjectRequest]:
    """The requests ``user`` may see: all of them for the PMO and executives, those they
    filed or sponsor for the others, none without a role."""
    requests = request_list()
    if not has_any_role(user):
        return requests.none()
    if sees_every_request(user):
        return requests
    return requests.filter(Q(requested_by=user) | Q(sponsor=user))


def closure_report_list() -> QuerySet[ClosureReport]:
    return ClosureReport.objects.select_related(
        "project", "project__portfolio", "written_by", "approved_by"
    )


@dataclass(frozen=True)
class ActualCost:
    """A project's actual cost by nature and the date of its first actual entry."""

    amounts: ByNature
    first_date: datetime.date | None


def actual_cost(project: Project) -> ActualCost:
    """The sum of the project's actual cost entries by nature (every date), in one query,
    and the date of the first one."""
    rows = (
        CostEntry.objects.filter(project=project, kind=CostKind.ACTUAL)
        .order_by()
        .values("nature")
        .annotate(amount=Sum("amount"), first=Min("date"))
    )
    sums, first = {}, None
    for row in rows:
        sums[row["nature"]] = row["amount"]
        if first is None or row["first"] < first:
            first = row["first"]
    return ActualCost(amounts=ByNature.from_sums(sums), first_date=first)


@dataclass(frozen=True)
class ClosureFigures:
    """Final cost and dates against the baseline: frozen on the report once approved, read
    live from the project's actuals and forecast before."""

    frozen: bool
    budget: ByNature
    final: ByNature
    baseline_start: datetime.date | None
    baseline_end: datetime.date | None
    actual_start: datetime.date | None
    actual_end: datetime.date | None

    @property
    def cost_variance(self) -> Decimal:
        """Final cost minus budget (positive: over budget)."""
        return self.final.total - self.budget.total

    @property
    def end_slip_days(self) -> int | None:
        """Days the actual end lies after the baseline end (negative: early)."""
        if self.baseline_end and self.actual_end:
            return (self.actual_end - self.baseline_end).days
        return None


def live_dates(
    project: Project, first_actual: datetime.date | None, on: datetime.date
) -> tuple[datetime.date | None, datetime.date]:
    """The actual start and end a closure would freeze on ``on``: the project's forecast
    dates, else the first actual cost and ``on``."""
    return project.forecast_start or first_actual, project.forecast_end or on


def closure_figures(
    project: Project, report: ClosureReport | None, *, on: datetime.date | None = None
) -> ClosureFigures:
    """The figures of ``project``'s closure: the report's frozen ones once approved, else
    the project's actuals (one query) and its forecast dates as of ``on`` (today)."""
    budget = ByNature(capex=project.budget_capex, opex=project.budget_opex)
    if report is not None and report.approved_on is not None:
        return ClosureFigures(
            frozen=True,
            budget=budget,
            final=ByNature(capex=cents(report.final_capex), opex=cents(report.final_opex)),
            baseline_start=project.baseline_start,
            baseline_end=project.baseline_end,
            actual_start=report.actual_start,
            actual_end=report.actual_end,
        )
    cost = actual_cost(project)
    start, end = live_dates(project, cost.first_date, on or timezone.localdate())
    return ClosureFigures(
        frozen=False,
        budget=budget,
        final=cost.amounts,
        baseline_start=project.baseline_start,
        baseline_end=project.baseline_end,
        actual_start=start,
        actual_end=end,
    )
