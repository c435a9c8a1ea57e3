"""Redis stopped under a running site (gunicorn) and worker: pages, sign-in and API reads
still answer; "Generate now" answers that the queue is unavailable and saves the run all the
same; once Redis is back the worker reconnects, asks for the queued runs again, and each is
made once."""

import hashlib
import re
import time

import requests
from django.urls import reverse

from projects import weeks
from reporting.choices import RunState
from reporting.models import ReportRun
from reporting.services.reports import QUEUE_UNAVAILABLE
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.faults.conftest import FAULTS_DB
from tests.faults.services import (
    WebServer,
    app_environment,
    celery_worker,
    post_form,
    sign_in,
    suite_database_url,
    wait_for,
)

pytestmark = FAULTS_DB


def test_with_redis_stopped_the_site_serves_and_generate_now_is_saved_then_made_once(
    pmo_user, pm_user, redis_server, processes, tmp_path
):
    # Given a site and a worker on a Redis of their own.
    portfolio = factories.PortfolioFactory(code="OPS", name="Operations")
    project = factories.ProjectFactory(portfolio=portfolio, project_manager=pm_user)
    factories.StatusReportFactory(project=project)
    media = tmp_path / "media"
    environment = app_environment(
        database_url=suite_database_url(), redis_url=redis_server.url, media=media
    )
    worker = celery_worker("worker", environment, tmp_path)
    processes.append(worker)
    web = WebServer(environment, tmp_path).start()
    processes.append(web)

    # The worker waiting for work: what it sends itself on connecting is done. (Redis lost
    # while a task is being acknowledged makes kombu 5.7 stop the worker, which its
    # supervisor restarts: docker compose's restart policy.)
    def waiting_for_work():
        return re.search(r"requeue_report_runs\[[^\]]+\] succeeded", worker.output())

    assert wait_for(waiting_for_work, 60), worker.output()

    # When Redis stops.
    redis_server.stop()

    # Then people still sign in (the login throttle's cache answers "nothing recorded")...
    pmo = sign_in(web, "pmo", TEST_PASSWORD)
    pm = sign_in(web, "pm", TEST_PASSWORD)
    stranger = requests.Session()
    stranger.get(web.base + "/login/", timeout=30)
    wrong = post_form(stranger, web, "/login/", {"username": "pm", "password": "wrong"})
    assert wrong.status_code == 200  # the form again, with its error
    # ...and get an API token (same throttle)...
    issued = requests.post(
        web.base + "/api/v1/auth/token/",
        json={"username": "pmo", "password": TEST_PASSWORD},
        timeout=30,
    )
    assert issued.status_code == 200, issued.text
    api = {"Authorization": f"Token {issued.json()['token']}"}
    # ...pages and API reads answer...
    week = weeks.current_week(project.tz).isoformat()
    for session, path in (
        (pmo, reverse("reporting:dashboard")),
        (pmo, reverse("projects:project_detail", args=[project.pk])),
        (pm, reverse("projects:status_edit", args=[project.pk, week])),
    ):
        response = session.get(web.base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code, web.output())
    for path in ("/api/v1/projects/", "/api/v1/reports/", f"/api/v1/projects/{project.pk}/"):
        response = pmo.get(web.base + path, headers=api, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
    # ...the health check names the broker...
    health = pmo.get(web.base + "/healthz", timeout=30)
    assert (health.status_code, health.json()["broker"]) == (503, "unavailable")

    # ...and Generate now, from the page and from the API, says the queue is unavailable
    # and saves the run, queued.
    started = time.monotonic()
    page = post_form(
        pmo,
        web,
        reverse("reporting:pack_request"),
        {"kind": "portfolio_pack", "portfolio": portfolio.pk, "language": "en"},
    )
    assert time.monotonic() - started < 10
    assert page.status_code == 200
    assert str(QUEUE_UNAVAILABLE) in page.text
    from_page = ReportRun.objects.get(kind="portfolio_pack")
    assert page.url.endswith(from_page.get_absolute_url())
    answer = pmo.post(
        web.base + "/api/v1/reports/",
        json={"kind": "project_flash", "project": project.pk, "language": "en"},
        headers=api,
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert (body["state"], body["queue_available"]) == ("queued", False)
    assert body["detail"] == str(QUEUE_UNAVAILABLE)
    assert answer.headers["Location"].endswith(f"/api/v1/reports/{body['id']}/")
    assert set(ReportRun.objects.values_list("state", flat=True)) == {RunState.QUEUED}

    # When Redis is back (empty: whatever it held is gone), nobody doing anything.
    redis_server.start()

    # Then the worker reconnects and makes each run, once.
    def all_finished():
        return not ReportRun.objects.exclude(
            state__in=(RunState.SUCCEEDED, RunState.FAILED)
        ).exists()

    assert wait_for(all_finished, 120), worker.output()
    time.sleep(2)  # any second message for a run has been dealt with by now
    runs = list(ReportRun.objects.order_by("pk"))
    assert [(run.state, run.attempts) for run in runs] == [(RunState.SUCCEEDED, 1)] * 2, [
        run.error for run in runs
    ]
    files = sorted(path for path in media.rglob("*") if path.is_file())
    assert len(files) == 2
    assert sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in files) == sorted(
        run.sha256 for run in runs
    )
    # And the site serves as before, Redis in use again.
    assert pmo.get(web.base + reverse("reporting:dashboard"), timeout=30).status_code == 200
    assert pmo.get(web.base + "/healthz", timeout=30).status_code == 200
