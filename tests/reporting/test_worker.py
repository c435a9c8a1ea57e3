"""A real Celery worker, on the Redis broker of the test services, makes a schedule's pack:
the message beat would send, delivered twice, gives one run, one PDF and one email."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from pmo.celery import app
from reporting import tasks
from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun
from reporting.services import reports
from tests import factories

# The worker answers from its own thread and connection: the data must be committed;
# serialized_rollback brings back the migrations' rows (the role groups) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("The worker test needs the Redis broker that make test starts.")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = True


def _wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_schedule_fired_twice_is_made_once_by_a_real_worker(worker, pmo_user, exec_user):
    portfolio = factories.PortfolioFactory(code="OPS", name="Operations")
    factories.StatusReportFactory(project=factories.ProjectFactory(portfolio=portfolio))
    schedule = reports.report_schedule_create(
        actor=pmo_user,
        data={
            "name": "Weekly Copil",
            "kind": ReportKind.PORTFOLIO_PACK,
            "portfolio": portfolio,
            "cron": "0 7 * * 1",
            "time_zone": "Europe/Paris",
            "language": "en",
        },
        recipients=[exec_user],
    )
    # What beat sends when the cron fires, delivered twice.
    tasks.run_report_schedule.delay(schedule.pk)
    tasks.run_report_schedule.delay(schedule.pk)

    assert _wait_for(
        lambda: ReportRun.objects.filter(
            state=RunState.SUCCEEDED, emailed_at__isnull=False
        ).exists()
    ), list(ReportRun.objects.values("state", "error"))
    time.sleep(1)  # the second delivery, done by now, must have made nothing more
    run = ReportRun.objects.get()
    assert run.schedule == schedule
    assert run.pdf.read().startswith(b"%PDF")
    assert len(mail.outbox) == 1


def test_a_pack_asked_on_demand_is_made_by_a_real_worker(worker, exec_user):
    portfolio = factories.PortfolioFactory(code="FIN", name="Finance")
    factories.StatusReportFactory(project=factories.ProjectFactory(portfolio=portfolio))
    run = reports.report_run_request(
        actor=exec_user, kind=ReportKind.PORTFOLIO_PACK, portfolio=portfolio, language="fr"
    )
    # Committed: the task went to the broker on commit.
    assert _wait_for(lambda: ReportRun.objects.get(pk=run.pk).is_finished)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.task_id
