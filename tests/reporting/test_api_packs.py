"""The Copil packs in the API: asking for one (202, queued), following its state, downloading
its PDF, retrying a failed one; the schedules, their beat entries kept in step; who may do
what; fixed query counts."""

import datetime
import importlib.util
import io

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun, ReportSchedule
from tests import factories

API = "/api/v1"
REPORTS = f"{API}/reports/"
SCHEDULES = f"{API}/report-schedules/"
AS_OF = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return weasyprint.HTML(string="<p>x</p>").write_pdf()


def make_run(*, kind=ReportKind.PORTFOLIO_PACK, scope=None, state=RunState.QUEUED, **kwargs):
    """A run of ``kind`` for ``scope`` (a new portfolio, programme or project by default)."""
    if scope is None:
        scope = {
            ReportKind.PORTFOLIO_PACK: factories.PortfolioFactory,
            ReportKind.PROGRAMME_PACK: factories.ProgrammeFactory,
            ReportKind.PROJECT_FLASH: factories.ProjectFactory,
        }[kind]()
    values = {"kind": kind, "as_of": AS_OF, "state": state, "language": "en"}
    if kind == ReportKind.PORTFOLIO_PACK:
        values["portfolio"] = scope
    elif kind == ReportKind.PROGRAMME_PACK:
        values.update(programme=scope, portfolio=scope.portfolio)
    else:
        values.update(project=scope, portfolio=scope.portfolio)
    values.update(kwargs)
    return ReportRun.objects.create(**values)


def make_succeeded_run(content: bytes, **kwargs) -> ReportRun:
    run = make_run(state=RunState.SUCCEEDED, **kwargs)
    run.pdf.save(run.file_name(), ContentFile(content), save=False)
    run.file_size = len(content)
    run.page_count = 1
    run.finished_at = timezone.now()
    run.snapshot = {"projects": [{"code": "PRJ-1"}]}
    run.save()
    return run


def make_schedule(*, recipients=(), **kwargs) -> ReportSchedule:
    values = {
        "name": "Weekly Copil",
        "kind": ReportKind.PORTFOLIO_PACK,
        "cron": "0 7 * * 1",
        "time_zone": "Europe/Paris",
        "language": "fr",
    }
    values.update(kwargs)
    if "portfolio" not in values:
        values["portfolio"] = factories.PortfolioFactory()
    schedule = ReportSchedule.objects.create(**values)
    schedule.recipients.set(recipients)
    return schedule


# ------------------------------------------------------------------------------
# Asking for a pack
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_asking_for_a_pack_answers_202_with_the_queued_run_and_its_location(
    api_as, pmo_user, django_capture_on_commit_callbacks
):
    portfolio = factories.PortfolioFactory(code="DIGITAL")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(pmo_user).post(
            REPORTS,
            {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "fr"},
        )

    assert response.status_code == 202, response.content
    body = response.json()
    run = ReportRun.objects.get()
    assert body["id"] == run.pk
    assert body["state"] == RunState.QUEUED
    assert body["pdf_url"] is None
    assert body["scope"] == {
        "type": "portfolio",
        "id": portfolio.pk,
        "code": "DIGITAL",
        "name": portfolio.name,
    }
    assert response["Location"] == f"http://testserver{REPORTS}{run.pk}/"
    assert (run.kind, run.portfolio, run.language, run.requested_by) == (
        ReportKind.PORTFOLIO_PACK,
        portfolio,
        "fr",
        pmo_user,
    )
    # The generation is enqueued once the request's transaction commits.
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_programme_pack_takes_the_portfolio_of_its_programme(
    api_as, exec_user, django_capture_on_commit_callbacks
):
    programme = factories.ProgrammeFactory()

    with django_capture_on_commit_callbacks(execute=False):
        response = api_as(exec_user).post(
            REPORTS,
            {"kind": ReportKind.PROGRAMME_PACK, "programme": programme.pk, "language": "en"},
        )

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["programme"], body["portfolio"]) == (programme.pk, programme.portfolio_id)
    assert body["scope"]["type"] == "programme"


