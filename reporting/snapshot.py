"""The frozen data of a Copil pack: everything its PDF shows, read once when the pack is made
and kept as plain JSON in ``ReportRun.snapshot``, so that editing a status afterwards changes
nothing of a pack already sent.

Figures come from the selectors the dashboard and the project pages use (``health_rows``,
``summary_band``, ``finance_by_project``, the risks selectors); what they do not read (the
status prose, milestones, cost by nature, FTE, top risks, what awaits the committee) is read
here in one query per kind of row for all the projects together, so a pack of 200 projects
costs the same number of queries as one of 5.

Words are stored as keys (``"green"``, ``"quality"``) and translated when the PDF is drawn,
in the snapshot's language; the alert messages, built from their parameters, are stored
already worded in that language.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import formats, translation

from projects.choices import (
    ACTIVE_PHASES,
    Axis,
    CostKind,
    GateDecision,
    Nature,
    Phase,
    Rating,
    Weather,
    WeekState,
)
from projects.models import Allocation, CostEntry, GateReview, Milestone, Project, StatusReport
from reporting import alerts as alert_rules
from reporting.choices import AlertSeverity, Confidentiality, ReportKind, ReportSection
from reporting.models import Alert, ReportLook
from reporting.selectors import health_rows
from reporting.summary import summary_band
from risks import selectors as risk_selectors
from risks.choices import ChangeState, DecisionState
from risks.models import ChangeRequest, Decision, Risk, RiskPolicy

SNAPSHOT_VERSION = 1
ZERO = Decimal("0")
NOT_REPORTED = WeekState.NOT_REPORTED.value
AXES = tuple(Axis.values)
RATING_KEYS = (*Rating.values, NOT_REPORTED)
WEATHER_KEYS = (*Weather.values, NOT_REPORTED)
# What one project page holds at most: a page is a page, the rest is on the project's own
# page in Pilotage.
TOP_RISKS = 5
MAX_MILESTONES = 8
MAX_AWAITING = 4
KEY_ALERTS = 8
# The newest gate reviews a project page shows (the project's page in Pilotage has them all).
MAX_GATE_REVIEWS = 3
FTE_MONTHS = 3
# The decision log's window when there is no earlier pack to start from.
DECISION_LOG_DAYS = 90
DEFAULT_ACCENT = "#1f4e79"


# --- plain data -----------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    """A Decimal as text, to the cent (JSON has no decimals; floats would round money)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01")))


def _number(value: Decimal | None, places: str = "0.01") -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal(places)))


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _scope_of(kind: str, portfolio, programme, project) -> dict:
    if kind == ReportKind.PROJECT_FLASH:
        return {"type": "project", "code": project.code, "name": project.name}
    if kind == ReportKind.PROGRAMME_PACK:
        return {"type": "programme", "code": programme.code, "name": programme.name}
    return {"type": "portfolio", "code": portfolio.code, "name": portfolio.name}


# --- the look -------------------------------------------------------------------------------


def look_of(portfolio) -> dict:
    """The portfolio's ReportLook (or its defaults when none saved) as plain data: title,
    accent_colour, confidentiality, footer, sections (list), logo (storage name or "")."""
    look = ReportLook.objects.filter(portfolio=portfolio).first()
    if look is None:
        return {
            "title": "",
            "accent_colour": DEFAULT_ACCENT,
            "confidentiality": Confidentiality.INTERNAL.value,
            "footer": "",
            "sections": list(ReportSection.values),
            "logo": "",
        }
    return {
        "title": look.title,
        "accent_colour": look.accent_colour or DEFAULT_ACCENT,
        "confidentiality": look.confidentiality,
        "footer": look.footer,
        # Kept in the order of the choices whatever the order they were ticked in.
        "sections": [s for s in ReportSection.values if s in (look.sections or [])],
        "logo": look.logo.name if look.logo else "",
    }


# --- the projects ---------------------------------------------------------------------------


def _projects_of(kind: str, portfolio, programme, project):
    if kind == ReportKind.PROJECT_FLASH:
        return Project.objects.filter(pk=project.pk)
    projects = Project.objects.filter(phase__in=ACTIVE_PHASES)
    if kind == ReportKind.PROGRAMME_PACK:
        return projects.filter(programme=programme)
    return projects.filter(portfolio=portfolio)


