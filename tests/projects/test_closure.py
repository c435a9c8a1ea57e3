"""Closure reports: written only in the closing phase, by the project's manager or the PMO;
approval freezes the final cost and dates; an approved report is read-only (409); pages,
panel and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pmo.exceptions import WorkflowError
from projects.choices import CostKind, Nature, ObjectivesMet, Phase
from projects.models import ClosureReport
from projects.services.closure import (
    closure_report_approve,
    closure_report_create,
    closure_report_update,
)
from tests import factories
from tests.conftest import ROLES

API = "/api/v1/closure-reports/"
CONTENT = {
    "objectives_met": ObjectivesMet.PARTLY,
    "objectives_comment": "Two sites of three.",
    "scope_delivered": "The portal, without the mobile app.",
    "handover": "To the run team.",
}
ON = datetime.date(2026, 12, 20)


@pytest.fixture
def closing(pm_user):
    """A project in its closing phase managed by ``pm_user``, with actuals."""
    project = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSING)
    factories.CostEntryFactory(project=project, amount=Decimal("300000.00"))
    factories.CostEntryFactory(project=project, nature=Nature.OPEX, amount=Decimal("90000.00"))
    factories.CostEntryFactory(project=project, kind=CostKind.COMMITMENT, amount=Decimal("5000.00"))
    return project


def write(project, actor):
    return closure_report_create(actor=actor, project=project, **CONTENT)


@pytest.mark.django_db
def test_the_manager_writes_the_closure_report_of_a_closing_project(closing, pm_user):
    report = write(closing, pm_user)

    assert report.written_by == pm_user
    assert report.objectives_met == ObjectivesMet.PARTLY
    assert report.approved_on is None
    assert report.final_capex is None


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.EXECUTION, Phase.IDEA, Phase.CLOSED])
def test_a_closure_report_is_written_only_in_the_closing_phase(pmo_user, phase):
    project = factories.ProjectFactory(phase=phase)

    with pytest.raises(WorkflowError):
        write(project, pmo_user)


@pytest.mark.django_db
def test_another_project_manager_may_not_write_it(closing, other_pm_user, exec_user):
    for actor in (other_pm_user, exec_user):
        with pytest.raises(PermissionDenied):
            write(closing, actor)


@pytest.mark.django_db
def test_approval_freezes_the_actual_cost_and_the_forecast_dates(closing, pm_user, pmo_user):
    report = write(closing, pm_user)

    report = closure_report_approve(actor=pmo_user, report=report, on=ON)

    assert report.final_capex == Decimal("300000.00")
    assert report.final_opex == Decimal("90000.00")
    assert (report.actual_start, report.actual_end) == (
        closing.forecast_start,
        closing.forecast_end,
    )
    assert report.approved_by == pmo_user
    assert report.approved_on == ON


@pytest.mark.django_db
def test_without_forecast_dates_the_first_actual_and_the_approval_day_are_taken(
    closing, pm_user, pmo_user
):
    type(closing).objects.filter(pk=closing.pk).update(forecast_start=None, forecast_end=None)
    factories.CostEntryFactory(project=closing, date=datetime.date(2026, 2, 1))
    report = write(closing, pm_user)

    report = closure_report_approve(actor=pmo_user, report=report, on=ON)

    assert (report.actual_start, report.actual_end) == (datetime.date(2026, 2, 1), ON)


@pytest.mark.django_db
def test_actuals_booked_after_approval_change_nothing(closing, pm_user, pmo_user):
    report = closure_report_approve(actor=pmo_user, report=write(closing, pm_user), on=ON)

    factories.CostEntryFactory(project=closing, amount=Decimal("777.00"))

    report.refresh_from_db()
    assert report.final_capex == Decimal("300000.00")
    from projects.selectors.intake import closure_figures

    assert closure_figures(closing, report).final.capex == Decimal("300000.00")


@pytest.mark.django_db
def test_a_report_is_approved_once_and_never_edited_after(closing, pm_user, pmo_user):
    report = closure_report_approve(actor=pmo_user, report=write(closing, pm_user), on=ON)

    with pytest.raises(WorkflowError):
        closure_report_approve(actor=pmo_user, report=report, on=ON)
    with pytest.raises(WorkflowError):
        closure_report_update(report, actor=pmo_user, handover="Changed")


# --- pages ----------------------------------------------------------------------------------

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
WRITERS = {**READERS, "pm_other": 403, "exec": 403, "integration": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_save_the_closure_page(client_in_role, closing, role):
    url = reverse("projects:closure_report", args=[closing.pk])
    client = client_in_role(role)

    read = client.get(url)
    saved = client.post(url, CONTENT)

    assert read.status_code == READERS[role]
    expected = 302 if WRITERS[role] == 200 else WRITERS[role]
    assert saved.status_code == expected


@pytest.mark.django_db
def test_the_page_saves_the_report_and_the_panel_shows_it(client_as, closing, pm_user):
    client = client_as(pm_user)

    client.post(reverse("projects:closure_report", args=[closing.pk]), CONTENT)
    panel = client.get(closing.get_absolute_url()).content.decode()

    assert ClosureReport.objects.get().scope_delivered == CONTENT["scope_delivered"]
    assert "The portal, without the mobile app." in panel
    assert "300,000" in panel


@pytest.mark.django_db
def test_saving_after_approval_answers_409(client_as, closing, pm_user, pmo_user):
    closure_report_approve(actor=pmo_user, report=write(closing, pm_user), on=ON)

    response = client_as(pmo_user).post(
        reverse("projects:closure_report", args=[closing.pk]), CONTENT
    )

    assert response.status_code == 409
    assert ClosureReport.objects.get().handover == CONTENT["handover"]


@pytest.mark.django_db
def test_saving_outside_the_closing_phase_answers_409(client_as, project, pmo_user):
    response = client_as(pmo_user).post(
        reverse("projects:closure_report", args=[project.pk]), CONTENT
    )

    assert response.status_code == 409
    assert not ClosureReport.objects.exists()


# --- API ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 201),
        ("other_pm", 403),
        ("pmo", 201),
        ("executive", 403),
        ("integration", 403),
    ],
)
def test_who_writes_a_closure_report_through_the_api(api_for_role, closing, role, expected):
    response = api_for_role(role).post(API, {**CONTENT, "project": closing.pk}, format="json")

    assert response.status_code == expected, response.content


@pytest.mark.django_db
def test_the_api_answers_409_outside_closing_and_after_approval(api_as, pmo_user, pm_user, closing):
    executing = factories.ProjectFactory()
    report = closure_report_approve(actor=pmo_user, report=write(closing, pm_user), on=ON)

    outside = api_as(pmo_user).post(API, {**CONTENT, "project": executing.pk}, format="json")
    after = api_as(pmo_user).patch(f"{API}{report.pk}/", {"handover": "x"}, format="json")

    assert outside.status_code == 409
    assert after.status_code == 409


@pytest.mark.django_db
def test_the_api_names_the_field_of_bad_input(api_as, pmo_user, closing):
    response = api_as(pmo_user).post(
        API, {**CONTENT, "objectives_met": "mostly", "project": closing.pk}, format="json"
    )

    assert response.status_code == 400
    assert "objectives_met" in response.json()


@pytest.mark.django_db
def test_the_api_filters_by_project_and_portfolio(api_as, exec_user, pm_user, closing):
    write(closing, pm_user)
    other = factories.ProjectFactory(phase=Phase.CLOSING)
    write(other, factories.pmo_manager())
    client = api_as(exec_user)

    by_project = client.get(API, {"project": closing.pk}).json()
    by_portfolio = client.get(API, {"portfolio": other.portfolio_id}).json()

    assert [row["project"] for row in by_project["results"]] == [closing.pk]
    assert [row["project"] for row in by_portfolio["results"]] == [other.pk]


def add_reports(count):
    pmo = factories.pmo_manager(username="writer")
    for _index in range(count):
        write(factories.ProjectFactory(phase=Phase.CLOSING), pmo)


@pytest.mark.django_db
def test_the_closure_reports_endpoint_costs_the_same_queries_for_5_rows_as_for_50(
    api_list_queries,
):
    add_reports(5)
    api_list_queries(API)

    with_5, rows_5 = api_list_queries(API)
    add_reports(45)
    with_50, rows_50 = api_list_queries(API + "?page_size=50")

    assert (rows_5, rows_50) == (5, 50)
    assert with_50 == with_5