@pytest.mark.django_db
def test_asked_twice_while_queued_the_same_run_answers(
    api_as, pmo_user, django_capture_on_commit_callbacks
):
    portfolio = factories.PortfolioFactory()
    payload = {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk, "language": "en"}

    with django_capture_on_commit_callbacks(execute=False):
        first = api_as(pmo_user).post(REPORTS, payload)
        second = api_as(pmo_user).post(REPORTS, payload)

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] == second.json()["id"]
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_without_a_language_the_pack_is_in_the_requests_language(
    api_as, pmo_user, django_capture_on_commit_callbacks
):
    portfolio = factories.PortfolioFactory()

    with django_capture_on_commit_callbacks(execute=False):
        response = api_as(pmo_user).post(
            REPORTS,
            {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": portfolio.pk},
            headers={"Accept-Language": "fr"},
        )

    assert response.status_code == 202, response.content
    assert ReportRun.objects.get().language == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "weekly_digest", "portfolio": "PORTFOLIO"}, "kind"),
        ({"kind": ReportKind.PORTFOLIO_PACK}, "portfolio"),
        ({"kind": ReportKind.PROGRAMME_PACK, "portfolio": "PORTFOLIO"}, "programme"),
        ({"kind": ReportKind.PROJECT_FLASH, "project": 999999}, "project"),
        ({"kind": ReportKind.PORTFOLIO_PACK, "portfolio": 999999}, "portfolio"),
        (
            {"kind": ReportKind.PORTFOLIO_PACK, "portfolio": "PORTFOLIO", "language": "de"},
            "language",
        ),
        ({"portfolio": "PORTFOLIO"}, "kind"),
    ],
    ids=[
        "unknown kind",
        "no scope",
        "programme pack without programme",
        "unknown project",
        "unknown portfolio",
        "bad language",
        "no kind",
    ],
)
def test_bad_input_gets_400_naming_the_field_and_queues_nothing(
    api_as, pmo_user, payload, field, django_capture_on_commit_callbacks
):
    portfolio = factories.PortfolioFactory()
    payload = {k: portfolio.pk if v == "PORTFOLIO" else v for k, v in payload.items()}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(pmo_user).post(REPORTS, payload)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ReportRun.objects.exists()
    assert not callbacks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "kind", "expected"),
    [
        ("anonymous", ReportKind.PORTFOLIO_PACK, 401),
        ("no_role", ReportKind.PORTFOLIO_PACK, 403),
        ("no_role", ReportKind.PROJECT_FLASH, 403),
        ("integration", ReportKind.PROJECT_FLASH, 403),
        ("pm", ReportKind.PORTFOLIO_PACK, 403),
        ("pm", ReportKind.PROGRAMME_PACK, 403),
        ("other_pm", ReportKind.PROJECT_FLASH, 403),
        ("pm", ReportKind.PROJECT_FLASH, 202),
        ("executive", ReportKind.PORTFOLIO_PACK, 202),
        ("executive", ReportKind.PROJECT_FLASH, 202),
        ("pmo", ReportKind.PROGRAMME_PACK, 202),
    ],
)
def test_who_may_ask_for_which_pack(
    api_for_role, project, role, kind, expected, django_capture_on_commit_callbacks
):
    # ``project`` is managed by the "pm" role's user, in a programme of its portfolio.
    project.programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    project.save()
    scope = {
        ReportKind.PORTFOLIO_PACK: {"portfolio": project.portfolio_id},
        ReportKind.PROGRAMME_PACK: {"programme": project.programme_id},
        ReportKind.PROJECT_FLASH: {"project": project.pk},
    }[kind]

    with django_capture_on_commit_callbacks(execute=False):
        response = api_for_role(role).post(REPORTS, {"kind": kind, "language": "en", **scope})

    assert response.status_code == expected, response.content
    assert ReportRun.objects.exists() == (expected == 202)


# ------------------------------------------------------------------------------
# Following a run
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_list_shows_runs_newest_first_without_their_frozen_data(api_as, exec_user, small_pdf):
    older = make_succeeded_run(small_pdf)
    newer = make_run(kind=ReportKind.PROJECT_FLASH)

    client = api_as(exec_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORTS)

    assert response.status_code == 200
    # The frozen data is not even read from the database.
    assert not any('."snapshot"' in query["sql"] for query in queries.captured_queries)
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [newer.pk, older.pk]
    assert all("snapshot" not in row for row in rows)
    assert rows[0]["scope"]["type"] == "project"
    assert rows[1]["pdf_url"] == f"http://testserver{REPORTS}{older.pk}/pdf/"


