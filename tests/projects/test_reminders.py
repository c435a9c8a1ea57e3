"""Weekly status emails: reminders before the deadline, the late summary after it, each sent
once per week and person; the Celery tasks and beat's schedule rows."""

import datetime
import smtplib
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_celery_beat.models import PeriodicTask

from pmo.celery import app as celery_app
from pmo.roles import Role
from projects import notifications, tasks
from projects.choices import Phase, ReportState
from projects.models import ReportingCalendar, StatusNotification
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEK = datetime.date(2026, 3, 2)
# With the default calendar the status is due Friday 12:00 and reminders start 24 h before.
THURSDAY_11 = datetime.datetime(2026, 3, 5, 11, 0, tzinfo=PARIS)
FRIDAY_9 = datetime.datetime(2026, 3, 6, 9, 0, tzinfo=PARIS)
DEADLINE = datetime.datetime(2026, 3, 6, 12, 0, tzinfo=PARIS)
FRIDAY_13 = datetime.datetime(2026, 3, 6, 13, 0, tzinfo=PARIS)
SUNDAY_2330 = datetime.datetime(2026, 3, 8, 23, 30, tzinfo=PARIS)
MONDAY_0030 = datetime.datetime(2026, 3, 9, 0, 30, tzinfo=PARIS)

FAILING_BACKEND = "tests.projects.test_reminders.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("The mail server is down")


def submit(project, week=WEEK, at=FRIDAY_9 - datetime.timedelta(hours=1)):
    return factories.StatusReportFactory(
        project=project,
        week=week,
        state=ReportState.SUBMITTED,
        submitted_at=at,
        submitted_by=project.project_manager,
    )


@pytest.fixture
def new_project(pmo_user):
    """``new_project(**fields)``: a project in execution in one portfolio owned by ``pmo_user``
    (each factory-made portfolio would bring its own PMO manager, and summaries to them)."""
    portfolio = factories.PortfolioFactory(owner=pmo_user)

    def make(**fields):
        fields.setdefault("portfolio", portfolio)
        return factories.ProjectFactory(**fields)

    return make


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def week_of_three_managers(new_project, pm_user, other_pm_user):
    """pm: two statuses missing (one a draft) and one submitted; pm2: one missing;
    a third manager: all submitted; plus projects that are not active."""
    diligent = factories.project_manager(username="diligent")
    projects = {
        "missing": new_project(project_manager=pm_user, name="Missing one"),
        "draft": new_project(project_manager=pm_user, name="Draft one"),
        "done": new_project(project_manager=pm_user, name="Done one"),
        "other": new_project(project_manager=other_pm_user, name="Other one"),
        "diligent": new_project(project_manager=diligent, name="Diligent one"),
        "idea": new_project(project_manager=pm_user, phase=Phase.IDEA),
        "closed": new_project(project_manager=pm_user, phase=Phase.CLOSED),
    }
    factories.StatusReportFactory(project=projects["draft"], week=WEEK)
    submit(projects["done"])
    submit(projects["diligent"])
    return projects


# --- reminders ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_reminder_before_the_reminder_time(week_of_three_managers):
    sent = notifications.send_status_reminders(now=THURSDAY_11)

    assert sent == 0
    assert mail.outbox == []
    assert not StatusNotification.objects.exists()


@pytest.mark.django_db
def test_each_manager_with_a_missing_status_gets_one_reminder_naming_those_projects(
    settings, week_of_three_managers, pm_user, other_pm_user
):
    settings.SITE_URL = "https://pilotage.example.com"
    projects = week_of_three_managers

    sent = notifications.send_status_reminders(now=FRIDAY_9)

    assert sent == 2
    assert len(mail.outbox) == 2
    [mine] = mails_to(pm_user)
    assert projects["missing"].code in mine.body
    assert projects["draft"].code in mine.body
    assert projects["done"].code not in mine.body
    assert projects["idea"].code not in mine.body
    assert projects["closed"].code not in mine.body
    assert "Friday 6 March 2026, 12:00 (Europe/Paris)" in mine.body
    assert "https://pilotage.example.com/my-week/" in mine.body
    assert "2 weekly statuses are due" in mine.subject
    [theirs] = mails_to(other_pm_user)
    assert projects["other"].code in theirs.body
    assert projects["missing"].code not in theirs.body
    assert set(StatusNotification.objects.values_list("kind", "week", "recipient__username")) == {
        ("reminder", WEEK, "pm"),
        ("reminder", WEEK, "pm2"),
    }


