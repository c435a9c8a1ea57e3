"""Writes of staffing: one allocation, a cell of a project's grid, and the bulk upsert of an
integration's plan (validated whole, idempotent, fast)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.roles import roles_of
from projects.choices import EntrySource, Phase
from projects.models import Allocation
from projects.services import staffing as services
from tests import factories

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture
def resource(db):
    return factories.ResourceFactory(name="Alice")


def create(actor, resource, project, **changes):
    data = {"month": MARCH, "fte": Decimal("0.50")} | changes
    return services.allocation_create(actor=actor, resource=resource, project=project, **data)


# --- one allocation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_manager_plans_a_resource_on_their_project(pm_user, project, resource):
    allocation = create(pm_user, resource, project)

    stored = Allocation.objects.get(pk=allocation.pk)
    assert (stored.resource, stored.project, stored.month) == (resource, project, MARCH)
    assert stored.fte == Decimal("0.50")
    assert stored.source == EntrySource.MANUAL


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pmo_user", "integration_user"])
def test_the_pmo_and_integrations_plan_on_any_project(request, project, resource, who):
    allocation = create(request.getfixturevalue(who), resource, project)

    assert Allocation.objects.filter(pk=allocation.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_pm_user", "exec_user", "no_role_user"])
def test_others_may_not_plan_on_the_project_and_nothing_is_saved(request, project, resource, who):
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(who), resource, project)

    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_a_project_manager_may_not_plan_on_their_ended_project(pm_user, project, resource):
    project.phase = Phase.CLOSED
    project.save()

    with pytest.raises(PermissionDenied):
        create(pm_user, resource, project)


@pytest.mark.django_db
def test_a_month_given_by_another_day_than_the_first_is_an_error_on_month(
    pm_user, project, resource
):
    with pytest.raises(ValidationError) as error:
        create(pm_user, resource, project, month=datetime.date(2026, 3, 15))

    assert "month" in error.value.message_dict
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_a_second_allocation_of_the_same_resource_project_and_month_is_an_error_on_month(
    pm_user, project, resource
):
    create(pm_user, resource, project)

    with pytest.raises(ValidationError) as error:
        create(pm_user, resource, project, fte=Decimal("1"))

    assert error.value.message_dict["month"] == [str(services.DUPLICATE_MESSAGE)]
    assert Allocation.objects.get().fte == Decimal("0.50")


@pytest.mark.django_db
@pytest.mark.parametrize("fte", [Decimal("-0.5"), Decimal("1000")])
def test_an_fte_out_of_0_to_999_is_an_error_on_fte(pm_user, project, resource, fte):
    with pytest.raises(ValidationError) as error:
        create(pm_user, resource, project, fte=fte)

    assert "fte" in error.value.message_dict


@pytest.mark.django_db
def test_an_inactive_resource_cannot_be_planned(pm_user, project):
    gone = factories.ResourceFactory(is_active=False)

    with pytest.raises(ValidationError) as error:
        create(pm_user, gone, project)

    assert "resource" in error.value.message_dict


@pytest.mark.django_db
def test_the_project_manager_changes_the_fte_of_an_allocation(pm_user, project, resource):
    allocation = create(pm_user, resource, project)

    services.allocation_update(allocation, actor=pm_user, fte=Decimal("0.80"), note="Ramp-up")

    allocation.refresh_from_db()
    assert (allocation.fte, allocation.note) == (Decimal("0.80"), "Ramp-up")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_pm_user", "exec_user"])
def test_others_may_not_change_an_allocation(request, pm_user, project, resource, who):
    allocation = create(pm_user, resource, project)

    with pytest.raises(PermissionDenied):
        services.allocation_update(allocation, actor=request.getfixturevalue(who), fte=Decimal("1"))

    allocation.refresh_from_db()
    assert allocation.fte == Decimal("0.50")


@pytest.mark.django_db
def test_a_project_manager_may_not_move_an_allocation_to_a_project_they_do_not_manage(
    pm_user, other_pm_user, project, resource
):
    allocation = create(pm_user, resource, project)
    elsewhere = factories.ProjectFactory(project_manager=other_pm_user)

    with pytest.raises(PermissionDenied):
        services.allocation_update(allocation, actor=pm_user, project=elsewhere)

    allocation.refresh_from_db()
    assert allocation.project == project


@pytest.mark.django_db
def test_moving_an_allocation_onto_a_planned_month_is_an_error_on_month(pm_user, project, resource):
    create(pm_user, resource, project, month=APRIL)
    march = create(pm_user, resource, project)

    with pytest.raises(ValidationError) as error:
        services.allocation_update(march, actor=pm_user, month=APRIL)

    assert "month" in error.value.message_dict


# --- one cell -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_a_cell_creates_the_allocation_then_updates_it(pm_user, project, resource):
    first = services.allocation_set(
        actor=pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0.5")
    )
    second = services.allocation_set(
        actor=pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0.7")
    )

    assert first.pk == second.pk
    assert Allocation.objects.get().fte == Decimal("0.70")


@pytest.mark.django_db
def test_setting_a_cell_to_zero_keeps_the_row_at_zero(pm_user, project, resource):
    services.allocation_set(
        actor=pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0.5")
    )

    services.allocation_set(
        actor=pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0")
    )

    assert Allocation.objects.get().fte == Decimal("0")


@pytest.mark.django_db
def test_setting_a_cell_to_its_value_writes_nothing(pm_user, project, resource):
    allocation = create(pm_user, resource, project)
    before = Allocation.objects.get(pk=allocation.pk).updated_at

    services.allocation_set(
        actor=pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0.50")
    )

    assert Allocation.objects.get(pk=allocation.pk).updated_at == before


@pytest.mark.django_db
def test_another_project_manager_may_not_set_a_cell_even_to_its_value(
    pm_user, other_pm_user, project, resource
):
    create(pm_user, resource, project)

    with pytest.raises(PermissionDenied):
        services.allocation_set(
            actor=other_pm_user, resource=resource, project=project, month=MARCH, fte=Decimal("0.5")
        )


@pytest.mark.django_db
def test_a_grid_save_is_all_or_nothing_and_names_each_bad_cell(pm_user, project, resource):
    other = factories.ResourceFactory(name="Bob")
    gone = factories.ResourceFactory(name="Carol", is_active=False)

    with pytest.raises(services.BatchError) as error:
        services.project_staffing_set(
            actor=pm_user,
            project=project,
            cells=[
                (resource, MARCH, Decimal("0.5")),
                (other, datetime.date(2026, 4, 2), Decimal("0.5")),
                (gone, MARCH, Decimal("1")),
            ],
        )

    assert set(error.value.errors) == {1, 2}
    assert "month" in error.value.errors[1]
    assert "resource" in error.value.errors[2]
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_a_grid_save_is_refused_to_another_project_manager(other_pm_user, project, resource):
    with pytest.raises(PermissionDenied):
        services.project_staffing_set(
            actor=other_pm_user, project=project, cells=[(resource, MARCH, Decimal("1"))]
        )


# --- bulk upsert --------------------------------------------------------------------------


def row(resource, project, month="2026-03", fte="0.50", **extra):
    return {"resource": resource.pk, "project": project.pk, "month": month, "fte": fte, **extra}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pm_user", "other_pm_user", "exec_user", "no_role_user"])
def test_only_the_pmo_and_integrations_import_a_batch(request, project, resource, who):
    with pytest.raises(PermissionDenied):
        services.allocations_bulk_upsert(
            actor=request.getfixturevalue(who), rows=[row(resource, project)]
        )

    assert not Allocation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pmo_user", "integration_user"])
def test_a_batch_creates_its_allocations_marked_from_an_integration(
    request, project, resource, who
):
    result = services.allocations_bulk_upsert(
        actor=request.getfixturevalue(who),
        rows=[row(resource, project), row(resource, project, month="2026-04-01", fte=1)],
    )

    assert result == {"created": 2, "updated": 0, "unchanged": 0}
    stored = {a.month: a for a in Allocation.objects.all()}
    assert stored[MARCH].fte == Decimal("0.50")
    assert stored[APRIL].fte == Decimal("1.00")
    assert {a.source for a in stored.values()} == {EntrySource.INTEGRATION}


@pytest.mark.django_db
def test_sending_the_same_batch_again_changes_nothing(integration_user, project, resource):
    rows = [row(resource, project), row(resource, project, month="2026-04", note="Build")]
    services.allocations_bulk_upsert(actor=integration_user, rows=rows)
    before = list(Allocation.objects.order_by("pk").values())

    result = services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert result == {"created": 0, "updated": 0, "unchanged": 2}
    assert list(Allocation.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_batch_updates_the_rows_whose_fte_or_note_changed(
    integration_user, pm_user, project, resource
):
    manual = create(pm_user, resource, project)
    services.allocations_bulk_upsert(
        actor=integration_user, rows=[row(resource, project, month="2026-04")]
    )

    result = services.allocations_bulk_upsert(
        actor=integration_user,
        rows=[
            row(resource, project, fte="0.75"),
            row(resource, project, month="2026-04", note="Build phase"),
        ],
    )

    assert result == {"created": 0, "updated": 2, "unchanged": 0}
    manual.refresh_from_db()
    assert manual.fte == Decimal("0.75")
    assert manual.source == EntrySource.INTEGRATION
    assert manual.updated_at > manual.created_at
    assert Allocation.objects.get(month=APRIL).note == "Build phase"


@pytest.mark.django_db
def test_a_row_without_a_note_keeps_the_stored_note(integration_user, project, resource):
    services.allocations_bulk_upsert(
        actor=integration_user, rows=[row(resource, project, note="Kept")]
    )

    services.allocations_bulk_upsert(actor=integration_user, rows=[row(resource, project, fte=1)])

    assert Allocation.objects.get().note == "Kept"


@pytest.mark.django_db
def test_a_batch_finds_projects_by_code_whatever_the_case(integration_user, project, resource):
    rows = [
        {
            "resource": resource.pk,
            "project_code": project.code.lower(),
            "month": "2026-03",
            "fte": "1",
        }
    ]

    services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert Allocation.objects.get().project == project


@pytest.mark.django_db
def test_a_batch_reads_json_floats_as_their_decimal_text(integration_user, project, resource):
    services.allocations_bulk_upsert(
        actor=integration_user,
        rows=[row(resource, project, fte=0.1), row(resource, project, month="2026-04", fte=0.3)],
    )

    stored = dict(Allocation.objects.values_list("month", "fte"))
    assert stored == {MARCH: Decimal("0.10"), APRIL: Decimal("0.30")}
    assert all(type(value) is Decimal for value in stored.values())


BAD_ROWS = {
    "month not a first day": ({"month": "2026-03-15"}, "month"),
    "month of 13": ({"month": "2026-13"}, "month"),
    "month as text": ({"month": "March"}, "month"),
    "month missing": ({"month": None}, "month"),
    "fte too precise": ({"fte": 0.333}, "fte"),
    "fte negative": ({"fte": -1}, "fte"),
    "fte above 999": ({"fte": "1000"}, "fte"),
    "fte a boolean": ({"fte": True}, "fte"),
    "fte not a number": ({"fte": "half"}, "fte"),
    "fte not finite": ({"fte": "NaN"}, "fte"),
    "unknown resource": ({"resource": 999999}, "resource"),
    "resource as a name": ({"resource": "Alice"}, "resource"),
    "unknown project": ({"project": 999999}, "project"),
    "note not text": ({"note": 12}, "note"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), BAD_ROWS.values(), ids=BAD_ROWS)
def test_a_bad_row_refuses_the_whole_batch_naming_its_index_and_field(
    integration_user, project, resource, change, field
):
    rows = [row(resource, project, month="2026-01"), row(resource, project) | change]

    with pytest.raises(services.BatchError) as error:
        services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert list(error.value.errors) == [1]
    assert field in error.value.errors[1], error.value.errors
    assert error.value.extra["rows"]["1"][field]
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_an_unknown_project_code_is_an_error_on_project_code(integration_user, resource):
    rows = [{"resource": resource.pk, "project_code": "NOPE", "month": "2026-03", "fte": 1}]

    with pytest.raises(services.BatchError) as error:
        services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert "project_code" in error.value.errors[0]


@pytest.mark.django_db
def test_a_row_that_is_not_an_object_is_named(integration_user, project, resource):
    with pytest.raises(services.BatchError) as error:
        services.allocations_bulk_upsert(
            actor=integration_user, rows=[row(resource, project), "oops"]
        )

    assert "non_field_errors" in error.value.errors[1]


@pytest.mark.django_db
def test_the_same_triple_twice_in_a_batch_is_an_error_on_the_later_row(
    integration_user, project, resource
):
    rows = [
        row(resource, project),
        row(resource, project, month="2026-04"),
        row(resource, project, month="2026-03-01", fte="1"),
    ]

    with pytest.raises(services.BatchError) as error:
        services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert list(error.value.errors) == [2]
    assert "Row 0" in error.value.errors[2]["month"][0]
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_a_new_allocation_of_an_inactive_resource_is_refused_but_its_stored_one_updated(
    integration_user, project
):
    gone = factories.ResourceFactory(is_active=False)
    factories.AllocationFactory(resource=gone, project=project, month=MARCH)

    result = services.allocations_bulk_upsert(
        actor=integration_user, rows=[row(gone, project, fte="0")]
    )
    assert result["updated"] == 1
    with pytest.raises(services.BatchError) as error:
        services.allocations_bulk_upsert(
            actor=integration_user, rows=[row(gone, project, month="2026-04")]
        )
    assert "resource" in error.value.errors[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows", [[], "rows", {"resource": 1}], ids=["empty", "not a list", "an object"]
)
def test_a_batch_that_is_not_a_list_of_rows_is_an_error_on_rows(integration_user, rows):
    with pytest.raises(ValidationError) as error:
        services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert "rows" in error.value.message_dict


@pytest.mark.django_db
def test_a_batch_above_10000_rows_is_refused_before_reading_it(integration_user):
    with pytest.raises(ValidationError) as error:
        services.allocations_bulk_upsert(actor=integration_user, rows=[{}] * 10_001)

    assert "10,000" in error.value.message_dict["rows"][0]


def plan(resources, projects, months):
    """Rows planning each resource on each project in each month."""
    return [
        {"resource": r.pk, "project": p.pk, "month": f"2026-{m:02d}", "fte": "0.25"}
        for r in resources
        for p in projects
        for m in months
    ]


def bulk_queries(actor, rows) -> int:
    with CaptureQueriesContext(connection) as context:
        services.allocations_bulk_upsert(actor=actor, rows=rows)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_a_batch_costs_the_same_queries_for_20_rows_as_for_400(integration_user):
    projects = factories.ProjectFactory.create_batch(4)
    small = factories.ResourceFactory.create_batch(1)
    large = factories.ResourceFactory.create_batch(10)
    roles_of(integration_user)  # read once per user object, before counting

    assert bulk_queries(integration_user, plan(small, projects, range(1, 6))) == bulk_queries(
        integration_user, plan(large, projects, range(1, 11))
    )


@pytest.mark.django_db
def test_a_batch_of_10000_rows_is_accepted_then_resent_unchanged(integration_user):
    projects = factories.ProjectFactory.create_batch(20)
    resources = factories.ResourceFactory.create_batch(50)
    rows = plan(resources, projects, range(1, 11))
    assert len(rows) == 10_000

    first = services.allocations_bulk_upsert(actor=integration_user, rows=rows)
    again = services.allocations_bulk_upsert(actor=integration_user, rows=rows)

    assert first == {"created": 10_000, "updated": 0, "unchanged": 0}
    assert again == {"created": 0, "updated": 0, "unchanged": 10_000}
