"""Copil pack runs: asked for, generated once, frozen, failed with a reason, retried, reaped,
mailed once; schedules kept in step with beat and fired once per planned time."""

import datetime
import hashlib
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from pmo.exceptions import WorkflowError
from reporting import tasks
from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun, ReportSchedule
from reporting.services import reports
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_7 = datetime.datetime(2026, 11, 16, 7, 0, 3, tzinfo=PARIS)


class RefusingMailServer(BaseEmailBackend):
    """A mail server that is down: every send fails as smtplib would."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def portfolio(db):
    portfolio = factories.PortfolioFactory(code="DIGITAL", name="Digital workplace")
    for number in range(2):
        project = factories.ProjectFactory(
            portfolio=portfolio, code=f"DW-{number}", name=f"Workplace {number}"
        )
        factories.StatusReportFactory(project=project)
    return portfolio


@pytest.fixture
def schedule(portfolio, pmo_user, exec_user):
    return reports.report_schedule_create(
        actor=pmo_user,
        data={
            "name": "Weekly Copil",
            "kind": ReportKind.PORTFOLIO_PACK,
            "portfolio": portfolio,
            "cron": "0 7 * * 1",
            "time_zone": "Europe/Paris",
            "language": "fr",
            "extra_recipients": "board@example.org",
        },
        recipients=[exec_user],
    )


def _request(actor, portfolio, **kwargs):
    return reports.report_run_request(
        actor=actor,
        kind=kwargs.pop("kind", ReportKind.PORTFOLIO_PACK),
        portfolio=portfolio,
        language=kwargs.pop("language", "en"),
        **kwargs,
    )


def _pdf_files(settings):
    return sorted((settings.MEDIA_ROOT / "reports").rglob("*.pdf"))


# --- asking -------------------------------------------------------------------------------


def test_a_requested_pack_is_generated_once_the_request_commits(
    portfolio, pmo_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _request(pmo_user, portfolio)
        assert run.state == RunState.QUEUED
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert run.attempts == 1
    assert run.page_count >= 3
    content = run.pdf.read()
    assert content.startswith(b"%PDF")
    assert run.sha256 == hashlib.sha256(content).hexdigest()
    assert run.file_size == len(content)
    assert run.duration_ms is not None
    assert run.finished_at >= run.started_at
    assert run.snapshot["kind"] == ReportKind.PORTFOLIO_PACK
    assert run.pdf.name.endswith(f"copil-DIGITAL-{run.as_of.isoformat()}.pdf")


def test_asking_again_while_queued_answers_the_same_run(portfolio, pmo_user):
    first = _request(pmo_user, portfolio)
    assert _request(pmo_user, portfolio) == first
    assert _request(pmo_user, portfolio, language="fr") != first
    assert ReportRun.objects.count() == 2


def test_a_pack_without_its_scope_is_refused_on_the_field(portfolio, pmo_user):
    with pytest.raises(ValidationError) as error:
        reports.report_run_request(
            actor=pmo_user, kind=ReportKind.PROGRAMME_PACK, portfolio=portfolio, language="en"
        )
    assert "programme" in error.value.message_dict


def test_an_unknown_kind_is_refused_on_the_field(portfolio, pmo_user):
    with pytest.raises(ValidationError) as error:
        _request(pmo_user, portfolio, kind="brochure")
    assert "kind" in error.value.message_dict


def test_a_project_manager_asks_the_flash_of_their_project_only(portfolio, pm_user):
    own = factories.ProjectFactory(portfolio=portfolio, project_manager=pm_user)
    other = factories.ProjectFactory(portfolio=portfolio)
    run = reports.report_run_request(
        actor=pm_user, kind=ReportKind.PROJECT_FLASH, project=own, language="fr"
    )
    assert run.portfolio == portfolio
    with pytest.raises(PermissionDenied):
        reports.report_run_request(
            actor=pm_user, kind=ReportKind.PROJECT_FLASH, project=other, language="fr"
        )
    with pytest.raises(PermissionDenied):
        _request(pm_user, portfolio)


def test_a_user_without_a_role_asks_nothing(portfolio, no_role_user):
    with pytest.raises(PermissionDenied):
        _request(no_role_user, portfolio)


# --- frozen -------------------------------------------------------------------------------


def test_editing_a_status_afterwards_changes_neither_the_pdf_nor_the_snapshot(
    portfolio, pmo_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _request(pmo_user, portfolio)
    run.refresh_from_db()
    snapshot, checksum = run.snapshot, run.sha256
    project = portfolio.projects.order_by("code").first()
    project.name = "Renamed afterwards"
    project.save()
    project.status_reports.update(quality_comment="Changed afterwards")
    run.refresh_from_db()
    assert run.snapshot == snapshot
    assert hashlib.sha256(run.pdf.read()).hexdigest() == checksum
    assert "Renamed afterwards" not in str(run.snapshot)


# --- failures and retries -----------------------------------------------------------------

BROKEN_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {},
    }
]


def test_a_render_that_breaks_ends_in_failed_with_the_error(portfolio, pmo_user):
    run = _request(pmo_user, portfolio)
    with override_settings(TEMPLATES=BROKEN_TEMPLATES):
        reports.report_run_generate(run_id=run.pk, task_id="t-1")
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "TemplateDoesNotExist" in run.error
    assert not run.pdf


def test_a_failed_run_is_retried_and_made(portfolio, pmo_user, django_capture_on_commit_callbacks):
    run = _request(pmo_user, portfolio)
    with override_settings(TEMPLATES=BROKEN_TEMPLATES):
        reports.report_run_generate(run_id=run.pk, task_id="t-1")
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_run_retry(actor=pmo_user, run=run)
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert run.error == ""
    assert run.attempts == 2


def test_only_a_failed_run_is_retried(portfolio, pmo_user):
    run = _request(pmo_user, portfolio)
    with pytest.raises(WorkflowError, match="Only a failed pack can be retried"):
        reports.report_run_retry(actor=pmo_user, run=run)


def test_who_neither_asked_nor_runs_the_pmo_cannot_retry(portfolio, pmo_user, exec_user):
    run = _request(pmo_user, portfolio)
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.FAILED, error="x")
    with pytest.raises(PermissionDenied):
        reports.report_run_retry(actor=exec_user, run=run)


# --- one delivery at a time ---------------------------------------------------------------


def test_a_task_run_twice_makes_one_pdf(portfolio, pmo_user, settings):
    run = _request(pmo_user, portfolio)
    reports.report_run_generate(run_id=run.pk, task_id="t-1")
    reports.report_run_generate(run_id=run.pk, task_id="t-2")
    run.refresh_from_db()
    assert run.attempts == 1
    assert len(_pdf_files(settings)) == 1


def test_another_delivery_leaves_a_run_being_made_to_its_worker(portfolio, pmo_user):
    run = _request(pmo_user, portfolio)
    ReportRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, task_id="t-1", started_at=timezone.now()
    )
    reports.report_run_generate(run_id=run.pk, task_id="t-2")
    run.refresh_from_db()
    assert run.state == RunState.RUNNING
    assert run.task_id == "t-1"


def test_the_same_message_redelivered_after_its_worker_died_takes_the_run_over(portfolio, pmo_user):
    run = _request(pmo_user, portfolio)
    ReportRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, task_id="t-1", attempts=1, started_at=timezone.now()
    )
    reports.report_run_generate(run_id=run.pk, task_id="t-1")
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED
    assert run.attempts == 2


def test_a_run_abandoned_past_the_time_limit_is_taken_over(portfolio, pmo_user):
    run = _request(pmo_user, portfolio)
    long_ago = timezone.now() - reports.STALE_AFTER - datetime.timedelta(minutes=1)
    ReportRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, task_id="t-1", started_at=long_ago
    )
    reports.report_run_generate(run_id=run.pk, task_id="t-2")
    run.refresh_from_db()
    assert run.state == RunState.SUCCEEDED


def test_the_reaper_fails_abandoned_runs_and_requeues_lost_ones(
    portfolio, pmo_user, django_capture_on_commit_callbacks
):
    abandoned = _request(pmo_user, portfolio)
    lost = _request(pmo_user, portfolio, language="fr")
    now = timezone.now()
    ReportRun.objects.filter(pk=abandoned.pk).update(
        state=RunState.RUNNING, task_id="t-1", started_at=now - reports.STALE_AFTER * 2
    )
    ReportRun.objects.filter(pk=lost.pk).update(updated_at=now - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        counts = reports.report_runs_reap(now=now)
    assert counts == {"failed": 1, "requeued": 1}
    abandoned.refresh_from_db()
    lost.refresh_from_db()
    assert abandoned.state == RunState.FAILED
    assert "stopped without finishing" in abandoned.error
    assert lost.state == RunState.SUCCEEDED


# --- schedules ----------------------------------------------------------------------------


def test_a_schedule_keeps_its_beat_entry_in_step(schedule, pmo_user):
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.task == "reporting.run_report_schedule"
    assert task.args == f"[{schedule.pk}]"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "7", "1")
    assert str(task.crontab.timezone) == "Europe/Paris"
    reports.report_schedule_update(
        actor=pmo_user,
        schedule=schedule,
        data={"cron": "30 18 * * 5", "time_zone": "America/Montreal", "is_active": False},
    )
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "18", "5")
    assert str(task.crontab.timezone) == "America/Montreal"
    assert not task.enabled
    reports.report_schedule_delete(actor=pmo_user, schedule=schedule)
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


def test_a_schedule_with_a_wrong_cron_is_refused_on_the_field(portfolio, pmo_user):
    with pytest.raises(ValidationError) as error:
        reports.report_schedule_create(
            actor=pmo_user,
            data={
                "name": "x",
                "kind": ReportKind.PORTFOLIO_PACK,
                "portfolio": portfolio,
                "cron": "every monday",
                "language": "fr",
            },
            recipients=[],
        )
    assert "cron" in error.value.message_dict
    assert not ReportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(task="reporting.run_report_schedule").exists()


def test_a_recipient_without_an_email_is_refused(portfolio, pmo_user):
    silent = factories.executive(username="silent", email="")
    with pytest.raises(ValidationError) as error:
        reports.report_schedule_create(
            actor=pmo_user,
            data={
                "name": "x",
                "kind": ReportKind.PORTFOLIO_PACK,
                "portfolio": portfolio,
                "language": "fr",
            },
            recipients=[silent],
        )
    assert "recipients" in error.value.message_dict


def test_only_pmo_managers_set_schedules(portfolio, exec_user):
    with pytest.raises(PermissionDenied):
        reports.report_schedule_create(
            actor=exec_user,
            data={"name": "x", "kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio},
            recipients=[],
        )


def test_a_schedule_fired_twice_for_one_occurrence_makes_one_pack_and_one_email(schedule, settings):
    first = reports.report_schedule_fire(schedule_id=schedule.pk, task_id="a", now=MONDAY_7)
    second = reports.report_schedule_fire(
        schedule_id=schedule.pk, task_id="b", now=MONDAY_7 + datetime.timedelta(seconds=40)
    )
    assert first == second
    assert first.planned_for == datetime.datetime(2026, 11, 16, 7, 0, tzinfo=PARIS)
    assert first.as_of == datetime.date(2026, 11, 16)
    assert first.language == "fr"
    assert ReportRun.objects.count() == 1
    assert len(_pdf_files(settings)) == 1
    assert len(mail.outbox) == 1


def test_each_occurrence_makes_its_own_pack(schedule):
    reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7)
    reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7 + datetime.timedelta(days=7))
    assert ReportRun.objects.filter(schedule=schedule).count() == 2


def test_an_inactive_schedule_makes_nothing(schedule, pmo_user):
    reports.report_schedule_update(actor=pmo_user, schedule=schedule, data={"is_active": False})
    assert reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7) is None
    assert not ReportRun.objects.exists()


# --- emails -------------------------------------------------------------------------------


def test_recipients_get_a_link_in_the_schedules_language(schedule, exec_user, settings):
    run = reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7)
    [message] = mail.outbox
    assert sorted(message.to) == sorted([exec_user.email, "board@example.org"])
    assert "Digital workplace" in message.subject
    assert f"{settings.SITE_URL}/reporting/packs/{run.pk}/pdf/" in message.body
    assert message.body.startswith("Bonjour")
    assert message.attachments == []


def test_the_pdf_is_attached_when_asked_and_small_enough(schedule, pmo_user, settings):
    reports.report_schedule_update(actor=pmo_user, schedule=schedule, data={"attach_pdf": True})
    run = reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7)
    [(name, content, mimetype)] = mail.outbox[0].attachments
    assert name == run.file_name()
    assert content.startswith(b"%PDF")
    assert mimetype == "application/pdf"


def test_a_pdf_too_large_is_linked_not_attached(schedule, pmo_user, settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 100
    reports.report_schedule_update(actor=pmo_user, schedule=schedule, data={"attach_pdf": True})
    with override_settings(LANGUAGE_CODE="en"):
        reports.report_schedule_fire(schedule_id=schedule.pk, now=MONDAY_7)
    assert mail.outbox[0].attachments == []


def test_a_refused_email_is_retried_and_the_pack_stays_made(schedule, settings):
    settings.EMAIL_BACKEND = "tests.reporting.test_pack_runs.RefusingMailServer"
    # Run eagerly, the retries follow one another at once, until the last gives up.
    result = tasks.run_report_schedule.apply(args=[schedule.pk])
    assert result.state == "FAILURE"
    assert isinstance(result.result, smtplib.SMTPException)
    run = ReportRun.objects.get()
    assert run.state == RunState.SUCCEEDED
    assert run.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reports.report_run_generate(run_id=run.pk, task_id="later")
    run.refresh_from_db()
    assert run.emailed_at is not None
    assert len(mail.outbox) == 1


def test_a_pack_asked_on_demand_sends_no_email(
    portfolio, pmo_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(pmo_user, portfolio)
    assert mail.outbox == []
