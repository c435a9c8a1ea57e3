"""The summary band of the PMO dashboard: the shape of a set of active projects this week
against last week, and the data of its four charts.

For a set of projects (the dashboard's filtered set): the projects by weather and by declared
rating on each QCDR axis, this week and last week; the reporting compliance of both weeks;
the budget against the estimate at completion; and the data of the weather chart (12 weeks),
the risk heat map, the budget burn of the fiscal year and the FTE demand against capacity.

A week's picture of a project is its latest submitted status for a week up to that week's
Monday, carried over from an earlier week when it did not report (what the PMO knows of it
then); a project that never reported by then is "not reported", a bucket of its own. Read in
a constant number of queries (11), whatever the number of projects.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from pmo import months as month_math
from portfolio.models import FinancePolicy, PortfolioEnvelope, Resource, ResourceCapacity
from projects import weeks
from projects.choices import Axis, CostKind, Rating, ReportState, Weather, WeekState
from projects.models import (
    Allocation,
    BudgetLine,
    CostEntry,
    Project,
    ReportingCalendar,
    StatusReport,
)
from projects.selectors.capacity import MonthDemand
from projects.selectors.finance import finance_by_project
from reporting import charts, compliance
from risks import selectors as risk_selectors
from risks.models import Risk, RiskPolicy

ZERO = Decimal("0")
HISTORY_WEEKS = 12
DEMAND_MONTHS = 12
NOT_REPORTED = WeekState.NOT_REPORTED
SUM_FIELD = DecimalField(max_digits=16, decimal_places=2)
STATUS_FIELDS = ("weather", *(f"{axis}_rating" for axis in Axis.values))


@dataclass(frozen=True)
class Count:
    """One bucket (a weather, a rating, "not reported"): its projects this week and last."""

    key: str
    label: str
    this_week: int
    last_week: int

    @property
    def change(self) -> int:
        return self.this_week - self.last_week


@dataclass(frozen=True)
class AxisCounts:
    """The projects by declared rating on one QCDR axis."""

    axis: str
    label: str
    counts: list[Count]


@dataclass(frozen=True)
class WeekCompliance:
    """How the projects kept one week's deadline (see :mod:`reporting.compliance`)."""

    week: datetime.date
    tally: compliance.Tally


@dataclass(frozen=True)
class Burn:
    """The fiscal year's spending: cumulative actuals at the end of each month (None for the
    months ahead), the budget lines of the year and the envelopes of the portfolios."""

    fiscal_year: int
    label: str
    months: list[datetime.date]
    actuals: list[Decimal | None]
    budget_lines: Decimal
    # None when no portfolio of the set has an envelope for the year.
    envelope: Decimal | None

    @property
    def spent(self) -> Decimal:
        return next((value for value in reversed(self.actuals) if value is not None), ZERO)


@dataclass(frozen=True)
class Summary:
    """What the summary band shows of a set of projects on ``today``."""

    today: datetime.date
    week: datetime.date
    previous_week: datetime.date
    project_count: int
    weather: list[Count]
    ratings: list[AxisCounts]
    compliance: list[WeekCompliance]
    budget_total: Decimal
    # Sum of the EAC, the budget standing for an unknown one (as the portfolio roll-up does).
    eac_total: Decimal
    unestimated: int
    overruns: int
    unflagged: int
    history_weeks: list[datetime.date]
    history: list[dict[str, int]]
    heat_map: dict
    burn: Burn
    demand: list[MonthDemand]
    scope: str = ""

    @property
    def eac_difference(self) -> Decimal:
        return self.eac_total - self.budget_total

    @property
    def eac_percent(self) -> Decimal | None:
        if not self.budget_total:
            return None
        return (self.eac_total * 100 / self.budget_total).quantize(Decimal("0.1"))

    @property
    def weather_labels(self) -> list[tuple[str, str]]:
        return [(count.key, count.label) for count in self.weather]

    # The charts, drawn once each for the page (the PDF calls the same functions).

    @cached_property
    def weather_chart(self) -> SafeString:
        return charts.weather_chart(
            self.history_weeks, self.history, self.weather_labels, scope=self.scope
        )

    @cached_property
    def heat_map_chart(self) -> SafeString:
        return charts.heat_map(self.heat_map)

    @cached_property
    def burn_chart(self) -> SafeString:
        return charts.burn_chart(
            months=self.burn.months,
            actuals=self.burn.actuals,
            budget=self.burn.budget_lines,
            envelope=self.burn.envelope,
            fiscal_year_label=self.burn.label,
            scope=self.scope,
        )

    @cached_property
    def demand_chart(self) -> SafeString:
        return charts.demand_capacity(
            months=[month.month for month in self.demand],
            demand=[month.demand for month in self.demand],
            capacity=[month.capacity for month in self.demand],
            scope=self.scope,
        )