def _risk_scope(kind: str, portfolio, programme) -> Q:
    if kind == ReportKind.PROGRAMME_PACK:
        return risk_selectors.in_programme(programme)
    return risk_selectors.in_portfolio(portfolio)


def _by_nature(project_ids, as_of) -> dict:
    """``{project id: {kind: {nature: amount}}}`` of the cost entries up to ``as_of``."""
    sums = defaultdict(lambda: defaultdict(dict))
    for project_id, kind, nature, amount in (
        CostEntry.objects.filter(project_id__in=project_ids, date__lte=as_of)
        .order_by()
        .values("project_id", "kind", "nature")
        .annotate(amount=Sum("amount"))
        .values_list("project_id", "kind", "nature", "amount")
    ):
        sums[project_id][kind][nature] = amount or ZERO
    return sums


def _fte(project_ids, months) -> dict:
    """``{project id: {month: FTE}}`` planned on the months of ``months``."""
    planned = defaultdict(dict)
    for project_id, month, total in (
        Allocation.objects.filter(project_id__in=project_ids, month__in=months)
        .order_by()
        .values("project_id", "month")
        .annotate(total=Sum("fte"))
        .values_list("project_id", "month", "total")
    ):
        planned[project_id][month] = total
    return planned


def _months_from(day: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], day.replace(day=1)
    for _index in range(count):
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _grouped(queryset, key="project_id") -> dict:
    grouped = defaultdict(list)
    for item in queryset:
        grouped[getattr(item, key)].append(item)
    return grouped


def _finance(project, row, sums) -> dict:
    """Budget, committed, actual and EAC of one project, CAPEX, OPEX and total.

    The EAC is estimated in total (actuals + estimate to complete): its split by nature is
    pro rata of the budget, which is how the PMO reads it against the CAPEX and OPEX lines.
    """
    budget = {Nature.CAPEX: project.budget_capex or ZERO, Nature.OPEX: project.budget_opex or ZERO}
    total_budget = budget[Nature.CAPEX] + budget[Nature.OPEX]
    result = {}
    for nature in Nature.values:
        committed = sums[CostKind.COMMITMENT].get(nature, ZERO)
        actual = sums[CostKind.ACTUAL].get(nature, ZERO)
        eac = None
        if row.eac is not None:
            eac = row.eac * budget[nature] / total_budget if total_budget else None
        result[nature] = {
            "budget": _money(budget[nature]),
            "committed": _money(committed),
            "actual": _money(actual),
            "eac": _money(eac),
        }
    committed_total = sum(sums[CostKind.COMMITMENT].values(), ZERO)
    actual_total = sum(sums[CostKind.ACTUAL].values(), ZERO)
    result["total"] = {
        "budget": _money(total_budget),
        "committed": _money(committed_total),
        "actual": _money(actual_total),
        "eac": _money(row.eac),
    }
    result["eac_basis"] = row.eac_basis
    result["eac_percent"] = _number(row.eac_percent, "0.1")
    result["consumption_percent"] = _number(row.consumption_percent, "0.1")
    return result


