"""Celery tasks of the reporting app: thin, they call the services and the digest.

Beat runs the alert refresh hourly and the PMO digest on Mondays at 08:00 (schedule rows
made by migration 0002); both are idempotent, so a retry or a second run changes nothing
more and sends nothing twice.

Copil packs: ``generate_report`` makes a run asked for on demand; beat fires
``run_report_schedule`` from each schedule's own periodic task (kept in step by the schedule
services), and ``reap_report_runs`` every 15 minutes (migration 0004). They are acked late
and rejected on worker loss, so a worker killed mid-run hands its message to another; they
are stopped past the time limits; transient failures retry with backoff, and the last retry
records the failure on the run.
"""

from celery import shared_task
from django.conf import settings

from projects.tasks import RETRY
from reporting import digest, services
from reporting.services import reports

REPORT_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.REPORT_SOFT_TIME_LIMIT,
    "time_limit": settings.REPORT_TIME_LIMIT,
    "max_retries": 5,
}


def _retry(task, run_id: int | None, error: Exception):
    """Retry ``task`` with backoff (30 s doubling, at most 10 min); on the last try, record
    the failure on the run and give up."""
    if task.request.retries >= task.max_retries:
        if run_id is not None:
            reports.report_run_fail(run_id=run_id, error=error)
        raise error
    countdown = min(30 * 2**task.request.retries, 600)
    raise task.retry(exc=error, countdown=countdown)


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


@shared_task(name="reporting.generate_report", **REPORT_TASK)
def generate_report(self, run_id: int) -> str | None:
    """Generate the Copil pack of run ``run_id``; return its state."""
    try:
        run = reports.report_run_generate(run_id=run_id, task_id=self.request.id or "")
    except reports.TRANSIENT_ERRORS as error:
        _retry(self, run_id, error)
    return run.state if run else None


@shared_task(name="reporting.run_report_schedule", **REPORT_TASK)
def run_report_schedule(self, schedule_id: int) -> str | None:
    """Make the pack of schedule ``schedule_id`` for the time beat fired it; return its
    state (None for a schedule inactive or gone)."""
    try:
        run = reports.report_schedule_fire(schedule_id=schedule_id, task_id=self.request.id or "")
    except reports.TRANSIENT_ERRORS as error:
        _retry(self, None, error)
    return run.state if run else None


@shared_task(name="reporting.requeue_report_runs", **RETRY)
def requeue_report_runs() -> int:
    """Enqueue again the queued runs (sent by a worker on connecting to the broker, so that
    the packs asked for while it was away are made); return how many."""
    return reports.report_runs_requeue()


@shared_task(name="reporting.reap_report_runs", **RETRY)
def reap_report_runs() -> dict[str, int]:
    """Fail the runs abandoned past the time limit; enqueue again those queued too long."""
    return reports.report_runs_reap()
