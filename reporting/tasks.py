"""Celery tasks of the reporting app: thin, they call the services and the digest.

Beat runs the alert refresh hourly and the PMO digest on Mondays at 08:00 (schedule rows
made by migration 0002); both are idempotent, so a retry or a second run changes nothing
more and sends nothing twice.
"""

from celery import shared_task

from projects.tasks import RETRY
from reporting import digest, services


@shared_task(name="reporting.refresh_alerts", **RETRY)
def refresh_alerts() -> dict[str, int]:
    """Open, refresh and resolve the alerts from every rule; return the counts (``opened``,
    ``updated``, ``resolved``)."""
    return services.alerts_refresh()


@shared_task(name="reporting.send_weekly_digest", **RETRY)
def send_weekly_digest() -> int:
    """Email last week's PMO digest to each PMO manager not sent it yet; return emails
    sent."""
    return digest.send_weekly_digest()
