"""The alert rules: what the PMO should look at, read from the data in bulk.

Each rule is a function of ``now`` yielding :class:`Candidate` alerts, computed in a few
queries whatever the number of projects (none per project); :func:`candidates` runs them all
and :func:`reporting.services.alerts_refresh` brings the stored alerts in line with them.

A candidate's ``key`` names its subject (the kind, the record it is about, and the week or
month it is for) so that a refresh finds the alert it raised before; its ``params`` hold what
its message says (strings, numbers, ISO dates: JSON), rendered by :func:`message` in the
reader's language.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmo import months as month_math
from projects import status, weeks
from projects.choices import ACTIVE_PHASES, Axis, Rating, ReportState, WeekState
from projects.models import Milestone, Project, ReportingCalendar, StatusReport
from projects.selectors.capacity import over_allocations
from projects.selectors.finance import finance_by_project
from reporting.choices import SEVERITY_RANK, AlertKind, AlertSeverity
from reporting.models import Alert
from reporting.selectors import health_rows
from risks.choices import DecisionState
from risks.models import Decision
from risks.selectors import live_risks, overdue_actions

# How far back a run of missing weekly statuses is counted (the message says "N weeks").
LATE_REPORT_WEEKS = 8
# An action this many days overdue weighs more.
ACTION_LATE_DAYS = 14
# An escalated risk waits this many days for a decision before it is an alert.
ESCALATION_WAIT_DAYS = 14
# Over-allocation: this month and the next ones; above this load, high.
OVER_ALLOCATION_MONTHS = 3
OVER_ALLOCATION_HIGH_LOAD = Decimal("1.2")

MISSING_STATES = (WeekState.LATE, WeekState.NOT_REPORTED)
SUBMITTED_STATES = (ReportState.SUBMITTED, ReportState.SUPERSEDED)


@dataclass(frozen=True)
class Candidate:
    """An alert as a rule sees it now; stored (or refreshed) by ``alerts_refresh``."""

    key: str
    kind: str
    severity: str
    url: str
    portfolio_id: int | None = None
    project_id: int | None = None
    resource_id: int | None = None
    params: dict = field(default_factory=dict)


def _active_projects():
    return Project.objects.filter(phase__in=ACTIVE_PHASES)


def _amount(value: Decimal | None) -> str | None:
    """Money for ``params``: a string, to the unit (JSON has no decimals)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- the rules ----------------------------------------------------------------------------


def unflagged_overruns(now: datetime.datetime) -> Iterator[Candidate]:
    """Active projects whose estimate at completion passes the budget beyond the tolerance
    while their latest status says green on Cost: high."""
    today = timezone.localdate(now)
    summaries = finance_by_project(_active_projects().order_by("pk"), as_of=today)
    for summary in summaries.values():
        if not (summary.overrun and summary.unflagged):
            continue
        project = summary.project
        yield Candidate(
            key=f"unflagged_overrun:{project.pk}",
            kind=AlertKind.UNFLAGGED_OVERRUN,
            severity=AlertSeverity.HIGH,
            url=project.get_absolute_url(),
            portfolio_id=project.portfolio_id,
            project_id=project.pk,
            params={
                "code": project.code,
                "eac": _amount(summary.eac),
                "budget": _amount(summary.budget_total),
                "overrun_percent": str(summary.overrun_percent),
            },
        )