@pytest.mark.django_db
def test_a_second_run_sends_no_reminder_again(week_of_three_managers):
    notifications.send_status_reminders(now=FRIDAY_9)

    sent_again = notifications.send_status_reminders(now=FRIDAY_9 + datetime.timedelta(hours=1))

    assert sent_again == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failed_send_records_nothing_and_the_next_run_sends_it(settings, project):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    with pytest.raises(smtplib.SMTPException):
        notifications.send_status_reminders(now=FRIDAY_9)
    assert not StatusNotification.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = notifications.send_status_reminders(now=FRIDAY_9 + datetime.timedelta(hours=1))

    assert sent == 1
    assert project.code in mail.outbox[0].body
    assert StatusNotification.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_send_does_not_stop_the_others(settings, week_of_three_managers):
    calls = []

    def refuse_the_first(message):
        calls.append(message.to)
        if len(calls) == 1:
            raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"unknown")})
        mail.outbox.append(message)
        return 1

    refusing = mock.patch(
        "django.core.mail.EmailMessage.send", autospec=True, side_effect=refuse_the_first
    )
    with refusing, pytest.raises(smtplib.SMTPRecipientsRefused):
        notifications.send_status_reminders(now=FRIDAY_9)

    assert len(calls) == 2
    assert StatusNotification.objects.count() == 1


@pytest.mark.django_db
def test_no_reminder_once_the_deadline_has_passed(week_of_three_managers):
    assert notifications.send_status_reminders(now=DEADLINE) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_follow_each_projects_time_zone(new_project, pm_user):
    # 13:00 in Paris is 07:00 in New York: Paris is past its deadline, New York is not.
    paris = new_project(project_manager=pm_user)
    new_york = new_project(project_manager=pm_user, time_zone="America/New_York")

    sent = notifications.send_status_reminders(now=FRIDAY_13)

    assert sent == 1
    assert new_york.code in mail.outbox[0].body
    assert paris.code not in mail.outbox[0].body
    assert "(America/New_York)" in mail.outbox[0].body


@pytest.mark.django_db
def test_reminders_follow_the_calendar_the_pmo_set(pm_user, project):
    ReportingCalendar.objects.create(
        due_weekday=3, due_time=datetime.time(18, 0), reminder_hours=6
    )  # Thursday 18:00, reminders from 12:00

    assert notifications.send_status_reminders(now=THURSDAY_11) == 0
    assert notifications.send_status_reminders(now=THURSDAY_11 + datetime.timedelta(hours=2)) == 1
    assert "Thursday 5 March 2026, 18:00" in mail.outbox[0].body


@pytest.mark.django_db
def test_managers_without_an_email_address_or_inactive_are_skipped(new_project):
    no_address = factories.project_manager(username="noaddress", email="")
    gone = factories.project_manager(username="gone", is_active=False)
    new_project(project_manager=no_address)
    new_project(project_manager=gone)

    assert notifications.send_status_reminders(now=FRIDAY_9) == 0


# --- late summary ------------------------------------------------------------------------


@pytest.fixture
def pmo_managers(pmo_user):
    """Two PMO managers who get the summary, and two who cannot."""
    return [
        pmo_user,
        factories.pmo_manager(username="pmo2"),
        factories.pmo_manager(username="pmo-no-mail", email=""),
        factories.pmo_manager(username="pmo-left", is_active=False),
    ]