@pytest.mark.django_db
def test_the_list_filters_by_state_and_kind(api_as, exec_user, small_pdf):
    succeeded = make_succeeded_run(small_pdf)
    make_run(state=RunState.FAILED, error="boom")
    flash = make_run(kind=ReportKind.PROJECT_FLASH)
    client = api_as(exec_user)

    by_state = client.get(REPORTS, {"state": RunState.SUCCEEDED}).json()["results"]
    by_kind = client.get(REPORTS, {"kind": ReportKind.PROJECT_FLASH}).json()["results"]

    assert [row["id"] for row in by_state] == [succeeded.pk]
    assert [row["id"] for row in by_kind] == [flash.pk]


@pytest.mark.django_db
def test_a_runs_state_is_read_with_its_error_and_its_snapshot_only_when_asked(
    api_as, exec_user, small_pdf
):
    failed = make_run(state=RunState.FAILED, error="ValueError: no data", attempts=3)
    succeeded = make_succeeded_run(small_pdf)
    client = api_as(exec_user)

    failed_body = client.get(f"{REPORTS}{failed.pk}/").json()
    plain = client.get(f"{REPORTS}{succeeded.pk}/").json()
    with_snapshot = client.get(f"{REPORTS}{succeeded.pk}/", {"include": "snapshot"}).json()

    assert (failed_body["state"], failed_body["error"], failed_body["attempts"]) == (
        RunState.FAILED,
        "ValueError: no data",
        3,
    )
    assert failed_body["pdf_url"] is None
    assert "snapshot" not in plain
    assert plain["pdf_url"] == f"http://testserver{REPORTS}{succeeded.pk}/pdf/"
    assert plain["file_size"] == len(small_pdf)
    assert with_snapshot["snapshot"] == {"projects": [{"code": "PRJ-1"}]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 200),
        ("integration", 200),
        ("executive", 200),
        ("pmo", 200),
    ],
)
def test_who_reads_a_run(api_for_role, role, expected):
    run = make_run()

    assert api_for_role(role).get(f"{REPORTS}{run.pk}/").status_code == expected
    assert api_for_role(role).get(REPORTS).status_code == expected


@pytest.mark.django_db
def test_an_unknown_run_is_404(api_as, exec_user):
    assert api_as(exec_user).get(f"{REPORTS}999999/").status_code == 404


# ------------------------------------------------------------------------------
# Downloading the PDF
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_pdf_of_a_succeeded_run_downloads_as_an_attachment(api_as, exec_user, small_pdf):
    portfolio = factories.PortfolioFactory(code="DIGITAL")
    run = make_succeeded_run(small_pdf, scope=portfolio)

    response = api_as(exec_user).get(f"{REPORTS}{run.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="copil-DIGITAL-2026-11-23.pdf"'
    )
    assert b"".join(response.streaming_content) == small_pdf


@pytest.mark.django_db
def test_a_client_asking_for_a_pdf_gets_it(api_as, exec_user, small_pdf):
    run = make_succeeded_run(small_pdf)

    response = api_as(exec_user).get(f"{REPORTS}{run.pk}/pdf/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == small_pdf


@pytest.mark.django_db
@pytest.mark.parametrize("state", [RunState.QUEUED, RunState.RUNNING, RunState.FAILED])
def test_there_is_no_pdf_until_the_run_succeeded(api_as, exec_user, state):
    run = make_run(state=state)

    response = api_as(exec_user).get(f"{REPORTS}{run.pk}/pdf/")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("no_role", 403), ("pm", 200), ("executive", 200)],
)
def test_who_downloads_a_pdf(api_for_role, role, expected, small_pdf):
    run = make_succeeded_run(small_pdf)

    response = api_for_role(role).get(f"{REPORTS}{run.pk}/pdf/")

    assert response.status_code == expected


