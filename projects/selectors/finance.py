"""Reads of a project's and a portfolio's money: budget, commitments, actuals, the estimate at
completion, earned value and overruns, summed in the database so that their cost does not
grow with the number of entries or projects.

Estimate at completion (EAC): the actuals plus the estimate to complete (ETC) of the latest
submitted status (basis "reported"); without a reported ETC, the earned value's BAC / CPI
(basis "performance"); otherwise unknown. A project is in overrun when its EAC passes its
baseline budget beyond the PMO's tolerance (:meth:`FinancePolicy.overrun_threshold`); the
overrun is *unflagged* when the status it was read from still says green on Cost.

A figure "as of" a day counts the cost entries dated up to that day and reads the latest
status submitted for a week starting on or before it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portfolio.models import FinancePolicy, Portfolio, PortfolioEnvelope
from projects.choices import ACTIVE_PHASES, CostKind, EacBasis, Nature, Rating, ReportState
from projects.earned_value import EarnedValue, earned_value, money
from projects.models import BudgetLine, CostEntry, Milestone, OverrunAlert, Project, StatusReport

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PERCENT_PLACES = Decimal("0.1")
SUM_FIELD = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class ByNature:
    """An amount split into CAPEX and OPEX."""

    capex: Decimal = ZERO
    opex: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.capex + self.opex

    @classmethod
    def from_sums(cls, sums: dict) -> "ByNature":
        """From ``{nature: amount}`` (natures without amount count zero)."""
        return cls(capex=cents(sums.get(Nature.CAPEX)), opex=cents(sums.get(Nature.OPEX)))


def cents(total: Decimal | None) -> Decimal:
    """A sum read from the database, to the cent (zero when there was nothing to add):
    SQLite hands sums of decimals back with the digits of a float."""
    return money(total or ZERO)


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a % of ``whole``, to one place; None when ``whole`` is zero or missing."""
    if part is None or not whole:
        return None
    return (part * HUNDRED / whole).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FinanceSummary:
    """The headline money figures of one project on ``as_of``."""

    project: Project
    as_of: datetime.date
    budget_total: Decimal
    committed_total: Decimal
    actual_total: Decimal
    # The estimate to complete of the status read (None if it gave none).
    etc: Decimal | None
    eac: Decimal | None
    eac_basis: str | None
    consumption_percent: Decimal | None
    remaining: Decimal
    tolerance: Decimal
    threshold: Decimal
    overrun: bool
    unflagged: bool
    # The latest submitted status on ``as_of`` (None: the project never reported by then).
    status: StatusReport | None
    earned_value: EarnedValue

    @property
    def cost_rating(self) -> str | None:
        return self.status.cost_rating if self.status is not None else None

    @property
    def eac_basis_label(self) -> str:
        return EacBasis(self.eac_basis).label if self.eac_basis else ""

    @property
    def eac_percent(self) -> Decimal | None:
        """The EAC as a % of the budget."""
        return percent(self.eac, self.budget_total)

    @property
    def overrun_amount(self) -> Decimal | None:
        return self.eac - self.budget_total if self.eac is not None else None

    @property
    def overrun_percent(self) -> Decimal | None:
        """How far the EAC passes the budget, in % of it (negative: under it)."""
        return percent(self.overrun_amount, self.budget_total)


@dataclass(frozen=True)
class FiscalYearLines:
    """A project's budget lines of one fiscal year, by nature."""

    fiscal_year: int
    label: str
    amounts: ByNature


@dataclass(frozen=True)
class ProjectFinance(FinanceSummary):
    """Everything the finance panel and the API tell of one project's money on ``as_of``."""

    budget: ByNature
    committed: ByNature
    actual: ByNature
    budget_lines: list[FiscalYearLines]
    budget_lines_total: ByNature
    # Lines total minus the baseline budget; None while the project has no budget line.
    lines_difference: Decimal | None