def late_reports(now: datetime.datetime) -> Iterator[Candidate]:
    """Active projects whose current week's status is late after the deadline, or whose
    last week was never reported: medium, high from two weeks missing in a row.

    One alert per run of missing weeks, keyed by its first week: it grows while the weeks go
    by unreported and resolves when the latest of them is submitted. Weeks before a project
    starts (its earliest start date, else its creation) are not held against it.
    """
    calendar = ReportingCalendar.get()
    projects = list(_active_projects().order_by("pk"))
    if not projects:
        return
    site_week = weeks.current_week(weeks.zone(), now)
    # Projects in other time zones may be a week apart: read one more week each side.
    first_week = site_week - weeks.ONE_WEEK * LATE_REPORT_WEEKS
    firsts = {
        (row["project_id"], row["week"]): row["first"]
        for row in StatusReport.objects.filter(
            project__phase__in=ACTIVE_PHASES,
            week__gte=first_week,
            week__lte=site_week + weeks.ONE_WEEK,
            state__in=SUBMITTED_STATES,
        )
        .values("project_id", "week")
        .annotate(first=Min("submitted_at"))
        .order_by()
        if row["first"] is not None
    }
    for project in projects:
        starts = [day for day in (project.forecast_start, project.baseline_start) if day]
        if starts:
            start = weeks.monday_of(min(starts))
        else:
            start = weeks.week_of(project.created_at, project.tz)
        current = weeks.current_week(project.tz, now)
        missing = []
        # Newest first: the current week (if late) or last week, then the run behind it.
        for monday in weeks.weeks_back(current, LATE_REPORT_WEEKS)[::-1]:
            if monday < start:
                break
            first = firsts.get((project.pk, monday))
            reports = (
                [StatusReport(state=ReportState.SUBMITTED, submitted_at=first)] if first else []
            )
            state = status.week_state(
                project=project, week=monday, reports=reports, calendar=calendar, now=now
            )
            if state in MISSING_STATES:
                missing.append(monday)
            elif monday == current and state in (WeekState.TO_DO, WeekState.DRAFT):
                continue  # this week is not due yet: look at last week
            else:
                break
        if not missing:
            continue
        since = missing[-1]
        yield Candidate(
            key=f"late_report:{project.pk}:{since.isoformat()}",
            kind=AlertKind.LATE_REPORT,
            severity=AlertSeverity.HIGH if len(missing) >= 2 else AlertSeverity.MEDIUM,
            url=project.get_absolute_url(),
            portfolio_id=project.portfolio_id,
            project_id=project.pk,
            params={
                "code": project.code,
                "since": since.isoformat(),
                "latest": missing[0].isoformat(),
                "count": len(missing),
            },
        )


def reds_without_recovery(now: datetime.datetime) -> Iterator[Candidate]:
    """Active projects whose latest status has a red axis and no recovery plan, or one whose
    target date is past: high."""
    today = timezone.localdate(now)
    for project in (
        _active_projects()
        .filter(last_status__isnull=False)
        .select_related("last_status")
        .order_by("pk")
    ):
        report = project.last_status
        red = report.red_axes
        if not red:
            continue
        target = report.recovery_target_date
        if report.recovery_plan.strip() and target is not None and target >= today:
            continue
        yield Candidate(
            key=f"red_without_recovery:{project.pk}",
            kind=AlertKind.RED_WITHOUT_RECOVERY,
            severity=AlertSeverity.HIGH,
            url=report.get_absolute_url(),
            portfolio_id=project.portfolio_id,
            project_id=project.pk,
            params={
                "code": project.code,
                "axes": red,
                "week": report.week.isoformat(),
                "target": target.isoformat() if target else None,
                "has_plan": bool(report.recovery_plan.strip()),
            },
        )


def slipped_milestones(now: datetime.datetime) -> Iterator[Candidate]:
    """Open milestones of active projects overdue (medium; a gate: high) or forecast after
    their baseline date (low)."""
    today = timezone.localdate(now)
    milestones = (
        Milestone.objects.filter(actual_date__isnull=True, project__phase__in=ACTIVE_PHASES)
        .filter(
            Q(forecast_date__gt=F("baseline_date"))
            | Q(forecast_date__lt=today)
            | Q(forecast_date__isnull=True, baseline_date__lt=today)
        )
        .select_related("project")
        .order_by("pk")
    )
    for milestone in milestones:
        overdue = milestone.expected_date < today
        if overdue:
            severity = AlertSeverity.HIGH if milestone.is_gate else AlertSeverity.MEDIUM
        else:
            severity = AlertSeverity.LOW
        project = milestone.project
        yield Candidate(
            key=f"slipped_milestone:{milestone.pk}",
            kind=AlertKind.SLIPPED_MILESTONE,
            severity=severity,
            url=milestone.get_absolute_url(),
            portfolio_id=project.portfolio_id,
            project_id=project.pk,
            params={
                "code": project.code,
                "name": milestone.name,
                "gate": milestone.is_gate,
                "overdue": overdue,
                "baseline": milestone.baseline_date.isoformat(),
                "expected": milestone.expected_date.isoformat(),
                "slip_days": milestone.slip_days,
                "overdue_days": (today - milestone.expected_date).days if overdue else 0,
            },
        )


