"""The weekly PMO digest: its sentences, new alerts and compliance; sent once per week and
PMO manager; the task and the beat schedules."""

import datetime
import importlib
import smtplib
import zoneinfo

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_celery_beat.models import PeriodicTask

from pmo.celery import app as celery_app
from projects.choices import Rating, Weather
from reporting import digest, tasks
from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert, DigestNotification
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEK = datetime.date(2026, 11, 9)
BEFORE = datetime.date(2026, 11, 2)
# Monday after WEEK, when beat sends the digest.
MONDAY = datetime.datetime(2026, 11, 16, 8, 0, tzinfo=PARIS)
FAILING_BACKEND = "tests.reporting.test_digest.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("The mail server is down")


def filed(project, week, **fields):
    """A status of ``week`` submitted on its Wednesday, before the deadline."""
    return factories.StatusReportFactory(
        project=project,
        week=week,
        submitted=True,
        submitted_at=datetime.datetime.combine(
            week + datetime.timedelta(days=2), datetime.time(10, 0), tzinfo=PARIS
        ),
        **fields,
    )


def red_cost():
    return {"cost_rating": Rating.RED, "cost_comment": "Over.", "recovery_plan": "Cut."}


@pytest.fixture
def week_of_changes(pmo_user):
    # One portfolio owned by ``pmo_user``: the only PMO manager to receive the digest.
    portfolio = factories.PortfolioFactory(owner=pmo_user)
    alpha = factories.ProjectFactory(code="ALPHA", portfolio=portfolio)
    beta = factories.ProjectFactory(code="BETA", portfolio=portfolio)
    gamma = factories.ProjectFactory(code="GAMMA", portfolio=portfolio)
    factories.ProjectFactory(code="SILENT", portfolio=portfolio)  # reports neither week
    filed(alpha, BEFORE)
    filed(alpha, WEEK, weather=Weather.STORMY, **red_cost())
    filed(beta, BEFORE)
    filed(beta, WEEK, **red_cost())
    filed(gamma, BEFORE, delay_rating=Rating.AMBER, delay_comment="Late.")
    filed(gamma, WEEK, weather=Weather.SUNNY)
    during = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
    earlier = datetime.datetime(2026, 11, 6, 9, 0, tzinfo=PARIS)
    for number, (seen, severity) in enumerate(
        [(during, AlertSeverity.HIGH), (during, AlertSeverity.LOW), (earlier, AlertSeverity.LOW)]
    ):
        Alert.objects.create(
            key=f"overdue_action:{number}",
            kind=AlertKind.OVERDUE_ACTION,
            severity=severity,
            first_seen_at=seen,
            last_seen_at=seen,
        )
    return alpha, beta, gamma


@pytest.mark.django_db
def test_the_digest_says_what_turned_in_plain_sentences(week_of_changes):
    result = digest.weekly_digest(week=WEEK, now=MONDAY)

    assert result.rating_sentences == [
        "2 projects turned red on Cost: ALPHA, BETA",
        "1 project turned green on Delay: GAMMA",
    ]
    assert result.weather_sentences == ["The weather worsened for 1 project: ALPHA"]


@pytest.mark.django_db
def test_the_digest_counts_new_alerts_by_kind_and_the_weeks_compliance(week_of_changes):
    result = digest.weekly_digest(week=WEEK, now=MONDAY)

    assert result.new_alert_total == 2
    assert result.new_high == 1
    assert [(str(line["label"]), line["count"]) for line in result.alert_lines] == [
        ("Overdue action", 2)
    ]
    assert result.open_alerts == 3
    assert (result.compliance.on_time, result.compliance.missing) == (3, 1)


@pytest.mark.django_db
def test_the_digest_goes_once_to_each_pmo_manager(week_of_changes, pmo_user):
    factories.pmo_manager(username="nomail", email="")
    factories.executive(username="boss", email="boss@example.com")

    assert digest.send_weekly_digest(now=MONDAY) == 1
    assert digest.send_weekly_digest(now=MONDAY + datetime.timedelta(hours=1)) == 0

    [message] = mail.outbox
    assert message.to == [pmo_user.email]
    assert "2026-11-09" in message.subject
    assert "2 projects turned red on Cost: ALPHA, BETA." in message.body
    assert "On time: 3, late: 0, missing: 1." in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "ALPHA, BETA" in html
    assert DigestNotification.objects.get().week == WEEK


@pytest.mark.django_db
def test_the_digest_is_in_the_site_language(week_of_changes, pmo_user, settings):
    settings.LANGUAGE_CODE = "fr"

    digest.send_weekly_digest(now=MONDAY)

    assert "Pilotage" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_failed_send_leaves_no_record_and_the_retry_sends_it(week_of_changes, pmo_user, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND

    with pytest.raises(smtplib.SMTPException):
        digest.send_weekly_digest(now=MONDAY)

    assert not DigestNotification.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest.send_weekly_digest(now=MONDAY) == 1


@pytest.mark.django_db
def test_a_quiet_week_still_says_so(pmo_user):
    digest.send_weekly_digest(now=MONDAY)

    assert "No rating or weather changed" in mail.outbox[0].body
    assert "No new alert this week." in mail.outbox[0].body


def test_the_digest_task_is_registered_and_retries_mail_errors():
    task = tasks.send_weekly_digest

    assert celery_app.tasks["reporting.send_weekly_digest"].run is task.run
    assert smtplib.SMTPException in task.autoretry_for
    assert task.max_retries == 3


@pytest.mark.django_db
def test_beat_refreshes_alerts_hourly_and_sends_the_digest_on_monday_at_eight():
    refresh = PeriodicTask.objects.select_related("crontab").get(task="reporting.refresh_alerts")
    weekly = PeriodicTask.objects.select_related("crontab").get(task="reporting.send_weekly_digest")

    assert refresh.enabled
    assert weekly.enabled
    assert refresh.crontab.hour == "*"
    assert (weekly.crontab.minute, weekly.crontab.hour, weekly.crontab.day_of_week) == (
        "0",
        "8",
        "1",
    )
    assert str(weekly.crontab.timezone) == "Europe/Paris"


@pytest.mark.django_db
def test_the_schedule_migration_can_be_reversed_and_replayed():
    schedule = importlib.import_module("reporting.migrations.0002_alert_and_digest_schedules")

    schedule.remove_schedules(django_apps, None)

    mine = ("reporting.refresh_alerts", "reporting.send_weekly_digest")
    assert not PeriodicTask.objects.filter(task__in=mine).exists()
    assert PeriodicTask.objects.filter(task="reporting.reap_report_runs").exists()
    assert PeriodicTask.objects.filter(task="projects.refresh_overrun_alerts").exists()

    schedule.create_schedules(django_apps, None)
    schedule.create_schedules(django_apps, None)

    assert PeriodicTask.objects.filter(task__in=mine).count() == 2
