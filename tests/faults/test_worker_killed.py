"""A Celery worker killed while it makes a Copil pack: the run is made once, by the next
worker, from the same message.

The message is acknowledged only once the task ends (acks_late), so a worker killed mid-run
leaves it unacknowledged in Redis; Redis hands it out again once it is older than the
visibility timeout (11 min 30 s in production, past the hard time limit; 3 s here), and
the run, still "running" under that message's task id, is taken over by it.
"""

import hashlib
import time

from celery import Celery
from django.utils import timezone

from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun
from tests import factories
from tests.faults.conftest import FAULTS_DB
from tests.faults.services import app_environment, celery_worker, suite_database_url, wait_for

pytestmark = FAULTS_DB

VISIBILITY_TIMEOUT = 3


def _queued_run(user) -> ReportRun:
    portfolio = factories.PortfolioFactory(code="OPS", name="Operations")
    factories.StatusReportFactory(project=factories.ProjectFactory(portfolio=portfolio))
    return ReportRun.objects.create(
        kind=ReportKind.PORTFOLIO_PACK,
        portfolio=portfolio,
        language="en",
        as_of=timezone.localdate(),
        requested_by=user,
    )


def test_a_pack_whose_worker_is_killed_mid_run_is_made_once_by_the_next_worker(
    exec_user, redis_server, processes, tmp_path
):
    # Given a queued run, its message on the broker, and a worker slow to render it.
    run = _queued_run(exec_user)
    media = tmp_path / "media"
    environment = {
        "database_url": suite_database_url(),
        "redis_url": redis_server.url,
        "media": media,
        "CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
    }
    client = Celery("faults", broker=redis_server.url)
    client.send_task("reporting.generate_report", args=[run.pk])
    first = celery_worker(
        "first", app_environment(**environment, FAULTS_RENDER_DELAY=120), tmp_path
    )
    processes.append(first)

    def state():
        return ReportRun.objects.values_list("state", flat=True).get(pk=run.pk)

    assert wait_for(lambda: state() == RunState.RUNNING, 60), first.output()

    # When the worker is killed while the run is running, and another starts.
    first.kill()
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RunState.RUNNING, 1)
    task_id = run.task_id
    time.sleep(VISIBILITY_TIMEOUT)
    second = celery_worker("second", app_environment(**environment), tmp_path)
    processes.append(second)

    # Then the second worker makes it, from the same message, once.
    assert wait_for(lambda: state() in (RunState.SUCCEEDED, RunState.FAILED), 90), second.output()
    time.sleep(2)  # anything more it would do, it has done by now
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.attempts == 2
    assert run.task_id == task_id
    files = [path for path in media.rglob("*") if path.is_file()]
    assert [path.name for path in files] == [run.pdf.name.rsplit("/", 1)[-1]]
    content = files[0].read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == run.sha256
    # Nothing left on the broker: no message waiting, none taken and unacknowledged.
    assert redis_server.command("LLEN", "celery") == "0"
    assert redis_server.command("HLEN", "unacked") == "0"
