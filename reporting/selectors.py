"""Reads of the reporting app: the health of each project, declared beside computed, for the
PMO dashboard, its exports and the alerts, in a constant number of queries whatever the number
of projects."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portfolio.models import FinancePolicy
from projects.choices import (
    ACTIVE_PHASES,
    RATING_RANK,
    WEATHER_RANK,
    Axis,
    Phase,
    Rating,
    ReportState,
)
from projects.models import Milestone, Project, StatusReport
from projects.selectors.finance import finance_by_project
from projects.status import trend
from reporting import health
from reporting.choices import AlertSeverity, RunState
from reporting.models import Alert, HealthPolicy, ReportRun
from risks.choices import LIVE_RISK_STATUSES
from risks.models import Risk

ONE_WEEK = datetime.timedelta(days=7)
# The axes as plain strings, read once: enum look-ups add up over a thousand rows.
AXES = tuple(Axis.values)
RED = Rating.RED.value
# The long texts of a status, which no health figure reads: left in the database (read on
# access) so that a thousand rows do not carry a thousand reports' prose.
STATUS_PROSE = (
    "quality_comment",
    "cost_comment",
    "delay_comment",
    "risk_comment",
    "achievements",
    "next_steps",
    "attention_points",
    "decisions_requested",
    "amendment_reason",
)


@dataclass(frozen=True)
class HealthRow:
    """One project's health on a day: its latest submitted status and the one of the week
    before, the declared and computed QCDR ratings, their gaps and trends, and the figures
    the computed ratings come from."""

    project: Project
    status: StatusReport | None
    previous: StatusReport | None
    # axis -> rating (None: never reported, or nothing to compute it from).
    declared: dict
    computed: dict
    # axis -> levels the computed rating is worse (+) or better (-) than the declared one.
    gaps: dict
    # axis -> better / same / worse against the previous week (None: unknown).
    trends: dict
    weather: str | None
    weather_trend: str | None
    report_age_days: int | None
    budget: Decimal
    eac: Decimal | None
    eac_basis: str | None
    consumption_percent: Decimal | None
    eac_percent: Decimal | None
    slip_days: int | None
    overdue_milestones: int
    top_risk_score: int | None
    open_alerts: int
    needs_attention: bool


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on ``OuterRef("pk")``), as an annotation."""
    counted = queryset.order_by().values("project").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def health_annotations(today: datetime.date) -> dict:
    """The annotations :func:`health_rows` reads on each project: the submitted status of the
    week before the latest one, the milestones overdue on ``today``, the highest score of the
    live risks and the open alerts."""
    week_before = ExpressionWrapper(
        OuterRef("last_status__week") - ONE_WEEK, output_field=DateField()
    )
    previous = (
        StatusReport.objects.filter(
            project=OuterRef("pk"), state=ReportState.SUBMITTED, week=week_before
        )
        .order_by()
        .values("pk")[:1]
    )
    overdue = Milestone.objects.filter(project=OuterRef("pk"), actual_date__isnull=True).annotate(
        expected=Coalesce("forecast_date", "baseline_date")
    )
    # The live statuses filter the aggregate, not the rows: a condition on the status lets
    # the planner scan the (status, score) index of every project's risks once per project.
    top_risk = (
        Risk.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(top=Max("score", filter=Q(status__in=LIVE_RISK_STATUSES)))
        .values("top")
    )
    return {
        "previous_status_id": Subquery(previous),
        "overdue_milestone_count": _count(overdue.filter(expected__lt=today)),
        "top_risk_score": Subquery(top_risk, output_field=IntegerField()),
        "open_alert_count": _count(
            Alert.objects.filter(project=OuterRef("pk"), resolved_at__isnull=True)
        ),
        "high_alert_count": _count(
            Alert.objects.filter(
                project=OuterRef("pk"), resolved_at__isnull=True, severity=AlertSeverity.HIGH
            )
        ),
    }