# ------------------------------------------------------------------------------
# Retrying
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_failed_run_is_queued_again_by_a_retry(
    api_as, pmo_user, django_capture_on_commit_callbacks
):
    run = make_run(state=RunState.FAILED, error="OSError: disk full", attempts=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(pmo_user).post(f"{REPORTS}{run.pk}/retry/")

    assert response.status_code == 202, response.content
    assert response["Location"] == f"http://testserver{REPORTS}{run.pk}/"
    assert (response.json()["state"], response.json()["error"]) == (RunState.QUEUED, "")
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RunState.QUEUED, 3)
    assert len(callbacks) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED])
def test_only_a_failed_run_is_retried_else_409_with_the_reason(api_as, pmo_user, state):
    run = make_run(state=state)

    response = api_as(pmo_user).post(f"{REPORTS}{run.pk}/retry/")

    assert response.status_code == 409
    assert "failed" in response.json()["detail"]
    run.refresh_from_db()
    assert run.state == state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("executive", 403),
        ("other_pm", 403),
        ("pm", 202),
        ("pmo", 202),
    ],
)
def test_a_pmo_manager_or_whoever_asked_for_the_pack_retries_it(
    api_for_role, project, pm_user, role, expected, django_capture_on_commit_callbacks
):
    run = make_run(
        kind=ReportKind.PROJECT_FLASH, scope=project, state=RunState.FAILED, requested_by=pm_user
    )

    with django_capture_on_commit_callbacks(execute=False):
        response = api_for_role(role).post(f"{REPORTS}{run.pk}/retry/")

    assert response.status_code == expected, response.content
    run.refresh_from_db()
    assert run.state == (RunState.QUEUED if expected == 202 else RunState.FAILED)


# ------------------------------------------------------------------------------
# Schedules
# ------------------------------------------------------------------------------
def schedule_payload(portfolio, /, **kwargs):
    payload = {
        "name": "Monday Copil",
        "kind": ReportKind.PORTFOLIO_PACK,
        "portfolio": portfolio.pk,
        "cron": "0 7 * * 1",
        "time_zone": "Europe/Paris",
        "language": "fr",
        "recipients": [],
        "extra_recipients": "board@example.com",
        "attach_pdf": True,
        "is_active": True,
    }
    payload.update(kwargs)
    return payload


@pytest.mark.django_db
def test_a_pmo_manager_sets_up_a_schedule_and_its_beat_entry(api_as, pmo_user, exec_user):
    portfolio = factories.PortfolioFactory()

    response = api_as(pmo_user).post(
        SCHEDULES, schedule_payload(portfolio, recipients=[exec_user.pk])
    )

    assert response.status_code == 201, response.content
    body = response.json()
    schedule = ReportSchedule.objects.get()
    assert body["id"] == schedule.pk
    assert body["recipients"] == [exec_user.pk]
    assert body["cron_description"] == "At 07:00, only on Monday"
    next_run = datetime.datetime.fromisoformat(body["next_run_at"])
    assert next_run > timezone.now()
    assert next_run.astimezone(datetime.UTC).isoweekday() == 1
    assert schedule.created_by == pmo_user
    task = schedule.periodic_task
    assert task.enabled
    assert task.crontab.minute == "0"
    assert task.crontab.hour == "7"
    assert task.crontab.day_of_week == "1"
    assert str(task.crontab.timezone) == "Europe/Paris"


@pytest.mark.django_db
def test_the_cron_is_described_in_the_requests_language(api_as, pmo_user):
    schedule = make_schedule()

    body = (
        api_as(pmo_user).get(f"{SCHEDULES}{schedule.pk}/", headers={"Accept-Language": "fr"}).json()
    )

    assert "lundi" in body["cron_description"]