def _headline(
    *,
    project: Project,
    as_of: datetime.date,
    policy: FinancePolicy,
    committed_total: Decimal,
    actual_total: Decimal,
    status: StatusReport | None,
    weights: list[tuple[datetime.date, int]],
) -> dict:
    """The fields of :class:`FinanceSummary` from what was read of one project."""
    budget_total = project.budget_total
    etc = status.estimate_to_complete if status is not None else None
    evm = earned_value(
        as_of=as_of,
        bac=budget_total,
        baseline_start=project.baseline_start,
        baseline_end=project.baseline_end,
        milestone_weights=weights,
        progress=status.progress if status is not None else None,
        actuals=actual_total,
    )
    if etc is not None:
        eac, basis = actual_total + etc, EacBasis.REPORTED
    elif evm.eac is not None:
        eac, basis = evm.eac, EacBasis.PERFORMANCE
    else:
        eac, basis = None, None
    threshold = policy.overrun_threshold(budget_total)
    # Without a budget there is nothing to overrun: that is a project to budget, not an alert.
    overrun = bool(budget_total > 0 and eac is not None and eac > threshold)
    unflagged = overrun and status is not None and status.cost_rating == Rating.GREEN
    return {
        "project": project,
        "as_of": as_of,
        "budget_total": budget_total,
        "committed_total": committed_total,
        "actual_total": actual_total,
        "etc": etc,
        "eac": eac,
        "eac_basis": basis,
        "consumption_percent": percent(actual_total, budget_total),
        "remaining": budget_total - actual_total,
        "tolerance": policy.overrun_tolerance,
        "threshold": threshold,
        "overrun": overrun,
        "unflagged": unflagged,
        "status": status,
        "earned_value": evm,
    }


def _statuses_as_of(projects: list[Project], as_of: datetime.date) -> dict[int, StatusReport]:
    """The latest status submitted on ``as_of`` of each project, by project id (absent: none).

    It is the project's ``last_status`` unless that one is for a later week (a figure asked
    for a past day): those are read in one query whatever their number.
    """
    found = {}
    earlier = []
    for project in projects:
        last = project.last_status
        if last is None or last.week <= as_of:
            if last is not None:
                found[project.pk] = last
        else:
            earlier.append(project.pk)
    if earlier:
        latest = (
            StatusReport.objects.filter(
                project=OuterRef("pk"), state=ReportState.SUBMITTED, week__lte=as_of
            )
            .order_by("-week", "-revision")
            .values("pk")[:1]
        )
        wanted = Project.objects.filter(pk__in=earlier).annotate(report=Subquery(latest))
        for report in StatusReport.objects.filter(pk__in=wanted.values("report")):
            found[report.project_id] = report
    return found


def _milestone_weights(project_ids) -> dict[int, list[tuple[datetime.date, int]]]:
    weights = defaultdict(list)
    for project_id, day, weight in Milestone.objects.filter(
        project_id__in=project_ids, weight__gt=0
    ).values_list("project_id", "baseline_date", "weight"):
        weights[project_id].append((day, weight))
    return weights


def _cost_sum(kind: str, as_of: datetime.date) -> Coalesce:
    """The sum of a project's entries of ``kind`` dated up to ``as_of``, as an annotation."""
    entries = (
        CostEntry.objects.filter(project=OuterRef("pk"), kind=kind, date__lte=as_of)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(entries, output_field=SUM_FIELD), Value(ZERO), output_field=SUM_FIELD)


def finance_by_project(
    projects: QuerySet[Project],
    *,
    as_of: datetime.date | None = None,
    policy: FinancePolicy | None = None,
) -> dict[int, FinanceSummary]:
    """The headline figures of each project of ``projects``, by id, in their order.

    Three to five queries whatever the number of projects and entries: the projects with
    their sums, their weighted milestones, the policy (unless given) and, for a past day,
    the statuses of that time.
    """
    as_of = as_of or timezone.localdate()
    policy = policy or FinancePolicy.get()
    rows = list(
        projects.select_related("last_status").annotate(
            actual_sum=_cost_sum(CostKind.ACTUAL, as_of),
            committed_sum=_cost_sum(CostKind.COMMITMENT, as_of),
        )
    )
    if not rows:
        return {}
    weights = _milestone_weights([project.pk for project in rows])
    statuses = _statuses_as_of(rows, as_of)
    return {
        project.pk: FinanceSummary(
            **_headline(
                project=project,
                as_of=as_of,
                policy=policy,
                committed_total=cents(project.committed_sum),
                actual_total=cents(project.actual_sum),
                status=statuses.get(project.pk),
                weights=weights.get(project.pk, []),
            )
        )
        for project in rows
    }


