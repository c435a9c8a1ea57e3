"""Services of budget lines and single cost entries: who may write them, what they refuse."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.choices import CostCategory, CostKind, EntrySource, Nature, Phase
from projects.models import BudgetLine, CostEntry
from projects.services import finance as services
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def line_data(project, **overrides):
    return {
        "project": project,
        "fiscal_year": 2026,
        "nature": Nature.CAPEX,
        "category": CostCategory.SOFTWARE,
        "amount": Decimal("25000.00"),
        **overrides,
    }


def entry_data(project, **overrides):
    return {
        "project": project,
        "date": TODAY - 10 * DAY,
        "kind": CostKind.ACTUAL,
        "nature": Nature.OPEX,
        "category": CostCategory.EXTERNAL_SERVICES,
        "amount": Decimal("1250.50"),
        "label": "Audit",
        **overrides,
    }


# --- budget lines -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pmo_manager_creates_a_budget_line(pmo_user, project):
    line = services.budget_line_create(actor=pmo_user, **line_data(project))

    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.project, stored.fiscal_year, stored.amount) == (
        project,
        2026,
        Decimal("25000.00"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["pm_user", "other_pm_user", "exec_user", "integration_user", "no_role_user"]
)
def test_only_the_pmo_creates_budget_lines(request, project, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        services.budget_line_create(actor=actor, **line_data(project))

    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_user", "exec_user", "integration_user"])
def test_only_the_pmo_changes_budget_lines(request, project, role):
    line = factories.BudgetLineFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.budget_line_update(line, actor=request.getfixturevalue(role), amount=1)

    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("100000.00")


@pytest.mark.django_db
def test_a_pmo_manager_changes_a_budget_line(pmo_user, project):
    line = factories.BudgetLineFactory(project=project)

    services.budget_line_update(line, actor=pmo_user, amount=Decimal("90000.00"), note="Cut")

    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.amount, stored.note) == (Decimal("90000.00"), "Cut")


@pytest.mark.django_db
def test_a_second_budget_line_for_the_same_year_nature_and_category_is_refused(pmo_user, project):
    factories.BudgetLineFactory(
        project=project, nature=Nature.CAPEX, category=CostCategory.SOFTWARE
    )

    with pytest.raises(ValidationError) as error:
        services.budget_line_create(actor=pmo_user, **line_data(project))

    assert "already has a budget line" in str(error.value)
    assert BudgetLine.objects.count() == 1


@pytest.mark.django_db
def test_a_negative_budget_line_is_refused_on_its_amount(pmo_user, project):
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(actor=pmo_user, **line_data(project, amount=Decimal("-1")))

    assert "amount" in error.value.message_dict
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
def test_a_budget_line_outside_2000_to_2100_is_refused_on_its_year(pmo_user, project):
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(actor=pmo_user, **line_data(project, fiscal_year=1999))

    assert "fiscal_year" in error.value.message_dict


# --- cost entries -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cost_entry_is_recorded_by_its_actor_as_manual(pm_user, project):
    entry = services.cost_entry_create(actor=pm_user, **entry_data(project))

    stored = CostEntry.objects.get(pk=entry.pk)
    assert stored.recorded_by == pm_user
    assert stored.source == EntrySource.MANUAL
    assert stored.amount == Decimal("1250.50")


@pytest.mark.django_db
def test_a_cost_entry_keeps_the_source_it_is_given(integration_user, project):
    entry = services.cost_entry_create(
        actor=integration_user,
        **entry_data(project, source=EntrySource.INTEGRATION, external_reference="GL-1"),
    )

    assert CostEntry.objects.get(pk=entry.pk).source == EntrySource.INTEGRATION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("pmo_user", True),
        ("integration_user", True),
        ("pm_user", True),
        ("other_pm_user", False),
        ("exec_user", False),
        ("no_role_user", False),
    ],
)
def test_cost_entries_are_recorded_by_the_pmo_integrations_and_the_project_manager(
    request, project, role, allowed
):
    actor = request.getfixturevalue(role)

    if allowed:
        services.cost_entry_create(actor=actor, **entry_data(project))
        assert CostEntry.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.cost_entry_create(actor=actor, **entry_data(project))
        assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_the_project_manager_of_an_ended_project_records_no_more_costs(pm_user, project):
    project.phase = Phase.CLOSED
    project.save()

    with pytest.raises(PermissionDenied):
        services.cost_entry_create(actor=pm_user, **entry_data(project))


@pytest.mark.django_db
def test_an_entry_of_zero_is_refused_on_its_amount(pm_user, project):
    with pytest.raises(ValidationError) as error:
        services.cost_entry_create(actor=pm_user, **entry_data(project, amount=Decimal("0")))

    assert error.value.message_dict["amount"] == ["An entry of zero records nothing."]
    assert not CostEntry.objects.exists()


@pytest.mark.django_db
def test_an_actual_in_the_future_is_refused_on_its_date(pm_user, project):
    with pytest.raises(ValidationError) as error:
        services.cost_entry_create(actor=pm_user, **entry_data(project, date=TODAY + DAY))

    assert error.value.message_dict["date"] == ["Money cannot have been spent in the future."]


@pytest.mark.django_db
def test_a_commitment_may_be_dated_in_the_future(pm_user, project):
    entry = services.cost_entry_create(
        actor=pm_user,
        **entry_data(project, kind=CostKind.COMMITMENT, date=TODAY + 30 * DAY),
    )

    assert CostEntry.objects.get(pk=entry.pk).kind == CostKind.COMMITMENT


@pytest.mark.django_db
def test_a_negative_entry_records_a_correction(pm_user, project):
    entry = services.cost_entry_create(
        actor=pm_user, **entry_data(project, amount=Decimal("-1250.50"), label="Credit note")
    )

    assert CostEntry.objects.get(pk=entry.pk).amount == Decimal("-1250.50")


@pytest.mark.django_db
def test_a_reference_already_recorded_for_the_source_is_refused_on_the_reference(pmo_user, project):
    factories.CostEntryFactory(project=project, external_reference="INV-1")

    with pytest.raises(ValidationError) as error:
        services.cost_entry_create(
            actor=pmo_user, **entry_data(project, external_reference=" INV-1 ")
        )

    assert error.value.message_dict["external_reference"] == [
        "An entry with this reference is already recorded."
    ]
    assert CostEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_reference_from_another_source_is_another_entry(pmo_user, project):
    factories.CostEntryFactory(
        project=project, external_reference="INV-1", source=EntrySource.INTEGRATION
    )

    services.cost_entry_create(actor=pmo_user, **entry_data(project, external_reference="INV-1"))

    assert CostEntry.objects.filter(external_reference="INV-1").count() == 2


@pytest.mark.django_db
def test_entries_without_reference_never_clash(pmo_user, project):
    services.cost_entry_create(actor=pmo_user, **entry_data(project))
    services.cost_entry_create(actor=pmo_user, **entry_data(project))

    assert CostEntry.objects.count() == 2


@pytest.mark.django_db
def test_an_amount_with_more_than_two_decimals_is_refused_on_its_amount(pm_user, project):
    with pytest.raises(ValidationError) as error:
        services.cost_entry_create(actor=pm_user, **entry_data(project, amount=Decimal("1.005")))

    assert "amount" in error.value.message_dict