def _project_page(row, *, status, milestones, sums, fte, months, risks, changes, decisions, as_of):
    project = row.project
    threshold_risks = [
        {
            "reference": risk.reference,
            "title": risk.title,
            "probability": risk.probability,
            "impact": risk.impact,
            "score": risk.score,
            "band": risk.band,
            "owner": _person(risk.owner),
            "response": risk.response,
            "escalated": risk.escalated_at is not None,
        }
        for risk in risks[:TOP_RISKS]
    ]
    escalated = [
        {"reference": risk.reference, "title": risk.title, "score": risk.score}
        for risk in risks
        if risk.escalated_at is not None
    ]
    comments = {axis: getattr(status, f"{axis}_comment", "") if status else "" for axis in AXES}
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "programme": (
            {"code": project.programme.code, "name": project.programme.name}
            if project.programme_id
            else None
        ),
        "sponsor": _person(project.sponsor),
        "project_manager": _person(project.project_manager),
        "phase": project.phase,
        "week": _date(status.week) if status else None,
        "weather": row.weather,
        "weather_trend": row.weather_trend,
        "progress": status.progress if status else None,
        "axes": [
            {
                "axis": axis,
                "declared": row.declared[axis],
                "computed": row.computed[axis],
                "gap": row.gaps[axis],
                "trend": row.trends[axis],
                "comment": comments[axis],
            }
            for axis in AXES
        ],
        "recovery_plan": status.recovery_plan if status else "",
        "recovery_target_date": _date(status.recovery_target_date) if status else None,
        "dates": {
            "baseline_start": _date(project.baseline_start),
            "baseline_end": _date(project.baseline_end),
            "forecast_start": _date(project.forecast_start),
            "forecast_end": _date(project.forecast_end),
            "slip_days": row.slip_days,
        },
        "milestones": [
            {
                "name": milestone.name,
                "gate": milestone.is_gate,
                "baseline": _date(milestone.baseline_date),
                "forecast": _date(milestone.forecast_date or milestone.baseline_date),
                "actual": _date(milestone.actual_date),
                "status": milestone.status(as_of),
                "slip_days": milestone.slip_days,
            }
            for milestone in milestones[:MAX_MILESTONES]
        ],
        "milestones_more": max(len(milestones) - MAX_MILESTONES, 0),
        "finance": _finance(project, row, sums),
        "fte": [
            {"month": _date(month), "fte": _number(fte.get(month) or ZERO)} for month in months
        ],
        "top_risks": threshold_risks,
        "live_risk_count": len(risks),
        "awaiting": {
            "change_requests": [
                {
                    "title": change.title,
                    "cost_delta": _money(change.cost_delta_capex + change.cost_delta_opex),
                    "schedule_delta_days": change.schedule_delta_days,
                    "new_end_date": _date(change.new_end_date),
                    "submitted_on": _date(change.submitted_at.date())
                    if change.submitted_at
                    else None,
                }
                for change in changes[:MAX_AWAITING]
            ],
            "decisions": [
                {
                    "reference": decision.reference,
                    "title": decision.title,
                    "needed_by": _date(decision.needed_by),
                    "overdue": decision.overdue(as_of),
                }
                for decision in decisions[:MAX_AWAITING]
            ],
            "escalated_risks": escalated[:MAX_AWAITING],
        },
        "achievements": status.achievements if status else "",
        "next_steps": status.next_steps if status else "",
        "attention_points": status.attention_points if status else "",
        "open_alerts": row.open_alerts,
        "needs_attention": row.needs_attention,
    }


# --- the summary ----------------------------------------------------------------------------


def _ratings(rows) -> dict:
    """``{axis: {rating or "not_reported": count}}`` of the declared ratings."""
    counts = {axis: dict.fromkeys(RATING_KEYS, 0) for axis in AXES}
    for row in rows:
        for axis in AXES:
            counts[axis][row.declared[axis] or NOT_REPORTED] += 1
    return counts


def _weather(rows) -> dict:
    counts = dict.fromkeys(WEATHER_KEYS, 0)
    for row in rows:
        counts[row.weather or NOT_REPORTED] += 1
    return counts


def _change(now: dict, before: dict | None) -> dict | None:
    """Count now minus count in the previous pack, key by key (None without a previous
    pack)."""
    if before is None:
        return None
    return {key: value - (before.get(key) or 0) for key, value in now.items()}


