"""The audit trail records who, when and what for every write path: pages, API, services
named an actor, bulk paths, deletes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pmo.history import acting_as
from projects.models import Allocation, CostEntry
from projects.services import finance, staffing
from reporting.choices import ReportKind
from reporting.models import ReportSchedule
from reporting.services.reports import report_schedule_create, report_schedule_delete
from risks import services as risk_services
from risks.models import Risk
from tests import factories


def latest(record):
    return type(record).history.filter(id=record.pk).order_by("-history_date", "-history_id")[0]


@pytest.mark.django_db
def test_a_page_edit_is_recorded_with_the_signed_in_user_the_time_and_the_change(
    client_as, pm_user, project
):
    risk = factories.RiskFactory(project=project, title="Supplier late")
    before = timezone.now()

    response = client_as(pm_user).post(
        reverse("risks:risk_edit", args=[risk.pk]),
        {
            "project": project.pk,
            "title": "Supplier very late",
            "category": "supplier",
            "probability": "3",
            "impact": "4",
            "response": "reduce",
            "status": "open",
        },
    )

    assert response.status_code == 302
    row = latest(risk)
    assert (row.history_type, row.history_user, row.title) == ("~", pm_user, "Supplier very late")
    assert row.history_date >= before


@pytest.mark.django_db
def test_an_api_edit_with_a_token_is_recorded_with_the_tokens_user(api_as, pm_user, project):
    risk = factories.RiskFactory(project=project)

    response = api_as(pm_user).patch(f"/api/v1/risks/{risk.pk}/", {"impact": 1}, format="json")

    assert response.status_code == 200, response.content
    row = latest(risk)
    assert (row.history_type, row.history_user, row.impact) == ("~", pm_user, 1)


@pytest.mark.django_db
def test_a_service_called_outside_a_request_records_the_actor_it_is_given(pm_user, project):
    risk = factories.RiskFactory(project=project)

    risk_services.risk_update(risk, actor=pm_user, impact=2)

    assert latest(risk).history_user == pm_user


@pytest.mark.django_db
def test_a_workflow_step_records_its_actor(pmo_user, project):
    risk = factories.RiskFactory(project=project)

    risk_services.risk_close(risk, actor=pmo_user, note="Gone")

    row = latest(risk)
    assert (row.history_user, row.status) == (pmo_user, "closed")


@pytest.mark.django_db
def test_acting_as_names_the_user_of_writes_made_without_an_actor(pmo_user, project):
    risk = factories.RiskFactory(project=project)

    with acting_as(pmo_user):
        risk.title = "Renamed"
        risk.save()

    assert latest(risk).history_user == pmo_user


@pytest.mark.django_db
def test_a_write_without_request_nor_actor_is_recorded_without_user(project):
    risk = factories.RiskFactory(project=project)

    assert latest(risk).history_user is None


@pytest.mark.django_db
def test_the_allocations_bulk_upsert_records_a_creation_and_an_update(pmo_user, project):
    resource = factories.ResourceFactory()
    kept = factories.AllocationFactory(
        resource=resource, project=project, month=datetime.date(2026, 3, 1), fte=Decimal("0.5")
    )

    result = staffing.allocations_bulk_upsert(
        actor=pmo_user,
        rows=[
            {"resource": resource.pk, "project": project.pk, "month": "2026-03", "fte": "0.8"},
            {"resource": resource.pk, "project": project.pk, "month": "2026-04", "fte": "0.3"},
        ],
    )

    assert (result["created"], result["updated"]) == (1, 1)
    changed = latest(kept)
    assert (changed.history_type, changed.history_user, changed.fte) == (
        "~",
        pmo_user,
        Decimal("0.80"),
    )
    new = Allocation.objects.get(month=datetime.date(2026, 4, 1))
    created = latest(new)
    assert (created.history_type, created.history_user, created.fte) == (
        "+",
        pmo_user,
        Decimal("0.30"),
    )


@pytest.mark.django_db
def test_the_cost_entries_bulk_create_records_each_entry(integration_user, project):
    finance.cost_entries_bulk_create(
        actor=integration_user,
        entries=[
            {
                "project": project.pk,
                "date": "2026-03-10",
                "nature": "capex",
                "category": "external_services",
                "amount": "1200.00",
                "external_reference": f"INV-{n}",
            }
            for n in range(3)
        ],
    )

    entries = CostEntry.objects.filter(project=project)
    rows = CostEntry.history.filter(id__in=[e.pk for e in entries])
    assert entries.count() == 3
    assert (
        sorted((r.history_type, r.history_user_id) for r in rows)
        == [("+", integration_user.pk)] * 3
    )


@pytest.mark.django_db
def test_the_cost_import_records_each_entry(pmo_user, project):
    finance.cost_entries_import(
        actor=pmo_user,
        rows=[
            {
                "row_number": 2,
                "project_code": project.code,
                "date": "2026-03-10",
                "nature": "opex",
                "category": "external_services",
                "amount": "300.00",
            }
        ],
    )

    entry = CostEntry.objects.get(project=project)
    assert (latest(entry).history_type, latest(entry).history_user) == ("+", pmo_user)


@pytest.mark.django_db
def test_a_deleted_schedule_keeps_its_history_ending_with_a_deletion(pmo_user):
    schedule = report_schedule_create(
        actor=pmo_user,
        data={
            "name": "Weekly Copil",
            "kind": ReportKind.PORTFOLIO_PACK,
            "portfolio": factories.PortfolioFactory(),
            "cron": "0 7 * * 1",
            "time_zone": "Europe/Paris",
            "language": "fr",
        },
        recipients=[],
    )
    pk = schedule.pk

    report_schedule_delete(actor=pmo_user, schedule=schedule)

    rows = list(ReportSchedule.history.filter(id=pk).order_by("history_date", "history_id"))
    assert not ReportSchedule.objects.filter(pk=pk).exists()
    assert (rows[0].history_type, rows[-1].history_type, rows[-1].history_user) == (
        "+",
        "-",
        pmo_user,
    )


@pytest.mark.django_db
def test_a_risk_created_through_its_service_is_recorded_as_created(pm_user, project):
    risk = risk_services.risk_create(
        actor=pm_user, project=project, title="New", probability=2, impact=2
    )

    row = latest(risk)
    assert (row.history_type, row.history_user) == ("+", pm_user)
    assert Risk.history.filter(id=risk.pk).count() == 1
