"""Reads of the RAID log and change control, joined so that a list costs the same at any size."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from risks.choices import LIVE_RISK_STATUSES, PENDING_ACTION_STATUSES, DecisionState
from risks.models import SCALE, Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy

SCOPE_RELATED = (
    "project",
    "project__portfolio",
    "project__programme",
    "project__project_manager",
    "programme",
    "programme__portfolio",
    "portfolio",
)


def in_portfolio(portfolio) -> Q:
    """Entries held on ``portfolio``, on one of its programmes or on one of its projects."""
    return (
        Q(portfolio=portfolio) | Q(programme__portfolio=portfolio) | Q(project__portfolio=portfolio)
    )


def in_programme(programme) -> Q:
    """Entries held on ``programme`` or on one of its projects."""
    return Q(programme=programme) | Q(project__programme=programme)


def risk_list() -> QuerySet[Risk]:
    return Risk.objects.select_related(*SCOPE_RELATED, "owner", "escalated_by", "closed_by")


def issue_list() -> QuerySet[Issue]:
    return Issue.objects.select_related(*SCOPE_RELATED, "owner", "risk", "resolved_by")


def action_list() -> QuerySet[Action]:
    return Action.objects.select_related(*SCOPE_RELATED, "owner", "risk", "issue", "decision")


def decision_list() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        *SCOPE_RELATED, "requested_by", "decided_by", "recorded_by", "risk", "issue"
    )


def change_request_list() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related(
        "project",
        "project__portfolio",
        "project__programme",
        "project__project_manager",
        "requested_by",
        "submitted_by",
        "decided_by",
        "implemented_by",
        "withdrawn_by",
        "baseline_before",
        "baseline_after",
    )


def live_risks(queryset: QuerySet[Risk] | None = None) -> QuerySet[Risk]:
    return (queryset if queryset is not None else Risk.objects).filter(
        status__in=LIVE_RISK_STATUSES
    )


def escalation_proposals(
    queryset: QuerySet[Risk] | None = None, *, threshold: int | None = None
) -> QuerySet[Risk]:
    """Live risks at or above the PMO's threshold that are not yet escalated."""
    threshold = threshold if threshold is not None else RiskPolicy.get().escalation_threshold
    return live_risks(queryset).filter(escalated_at__isnull=True, score__gte=threshold)


def overdue_actions(queryset: QuerySet[Action] | None = None, today=None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return (queryset if queryset is not None else Action.objects).filter(
        status__in=PENDING_ACTION_STATUSES, due_date__lt=today
    )


def score_band(score: int | None, threshold: int) -> str:
    """The colour band of a score: critical from the escalation threshold, then high, medium,
    low."""
    if not score:
        return "none"
    if score >= threshold:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"


def heat_map(queryset: QuerySet[Risk], *, residual: bool = False, threshold=None) -> dict:
    """The 5 × 5 grid of risk counts by probability (columns, 1 to 5) and impact (rows, 5 at
    the top), inherent or residual, in one query whatever the number of risks.

    Risks without a residual assessment are left out of the residual grid and counted apart.
    """
    threshold = threshold if threshold is not None else RiskPolicy.get().escalation_threshold
    p_field, i_field = (
        ("residual_probability", "residual_impact") if residual else ("probability", "impact")
    )
    counts = {
        (row[p_field], row[i_field]): row["n"]
        for row in queryset.order_by()
        .filter(**{f"{p_field}__isnull": False, f"{i_field}__isnull": False})
        .values(p_field, i_field)
        .annotate(n=Count("pk"))
    }
    rows = [
        {
            "impact": impact,
            "cells": [
                {
                    "probability": probability,
                    "impact": impact,
                    "score": probability * impact,
                    "band": score_band(probability * impact, threshold),
                    "count": counts.get((probability, impact), 0),
                }
                for probability in SCALE
            ],
        }
        for impact in reversed(SCALE)
    ]
    return {
        "residual": residual,
        "probability_field": p_field,
        "impact_field": i_field,
        "rows": rows,
        "scale": SCALE,
        "total": sum(counts.values()),
    }


def project_raid(project, *, today=None) -> dict:
    """What the project page shows of its RAID log: live risks by score, open issues, pending
    actions, pending decisions, and counts; a fixed number of queries."""
    today = today or timezone.localdate()
    threshold = RiskPolicy.get().escalation_threshold
    risks = risk_list().filter(project=project)
    live = list(live_risks(risks).order_by("-score", "pk"))
    for risk in live:
        risk.band = score_band(risk.score, threshold)
        risk.is_proposed = risk.proposed_for_escalation(threshold)
        risk.is_review_overdue = risk.review_overdue(today)
    actions = list(action_list().filter(project=project, status__in=PENDING_ACTION_STATUSES))
    for action in actions:
        action.is_overdue = action.overdue(today)
    counts = risks.aggregate(
        closed=Count("pk", filter=~Q(status__in=LIVE_RISK_STATUSES)),
    )
    return {
        "threshold": threshold,
        "risks": live,
        "closed_risk_count": counts["closed"],
        "heat_map": heat_map(live_risks(risks), threshold=threshold),
        "residual_heat_map": heat_map(live_risks(risks), residual=True, threshold=threshold),
        "issues": list(issue_list().filter(project=project, status="open")),
        "actions": actions,
        "decisions": list(decision_list().filter(project=project, state=DecisionState.REQUESTED)),
    }
