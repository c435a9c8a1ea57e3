"""The report schedule pages: who reads and writes them, the list's fixed queries, the form's
errors next to their fields, creating, editing and deleting through the services."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun, ReportSchedule
from tests import factories
from tests.conftest import ROLES

LIST_URL = "/reporting/schedules/"
CREATE_URL = "/reporting/schedules/new/"


def make_schedule(*, portfolio=None, recipients=(), **kwargs):
    values = {
        "name": f"Weekly Copil {ReportSchedule.objects.count() + 1}",
        "kind": ReportKind.PORTFOLIO_PACK,
        "portfolio": portfolio or factories.PortfolioFactory(),
        "cron": "0 7 * * 1",
        "time_zone": "Europe/Paris",
        "language": "en",
    }
    values.update(kwargs)
    schedule = ReportSchedule.objects.create(**values)
    schedule.recipients.set(recipients)
    return schedule


def form_data(scope_portfolio, **changes) -> dict:
    data = {
        "name": "Monday Copil",
        "kind": ReportKind.PORTFOLIO_PACK,
        "portfolio": scope_portfolio.pk,
        "programme": "",
        "project": "",
        "cron": "0 7 * * 1",
        "time_zone": "Europe/Paris",
        "language": "fr",
        "recipients": [],
        "extra_recipients": "",
        "attach_pdf": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_routes():
    assert reverse("reporting:schedule_list") == LIST_URL
    assert reverse("reporting:schedule_create") == CREATE_URL
    assert reverse("reporting:schedule_detail", args=[2]) == "/reporting/schedules/2/"
    assert reverse("reporting:schedule_update", args=[2]) == "/reporting/schedules/2/edit/"
    assert reverse("reporting:schedule_delete", args=[2]) == "/reporting/schedules/2/delete/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pmo_managers_and_executives_read_the_schedules(client_in_role, role):
    schedule = make_schedule(name="Monday DSI Copil")
    expected = {"anonymous": 302, "pmo": 200, "exec": 200}.get(role, 403)

    for url in (LIST_URL, schedule.get_absolute_url()):
        response = client_in_role(role).get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert "Monday DSI Copil" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_pmo_managers_open_the_forms(client_in_role, role):
    schedule = make_schedule()
    expected = {"anonymous": 302, "pmo": 200}.get(role, 403)

    for url in (
        CREATE_URL,
        reverse("reporting:schedule_update", args=[schedule.pk]),
        reverse("reporting:schedule_delete", args=[schedule.pk]),
    ):
        assert client_in_role(role).get(url).status_code == expected, url


@pytest.mark.django_db
def test_the_list_says_when_in_words_and_the_last_pack(client_as, exec_user):
    schedule = make_schedule(cron="0 7 * * 1")
    ReportRun.objects.create(
        kind=schedule.kind,
        portfolio=schedule.portfolio,
        language="en",
        as_of=datetime.date(2026, 11, 16),
        schedule=schedule,
        planned_for=datetime.datetime(2026, 11, 16, 6, tzinfo=datetime.UTC),
        state=RunState.FAILED,
    )

    page = client_as(exec_user).get(LIST_URL).content.decode()

    assert "At 07:00, only on Monday" in page
    assert "Failed" in page
    # Executives read, the create button is the PMO's.
    assert CREATE_URL not in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_50_schedules(client_as, pmo_user):
    client = client_as(pmo_user)
    people = [factories.executive(), factories.pmo_manager()]

    def add(number):
        for _ in range(number):
            schedule = make_schedule(recipients=people)
            ReportRun.objects.create(
                kind=schedule.kind,
                portfolio=schedule.portfolio,
                language="en",
                as_of=datetime.date(2026, 11, 16),
                schedule=schedule,
            )

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        return len(context.captured_queries)

    add(5)
    five = count()
    add(45)
    assert count() == five


@pytest.mark.django_db
def test_a_pmo_manager_creates_a_schedule_and_its_beat_entry(client_as, pmo_user, exec_user):
    portfolio = factories.PortfolioFactory()

    response = client_as(pmo_user).post(
        CREATE_URL,
        form_data(portfolio, recipients=[exec_user.pk], extra_recipients="board@example.com"),
    )

    schedule = ReportSchedule.objects.get()
    assert response.status_code == 302
    assert response["Location"] == schedule.get_absolute_url()
    assert (schedule.name, schedule.portfolio, schedule.language) == (
        "Monday Copil",
        portfolio,
        "fr",
    )
    assert list(schedule.recipients.all()) == [exec_user]
    assert schedule.created_by == pmo_user
    assert PeriodicTask.objects.filter(pk=schedule.periodic_task_id, enabled=True).exists()


@pytest.mark.django_db
def test_a_programme_pack_takes_its_programmes_portfolio(client_as, pmo_user):
    programme = factories.ProgrammeFactory()
    other = factories.PortfolioFactory()

    response = client_as(pmo_user).post(
        CREATE_URL,
        form_data(other, kind=ReportKind.PROGRAMME_PACK, programme=programme.pk),
    )

    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.programme, schedule.portfolio) == (programme, programme.portfolio)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cron": "every monday"}, "cron", "Give five fields"),
        ({"cron": "0 25 * * 1"}, "cron", "not a cron expression"),
        ({"kind": ReportKind.PROGRAMME_PACK}, "programme", "A programme pack needs"),
        ({"kind": ReportKind.PROJECT_FLASH}, "project", "A project flash report needs"),
        ({"portfolio": ""}, "portfolio", "A portfolio pack needs"),
        ({"extra_recipients": "board@example.com\nnot-an-email"}, "extra_recipients", "not-an"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "valid choice"),
    ],
)
def test_a_bad_schedule_gets_its_message_next_to_the_field(
    client_as, pmo_user, changes, field, message
):
    portfolio = factories.PortfolioFactory()

    response = client_as(pmo_user).post(CREATE_URL, form_data(portfolio, **changes))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_a_recipient_without_an_email_is_refused_next_to_the_field(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    silent = factories.executive(email="")

    response = client_as(pmo_user).post(CREATE_URL, form_data(portfolio, recipients=[silent.pk]))

    assert response.status_code == 200
    assert "recipients" in response.context["form"].errors
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_editing_a_schedule_keeps_its_values_and_saves_the_change(client_as, pmo_user):
    schedule = make_schedule(language="fr", name="Old name")
    url = reverse("reporting:schedule_update", args=[schedule.pk])
    client = client_as(pmo_user)

    form = client.get(url).context["form"]
    assert form["language"].value() == "fr"

    response = client.post(
        url, form_data(schedule.portfolio, name="New name", cron="30 8 1 * *", is_active="")
    )

    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.name, schedule.cron, schedule.is_active) == ("New name", "30 8 1 * *", False)
    assert PeriodicTask.objects.get(pk=schedule.periodic_task_id).enabled is False


@pytest.mark.django_db
def test_an_executive_may_not_post_a_schedule(client_as, exec_user):
    portfolio = factories.PortfolioFactory()

    response = client_as(exec_user).post(CREATE_URL, form_data(portfolio))

    assert response.status_code == 403
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_the_detail_shows_the_next_time_and_the_latest_runs(client_as, exec_user):
    schedule = make_schedule()
    run = ReportRun.objects.create(
        kind=schedule.kind,
        portfolio=schedule.portfolio,
        language="en",
        as_of=datetime.date(2026, 11, 16),
        schedule=schedule,
        state=RunState.SUCCEEDED,
    )

    response = client_as(exec_user).get(schedule.get_absolute_url())

    assert response.context["next_run"] is not None
    assert response.context["next_run"].weekday() == 0
    page = response.content.decode()
    assert run.get_absolute_url() in page
    assert reverse("reporting:schedule_update", args=[schedule.pk]) not in page


@pytest.mark.django_db
def test_deleting_a_schedule_keeps_its_packs(client_as, pmo_user):
    portfolio = factories.PortfolioFactory()
    client = client_as(pmo_user)
    client.post(CREATE_URL, form_data(portfolio))
    schedule = ReportSchedule.objects.get()
    run = ReportRun.objects.create(
        kind=schedule.kind,
        portfolio=portfolio,
        language="en",
        as_of=datetime.date(2026, 11, 16),
        schedule=schedule,
    )
    url = reverse("reporting:schedule_delete", args=[schedule.pk])

    assert "1 pack it made stays" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not ReportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="report-schedule-").exists()
    run.refresh_from_db()
    assert run.schedule is None


@pytest.mark.django_db
def test_an_executive_may_not_delete_a_schedule(client_as, exec_user):
    schedule = make_schedule()

    response = client_as(exec_user).post(reverse("reporting:schedule_delete", args=[schedule.pk]))

    assert response.status_code == 403
    assert ReportSchedule.objects.filter(pk=schedule.pk).exists()


@pytest.mark.django_db
def test_the_tabs_offer_schedules_to_who_reads_them(client_as, exec_user, pm_user):
    packs = reverse("reporting:pack_list")

    exec_page = client_as(exec_user).get(packs).content.decode()
    pm_page = client_as(pm_user).get(packs).content.decode()

    assert f'href="{LIST_URL}"' in exec_page
    assert f'href="{LIST_URL}"' not in pm_page
    assert f'href="{packs}"' in pm_page