def overdue_actions_rule(now: datetime.datetime) -> Iterator[Candidate]:
    """Pending actions past their due date (of active projects, programmes, portfolios): low,
    medium once more than two weeks overdue."""
    today = timezone.localdate(now)
    actions = (
        overdue_actions(today=today)
        .filter(Q(project__isnull=True) | Q(project__phase__in=ACTIVE_PHASES))
        .select_related("project", "programme", "owner")
        .order_by("pk")
    )
    for action in actions:
        days = (today - action.due_date).days
        portfolio_id = (
            action.project.portfolio_id
            if action.project_id
            else action.programme.portfolio_id
            if action.programme_id
            else action.portfolio_id
        )
        yield Candidate(
            key=f"overdue_action:{action.pk}",
            kind=AlertKind.OVERDUE_ACTION,
            severity=AlertSeverity.MEDIUM if days > ACTION_LATE_DAYS else AlertSeverity.LOW,
            url=action.get_absolute_url(),
            portfolio_id=portfolio_id,
            project_id=action.project_id,
            params={
                "reference": action.reference,
                "title": action.title,
                "code": action.project.code if action.project_id else "",
                "owner": str(action.owner),
                "due": action.due_date.isoformat(),
                "days": days,
            },
        )


def over_allocated_resources(now: datetime.datetime) -> Iterator[Candidate]:
    """Resources planned above their capacity this month or the next two: medium, high above
    120 % of it (or with no capacity at all)."""
    first_month = month_math.month_start(timezone.localdate(now))
    for row in over_allocations(first_month=first_month, months=OVER_ALLOCATION_MONTHS):
        high = not row.capacity or row.allocated > row.capacity * OVER_ALLOCATION_HIGH_LOAD
        load = (
            int((row.allocated * 100 / row.capacity).quantize(Decimal("1"), ROUND_HALF_UP))
            if row.capacity
            else None
        )
        yield Candidate(
            key=f"over_allocation:{row.resource.pk}:{row.month:%Y-%m}",
            kind=AlertKind.OVER_ALLOCATION,
            severity=AlertSeverity.HIGH if high else AlertSeverity.MEDIUM,
            url=(
                f"{reverse('projects:allocation_list')}?resource={row.resource.pk}"
                f"&month_after={row.month:%Y-%m}&month_before={row.month:%Y-%m}"
            ),
            resource_id=row.resource.pk,
            params={
                "resource": row.resource.name,
                "month": row.month.isoformat(),
                "capacity": str(row.capacity),
                "allocated": str(row.allocated),
                "load": load,
            },
        )