@pytest.mark.django_db
def test_a_flash_schedule_takes_the_portfolio_of_its_project(api_as, pmo_user, project):
    response = api_as(pmo_user).post(
        SCHEDULES,
        schedule_payload(
            factories.PortfolioFactory(), kind=ReportKind.PROJECT_FLASH, project=project.pk
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["project"], body["portfolio"], body["programme"]) == (
        project.pk,
        project.portfolio_id,
        None,
    )


@pytest.mark.django_db
def test_changing_a_schedule_keeps_its_beat_entry_in_step(api_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    client = api_as(pmo_user)
    schedule_id = client.post(SCHEDULES, schedule_payload(portfolio)).json()["id"]

    paused = client.patch(f"{SCHEDULES}{schedule_id}/", {"is_active": False})
    moved = client.patch(
        f"{SCHEDULES}{schedule_id}/", {"cron": "30 6 * * 1-5", "time_zone": "America/New_York"}
    )

    assert (paused.status_code, moved.status_code) == (200, 200), moved.content
    assert moved.json()["is_active"] is False
    task = ReportSchedule.objects.get().periodic_task
    assert not task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == (
        "30",
        "6",
        "1-5",
    )
    assert str(task.crontab.timezone) == "America/New_York"
    assert PeriodicTask.objects.filter(name__startswith="report-schedule-").count() == 1


@pytest.mark.django_db
def test_a_full_update_replaces_scope_and_recipients(api_as, pmo_user, exec_user, project):
    portfolio = factories.PortfolioFactory()
    client = api_as(pmo_user)
    schedule_id = client.post(
        SCHEDULES, schedule_payload(portfolio, recipients=[exec_user.pk])
    ).json()["id"]

    response = client.put(
        f"{SCHEDULES}{schedule_id}/",
        schedule_payload(
            portfolio,
            kind=ReportKind.PROJECT_FLASH,
            project=project.pk,
            recipients=[pmo_user.pk],
            name="Flash",
        ),
    )

    assert response.status_code == 200, response.content
    schedule = ReportSchedule.objects.get()
    assert (schedule.name, schedule.kind, schedule.project, schedule.portfolio) == (
        "Flash",
        ReportKind.PROJECT_FLASH,
        project,
        project.portfolio,
    )
    assert list(schedule.recipients.all()) == [pmo_user]
    assert response.json()["recipients"] == [pmo_user.pk]


@pytest.mark.django_db
def test_deleting_a_schedule_deletes_its_beat_entry_and_keeps_its_packs(api_as, pmo_user):
    client = api_as(pmo_user)
    schedule_id = client.post(SCHEDULES, schedule_payload(factories.PortfolioFactory())).json()[
        "id"
    ]
    schedule = ReportSchedule.objects.get()
    run = make_run(scope=schedule.portfolio, schedule=schedule, planned_for=timezone.now())

    response = client.delete(f"{SCHEDULES}{schedule_id}/")

    assert response.status_code == 204
    assert not ReportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="report-schedule-").exists()
    run.refresh_from_db()
    assert run.schedule is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cron": "every monday"}, "cron"),
        ({"cron": "61 7 * * 1"}, "cron"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"kind": ReportKind.PROGRAMME_PACK}, "programme"),
        ({"kind": ReportKind.PROJECT_FLASH, "project": 999999}, "project"),
        ({"portfolio": None}, "portfolio"),
        ({"language": "de"}, "language"),
        ({"extra_recipients": "board@example.com\nnot-an-address"}, "extra_recipients"),
        ({"recipients": [999999]}, "recipients"),
        ({"recipients": "NO_EMAIL"}, "recipients"),
        ({"name": ""}, "name"),
    ],
    ids=[
        "cron words",
        "cron minute 61",
        "unknown time zone",
        "programme pack without programme",
        "unknown project",
        "no portfolio",
        "bad language",
        "bad extra address",
        "unknown recipient",
        "recipient without email",
        "no name",
    ],
)
def test_a_bad_schedule_gets_400_naming_the_field_and_saves_nothing(
    api_as, pmo_user, changes, field
):
    if changes.get("recipients") == "NO_EMAIL":
        changes["recipients"] = [factories.executive(email="").pk]

    response = api_as(pmo_user).post(
        SCHEDULES, schedule_payload(factories.PortfolioFactory(), **changes)
    )

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not ReportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="report-schedule-").exists()


