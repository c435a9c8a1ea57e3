"""What the reporting app writes: alerts raised, refreshed and resolved from the rules, their
acknowledgement by the PMO, and the PMO's health thresholds.

Alerts are the system's writes (the hourly ``reporting.refresh_alerts`` task, no actor);
acknowledging one and setting the thresholds are a PMO manager's.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pmo.exceptions import WorkflowError
from pmo.rules import can
from pmo.services import model_update
from reporting import alerts
from reporting.models import Alert, HealthPolicy

logger = logging.getLogger(__name__)

# What a refresh rewrites on an alert seen again.
REFRESHED_FIELDS = ("severity", "params", "url", "portfolio_id", "project_id", "resource_id")


def _new_alert(candidate: alerts.Candidate, now: datetime.datetime) -> Alert:
    return Alert(
        key=candidate.key,
        kind=candidate.kind,
        severity=candidate.severity,
        portfolio_id=candidate.portfolio_id,
        project_id=candidate.project_id,
        resource_id=candidate.resource_id,
        params=candidate.params,
        url=candidate.url,
        first_seen_at=now,
        last_seen_at=now,
    )


def _refresh(alert: Alert, candidate: alerts.Candidate, now: datetime.datetime) -> bool:
    """Bring ``alert`` in line with ``candidate`` (unsaved); True if its content changed."""
    changed = False
    for name in REFRESHED_FIELDS:
        value = getattr(candidate, name)
        if getattr(alert, name) != value:
            setattr(alert, name, value)
            changed = True
    alert.last_seen_at = now
    alert.updated_at = now
    return changed


@transaction.atomic
def alerts_refresh(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring the alerts in line with every rule's candidates at ``now``, in one transaction.

    A key without an open alert opens one (first and last seen ``now``); an open alert seen
    again takes the candidate's severity, details and link, and ``now`` as last seen; an
    open alert whose key no candidate gives any more is resolved at ``now``. Returns how many
    were ``opened``, ``updated`` (content changed) and ``resolved``.

    Two runs at once cannot open an alert twice: the open alerts are locked, and the
    database's one-open-alert-per-key constraint refuses the second insert, whose run then
    takes the first one's alert and refreshes it.
    """
    now = now or timezone.now()
    open_alerts = {
        alert.key: alert
        for alert in Alert.objects.select_for_update().filter(resolved_at__isnull=True)
    }
    found = alerts.candidates(now=now)
    counts = {"opened": 0, "updated": 0, "resolved": 0}
    seen, changed, new = [], 0, []
    for candidate in found:
        alert = open_alerts.pop(candidate.key, None)
        if alert is None:
            new.append(candidate)
            continue
        changed += _refresh(alert, candidate, now)
        seen.append(alert)
    if new:
        try:
            with transaction.atomic():
                Alert.objects.bulk_create([_new_alert(candidate, now) for candidate in new])
            counts["opened"] = len(new)
        except IntegrityError:
            # A concurrent run opened some of them first: one by one, taking theirs.
            for candidate in new:
                try:
                    with transaction.atomic():
                        _new_alert(candidate, now).save()
                    counts["opened"] += 1
                except IntegrityError:
                    alert = Alert.objects.select_for_update().get(
                        key=candidate.key, resolved_at__isnull=True
                    )
                    changed += _refresh(alert, candidate, now)
                    seen.append(alert)
    if seen:
        Alert.objects.bulk_update(seen, [*REFRESHED_FIELDS, "last_seen_at", "updated_at"])
    counts["updated"] = changed
    # Left: alerts no rule raises any more.
    if open_alerts:
        counts["resolved"] = Alert.objects.filter(
            pk__in=[alert.pk for alert in open_alerts.values()]
        ).update(resolved_at=now, updated_at=now)
    logger.info(
        "Alerts: %s opened, %s updated, %s resolved",
        counts["opened"],
        counts["updated"],
        counts["resolved"],
    )
    return counts


@transaction.atomic
def alert_acknowledge(alert: Alert, *, actor, note: str = "") -> Alert:
    """Record that ``actor`` (a PMO manager) looked at an open alert, with an optional note.

    An alert already resolved, or already acknowledged, cannot be (409, with the reason).
    """
    if not can(actor, "acknowledge", alert):
        raise PermissionDenied
    locked = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("acknowledged_by")
        .get(pk=alert.pk)
    )
    if not locked.is_open:
        raise WorkflowError(_("This alert is resolved: there is nothing left to acknowledge."))
    if locked.is_acknowledged:
        raise WorkflowError(
            _("This alert was already acknowledged by %(user)s on %(date)s.")
            % {
                "user": locked.acknowledged_by,
                "date": formats.date_format(
                    timezone.localtime(locked.acknowledged_at), "SHORT_DATETIME_FORMAT"
                ),
            }
        )
    model_update(
        instance=locked,
        data={
            "acknowledged_by": actor,
            "acknowledged_at": timezone.now(),
            "acknowledgement_note": (note or "").strip(),
        },
    )
    return locked


@transaction.atomic
def health_policy_update(*, actor=None, **data) -> HealthPolicy:
    """Set the PMO's computed-health thresholds (one row, created on its first save)."""
    if not can(actor, "change", HealthPolicy):
        raise PermissionDenied
    policy = HealthPolicy.objects.select_for_update().order_by("pk").first()
    if policy is None:
        policy = HealthPolicy.objects.create()
    return model_update(instance=policy, data=data)[0]