def project_finance(
    project: Project,
    *,
    as_of: datetime.date | None = None,
    policy: FinancePolicy | None = None,
) -> ProjectFinance:
    """A project's money on ``as_of`` (today by default): budget, budget lines by fiscal year,
    commitments and actuals by nature, ETC, EAC, consumption, overrun and earned value.

    At most five queries whatever the number of lines and entries (fewer when ``policy`` is
    given and ``project`` comes with its ``last_status``).
    """
    as_of = as_of or timezone.localdate()
    policy = policy or FinancePolicy.get()
    lines = defaultdict(dict)
    for year, nature, amount in (
        BudgetLine.objects.filter(project=project)
        .order_by()
        .values("fiscal_year", "nature")
        .annotate(amount=Sum("amount"))
        .values_list("fiscal_year", "nature", "amount")
    ):
        lines[year][nature] = amount
    sums = defaultdict(dict)
    for kind, nature, amount in (
        CostEntry.objects.filter(project=project, date__lte=as_of)
        .order_by()
        .values("kind", "nature")
        .annotate(amount=Sum("amount"))
        .values_list("kind", "nature", "amount")
    ):
        sums[kind][nature] = amount
    committed = ByNature.from_sums(sums[CostKind.COMMITMENT])
    actual = ByNature.from_sums(sums[CostKind.ACTUAL])
    weights = _milestone_weights([project.pk])
    status = _statuses_as_of([project], as_of).get(project.pk)
    budget_lines = [
        FiscalYearLines(
            fiscal_year=year,
            label=policy.fiscal_year_label(year),
            amounts=ByNature.from_sums(lines[year]),
        )
        for year in sorted(lines)
    ]
    lines_total = ByNature(
        capex=sum((row.amounts.capex for row in budget_lines), ZERO),
        opex=sum((row.amounts.opex for row in budget_lines), ZERO),
    )
    return ProjectFinance(
        **_headline(
            project=project,
            as_of=as_of,
            policy=policy,
            committed_total=committed.total,
            actual_total=actual.total,
            status=status,
            weights=weights.get(project.pk, []),
        ),
        budget=ByNature(capex=project.budget_capex, opex=project.budget_opex),
        committed=committed,
        actual=actual,
        budget_lines=budget_lines,
        budget_lines_total=lines_total,
        lines_difference=(lines_total.total - project.budget_total) if budget_lines else None,
    )


def summary_of(finance: ProjectFinance) -> FinanceSummary:
    """The headline part of a project's figures."""
    return FinanceSummary(**{f.name: getattr(finance, f.name) for f in fields(FinanceSummary)})


# --- portfolio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NatureRollUp:
    """One nature (or the total) of a portfolio's fiscal year."""

    nature: str
    label: str
    # None when the PMO set no envelope for the year.
    envelope: Decimal | None
    budgeted: Decimal
    committed: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal | None:
        """What is left of the envelope after the actuals."""
        return self.envelope - self.actual if self.envelope is not None else None

    @property
    def unallocated(self) -> Decimal | None:
        """What is left of the envelope after the budget lines (negative: over-allocated)."""
        return self.envelope - self.budgeted if self.envelope is not None else None

    @property
    def consumption_percent(self) -> Decimal | None:
        return percent(self.actual, self.envelope)