def escalated_risks(now: datetime.datetime) -> Iterator[Candidate]:
    """Live risks escalated to the steering committee 14 days ago or more with no decision
    taken since on them or on their project (programme, portfolio): medium."""
    cutoff = now - datetime.timedelta(days=ESCALATION_WAIT_DAYS)
    decided_since = Decision.objects.filter(
        Q(risk=OuterRef("pk"))
        | Q(project=OuterRef("project"))
        | Q(programme=OuterRef("programme"))
        | Q(portfolio=OuterRef("portfolio")),
        state=DecisionState.TAKEN,
        decided_on__gte=OuterRef("escalated_on"),
    )
    risks = (
        live_risks()
        .filter(escalated_at__isnull=False, escalated_at__lte=cutoff)
        .annotate(escalated_on=TruncDate("escalated_at"))
        .filter(Q(project__isnull=True) | Q(project__phase__in=ACTIVE_PHASES))
        .exclude(Exists(decided_since))
        .select_related("project", "programme")
        .order_by("pk")
    )
    for risk in risks:
        portfolio_id = (
            risk.project.portfolio_id
            if risk.project_id
            else risk.programme.portfolio_id
            if risk.programme_id
            else risk.portfolio_id
        )
        escalated_on = timezone.localdate(risk.escalated_at)
        yield Candidate(
            key=f"escalated_risk:{risk.pk}",
            kind=AlertKind.ESCALATED_RISK,
            severity=AlertSeverity.MEDIUM,
            url=risk.get_absolute_url(),
            portfolio_id=portfolio_id,
            project_id=risk.project_id,
            params={
                "reference": risk.reference,
                "title": risk.title,
                "code": risk.project.code if risk.project_id else "",
                "score": risk.score,
                "escalated": escalated_on.isoformat(),
                "days": (timezone.localdate(now) - escalated_on).days,
            },
        )


def health_gaps(now: datetime.datetime) -> Iterator[Candidate]:
    """Axes whose computed rating is worse than the declared one: high from two levels
    (declared green, computed red), medium for one."""
    for row in health_rows(_active_projects().order_by("pk"), today=timezone.localdate(now)):
        project = row.project
        for axis, difference in row.gaps.items():
            if not difference or difference < 1:
                continue
            declared, computed = row.declared.get(axis), row.computed.get(axis)
            high = difference >= 2 or (declared == Rating.GREEN and computed == Rating.RED)
            yield Candidate(
                key=f"health_gap:{project.pk}:{axis}",
                kind=AlertKind.HEALTH_GAP,
                severity=AlertSeverity.HIGH if high else AlertSeverity.MEDIUM,
                url=project.get_absolute_url(),
                portfolio_id=project.portfolio_id,
                project_id=project.pk,
                params={
                    "code": project.code,
                    "axis": str(axis),
                    "declared": str(declared) if declared else None,
                    "computed": str(computed) if computed else None,
                    "gap": difference,
                },
            )


RULES: tuple[Callable[[datetime.datetime], Iterator[Candidate]], ...] = (
    unflagged_overruns,
    late_reports,
    reds_without_recovery,
    slipped_milestones,
    overdue_actions_rule,
    over_allocated_resources,
    escalated_risks,
    health_gaps,
)


def candidates(*, now: datetime.datetime | None = None) -> list[Candidate]:
    """Every rule's candidates at ``now``, one per key (a later rule's key never repeats an
    earlier one's: keys start with their kind)."""
    now = now or timezone.now()
    found = {}
    for rule in RULES:
        for candidate in rule(now):
            found[candidate.key] = candidate
    return list(found.values())


# --- messages -----------------------------------------------------------------------------


def _date(iso: str | None) -> str:
    if not iso:
        return "—"
    return formats.date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def _month(iso: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(iso), "YEAR_MONTH_FORMAT")


def _axis(value: str | None) -> str:
    return str(Axis(value).label) if value in Axis.values else (value or "—")


def _rating(value: str | None) -> str:
    return str(Rating(value).label) if value in Rating.values else "—"


def _money(value) -> str:
    if value in (None, ""):
        return "—"
    return formats.number_format(Decimal(value), 0, use_l10n=True, force_grouping=True)