@pytest.mark.django_db
def test_a_bad_change_gets_400_and_leaves_schedule_and_beat_entry_as_they_were(api_as, pmo_user):
    client = api_as(pmo_user)
    schedule_id = client.post(SCHEDULES, schedule_payload(factories.PortfolioFactory())).json()[
        "id"
    ]

    response = client.patch(f"{SCHEDULES}{schedule_id}/", {"cron": "0 25 * * *"})

    assert response.status_code == 400
    assert "cron" in response.json()
    schedule = ReportSchedule.objects.get()
    assert schedule.cron == "0 7 * * 1"
    assert schedule.periodic_task.crontab.hour == "7"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("anonymous", 401, 401),
        ("no_role", 403, 403),
        ("pm", 403, 403),
        ("integration", 403, 403),
        ("executive", 200, 403),
        ("pmo", 200, 201),
    ],
)
def test_pmo_managers_write_schedules_and_executives_read_them(api_for_role, role, read, write):
    schedule = make_schedule()
    client = api_for_role(role)

    assert client.get(SCHEDULES).status_code == read
    assert client.get(f"{SCHEDULES}{schedule.pk}/").status_code == read
    created = client.post(SCHEDULES, schedule_payload(schedule.portfolio, name="Another"))
    assert created.status_code == write
    changed = client.patch(f"{SCHEDULES}{schedule.pk}/", {"name": "Renamed"})
    assert changed.status_code == (200 if write == 201 else write)
    deleted = client.delete(f"{SCHEDULES}{schedule.pk}/")
    assert deleted.status_code == (204 if write == 201 else write)


@pytest.mark.django_db
def test_schedules_filter_by_kind_and_activity(api_as, exec_user, project):
    weekly = make_schedule()
    make_schedule(name="Paused", is_active=False)
    flash = make_schedule(
        name="Flash", kind=ReportKind.PROJECT_FLASH, project=project, portfolio=project.portfolio
    )
    client = api_as(exec_user)

    active = client.get(SCHEDULES, {"is_active": "true"}).json()["results"]
    flashes = client.get(SCHEDULES, {"kind": ReportKind.PROJECT_FLASH}).json()["results"]

    assert sorted(row["id"] for row in active) == sorted([weekly.pk, flash.pk])
    assert [row["id"] for row in flashes] == [flash.pk]


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def make_runs(count, small_pdf):
    kinds = [ReportKind.PORTFOLIO_PACK, ReportKind.PROGRAMME_PACK, ReportKind.PROJECT_FLASH]
    for number in range(count):
        kind = kinds[number % 3]
        if number % 2:
            make_succeeded_run(small_pdf, kind=kind, requested_by=factories.executive())
        else:
            make_run(kind=kind, schedule=None)


@pytest.mark.django_db
def test_the_reports_list_runs_as_many_queries_for_50_runs_as_for_5(api_list_queries, small_pdf):
    make_runs(5, small_pdf)
    queries_for_5, rows = api_list_queries(REPORTS)
    assert rows == 5

    make_runs(45, small_pdf)
    queries_for_50, rows = api_list_queries(REPORTS)
    assert rows == 50

    assert queries_for_50 == queries_for_5


@pytest.mark.django_db
def test_the_schedules_list_runs_as_many_queries_for_50_as_for_5(api_list_queries):
    people = [factories.executive() for _ in range(3)]

    def make_schedules(count):
        for number in range(count):
            make_schedule(name=f"Schedule {number}", recipients=people[: 1 + number % 3])

    make_schedules(5)
    queries_for_5, rows = api_list_queries(SCHEDULES)
    assert rows == 5

    make_schedules(45)
    queries_for_50, rows = api_list_queries(SCHEDULES)
    assert rows == 50

    assert queries_for_50 == queries_for_5


# ------------------------------------------------------------------------------
# From asking to downloading, with the real renderer
# ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.skipif(
    importlib.util.find_spec("reporting.pdf") is None, reason="the renderer is not there yet"
)
def test_a_flash_asked_for_is_generated_on_commit_and_downloads(
    api_as, pm_user, project, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    client = api_as(pm_user)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            REPORTS, {"kind": ReportKind.PROJECT_FLASH, "project": project.pk, "language": "en"}
        )
    assert asked.status_code == 202, asked.content
    state = client.get(asked["Location"]).json()

    assert state["state"] == RunState.SUCCEEDED, state["error"]
    assert state["page_count"] >= 1
    download = client.get(state["pdf_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert len(content) == state["file_size"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert project.name in text