def _trends(status: StatusReport | None, previous: StatusReport | None) -> tuple[dict, str | None]:
    if status is None or previous is None:
        return dict.fromkeys(AXES), None
    trends = {
        axis: trend(
            RATING_RANK[getattr(status, f"{axis}_rating")],
            RATING_RANK[getattr(previous, f"{axis}_rating")],
        )
        for axis in AXES
    }
    return trends, trend(WEATHER_RANK[status.weather], WEATHER_RANK[previous.weather])


def health_rows(
    projects: QuerySet[Project],
    *,
    today: datetime.date | None = None,
    policy: HealthPolicy | None = None,
    finance_policy: FinancePolicy | None = None,
) -> list[HealthRow]:
    """The :class:`HealthRow` of each project of ``projects``, in their order.

    Five queries whatever the number of projects, reports, milestones, risks and alerts (three
    when both policies are given): the projects with their related rows and counts, their
    weighted milestones (for the earned value), the statuses of the week before and the two
    policies. The statuses come without their prose (comments, achievements...): read on
    access, one query each.
    """
    today = today or timezone.localdate()
    policy = policy or HealthPolicy.get()
    queryset = (
        projects.select_related("portfolio", "programme", "project_manager", "last_status")
        .defer(*(f"last_status__{field}" for field in STATUS_PROSE))
        .annotate(**health_annotations(today))
    )
    finances = finance_by_project(queryset, as_of=today, policy=finance_policy)
    previous_ids = [
        summary.project.previous_status_id
        for summary in finances.values()
        if summary.project.previous_status_id
    ]
    previous_reports = (
        {
            report.pk: report
            for report in StatusReport.objects.filter(pk__in=previous_ids).defer(*STATUS_PROSE)
        }
        if previous_ids
        else {}
    )
    now = timezone.now()
    rows = []
    for summary in finances.values():
        project = summary.project
        status = project.last_status
        previous = previous_reports.get(project.previous_status_id)
        declared = (
            {
                "quality": status.quality_rating,
                "cost": status.cost_rating,
                "delay": status.delay_rating,
                "risk": status.risk_rating,
            }
            if status is not None
            else dict.fromkeys(AXES)
        )
        slip_days = project.schedule_slip_days
        overdue = project.overdue_milestone_count
        computed = {
            "quality": None,
            "cost": health.computed_cost(
                eac=summary.eac, budget=summary.budget_total, policy=policy
            ),
            "delay": health.computed_delay(
                slip_days=slip_days, overdue_milestones=overdue, policy=policy
            ),
            "risk": health.computed_risk(top_score=project.top_risk_score, policy=policy),
        }
        gaps = {axis: health.gap(declared[axis], computed[axis]) for axis in AXES}
        trends, weather_trend = _trends(status, previous)
        submitted_at = status.submitted_at if status is not None else None
        ratings = [*declared.values(), *computed.values()]
        rows.append(
            HealthRow(
                project=project,
                status=status,
                previous=previous,
                declared=declared,
                computed=computed,
                gaps=gaps,
                trends=trends,
                weather=status.weather if status is not None else None,
                weather_trend=weather_trend,
                report_age_days=(now - submitted_at).days if submitted_at else None,
                budget=summary.budget_total,
                eac=summary.eac,
                eac_basis=summary.eac_basis,
                consumption_percent=summary.consumption_percent,
                eac_percent=summary.eac_percent,
                slip_days=slip_days,
                overdue_milestones=overdue,
                top_risk_score=project.top_risk_score,
                open_alerts=project.open_alert_count,
                needs_attention=(
                    RED in ratings
                    or any(abs(value) >= 1 for value in gaps.values())
                    # A slipped milestone or an action a few days late is on the alerts
                    # page; only what weighs most makes the project one to look at.
                    or project.high_alert_count > 0
                ),
            )
        )
    return rows


# --- the dashboard ---------------------------------------------------------------------------