def _summary(rows, projects, pages, *, scope_name, as_of, previous, alerts) -> dict:
    band = summary_band(projects, today=as_of, scope=scope_name)
    ratings = _ratings(rows)
    weather = _weather(rows)
    before = (previous or {}).get("summary") or None
    natures = {}
    for nature in (*Nature.values, "total"):
        natures[nature] = {
            field: _money(
                sum(
                    (Decimal(page["finance"][nature][field] or 0) for page in pages),
                    ZERO,
                )
            )
            for field in ("budget", "committed", "actual", "eac")
        }
    # An unknown EAC counts at its budget in the total, as the dashboard's roll-up does.
    natures["total"]["eac"] = _money(band.eac_total)
    return {
        "project_count": len(rows),
        "weather": weather,
        "weather_change": _change(weather, before and before.get("weather")),
        "ratings": ratings,
        "ratings_change": (
            {axis: _change(ratings[axis], before["ratings"].get(axis)) for axis in AXES}
            if before and before.get("ratings")
            else None
        ),
        "needs_attention": sum(1 for row in rows if row.needs_attention),
        "finance": {
            "natures": natures,
            "budget_total": _money(band.budget_total),
            "eac_total": _money(band.eac_total),
            "eac_percent": _number(band.eac_percent, "0.1"),
            "unestimated": band.unestimated,
            "overruns": band.overruns,
            "unflagged": band.unflagged,
        },
        "demand": [
            {
                "month": _date(month.month),
                "demand": _number(month.demand),
                "capacity": _number(month.capacity),
            }
            for month in band.demand
        ],
        "alerts": alerts,
    }


def _key_alerts(project_ids, kind, portfolio, language) -> list[dict]:
    scope = Q(project_id__in=project_ids)
    if kind == ReportKind.PORTFOLIO_PACK:
        scope |= Q(portfolio=portfolio)
    found = (
        Alert.objects.filter(scope, resolved_at__isnull=True, severity=AlertSeverity.HIGH)
        .select_related("project")
        .order_by("-first_seen_at", "-pk")[:KEY_ALERTS]
    )
    with translation.override(language):
        return [
            {
                "kind": alert.kind,
                "project": alert.project.code if alert.project_id else "",
                "since": _date(alert.first_seen_at.date()),
                "message": alert_rules.message(alert),
            }
            for alert in found
        ]


def _gate_reviews(project_ids, *, as_of: datetime.date, language: str) -> dict:
    """The newest gate reviews of each project decided by ``as_of``, in one query, their
    labels in the pack's language (frozen with the pack, as the alerts' messages)."""
    reviews = (
        GateReview.objects.filter(project_id__in=project_ids, decided_on__lte=as_of)
        .select_related("decided_by")
        .order_by("-decided_on", "-pk")
    )
    gates = defaultdict(list)
    with translation.override(language):
        for review in reviews:
            if len(gates[review.project_id]) >= MAX_GATE_REVIEWS:
                continue
            gates[review.project_id].append(
                {
                    "gate": review.gate_name,
                    "from_phase": review.from_phase,
                    "to_phase": review.to_phase,
                    "to_phase_label": str(Phase(review.to_phase).label),
                    "decision": review.decision,
                    "decision_label": str(GateDecision(review.decision).label),
                    "decided_on": _date(review.decided_on),
                    "decided_on_label": formats.date_format(review.decided_on, "j M Y"),
                    "decided_by": _person(review.decided_by),
                    "conditions": review.conditions,
                }
            )
    return gates


# --- the pack -------------------------------------------------------------------------------