@dataclass(frozen=True)
class PortfolioFinance:
    """A portfolio's money in one fiscal year against its envelope, and the estimate at
    completion of its active projects against their budgets."""

    portfolio: Portfolio
    fiscal_year: int
    label: str
    start: datetime.date
    end: datetime.date
    # CAPEX, OPEX, then the total.
    rows: list[NatureRollUp]
    # Sum over the active projects of their EAC, their budget where it is unknown.
    eac: Decimal
    eac_budget: Decimal
    # Active projects without an EAC (counted at their budget).
    unestimated: int
    projects: list[FinanceSummary]
    overruns: list[FinanceSummary]

    @property
    def total(self) -> NatureRollUp:
        return self.rows[-1]

    @property
    def eac_difference(self) -> Decimal:
        return self.eac - self.eac_budget

    @property
    def eac_percent(self) -> Decimal | None:
        return percent(self.eac, self.eac_budget)


def portfolio_finance(
    portfolio: Portfolio, *, fiscal_year: int, policy: FinancePolicy | None = None
) -> PortfolioFinance:
    """The roll-up of ``portfolio`` for ``fiscal_year``: per nature its envelope, the budget
    lines of its projects for that year, and the commitments and actuals dated in that year
    (the policy's bounds); and over its active projects, their EAC against their budgets and
    those in overrun. Constant queries."""
    policy = policy or FinancePolicy.get()
    start, end = policy.fiscal_year_bounds(fiscal_year)
    envelope = PortfolioEnvelope.objects.filter(
        portfolio=portfolio, fiscal_year=fiscal_year
    ).first()
    budgeted = dict(
        BudgetLine.objects.filter(project__portfolio=portfolio, fiscal_year=fiscal_year)
        .order_by()
        .values("nature")
        .annotate(amount=Sum("amount"))
        .values_list("nature", "amount")
    )
    sums = defaultdict(dict)
    for kind, nature, amount in (
        CostEntry.objects.filter(project__portfolio=portfolio, date__range=(start, end))
        .order_by()
        .values("kind", "nature")
        .annotate(amount=Sum("amount"))
        .values_list("kind", "nature", "amount")
    ):
        sums[kind][nature] = amount
    rows = []
    for nature, label in Nature.choices:
        rows.append(
            NatureRollUp(
                nature=nature,
                label=label,
                envelope=getattr(envelope, nature) if envelope is not None else None,
                budgeted=cents(budgeted.get(nature)),
                committed=cents(sums[CostKind.COMMITMENT].get(nature)),
                actual=cents(sums[CostKind.ACTUAL].get(nature)),
            )
        )
    rows.append(
        NatureRollUp(
            nature="total",
            label="",
            envelope=envelope.total if envelope is not None else None,
            budgeted=sum((row.budgeted for row in rows), ZERO),
            committed=sum((row.committed for row in rows), ZERO),
            actual=sum((row.actual for row in rows), ZERO),
        )
    )
    active = list(
        finance_by_project(
            Project.objects.filter(portfolio=portfolio, phase__in=ACTIVE_PHASES).order_by("code"),
            policy=policy,
        ).values()
    )
    return PortfolioFinance(
        portfolio=portfolio,
        fiscal_year=fiscal_year,
        label=policy.fiscal_year_label(fiscal_year),
        start=start,
        end=end,
        rows=rows,
        eac=sum((s.eac if s.eac is not None else s.budget_total for s in active), ZERO),
        eac_budget=sum((s.budget_total for s in active), ZERO),
        unestimated=sum(1 for s in active if s.eac is None),
        projects=active,
        overruns=[s for s in active if s.overrun],
    )


def portfolio_fiscal_years(portfolio: Portfolio, *, policy: FinancePolicy) -> list[int]:
    """The fiscal years worth offering for ``portfolio``: those with an envelope or a budget
    line, and the current one; in order."""
    years = set(portfolio.envelopes.order_by().values_list("fiscal_year", flat=True))
    years |= set(
        BudgetLine.objects.filter(project__portfolio=portfolio)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    years.add(policy.fiscal_year(timezone.localdate()))
    return sorted(years)


# --- overrun alerts -------------------------------------------------------------------------


def overrun_alert_list() -> QuerySet[OverrunAlert]:
    """Overrun alerts with their project, the open ones first, then the latest."""
    return OverrunAlert.objects.select_related(
        "project", "project__portfolio", "project__programme", "project__project_manager"
    ).order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-pk")