def dashboard_projects(
    *,
    portfolios=(),
    programme=None,
    phase: str | None = None,
    project_manager=None,
    ratings: dict | None = None,
    q: str = "",
) -> QuerySet[Project]:
    """The active projects of the dashboard, narrowed by what the database can tell: the
    portfolios (all when none), programme, phase, project manager, declared ratings (of the
    latest submitted status) and a text in the code or name. Portfolios, programme and
    project manager: instances or ids."""
    projects = Project.objects.filter(phase__in=ACTIVE_PHASES)
    if portfolios:
        projects = projects.filter(portfolio__in=portfolios)
    if programme is not None:
        projects = projects.filter(programme=programme)
    if phase:
        projects = projects.filter(phase=phase)
    if project_manager is not None:
        projects = projects.filter(project_manager=project_manager)
    for axis, rating in (ratings or {}).items():
        projects = projects.filter(**{f"last_status__{axis}_rating": rating})
    if q:
        projects = projects.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return projects.order_by("code")


PHASE_ORDER = {value: index for index, value in enumerate(Phase.values)}


def _rank(rating: str | None) -> int | None:
    return RATING_RANK[rating] if rating is not None else None


def _text(value) -> str | None:
    return str(value).lower() if value is not None else None


# Each column's sort value of a row; None: unknown, listed last in either direction.
DASHBOARD_SORT_KEYS = {
    "code": lambda row: row.project.code,
    "name": lambda row: row.project.name.lower(),
    "programme": lambda row: _text(row.project.programme),
    "project_manager": lambda row: _text(row.project.project_manager),
    "phase": lambda row: PHASE_ORDER[row.project.phase],
    "weather": lambda row: WEATHER_RANK[row.weather] if row.weather is not None else None,
    **{axis: (lambda row, axis=axis: _rank(row.declared[axis])) for axis in Axis.values},
    **{
        f"computed_{axis}": (lambda row, axis=axis: _rank(row.computed[axis]))
        for axis in ("cost", "delay", "risk")
    },
    "report_age": lambda row: row.report_age_days,
    "consumption": lambda row: row.consumption_percent,
    "eac": lambda row: row.eac_percent,
    "slip": lambda row: row.slip_days,
    "top_risk": lambda row: row.top_risk_score,
    "alerts": lambda row: row.open_alerts,
}


def sort_rows(rows: list[HealthRow], sort: str) -> list[HealthRow]:
    """``rows`` sorted by the column ``sort`` names ("-" first: descending), unknown values
    last, then by code; an unknown column sorts by code."""
    descending = sort.startswith("-")
    key = DASHBOARD_SORT_KEYS.get(sort.lstrip("-"))
    rows = sorted(rows, key=lambda row: row.project.code)
    if key is None:
        return rows
    values = [(key(row), row) for row in rows]
    # Python's sort is stable: the code order is kept among equals.
    known = sorted(
        (pair for pair in values if pair[0] is not None),
        key=lambda pair: pair[0],
        reverse=descending,
    )
    return [row for _value, row in known] + [row for value, row in values if value is None]


def dashboard_rows(
    *,
    portfolios=(),
    programme=None,
    phase: str | None = None,
    project_manager=None,
    ratings: dict | None = None,
    attention: bool = False,
    q: str = "",
    sort: str = "code",
    today: datetime.date | None = None,
) -> list[HealthRow]:
    """The rows of the PMO dashboard (and its exports) for the filters of
    :class:`reporting.forms.DashboardFilterForm`, in the order asked; the constant queries
    of :func:`health_rows`."""
    projects = dashboard_projects(
        portfolios=portfolios,
        programme=programme,
        phase=phase,
        project_manager=project_manager,
        ratings=ratings,
        q=q,
    )
    rows = health_rows(projects, today=today)
    if attention:
        rows = [row for row in rows if row.needs_attention]
    return sort_rows(rows, sort)


def pack_list():
    """The packs with what their rows show, newest first; their frozen data left in the
    database (it is large and no list shows it)."""
    return (
        ReportRun.objects.select_related(
            "portfolio", "programme", "project", "schedule", "requested_by"
        )
        .defer("snapshot")
        .order_by("-created_at", "-pk")
    )


def latest_packs(limit: int = 5) -> list[ReportRun]:
    """The latest succeeded packs of any scope, for the executive dashboard: one query."""
    return list(
        pack_list()
        .filter(state=RunState.SUCCEEDED)
        .order_by("-as_of", "-created_at", "-pk")[:limit]
    )