def message(alert) -> str:
    """What ``alert`` (or a :class:`Candidate`) says, in the active language."""
    p = defaultdict(str, alert.params or {})
    kind = alert.kind
    if kind == AlertKind.UNFLAGGED_OVERRUN:
        return _(
            "%(code)s forecasts %(eac)s at completion for a budget of %(budget)s "
            "(%(percent)s %% over) and still reports Cost green."
        ) % {
            "code": p["code"],
            "eac": _money(p["eac"]),
            "budget": _money(p["budget"]),
            "percent": p["overrun_percent"],
        }
    if kind == AlertKind.LATE_REPORT:
        count = int(p["count"] or 1)
        return ngettext(
            "%(code)s has not submitted its status of the week of %(week)s.",
            "%(code)s has not submitted its status for %(count)s weeks, since the week of "
            "%(week)s.",
            count,
        ) % {"code": p["code"], "count": count, "week": _date(p["since"])}
    if kind == AlertKind.RED_WITHOUT_RECOVERY:
        axes = ", ".join(_axis(axis) for axis in p["axes"] or [])
        if p["target"]:
            return _(
                "%(code)s is red on %(axes)s and its recovery target date (%(date)s) is past."
            ) % {"code": p["code"], "axes": axes, "date": _date(p["target"])}
        return _("%(code)s is red on %(axes)s without a recovery plan.") % {
            "code": p["code"],
            "axes": axes,
        }
    if kind == AlertKind.SLIPPED_MILESTONE:
        values = {
            "code": p["code"],
            "name": p["name"],
            "date": _date(p["expected"]),
            "baseline": _date(p["baseline"]),
            "days": p["slip_days"],
        }
        if p["overdue"] and p["gate"]:
            return _("%(code)s: the gate “%(name)s” is overdue since %(date)s.") % values
        if p["overdue"]:
            return _("%(code)s: the milestone “%(name)s” is overdue since %(date)s.") % values
        return (
            _(
                "%(code)s: the milestone “%(name)s” is forecast on %(date)s, %(days)s days after "
                "its baseline (%(baseline)s)."
            )
            % values
        )
    if kind == AlertKind.OVERDUE_ACTION:
        return ngettext(
            "%(reference)s “%(title)s” (%(owner)s) was due on %(date)s, %(days)s day ago.",
            "%(reference)s “%(title)s” (%(owner)s) was due on %(date)s, %(days)s days ago.",
            int(p["days"] or 0),
        ) % {
            "reference": p["reference"],
            "title": p["title"],
            "owner": p["owner"],
            "date": _date(p["due"]),
            "days": p["days"],
        }
    if kind == AlertKind.OVER_ALLOCATION:
        values = {
            "resource": p["resource"],
            "month": _month(p["month"]),
            "allocated": p["allocated"],
            "capacity": p["capacity"],
            "load": p["load"],
        }
        if p["load"] in (None, ""):
            return (
                _("%(resource)s is planned %(allocated)s FTE in %(month)s with no capacity.")
                % values
            )
        return (
            _(
                "%(resource)s is planned %(allocated)s FTE in %(month)s for a capacity of "
                "%(capacity)s (%(load)s %%)."
            )
            % values
        )
    if kind == AlertKind.ESCALATED_RISK:
        return _(
            "%(reference)s “%(title)s” (score %(score)s) was escalated on %(date)s and no "
            "decision has been taken since."
        ) % {
            "reference": p["reference"],
            "title": p["title"],
            "score": p["score"],
            "date": _date(p["escalated"]),
        }
    if kind == AlertKind.HEALTH_GAP:
        return _("%(code)s declares %(axis)s %(declared)s; the figures say %(computed)s.") % {
            "code": p["code"],
            "axis": _axis(p["axis"]),
            "declared": _rating(p["declared"]).lower(),
            "computed": _rating(p["computed"]).lower(),
        }
    return str(alert.key)


# --- stored alerts ------------------------------------------------------------------------


def alert_list():
    """The stored alerts with what their rows show, high first, then newest first."""
    rank = Case(
        *[When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()],
        default=Value(len(SEVERITY_RANK)),
        output_field=IntegerField(),
    )
    return (
        Alert.objects.select_related("project", "portfolio", "resource", "acknowledged_by")
        .annotate(severity_rank=rank)
        .order_by("severity_rank", "-first_seen_at", "-pk")
    )