def summary_band(
    projects: QuerySet[Project],
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    scope: str = "",
) -> Summary:
    """The summary band of ``projects`` (active ones, unsorted) on ``today`` (default: the
    site's today); compliance judged at ``now`` (default: the end of ``today`` when it is
    given, else the present moment). ``scope`` names the set in the charts' titles.

    Eleven queries whatever the number of projects: the finance policy, the projects with
    their sums, their weighted milestones, the reporting calendar, the statuses of the
    weeks, the risk policy, the heat map, the actuals by month, the demand by month, the
    resources of the pools and their capacity overrides.
    """
    if now is None:
        if today is None:
            now = timezone.now()
        else:
            now = datetime.datetime.combine(today, datetime.time.max, tzinfo=weeks.zone())
    today = today or timezone.localdate(now)
    this_week = weeks.monday_of(today)
    last_week = this_week - weeks.ONE_WEEK
    history_weeks = weeks.weeks_back(this_week, HISTORY_WEEKS)

    policy = FinancePolicy.get()
    fiscal_year = policy.fiscal_year(today)
    finance = finance_by_project(
        _with_year_budget(projects.order_by(), fiscal_year), as_of=today, policy=policy
    )
    rows = [summary.project for summary in finance.values()]

    calendar = ReportingCalendar.get()
    pictures, firsts = _week_pictures(projects, history_weeks)

    weather = _weather_counts(rows, pictures, this_week, last_week)
    ratings = _rating_counts(rows, pictures, this_week, last_week)
    history = _history(rows, pictures, history_weeks)
    week_compliance = [
        WeekCompliance(week=week, tally=_tally(rows, week, firsts, calendar, now))
        for week in (this_week, last_week)
    ]

    summaries = list(finance.values())
    envelopes = {project.portfolio_id: project.year_envelope for project in rows}
    known_envelopes = [value for value in envelopes.values() if value is not None]
    return Summary(
        today=today,
        week=this_week,
        previous_week=last_week,
        project_count=len(rows),
        weather=weather,
        ratings=ratings,
        compliance=week_compliance,
        budget_total=sum((s.budget_total for s in summaries), ZERO),
        eac_total=sum((s.eac if s.eac is not None else s.budget_total for s in summaries), ZERO),
        unestimated=sum(1 for s in summaries if s.eac is None),
        overruns=sum(1 for s in summaries if s.overrun),
        unflagged=sum(1 for s in summaries if s.unflagged),
        history_weeks=history_weeks,
        history=history,
        heat_map=risk_selectors.heat_map(
            risk_selectors.live_risks(Risk.objects.filter(project__in=projects.values("pk"))),
            threshold=RiskPolicy.get().escalation_threshold,
        ),
        burn=_burn(
            projects,
            policy=policy,
            fiscal_year=fiscal_year,
            today=today,
            budget_lines=sum((project.year_budget for project in rows), ZERO),
            envelope=sum(known_envelopes, ZERO) if known_envelopes else None,
        ),
        demand=_demand(projects, {project.portfolio_id for project in rows}, today=today),
        scope=scope,
    )


