"""Overrun alerts: opened, updated and closed by the daily refresh, one open per project; the
unflagged ones emailed once to the PMO managers; the Celery task and its beat schedule."""

import datetime
import importlib
import smtplib
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from pmo.celery import app as celery_app
from pmo.roles import Role
from projects import tasks
from projects.choices import EacBasis, Phase, Rating
from projects.models import OverrunAlert
from projects.services import alerts
from tests import factories

D = Decimal
WEEK = datetime.date(2026, 11, 9)
NOW = datetime.datetime(2026, 11, 20, 7, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(days=1)
FAILING_BACKEND = "tests.projects.test_overrun_alerts.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("The mail server is down")


def declare(project, *, etc, rating=Rating.GREEN, week=WEEK, progress=40):
    """File ``project``'s latest status with an estimate to complete and a cost rating."""
    report = factories.StatusReportFactory(
        project=project,
        week=week,
        submitted=True,
        progress=progress,
        cost_rating=rating,
        cost_comment="" if rating == Rating.GREEN else "Over budget.",
        estimate_to_complete=D(etc) if etc is not None else None,
    )
    project.last_status = report
    project.save(update_fields=["last_status"])
    return report


def spend(project, amount):
    return factories.CostEntryFactory(
        project=project, amount=D(amount), date=datetime.date(2026, 6, 1)
    )


@pytest.fixture
def portfolio(db):
    """A portfolio whose owner has no role: each factory-made portfolio would otherwise bring
    a PMO manager of its own, and emails to them."""
    return factories.PortfolioFactory(owner=factories.UserFactory(username="owner"))


@pytest.fixture
def project(pm_user, portfolio):
    """A project in execution of ``portfolio``, budget 500,000, managed by ``pm_user``."""
    return factories.ProjectFactory(project_manager=pm_user, portfolio=portfolio)


@pytest.fixture
def overrunning(project):
    """The ``project`` fixture's project (budget 500,000) heading for 600,000, green on Cost."""
    spend(project, "100000.00")
    declare(project, etc="500000.00")
    return project


def refresh(now=NOW):
    return alerts.overrun_alerts_refresh(now=now)


# --- refresh -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_in_overrun_gets_an_alert_with_its_figures(overrunning):
    counts = refresh()

    assert counts == {"opened": 1, "updated": 0, "closed": 0}
    alert = OverrunAlert.objects.get()
    assert alert.project == overrunning
    assert alert.is_open
    assert alert.opened_at == NOW
    assert alert.budget == D("500000.00")
    assert alert.threshold == D("525000.00")
    assert alert.eac == D("600000.00")
    assert alert.eac_basis == EacBasis.REPORTED
    assert alert.cost_rating == Rating.GREEN
    assert alert.unflagged
    assert alert.notified_at is None


@pytest.mark.django_db
def test_a_project_within_the_tolerance_gets_no_alert(project):
    spend(project, "125000.00")
    declare(project, etc="400000.00")  # EAC 525,000: exactly the threshold

    assert refresh() == {"opened": 0, "updated": 0, "closed": 0}
    assert not OverrunAlert.objects.exists()


@pytest.mark.django_db
def test_an_eac_from_the_cost_performance_raises_an_alert_too(project):
    spend(project, "250000.00")
    declare(project, etc=None, progress=40)  # EAC = 500,000 / 0.8

    refresh()

    alert = OverrunAlert.objects.get()
    assert alert.eac == D("625000.00")
    assert alert.eac_basis == EacBasis.PERFORMANCE


@pytest.mark.django_db
def test_a_second_refresh_keeps_the_one_open_alert(overrunning):
    refresh()

    assert refresh(LATER) == {"opened": 0, "updated": 0, "closed": 0}
    assert OverrunAlert.objects.count() == 1
    assert OverrunAlert.objects.get().opened_at == NOW


@pytest.mark.django_db
def test_a_refresh_updates_the_figures_of_the_open_alert(overrunning):
    refresh()
    spend(overrunning, "50000.00")

    assert refresh(LATER) == {"opened": 0, "updated": 1, "closed": 0}
    alert = OverrunAlert.objects.get()
    assert alert.eac == D("650000.00")
    assert alert.opened_at == NOW


@pytest.mark.django_db
def test_an_alert_is_closed_when_the_estimate_comes_back_within_the_tolerance(overrunning):
    refresh()
    declare(overrunning, etc="300000.00", week=WEEK + datetime.timedelta(days=7))

    assert refresh(LATER) == {"opened": 0, "updated": 0, "closed": 1}
    alert = OverrunAlert.objects.get()
    assert alert.closed_at == LATER
    assert not alert.is_open


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED, Phase.IDEA])
def test_an_alert_is_closed_when_its_project_leaves_the_active_phases(overrunning, phase):
    refresh()
    overrunning.phase = phase
    overrunning.save(update_fields=["phase"])

    assert refresh(LATER)["closed"] == 1
    assert not OverrunAlert.objects.get().is_open


