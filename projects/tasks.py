"""Celery tasks of the projects app: thin, they call :mod:`projects.notifications`.

Beat runs both hourly (schedule rows made by migration 0004); each decides whether it is
time and sends each email once, so a retry or a second run never sends twice.
"""

import smtplib

from celery import shared_task

from projects import notifications

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
