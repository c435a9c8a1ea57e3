"""Celery tasks of the projects app: thin, they call :mod:`projects.notifications` and the
services.

Beat runs the status emails hourly (schedule rows made by migration 0004); each decides
whether it is time and sends each email once, so a retry or a second run never sends twice.
It runs the overrun alerts daily at 07:00 (migration 0008), idempotent the same way.
"""

import smtplib

from celery import shared_task

from projects import notifications
from projects.services import alerts

# A mail server that refuses, drops the line or cannot be reached: worth another try later.
# Network failures (refused, reset, timeout, unknown host) are all OSErrors.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)
RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": 60,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(name="projects.send_status_reminders", **RETRY)
def send_status_reminders() -> int:
    """Remind project managers of this week's statuses still to submit; return emails sent."""
    return notifications.send_status_reminders()


@shared_task(name="projects.send_late_summaries", **RETRY)
def send_late_summaries() -> int:
    """Send the PMO managers the week's late statuses once the deadline passed; return
    emails sent."""
    return notifications.send_late_summaries()


@shared_task(name="projects.refresh_overrun_alerts", **RETRY)
def refresh_overrun_alerts() -> dict[str, int]:
    """Open, update and close the overrun alerts from today's figures, then email the PMO
    managers the unflagged ones not told yet; return the counts (``opened``, ``updated``,
    ``closed``, ``emails``). A retry refreshes again (same result) and sends only what is
    still unsent."""
    counts = alerts.overrun_alerts_refresh()
    counts["emails"] = alerts.overrun_alerts_notify()
    return counts