@pytest.mark.django_db
def test_no_late_summary_before_the_deadline(week_of_three_managers, pmo_managers):
    assert notifications.send_late_summaries(now=DEADLINE - datetime.timedelta(minutes=1)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_after_the_deadline_each_pmo_manager_gets_one_summary_of_the_late_projects(
    week_of_three_managers, new_project, pmo_managers, pm_user, other_pm_user
):
    projects = week_of_three_managers
    # submitted after the deadline, before the summary: no longer missing
    submit(new_project(name="Just late"), at=DEADLINE + datetime.timedelta(minutes=5))

    sent = notifications.send_late_summaries(now=FRIDAY_13)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["pmo2@example.com", "pmo@example.com"]
    body = mail.outbox[0].body
    for key in ("missing", "draft", "other"):
        assert projects[key].code in body
    for key in ("done", "diligent", "idea", "closed"):
        assert projects[key].code not in body
    assert "Just late" not in body
    # grouped by project manager
    assert body.index(pm_user.display_name) < body.index(projects["missing"].code)
    assert body.index(other_pm_user.display_name) < body.index(projects["other"].code)
    assert "3 weekly statuses late" in mail.outbox[0].subject
    assert "/reporting/compliance/?week=2026-03-02" in body
    assert StatusNotification.objects.filter(kind="late_summary", week=WEEK).count() == 2


@pytest.mark.django_db
def test_the_late_summary_is_sent_once(week_of_three_managers, pmo_managers):
    notifications.send_late_summaries(now=FRIDAY_13)

    assert notifications.send_late_summaries(now=FRIDAY_13 + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_no_summary_when_nothing_is_late(pmo_managers, project):
    submit(project)

    assert notifications.send_late_summaries(now=FRIDAY_13) == 0


@pytest.mark.django_db
def test_sunday_2330_in_paris_is_still_that_week(week_of_three_managers, pmo_managers):
    sent = notifications.send_late_summaries(now=SUNDAY_2330)

    assert sent == 2
    assert set(StatusNotification.objects.values_list("week", flat=True)) == {WEEK}


@pytest.mark.django_db
def test_monday_0030_in_paris_is_the_next_week_though_still_sunday_in_utc(
    week_of_three_managers, pmo_managers
):
    assert MONDAY_0030.astimezone(datetime.UTC).weekday() == 6

    assert notifications.send_late_summaries(now=MONDAY_0030) == 0


@pytest.mark.django_db
def test_the_summary_waits_for_the_last_time_zones_deadline(new_project, pmo_managers, pm_user):
    new_project(project_manager=pm_user)
    new_project(project_manager=pm_user, time_zone="America/New_York")

    # 13:00 Paris: New York's deadline (18:00 Paris) is still ahead
    assert notifications.send_late_summaries(now=FRIDAY_13) == 0
    assert (
        notifications.send_late_summaries(now=datetime.datetime(2026, 3, 6, 18, 0, tzinfo=PARIS))
        == 2
    )


# --- tasks and schedule ------------------------------------------------------------------


@pytest.mark.django_db
def test_beat_runs_both_tasks_hourly_from_the_database():
    rows = {
        task.name: task
        for task in PeriodicTask.objects.select_related("crontab").filter(
            task__in=["projects.send_status_reminders", "projects.send_late_summaries"]
        )
    }

    assert {name: task.task for name, task in rows.items()} == {
        "Weekly status reminders": "projects.send_status_reminders",
        "Weekly late-status summary to the PMO": "projects.send_late_summaries",
    }
    for task in rows.values():
        assert task.enabled
        assert (task.crontab.minute, task.crontab.hour) == ("0", "*")
        assert str(task.crontab.timezone) == "Europe/Paris"


def test_the_scheduled_task_names_are_registered_with_the_celery_app():
    celery_app.loader.import_default_modules()

    for task in (tasks.send_status_reminders, tasks.send_late_summaries):
        assert celery_app.tasks[task.name].run is task.run


def test_the_tasks_retry_mail_server_failures_three_times():
    for task in (tasks.send_status_reminders, tasks.send_late_summaries):
        assert task.max_retries == 3
        assert smtplib.SMTPException in task.autoretry_for
        assert task.retry_backoff


@pytest.mark.django_db
def test_the_reminder_task_sends_the_reminders(week_of_three_managers):
    with mock.patch("django.utils.timezone.now", return_value=FRIDAY_9):
        result = tasks.send_status_reminders.apply()

    assert result.get() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_summary_task_sends_the_summaries(week_of_three_managers, pmo_managers):
    with mock.patch("django.utils.timezone.now", return_value=FRIDAY_13):
        sent = tasks.send_late_summaries.run()

    assert sent == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_only_the_pmo_manager_group_gets_the_summary(week_of_three_managers, exec_user):
    factories.UserFactory(username="admin", is_superuser=True)
    factories.UserFactory(username="both", roles=[Role.EXECUTIVE, Role.PMO_MANAGER])

    notifications.send_late_summaries(now=FRIDAY_13)

    # pmo (the fixtures' PMO manager) and both; not the executive, nor the superuser
    assert sorted(m.to[0] for m in mail.outbox) == ["both@example.com", "pmo@example.com"]
