"""The resource pool's services and reads: who may write, what is refused, and the capacity
of a month (usual or overridden)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo import months
from portfolio import selectors, services
from portfolio.choices import ResourceKind
from portfolio.models import Resource, ResourceCapacity
from tests import factories

AUGUST = datetime.date(2026, 8, 1)
SEPTEMBER = datetime.date(2026, 9, 1)

RESOURCE_DATA = {
    "name": "Alice Martin",
    "kind": ResourceKind.PERSON,
    "skill": "Business analyst",
    "team": "Delivery",
    "capacity_fte": Decimal("0.80"),
    "daily_rate": Decimal("650.00"),
}

# Everyone but a PMO manager: the roles that may read the pool but not write it.
NOT_PMO = ["pm_user", "exec_user", "integration_user", "no_role_user"]
# Monthly capacities are also pushed by integrations.
NEITHER_PMO_NOR_INTEGRATION = ["pm_user", "exec_user", "no_role_user"]


# --- resource_create / resource_update ----------------------------------------------------


@pytest.mark.django_db
def test_a_pmo_manager_adds_a_resource_to_the_pool(pmo_user):
    portfolio = factories.PortfolioFactory()

    resource = services.resource_create(actor=pmo_user, portfolio=portfolio, **RESOURCE_DATA)

    resource.refresh_from_db()
    assert (resource.name, resource.portfolio, resource.capacity_fte, resource.daily_rate) == (
        "Alice Martin",
        portfolio,
        Decimal("0.80"),
        Decimal("650.00"),
    )
    assert resource.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NOT_PMO)
def test_only_a_pmo_manager_adds_a_resource(request, fixture):
    actor = request.getfixturevalue(fixture)

    with pytest.raises(PermissionDenied):
        services.resource_create(actor=actor, **RESOURCE_DATA)

    assert not Resource.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NOT_PMO)
def test_only_a_pmo_manager_changes_a_resource(request, fixture):
    resource = factories.ResourceFactory(name="Kept")

    with pytest.raises(PermissionDenied):
        services.resource_update(resource, actor=request.getfixturevalue(fixture), name="New")

    resource.refresh_from_db()
    assert resource.name == "Kept"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity_fte", Decimal("-0.50")),
        ("capacity_fte", Decimal("1000")),
        ("daily_rate", Decimal("-1.00")),
        ("skill", ""),
        ("name", ""),
    ],
)
def test_a_resource_with_a_bad_value_is_refused_on_that_field(pmo_user, field, value):
    with pytest.raises(ValidationError) as error:
        services.resource_create(actor=pmo_user, **{**RESOURCE_DATA, field: value})

    assert field in error.value.message_dict
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_a_team_is_not_linked_to_a_user_account(pmo_user, pm_user):
    with pytest.raises(ValidationError) as error:
        services.resource_create(
            actor=pmo_user, **{**RESOURCE_DATA, "kind": ResourceKind.TEAM, "user": pm_user}
        )

    assert error.value.message_dict == {"user": ["A team is not linked to a user account."]}


@pytest.mark.django_db
def test_a_person_linked_to_an_account_cannot_become_a_team_without_unlinking_it(pmo_user, pm_user):
    resource = factories.ResourceFactory(user=pm_user)

    with pytest.raises(ValidationError) as error:
        services.resource_update(resource, actor=pmo_user, kind=ResourceKind.TEAM)

    assert "user" in error.value.message_dict
    services.resource_update(resource, actor=pmo_user, kind=ResourceKind.TEAM, user=None)
    resource.refresh_from_db()
    assert (resource.kind, resource.user) == (ResourceKind.TEAM, None)


@pytest.mark.django_db
def test_one_account_is_one_resource(pmo_user, pm_user):
    factories.ResourceFactory(user=pm_user)

    with pytest.raises(ValidationError) as error:
        services.resource_create(actor=pmo_user, user=pm_user, **RESOURCE_DATA)

    assert "user" in error.value.message_dict
    assert Resource.objects.count() == 1


@pytest.mark.django_db
def test_changing_the_usual_capacity_keeps_the_overrides(pmo_user):
    resource = factories.ResourceFactory(capacity_fte=Decimal("1.00"))
    factories.ResourceCapacityFactory(resource=resource, month=AUGUST, fte=Decimal("0.50"))

    services.resource_update(resource, actor=pmo_user, capacity_fte=Decimal("0.80"))

    resource.refresh_from_db()
    assert resource.capacity_in(AUGUST) == Decimal("0.50")
    assert resource.capacity_in(SEPTEMBER) == Decimal("0.80")


# --- resource_capacity_set / _update / _clear ---------------------------------------------


@pytest.mark.django_db
def test_setting_a_month_creates_its_override(pmo_user):
    resource = factories.ResourceFactory()

    override, created = services.resource_capacity_set(
        actor=pmo_user, resource=resource, month=AUGUST, fte=Decimal("0.40"), reason=" Holidays "
    )

    assert created
    assert (override.month, override.fte, override.reason) == (AUGUST, Decimal("0.40"), "Holidays")
    assert resource.capacity_in(AUGUST) == Decimal("0.40")


@pytest.mark.django_db
def test_setting_a_month_again_replaces_its_override(pmo_user):
    resource = factories.ResourceFactory()
    first, _created = services.resource_capacity_set(
        actor=pmo_user, resource=resource, month=AUGUST, fte=Decimal("0.40"), reason="Holidays"
    )

    again, created = services.resource_capacity_set(
        actor=pmo_user, resource=resource, month=AUGUST, fte=Decimal("0.20"), reason="Training"
    )

    assert not created
    assert again.pk == first.pk
    assert ResourceCapacity.objects.count() == 1
    again.refresh_from_db()
    assert (again.fte, again.reason) == (Decimal("0.20"), "Training")


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NEITHER_PMO_NOR_INTEGRATION)
def test_only_a_pmo_manager_or_an_integration_sets_a_month(request, fixture):
    resource = factories.ResourceFactory()

    with pytest.raises(PermissionDenied):
        services.resource_capacity_set(
            actor=request.getfixturevalue(fixture),
            resource=resource,
            month=AUGUST,
            fte=Decimal("0.5"),
        )

    assert not ResourceCapacity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fte", [Decimal("-0.10"), Decimal("1000")])
def test_a_month_capacity_out_of_0_to_999_is_refused_on_fte(pmo_user, fte):
    resource = factories.ResourceFactory()

    with pytest.raises(ValidationError) as error:
        services.resource_capacity_set(actor=pmo_user, resource=resource, month=AUGUST, fte=fte)

    assert list(error.value.message_dict) == ["fte"]
    assert not ResourceCapacity.objects.exists()


@pytest.mark.django_db
def test_a_month_that_is_not_a_first_day_is_refused_on_month(pmo_user):
    resource = factories.ResourceFactory()

    with pytest.raises(ValidationError) as error:
        services.resource_capacity_set(
            actor=pmo_user, resource=resource, month=datetime.date(2026, 8, 15), fte=Decimal("1")
        )

    assert error.value.message_dict == {"month": ["A month is identified by its first day."]}
    assert not ResourceCapacity.objects.exists()


@pytest.mark.django_db
def test_a_missing_month_is_refused_on_month(pmo_user):
    resource = factories.ResourceFactory()

    with pytest.raises(ValidationError) as error:
        services.resource_capacity_set(
            actor=pmo_user, resource=resource, month=None, fte=Decimal("1")
        )

    assert list(error.value.message_dict) == ["month"]


@pytest.mark.django_db
def test_a_bad_replacement_leaves_the_override_as_it_was(pmo_user):
    override = factories.ResourceCapacityFactory(month=AUGUST, fte=Decimal("0.50"))

    with pytest.raises(ValidationError):
        services.resource_capacity_set(
            actor=pmo_user, resource=override.resource, month=AUGUST, fte=Decimal("-1")
        )

    override.refresh_from_db()
    assert override.fte == Decimal("0.50")


@pytest.mark.django_db
def test_an_override_changes_its_fte_and_reason_but_not_its_month(pmo_user):
    override = factories.ResourceCapacityFactory(month=AUGUST, fte=Decimal("0.50"))

    services.resource_capacity_update(
        override, actor=pmo_user, fte=Decimal("0.25"), reason="Part time"
    )
    with pytest.raises(ValidationError) as error:
        services.resource_capacity_update(override, actor=pmo_user, month=SEPTEMBER)

    assert list(error.value.message_dict) == ["month"]
    override.refresh_from_db()
    assert (override.month, override.fte, override.reason) == (
        AUGUST,
        Decimal("0.25"),
        "Part time",
    )


@pytest.mark.django_db
def test_clearing_a_month_returns_it_to_the_usual_capacity(pmo_user):
    resource = factories.ResourceFactory(capacity_fte=Decimal("1.00"))
    factories.ResourceCapacityFactory(resource=resource, month=AUGUST, fte=Decimal("0.50"))

    cleared = services.resource_capacity_clear(actor=pmo_user, resource=resource, month=AUGUST)

    assert cleared
    assert not ResourceCapacity.objects.exists()
    assert resource.capacity_in(AUGUST) == Decimal("1.00")


@pytest.mark.django_db
def test_clearing_a_month_without_override_changes_nothing(pmo_user):
    resource = factories.ResourceFactory()

    assert not services.resource_capacity_clear(actor=pmo_user, resource=resource, month=AUGUST)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", NEITHER_PMO_NOR_INTEGRATION)
def test_only_a_pmo_manager_or_an_integration_clears_a_month(request, fixture):
    override = factories.ResourceCapacityFactory(month=AUGUST)

    with pytest.raises(PermissionDenied):
        services.resource_capacity_clear(
            actor=request.getfixturevalue(fixture), resource=override.resource, month=AUGUST
        )

    assert ResourceCapacity.objects.filter(pk=override.pk).exists()


# --- capacity_in and the reads ------------------------------------------------------------


@pytest.mark.django_db
def test_capacity_in_is_the_override_of_the_month_else_the_usual_capacity():
    resource = factories.ResourceFactory(capacity_fte=Decimal("0.80"))
    factories.ResourceCapacityFactory(resource=resource, month=AUGUST, fte=Decimal("0.00"))

    assert resource.capacity_in(AUGUST) == Decimal("0.00")
    assert resource.capacity_in(datetime.date(2026, 8, 20)) == Decimal("0.00")
    assert resource.capacity_in(SEPTEMBER) == Decimal("0.80")


@pytest.mark.django_db
def test_capacity_in_reads_the_overrides_it_is_given_without_a_query():
    resource = factories.ResourceFactory(capacity_fte=Decimal("1.00"))

    with CaptureQueriesContext(connection) as queries:
        in_august = resource.capacity_in(AUGUST, {AUGUST: Decimal("0.30")})
        in_september = resource.capacity_in(SEPTEMBER, {AUGUST: Decimal("0.30")})

    assert (in_august, in_september) == (Decimal("0.30"), Decimal("1.00"))
    assert len(queries) == 0


@pytest.mark.django_db
def test_the_plan_of_a_resource_lists_twelve_months_with_their_overrides():
    resource = factories.ResourceFactory(capacity_fte=Decimal("1.00"))
    factories.ResourceCapacityFactory(
        resource=resource, month=SEPTEMBER, fte=Decimal("0.50"), reason="Holidays"
    )
    factories.ResourceCapacityFactory(resource=resource, month=datetime.date(2027, 8, 1))

    plan = selectors.resource_capacity_plan(resource, first=AUGUST)

    assert [row["month"] for row in plan] == months.months(AUGUST, 12)
    assert [row["fte"] for row in plan[:3]] == [Decimal("1.00"), Decimal("0.50"), Decimal("1.00")]
    assert plan[1]["override"].reason == "Holidays"
    assert plan[0]["override"] is None
    # August 2027 is the thirteenth month: not in the plan.
    assert all(row["override"] is None for row in plan[2:])


@pytest.mark.django_db
def test_the_capacities_of_many_resources_cost_two_queries():
    resources = factories.ResourceFactory.create_batch(3, capacity_fte=Decimal("1.00"))
    factories.ResourceCapacityFactory(resource=resources[0], month=AUGUST, fte=Decimal("0.20"))
    factories.ResourceCapacityFactory(resource=resources[2], month=SEPTEMBER, fte=Decimal("0"))

    with CaptureQueriesContext(connection) as queries:
        table = selectors.capacities(Resource.objects.all(), AUGUST, SEPTEMBER)

    assert len(queries) == 2
    assert table[resources[0].pk] == {AUGUST: Decimal("0.20"), SEPTEMBER: Decimal("1.00")}
    assert table[resources[1].pk] == {AUGUST: Decimal("1.00"), SEPTEMBER: Decimal("1.00")}
    assert table[resources[2].pk] == {AUGUST: Decimal("1.00"), SEPTEMBER: Decimal("0")}


@pytest.mark.django_db
def test_the_resource_list_gives_this_months_capacity():
    this_month = selectors.current_month()
    overridden = factories.ResourceFactory(name="A", capacity_fte=Decimal("1.00"))
    usual = factories.ResourceFactory(name="B", capacity_fte=Decimal("0.80"))
    factories.ResourceCapacityFactory(resource=overridden, month=this_month, fte=Decimal("0.10"))
    factories.ResourceCapacityFactory(
        resource=usual, month=months.add_months(this_month, 1), fte=Decimal("0")
    )

    listed = {r.name: r.capacity_this_month for r in selectors.resource_list()}

    assert listed == {"A": Decimal("0.10"), "B": Decimal("0.80")}


@pytest.mark.django_db
def test_the_teams_offered_by_the_filter_are_those_of_the_pool_once_each():
    factories.ResourceFactory(team="Delivery")
    factories.ResourceFactory(team="Delivery")
    factories.ResourceFactory(team="Architecture")
    factories.ResourceFactory(team="")

    assert selectors.teams() == ["Architecture", "Delivery"]


# --- admin --------------------------------------------------------------------------------


ADMIN_MODELS = ["resource", "resourcecapacity", "portfolioenvelope", "financepolicy"]


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ADMIN_MODELS)
@pytest.mark.parametrize(("fixture", "may_add"), [("pmo_user", True), ("exec_user", False)])
def test_the_admin_lists_the_pool_and_finance_models_and_follows_the_rules(
    client, request, model_name, fixture, may_add
):
    user = request.getfixturevalue(fixture)
    user.is_staff = True
    user.save()
    client.force_login(user)
    factories.ResourceCapacityFactory()
    factories.PortfolioEnvelopeFactory()

    listed = client.get(f"/admin/portfolio/{model_name}/")
    add = client.get(f"/admin/portfolio/{model_name}/add/")

    assert listed.status_code == 200
    assert add.status_code == (200 if may_add else 403)