# --- reads --------------------------------------------------------------------------------


def _with_year_budget(projects: QuerySet[Project], fiscal_year: int) -> QuerySet[Project]:
    """``projects`` with the total of their budget lines of ``fiscal_year`` (``year_budget``)
    and their portfolio's envelope of that year (``year_envelope``, None without one), read
    with the finance figures in the same query."""
    lines = (
        BudgetLine.objects.filter(project=OuterRef("pk"), fiscal_year=fiscal_year)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    envelope = (
        PortfolioEnvelope.objects.filter(portfolio=OuterRef("portfolio"), fiscal_year=fiscal_year)
        .annotate(total=F("capex") + F("opex"))
        .values("total")[:1]
    )
    return projects.annotate(
        year_budget=Coalesce(
            Subquery(lines, output_field=SUM_FIELD), Value(ZERO), output_field=SUM_FIELD
        ),
        year_envelope=Subquery(envelope, output_field=SUM_FIELD),
    )


def _week_pictures(projects: QuerySet[Project], history_weeks: list[datetime.date]):
    """What is known of each project at each week of ``history_weeks``, in one query.

    Returns ``{(project id, week): (weather, ratings...) or None}`` (its latest submitted
    status up to that week, carried over) and ``{(project id, week): first submission time}``
    for the weeks of the window (what punctuality is judged on).
    """
    first, last = history_weeks[0], history_weeks[-1]
    project_ids = projects.values("pk")
    before = (
        StatusReport.objects.filter(
            project=OuterRef("pk"), state=ReportState.SUBMITTED, week__lt=first
        )
        .order_by("-week", "-revision")
        .values("pk")[:1]
    )
    earlier = Project.objects.filter(pk__in=project_ids).annotate(report=Subquery(before))
    reports = (
        StatusReport.objects.filter(
            Q(
                project__in=project_ids,
                week__gte=first,
                week__lte=last,
                state__in=compliance.SUBMITTED_STATES,
            )
            | Q(pk__in=earlier.values("report"))
        )
        .order_by()
        .values_list("project_id", "week", "state", "submitted_at", *STATUS_FIELDS)
    )
    submitted = defaultdict(dict)
    firsts = {}
    for project_id, week, state, submitted_at, *values in reports:
        if week >= first and submitted_at is not None:
            key = (project_id, week)
            if key not in firsts or submitted_at < firsts[key]:
                firsts[key] = submitted_at
        if state == ReportState.SUBMITTED:
            submitted[project_id][week] = tuple(values)
    pictures = {}
    for project_id, by_week in submitted.items():
        current = next((by_week[week] for week in sorted(by_week) if week < first), None)
        for week in history_weeks:
            current = by_week.get(week, current)
            pictures[(project_id, week)] = current
    return pictures, firsts


def _burn(
    projects: QuerySet[Project],
    *,
    policy: FinancePolicy,
    fiscal_year: int,
    today: datetime.date,
    budget_lines: Decimal,
    envelope: Decimal | None,
) -> Burn:
    """The actuals of ``projects`` by month of ``fiscal_year`` up to ``today``, cumulated."""
    start, end = policy.fiscal_year_bounds(fiscal_year)
    months = month_math.months(start, 12)
    by_month = dict(
        CostEntry.objects.filter(
            project__in=projects.values("pk"),
            kind=CostKind.ACTUAL,
            date__gte=start,
            date__lte=min(end, today),
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("month", "total")
    )
    current = month_math.month_start(today)
    running, actuals = ZERO, []
    for month in months:
        if month > current:
            actuals.append(None)
            continue
        running += by_month.get(month) or ZERO
        actuals.append(running.quantize(Decimal("0.01")))
    return Burn(
        fiscal_year=fiscal_year,
        label=policy.fiscal_year_label(fiscal_year),
        months=months,
        actuals=actuals,
        budget_lines=budget_lines,
        envelope=envelope,
    )


def _demand(
    projects: QuerySet[Project], portfolio_ids: set[int], *, today: datetime.date
) -> list[MonthDemand]:
    """The FTE planned on ``projects`` each month of the next twelve (from this one) against
    the capacity of the active resources of their portfolios' pools."""
    span = month_math.months(today, DEMAND_MONTHS)
    demand = dict(
        Allocation.objects.filter(
            project__in=projects.values("pk"), month__gte=span[0], month__lte=span[-1]
        )
        .values("month")
        .annotate(total=Sum("fte"))
        .order_by()
        .values_list("month", "total")
    )
    capacity = dict.fromkeys(span, ZERO)
    if portfolio_ids:
        resources = Resource.objects.filter(
            portfolio_id__in=portfolio_ids, is_active=True
        ).prefetch_related(
            Prefetch(
                "capacity_overrides",
                queryset=ResourceCapacity.objects.filter(
                    month__gte=span[0], month__lte=span[-1]
                ).order_by(),
                to_attr="window_overrides",
            )
        )
        for resource in resources:
            overrides = {override.month: override.fte for override in resource.window_overrides}
            for month in span:
                capacity[month] += resource.capacity_in(month, overrides)
    return [
        MonthDemand(month=month, demand=demand.get(month) or ZERO, capacity=capacity[month])
        for month in span
    ]


# --- counts -------------------------------------------------------------------------------


def _weather_counts(rows, pictures, this_week, last_week) -> list[Count]:
    keys = [*Weather.values, NOT_REPORTED]
    labels = {**dict(Weather.choices), NOT_REPORTED: WeekState.NOT_REPORTED.label}
    counts = {week: dict.fromkeys(keys, 0) for week in (this_week, last_week)}
    for project in rows:
        for week, tally in counts.items():
            picture = pictures.get((project.pk, week))
            tally[picture[0] if picture else NOT_REPORTED] += 1
    return [
        Count(
            key=key,
            label=labels[key],
            this_week=counts[this_week][key],
            last_week=counts[last_week][key],
        )
        for key in keys
    ]


def _rating_counts(rows, pictures, this_week, last_week) -> list[AxisCounts]:
    keys = [*Rating.values, NOT_REPORTED]
    labels = {**dict(Rating.choices), NOT_REPORTED: WeekState.NOT_REPORTED.label}
    result = []
    for index, (axis, axis_label) in enumerate(Axis.choices, start=1):
        counts = {week: dict.fromkeys(keys, 0) for week in (this_week, last_week)}
        for project in rows:
            for week, tally in counts.items():
                picture = pictures.get((project.pk, week))
                tally[picture[index] if picture else NOT_REPORTED] += 1
        result.append(
            AxisCounts(
                axis=axis,
                label=axis_label,
                counts=[
                    Count(
                        key=key,
                        label=labels[key],
                        this_week=counts[this_week][key],
                        last_week=counts[last_week][key],
                    )
                    for key in keys
                ],
            )
        )
    return result


def _history(rows, pictures, history_weeks) -> list[dict[str, int]]:
    """For each week of the window, the projects by weather ("not reported" included)."""
    history = []
    for week in history_weeks:
        tally = dict.fromkeys([*Weather.values, NOT_REPORTED], 0)
        for project in rows:
            picture = pictures.get((project.pk, week))
            tally[picture[0] if picture else NOT_REPORTED] += 1
        history.append(tally)
    return history


def _tally(rows, week, firsts, calendar, now) -> compliance.Tally:
    """The punctuality of ``week`` over the projects, as the compliance page judges it."""
    tally = compliance.Tally()
    for project in rows:
        state = compliance.week_state(project, week, firsts.get((project.pk, week)), calendar, now)
        tally.add(compliance.PUNCTUALITY[state])
    return tally