def pack_snapshot(
    *,
    kind: str,
    portfolio,
    programme=None,
    project=None,
    as_of: datetime.date,
    language: str,
    look: dict,
    previous: dict | None,
) -> dict:
    """Everything the PDF shows, as JSON-serialisable plain data (str, int, bool, None,
    list, dict; Decimal as str, dates ISO): frozen in ReportRun.snapshot, so that editing a
    status afterwards changes nothing of a pack already made. ``previous`` is the snapshot
    of the last succeeded pack of the same scope and kind (or None): the summary shows the
    change since then and the decision log lists decisions taken since its as_of.

    About 25 queries whatever the number of projects.
    """
    scope = _scope_of(kind, portfolio, programme, project)
    sections = [s for s in ReportSection.values if s in (look.get("sections") or [])]
    projects = _projects_of(kind, portfolio, programme, project)
    rows = health_rows(
        projects.select_related("sponsor").order_by("code"),
        today=as_of,
    )
    project_ids = [row.project.pk for row in rows]
    status_ids = [row.status.pk for row in rows if row.status is not None]
    # The prose health_rows leaves in the database, for all the projects at once.
    statuses = {status.pk: status for status in StatusReport.objects.filter(pk__in=status_ids)}
    milestones = _grouped(
        Milestone.objects.filter(project_id__in=project_ids).order_by("baseline_date", "pk")
    )
    sums = _by_nature(project_ids, as_of)
    months = _months_from(as_of, FTE_MONTHS)
    fte = _fte(project_ids, months)
    threshold = RiskPolicy.get().escalation_threshold
    live = list(
        risk_selectors.live_risks(Risk.objects.filter(project_id__in=project_ids))
        .select_related("owner")
        .order_by("-score", "pk")
    )
    for risk in live:
        risk.band = risk_selectors.score_band(risk.score, threshold)
    risks = _grouped(live)
    changes = _grouped(
        ChangeRequest.objects.filter(
            project_id__in=project_ids, state=ChangeState.SUBMITTED
        ).order_by("submitted_at", "pk")
    )
    decisions = _grouped(
        Decision.objects.filter(project_id__in=project_ids, state=DecisionState.REQUESTED).order_by(
            "needed_by", "pk"
        )
    )
    pages = [
        _project_page(
            row,
            status=statuses.get(row.status.pk) if row.status is not None else None,
            milestones=milestones.get(row.project.pk, []),
            sums=sums[row.project.pk],
            fte=fte.get(row.project.pk, {}),
            months=months,
            risks=risks.get(row.project.pk, []),
            changes=changes.get(row.project.pk, []),
            decisions=decisions.get(row.project.pk, []),
            as_of=as_of,
        )
        for row in rows
    ]
    gate_reviews = _gate_reviews(project_ids, as_of=as_of, language=language)
    for page in pages:
        page["gates"] = gate_reviews.get(page["id"], [])

    snapshot = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "language": language,
        "as_of": as_of.isoformat(),
        "scope": scope,
        "portfolio": {"code": portfolio.code, "name": portfolio.name},
        "look": dict(look),
        "sections": sections,
        "previous_as_of": (previous or {}).get("as_of"),
        "summary": None,
        "projects": pages,
        "heat_map": None,
        "decision_log": None,
    }
    if kind != ReportKind.PROJECT_FLASH and ReportSection.SUMMARY in sections:
        snapshot["summary"] = _summary(
            rows,
            projects,
            pages,
            scope_name=scope["name"],
            as_of=as_of,
            previous=previous,
            alerts=_key_alerts(project_ids, kind, portfolio, language),
        )
    if kind == ReportKind.PROJECT_FLASH:
        # A flash is the project in one or two pages: no appendix.
        return snapshot
    risk_scope = _risk_scope(kind, portfolio, programme)
    if ReportSection.HEAT_MAP in sections:
        grid = risk_selectors.heat_map(
            risk_selectors.live_risks(Risk.objects.filter(risk_scope)), threshold=threshold
        )
        # The scale comes as a tuple: JSON would give it back as a list.
        snapshot["heat_map"] = {**grid, "scale": list(grid["scale"])}
    if ReportSection.DECISION_LOG in sections:
        snapshot["decision_log"] = _decision_log(risk_scope, as_of=as_of, previous=previous)
    return snapshot


def _decision_log(scope: Q, *, as_of: datetime.date, previous: dict | None) -> dict:
    """The decisions taken in the scope after the previous pack's date (the last 90 days
    without one), up to ``as_of``, oldest first."""
    since = None
    if previous and previous.get("as_of"):
        since = datetime.date.fromisoformat(previous["as_of"])
    since = since or as_of - datetime.timedelta(days=DECISION_LOG_DAYS)
    taken = (
        Decision.objects.filter(
            scope, state=DecisionState.TAKEN, decided_on__gt=since, decided_on__lte=as_of
        )
        .select_related("project", "programme", "portfolio", "decided_by")
        .order_by("decided_on", "pk")
    )
    return {
        "since": since.isoformat(),
        "decisions": [
            {
                "reference": decision.reference,
                "scope": decision.scope.code,
                "title": decision.title,
                "outcome": decision.outcome,
                "decided_on": _date(decision.decided_on),
                "decided_by": _person(decision.decided_by),
                "committee": decision.committee,
            }
            for decision in taken
        ],
    }