@pytest.mark.django_db
def test_a_new_overrun_after_a_cleared_one_opens_a_new_alert(overrunning):
    refresh()
    declare(overrunning, etc="1.00", week=WEEK + datetime.timedelta(days=7))
    refresh(LATER)
    declare(overrunning, etc="900000.00", week=WEEK + datetime.timedelta(days=14))

    assert refresh(LATER + datetime.timedelta(days=3))["opened"] == 1
    assert OverrunAlert.objects.count() == 2
    assert OverrunAlert.objects.filter(closed_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_only_a_green_cost_rating_makes_an_alert_unflagged(project, other_pm_user, portfolio):
    amber = factories.ProjectFactory(project_manager=other_pm_user, portfolio=portfolio)
    for each in (project, amber):
        spend(each, "100000.00")
    declare(project, etc="500000.00", rating=Rating.GREEN)
    declare(amber, etc="500000.00", rating=Rating.AMBER)

    refresh()

    assert OverrunAlert.objects.get(project=project).unflagged
    flagged = OverrunAlert.objects.get(project=amber)
    assert not flagged.unflagged
    assert flagged.cost_rating == Rating.AMBER


@pytest.mark.django_db
def test_an_alert_becomes_flagged_when_the_project_turns_its_cost_amber(overrunning):
    refresh()
    declare(
        overrunning,
        etc="500000.00",
        rating=Rating.AMBER,
        week=WEEK + datetime.timedelta(days=7),
    )

    assert refresh(LATER)["updated"] == 1
    alert = OverrunAlert.objects.get()
    assert not alert.unflagged
    assert alert.cost_rating == Rating.AMBER


@pytest.mark.django_db
def test_the_database_keeps_one_open_alert_per_project(overrunning):
    refresh()

    with pytest.raises(IntegrityError), transaction.atomic():
        OverrunAlert.objects.create(
            project=overrunning,
            budget=D("1"),
            threshold=D("1"),
            eac=D("2"),
            eac_basis=EacBasis.REPORTED,
        )


@pytest.mark.django_db
def test_an_alert_opened_meanwhile_by_a_concurrent_run_is_updated_not_doubled(overrunning):
    # The other run committed its alert after this one read the open alerts (none): this
    # one's insert is refused by the constraint, and it updates the other's alert instead.
    OverrunAlert.objects.create(
        project=overrunning,
        opened_at=NOW,
        budget=D("500000.00"),
        threshold=D("525000.00"),
        eac=D("590000.00"),
        eac_basis=EacBasis.REPORTED,
    )

    with mock.patch.object(alerts, "_locked_open_alerts", return_value={}):
        counts = refresh(LATER)

    assert counts == {"opened": 0, "updated": 1, "closed": 0}
    alert = OverrunAlert.objects.get()
    assert alert.eac == D("600000.00")
    assert alert.opened_at == NOW


@pytest.mark.django_db
def test_the_refresh_is_all_or_nothing(overrunning, other_pm_user, portfolio):
    second = factories.ProjectFactory(project_manager=other_pm_user, portfolio=portfolio)
    spend(second, "100000.00")
    declare(second, etc="500000.00")
    real_open = alerts._open_alert

    def open_then_fail(project, figures, now):
        if project == second:
            raise RuntimeError("The database went away")
        return real_open(project, figures, now)

    with (
        mock.patch.object(alerts, "_open_alert", side_effect=open_then_fail),
        pytest.raises(RuntimeError),
    ):
        refresh()

    assert not OverrunAlert.objects.exists()


# --- notify --------------------------------------------------------------------------------


@pytest.fixture
def pmo_managers(pmo_user):
    """Two PMO managers with an address, one without, one inactive, and an executive."""
    second = factories.pmo_manager(username="pmo2")
    factories.pmo_manager(username="pmo-noaddress", email="")
    factories.pmo_manager(username="pmo-gone", is_active=False)
    factories.executive(username="boss")
    return [pmo_user, second]


@pytest.mark.django_db
def test_each_pmo_manager_gets_one_email_listing_the_unflagged_overruns(overrunning, pmo_managers):
    refresh()

    sent = alerts.overrun_alerts_notify(now=NOW)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["pmo2@example.com", "pmo@example.com"]
    message = mail.outbox[0]
    assert "1 budget overrun" in message.subject
    body = message.body
    assert overrunning.code in body
    assert overrunning.name in body
    assert overrunning.project_manager.display_name in body
    assert "500,000" in body
    assert "600,000" in body
    assert "20.0 % over" in body
    assert f"{settings.SITE_URL}{overrunning.get_absolute_url()}" in body
    assert f"{settings.SITE_URL}/finance/overruns/?open=true&unflagged=true" in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert overrunning.get_absolute_url() in html
    assert "+20.0 %" in html
    assert OverrunAlert.objects.get().notified_at == NOW


@pytest.mark.django_db
def test_a_rerun_sends_nothing_again(overrunning, pmo_managers):
    refresh()
    alerts.overrun_alerts_notify(now=NOW)
    mail.outbox.clear()

    refresh(LATER)

    assert alerts.overrun_alerts_notify(now=LATER) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_flagged_overruns_are_not_emailed(project, pmo_managers):
    spend(project, "100000.00")
    declare(project, etc="500000.00", rating=Rating.RED)
    refresh()

    assert alerts.overrun_alerts_notify(now=NOW) == 0
    assert mail.outbox == []
    assert OverrunAlert.objects.get().notified_at is None


@pytest.mark.django_db
def test_closed_alerts_are_not_emailed(overrunning, pmo_managers):
    refresh()
    declare(overrunning, etc="1.00", week=WEEK + datetime.timedelta(days=7))
    refresh(LATER)

    assert alerts.overrun_alerts_notify(now=LATER) == 0


@pytest.mark.django_db
def test_one_email_lists_every_new_unflagged_overrun(
    overrunning, pmo_user, other_pm_user, portfolio
):
    second = factories.ProjectFactory(
        project_manager=other_pm_user, code="ZZ-LAST", portfolio=portfolio
    )
    spend(second, "100000.00")
    declare(second, etc="600000.00")
    refresh()

    assert alerts.overrun_alerts_notify(now=NOW) == 1
    body = mail.outbox[0].body
    assert "2 budget overruns" in mail.outbox[0].subject
    assert body.index(overrunning.code) < body.index("ZZ-LAST")


@pytest.mark.django_db
def test_an_alert_turning_unflagged_later_is_emailed_then(project, pmo_user):
    spend(project, "100000.00")
    declare(project, etc="500000.00", rating=Rating.AMBER)
    refresh()
    assert alerts.overrun_alerts_notify(now=NOW) == 0

    declare(project, etc="500000.00", week=WEEK + datetime.timedelta(days=7))
    refresh(LATER)

    assert alerts.overrun_alerts_notify(now=LATER) == 1


@pytest.mark.django_db
def test_a_failed_send_marks_nothing_and_the_retry_sends_it(settings, overrunning, pmo_user):
    refresh()
    settings.EMAIL_BACKEND = FAILING_BACKEND

    with pytest.raises(smtplib.SMTPException):
        alerts.overrun_alerts_notify(now=NOW)

    assert OverrunAlert.objects.get().notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alerts.overrun_alerts_notify(now=LATER) == 1
    assert OverrunAlert.objects.get().notified_at == LATER


@pytest.mark.django_db
def test_without_a_pmo_manager_to_tell_the_alerts_wait(overrunning):
    refresh()

    assert alerts.overrun_alerts_notify(now=NOW) == 0
    assert OverrunAlert.objects.get().notified_at is None


@pytest.mark.django_db
def test_only_members_of_the_pmo_manager_group_are_told(overrunning, pmo_user):
    factories.UserFactory(username="admin", is_superuser=True)
    factories.UserFactory(username="both", roles=[Role.EXECUTIVE, Role.PMO_MANAGER])
    refresh()

    alerts.overrun_alerts_notify(now=NOW)

    assert sorted(m.to[0] for m in mail.outbox) == ["both@example.com", "pmo@example.com"]


@pytest.mark.django_db
def test_the_email_escapes_nothing_in_text_and_everything_in_html(project, pmo_user):
    project.name = "R&D <platform>"
    project.save(update_fields=["name"])
    spend(project, "100000.00")
    declare(project, etc="500000.00")
    refresh()

    alerts.overrun_alerts_notify(now=NOW)

    message = mail.outbox[0]
    assert "R&D <platform>" in message.body
    assert "R&amp;D &lt;platform&gt;" in message.alternatives[0][0]


# --- task and schedule ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_refreshes_then_notifies(overrunning, pmo_user):
    result = tasks.refresh_overrun_alerts.apply()

    assert result.get() == {"opened": 1, "updated": 0, "closed": 0, "emails": 1}
    assert len(mail.outbox) == 1
    assert tasks.refresh_overrun_alerts.run() == {
        "opened": 0,
        "updated": 0,
        "closed": 0,
        "emails": 0,
    }


def test_the_task_is_registered_and_retries_mail_failures():
    celery_app.loader.import_default_modules()

    task = tasks.refresh_overrun_alerts
    assert celery_app.tasks["projects.refresh_overrun_alerts"].run is task.run
    assert task.max_retries == 3
    assert smtplib.SMTPException in task.autoretry_for
    assert task.retry_backoff


@pytest.mark.django_db
def test_beat_runs_the_overrun_alerts_daily_at_seven():
    row = PeriodicTask.objects.select_related("crontab").get(task="projects.refresh_overrun_alerts")

    assert row.enabled
    assert row.name == "Overrun alerts to the PMO"
    crontab = row.crontab
    assert (crontab.minute, crontab.hour) == ("0", "7")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")
    assert str(crontab.timezone) == "Europe/Paris"


@pytest.mark.django_db
def test_the_schedule_migration_can_be_reversed_and_replayed():
    schedule = importlib.import_module("projects.migrations.0008_overrun_alert_schedule")

    schedule.remove_schedule(django_apps, None)

    assert not PeriodicTask.objects.filter(task="projects.refresh_overrun_alerts").exists()
    assert not CrontabSchedule.objects.filter(minute="0", hour="7").exists()
    assert PeriodicTask.objects.filter(task="projects.send_status_reminders").exists()

    schedule.create_schedule(django_apps, None)
    schedule.create_schedule(django_apps, None)  # replaying makes no second row

    assert PeriodicTask.objects.filter(task="projects.refresh_overrun_alerts").count() == 1
