"""What the fault tests check end to end, each piece alone and fast: the cache answering as an
empty one without Redis, Generate now with the broker refusing, the queued runs sent again."""

import logging
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from pmo.cache import DegradingRedisCache
from reporting import tasks
from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun
from reporting.services import reports
from reporting.services.reports import QUEUE_UNAVAILABLE
from tests import factories
from tests.faults.conftest import FAULTS_DB
from tests.faults.services import free_port


@pytest.fixture
def dead_cache():
    """A cache on a port where no Redis listens."""
    return DegradingRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


def test_a_cache_without_redis_answers_as_an_empty_cache(dead_cache):
    assert dead_cache.get("key", "default") == "default"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.add("key", 1) is False
    assert dead_cache.set("key", 1) is None
    assert dead_cache.has_key("key") is False
    assert dead_cache.delete("key") is False
    with pytest.raises(ValueError, match="not found"):
        dead_cache.incr("key")


def test_a_cache_without_redis_warns_once_and_stops_asking_for_a_while(dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="pmo.cache"):
        dead_cache.get("a")
        with mock.patch("django.core.cache.backends.redis.RedisCache.get") as asked:
            dead_cache.get("b")
    assert not asked.called
    assert len([r for r in caplog.records if r.name == "pmo.cache"]) == 1


def test_the_login_throttle_lets_people_in_while_its_cache_is_away(client, pmo_user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pmo.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.post(
        reverse("login"), {"username": "pmo", "password": factories.TEST_PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def broker_down():
    """The broker refuses every message, as kombu reports a Redis out of reach."""
    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(tasks.generate_report, "delay", side_effect=error) as delay:
        yield delay


@pytest.fixture
def portfolio(db):
    portfolio = factories.PortfolioFactory(code="OPS", name="Operations")
    factories.StatusReportFactory(project=factories.ProjectFactory(portfolio=portfolio))
    return portfolio


def _ask(client, portfolio):
    return client.post(
        reverse("reporting:pack_request"),
        {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "en"},
        follow=True,
    )


@FAULTS_DB  # the request's own commit sends the message: a real transaction
def test_generate_now_with_the_broker_down_saves_the_run_and_warns_on_its_page(
    client_as, pmo_user, portfolio, broker_down
):
    response = _ask(client_as(pmo_user), portfolio)
    run = ReportRun.objects.get()
    assert run.state == RunState.QUEUED
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert response.status_code == 200
    assert [(m.level_tag, m.message) for m in response.context["messages"]] == [
        ("warning", str(QUEUE_UNAVAILABLE))
    ]


@FAULTS_DB  # the request's own commit sends the message: a real transaction
def test_generate_now_with_the_broker_up_says_the_pack_is_being_generated(
    client_as, pmo_user, portfolio
):
    with mock.patch.object(tasks.generate_report, "delay"):
        response = _ask(client_as(pmo_user), portfolio)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


@FAULTS_DB  # the request's own commit sends the message: a real transaction
def test_the_api_with_the_broker_down_answers_202_with_the_queued_run_and_why(
    api_as, pmo_user, portfolio, broker_down
):
    response = api_as(pmo_user).post(
        "/api/v1/reports/",
        {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "en"},
    )
    assert response.status_code == 202
    body = response.json()
    run = ReportRun.objects.get()
    assert (body["id"], body["state"], body["queue_available"]) == (run.pk, "queued", False)
    assert body["detail"] == str(QUEUE_UNAVAILABLE)
    assert response["Location"].endswith(f"/api/v1/reports/{run.pk}/")


@FAULTS_DB  # the request's own commit sends the message: a real transaction
def test_the_api_with_the_broker_up_says_the_queue_took_the_run(api_as, pmo_user, portfolio):
    with mock.patch.object(tasks.generate_report, "delay"):
        response = api_as(pmo_user).post(
            "/api/v1/reports/",
            {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "en"},
        )
    assert (response.json()["queue_available"], response.json()["detail"]) == (True, None)


@pytest.mark.django_db
def test_requeueing_sends_the_queued_runs_again_and_no_other(
    portfolio, exec_user, django_capture_on_commit_callbacks
):
    def run(state):
        return ReportRun.objects.create(
            kind=ReportKind.PORTFOLIO_PACK,
            portfolio=portfolio,
            language="en",
            as_of=timezone.localdate(),
            requested_by=exec_user,
            state=state,
        )

    queued = [run(RunState.QUEUED), run(RunState.QUEUED)]
    for state in (RunState.RUNNING, RunState.SUCCEEDED, RunState.FAILED):
        run(state)
    with (
        mock.patch.object(tasks.generate_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reports.report_runs_requeue() == 2
    assert sorted(call.args[0] for call in delay.call_args_list) == [r.pk for r in queued]
