"""REST API of the resource pool: ``resources`` and ``resource-capacities`` (months as
YYYY-MM-01, YYYY-MM accepted; POST of a month is an upsert; FTE and money as strings)."""

import datetime
from decimal import Decimal

import pytest

from pmo import months
from portfolio import selectors
from portfolio.models import Resource, ResourceCapacity
from tests import factories

API = "/api/v1"
THIS_MONTH = selectors.current_month()
NEXT_MONTH = months.add_months(THIS_MONTH, 1)


@pytest.fixture
def pool(db):
    """A resource with an override next month."""
    resource = factories.ResourceFactory(name="Alice", capacity_fte=Decimal("1.00"))
    override = factories.ResourceCapacityFactory(
        resource=resource, month=NEXT_MONTH, fte=Decimal("0.50"), reason="Holidays"
    )
    return {"resources": resource, "resource-capacities": override}


MODELS = {"resources": Resource, "resource-capacities": ResourceCapacity}


def valid_payload(resource_name, pool):
    return {
        "resources": {
            "name": "Bob",
            "kind": "person",
            "skill": "Tester",
            "capacity_fte": "0.80",
            "daily_rate": "500.00",
        },
        # A month without override yet: the upsert creates it (201).
        "resource-capacities": {
            "resource": pool["resources"].pk,
            "month": months.add_months(THIS_MONTH, 2).strftime("%Y-%m"),
            "fte": "0.20",
            "reason": "Training",
        },
    }[resource_name]


UPDATES = {"resources": {"name": "Renamed"}, "resource-capacities": {"fte": "0.10"}}
# What a refused update leaves as it was.
UNCHANGED = {"resources": ("name", "Alice"), "resource-capacities": ("fte", Decimal("0.50"))}

# ------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------
READER = {"list": 200, "detail": 200, "create": 403, "update": 403}
EXPECTED_STATUS = {
    "anonymous": {"list": 401, "detail": 401, "create": 401, "update": 401},
    "no_role": {"list": 403, "detail": 403, "create": 403, "update": 403},
    "pm": READER,
    "other_pm": READER,
    "executive": READER,
    "integration": READER,
    "pmo": {"list": 200, "detail": 200, "create": 201, "update": 200},
}
# Integrations push monthly capacities (the HR system knows holidays and part time first).
PUSHED_BY_INTEGRATIONS = {"resource-capacities"}
PUSHER = {"list": 200, "detail": 200, "create": 201, "update": 200}
MATRIX = [
    (resource_name, role, action, status)
    for resource_name in MODELS
    for role, statuses in EXPECTED_STATUS.items()
    for action, status in (
        PUSHER if role == "integration" and resource_name in PUSHED_BY_INTEGRATIONS else statuses
    ).items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource_name", "role", "action", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_pool_endpoint_and_refused_writes_save_nothing(
    api_for_role, pool, resource_name, role, action, expected
):
    client = api_for_role(role)
    model, row = MODELS[resource_name], pool[resource_name]
    url = f"{API}/{resource_name}/"
    rows_before = model.objects.count()

    if action == "list":
        response = client.get(url)
    elif action == "detail":
        response = client.get(f"{url}{row.pk}/")
    elif action == "create":
        response = client.post(url, valid_payload(resource_name, pool), format="json")
    else:
        response = client.patch(f"{url}{row.pk}/", UPDATES[resource_name], format="json")

    assert response.status_code == expected, response.content
    if action == "create":
        assert model.objects.count() == rows_before + (1 if expected == 201 else 0)
    if action == "update" and expected != 200:
        row.refresh_from_db()
        field, value = UNCHANGED[resource_name]
        assert getattr(row, field) == value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("no_role", 403),
        ("pm", 403),
        ("executive", 403),
        ("integration", 204),
        ("pmo", 204),
    ],
)
def test_only_the_pmo_and_integrations_clear_a_month_through_the_api(
    api_for_role, pool, role, expected
):
    override = pool["resource-capacities"]

    response = api_for_role(role).post(f"{API}/resource-capacities/{override.pk}/clear/")

    assert response.status_code == expected, response.content
    assert ResourceCapacity.objects.filter(pk=override.pk).exists() is (expected != 204)


@pytest.mark.django_db
@pytest.mark.parametrize("resource_name", list(MODELS))
def test_delete_is_not_offered_even_to_the_pmo(api_as, pmo_user, pool, resource_name):
    row = pool[resource_name]

    response = api_as(pmo_user).delete(f"{API}/{resource_name}/{row.pk}/")

    assert response.status_code == 405
    assert MODELS[resource_name].objects.filter(pk=row.pk).exists()


# ------------------------------------------------------------------------------
# resources
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_pmo_creates_a_resource_and_reads_fte_and_money_as_strings(api_as, pmo_user):
    portfolio = factories.PortfolioFactory(code="DSI")
    payload = {
        "name": "Bob",
        "kind": "person",
        "user": pmo_user.pk,
        "skill": "Architect",
        "team": "Design",
        "portfolio": portfolio.pk,
        "capacity_fte": "0.8",
        "daily_rate": "1250.5",
    }

    response = api_as(pmo_user).post(f"{API}/resources/", payload, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    resource = Resource.objects.get(pk=body["id"])
    assert (resource.capacity_fte, resource.daily_rate) == (Decimal("0.80"), Decimal("1250.50"))
    assert body["capacity_fte"] == "0.80"
    assert body["daily_rate"] == "1250.50"
    assert body["capacity_this_month"] == "0.80"
    assert body["portfolio_code"] == "DSI"
    assert body["user_detail"]["username"] == "pmo"
    assert body["capacity_overrides"] == []


@pytest.mark.django_db
def test_a_shared_resource_has_no_pool_code(api_as, exec_user):
    resource = factories.ResourceFactory(portfolio=None)

    body = api_as(exec_user).get(f"{API}/resources/{resource.pk}/").json()

    assert (body["portfolio"], body["portfolio_code"]) == (None, None)


@pytest.mark.django_db
def test_a_resource_lists_the_overrides_of_the_next_twelve_months_only(api_as, exec_user):
    resource = factories.ResourceFactory(capacity_fte=Decimal("1.00"))
    for offset, fte in [(-1, "0.10"), (0, "0.20"), (11, "0.30"), (12, "0.40")]:
        factories.ResourceCapacityFactory(
            resource=resource, month=months.add_months(THIS_MONTH, offset), fte=Decimal(fte)
        )

    body = api_as(exec_user).get(f"{API}/resources/{resource.pk}/").json()

    assert [(o["month"], o["fte"]) for o in body["capacity_overrides"]] == [
        (THIS_MONTH.isoformat(), "0.20"),
        (months.add_months(THIS_MONTH, 11).isoformat(), "0.30"),
    ]
    assert body["capacity_this_month"] == "0.20"
    assert body["capacity_fte"] == "1.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("capacity_fte", "-1"), ("capacity_fte", "1000"), ("daily_rate", "-0.01"), ("kind", "robot")],
)
def test_a_bad_resource_value_gets_400_naming_the_field(api_as, pmo_user, field, value):
    payload = {"name": "Bob", "skill": "Tester", field: value}

    response = api_as(pmo_user).post(f"{API}/resources/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_a_team_with_an_account_gets_400_naming_the_user(api_as, pmo_user, pm_user):
    payload = {"name": "Ops", "kind": "team", "skill": "Run", "user": pm_user.pk}

    response = api_as(pmo_user).post(f"{API}/resources/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"user": ["A team is not linked to a user account."]}


@pytest.mark.django_db
def test_an_account_already_in_the_pool_gets_400_naming_the_user(api_as, pmo_user, pm_user):
    factories.ResourceFactory(user=pm_user)

    response = api_as(pmo_user).post(
        f"{API}/resources/", {"name": "Bis", "skill": "PM", "user": pm_user.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["user"]


def names(client, url, **query) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_resources_filter_by_search_kind_team_skill_pool_and_activity(api_as, integration_user):
    portfolio = factories.PortfolioFactory()
    factories.ResourceFactory(name="Ann", team="Data", skill="Data engineer", portfolio=portfolio)
    factories.ResourceFactory(name="Ops team", kind="team", team="Run", skill="Ops")
    factories.ResourceFactory(name="Old", team="Run", skill="Tester", is_active=False)
    client, url = api_as(integration_user), f"{API}/resources/"

    assert names(client, url, q="data") == ["Ann"]
    assert names(client, url, kind="team") == ["Ops team"]
    assert names(client, url, team="Run") == ["Old", "Ops team"]
    assert names(client, url, skill="ENGINEER") == ["Ann"]
    assert names(client, url, portfolio=portfolio.pk) == ["Ann"]
    assert names(client, url, portfolio="shared") == ["Old", "Ops team"]
    assert names(client, url, is_active="false") == ["Old"]


@pytest.mark.django_db
def test_an_unknown_team_filter_gets_400_naming_it(api_as, integration_user):
    factories.ResourceFactory(team="Data")

    response = api_as(integration_user).get(f"{API}/resources/", {"team": "Nobody"})

    assert response.status_code == 400
    assert list(response.json()) == ["team"]


# ------------------------------------------------------------------------------
# resource-capacities
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_month_posted_as_yyyy_mm_is_stored_and_read_as_its_first_day(api_as, pmo_user):
    resource = factories.ResourceFactory()
    payload = {"resource": resource.pk, "month": "2026-08", "fte": "0.4", "reason": "Holidays"}

    response = api_as(pmo_user).post(f"{API}/resource-capacities/", payload, format="json")

    assert response.status_code == 201, response.content
    override = ResourceCapacity.objects.get()
    assert (override.month, override.fte) == (datetime.date(2026, 8, 1), Decimal("0.40"))
    assert response.json() == {
        "id": override.pk,
        "resource": resource.pk,
        "resource_name": resource.name,
        "month": "2026-08-01",
        "fte": "0.40",
        "reason": "Holidays",
    }


@pytest.mark.django_db
def test_posting_an_existing_month_again_replaces_it_with_200(api_as, pmo_user):
    resource = factories.ResourceFactory()
    client, url = api_as(pmo_user), f"{API}/resource-capacities/"
    first = client.post(url, {"resource": resource.pk, "month": "2026-08-01", "fte": "0.4"})

    again = client.post(
        url, {"resource": resource.pk, "month": "2026-08", "fte": "0.6", "reason": "Part time"}
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    override = ResourceCapacity.objects.get()
    assert (override.fte, override.reason) == (Decimal("0.60"), "Part time")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("month", "2026-08-15", "A month is identified by its first day."),
        ("month", "2026-13", "Give a month as YYYY-MM or as its first day, YYYY-MM-01."),
        ("month", "August", "Give a month as YYYY-MM or as its first day, YYYY-MM-01."),
        ("fte", "-0.5", "Ensure this value is greater than or equal to 0."),
        ("fte", "1000", "Ensure this value is less than or equal to 999."),
    ],
)
def test_a_bad_month_or_fte_gets_400_naming_the_field(api_as, pmo_user, field, value, message):
    resource = factories.ResourceFactory()
    payload = {"resource": resource.pk, "month": "2026-08", "fte": "0.5", field: value}

    response = api_as(pmo_user).post(f"{API}/resource-capacities/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not ResourceCapacity.objects.exists()


@pytest.mark.django_db
def test_an_override_changes_its_fte_but_does_not_move_to_another_month(api_as, pmo_user, pool):
    override = pool["resource-capacities"]
    url = f"{API}/resource-capacities/{override.pk}/"
    client = api_as(pmo_user)

    changed = client.patch(url, {"fte": "0.25", "reason": "Half time"}, format="json")
    moved = client.patch(url, {"month": "2030-01"}, format="json")

    assert changed.status_code == 200, changed.content
    assert (changed.json()["fte"], changed.json()["reason"]) == ("0.25", "Half time")
    assert moved.status_code == 400
    assert list(moved.json()) == ["month"]
    override.refresh_from_db()
    assert (override.month, override.fte) == (NEXT_MONTH, Decimal("0.25"))


@pytest.mark.django_db
def test_clearing_an_override_returns_the_month_to_the_usual_capacity(api_as, pmo_user, pool):
    override, resource = pool["resource-capacities"], pool["resources"]
    client = api_as(pmo_user)

    response = client.post(f"{API}/resource-capacities/{override.pk}/clear/")

    assert response.status_code == 204
    assert not ResourceCapacity.objects.exists()
    body = client.get(f"{API}/resources/{resource.pk}/").json()
    assert body["capacity_overrides"] == []


@pytest.mark.django_db
def test_capacities_filter_by_resource_pool_and_month_range(api_as, integration_user):
    portfolio = factories.PortfolioFactory()
    ann = factories.ResourceFactory(name="Ann", portfolio=portfolio)
    bob = factories.ResourceFactory(name="Bob")
    for resource in (ann, bob):
        for month in (6, 7, 8, 9):
            factories.ResourceCapacityFactory(
                resource=resource, month=datetime.date(2026, month, 1)
            )
    client, url = api_as(integration_user), f"{API}/resource-capacities/"

    def listed(**query):
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        return [(row["resource_name"], row["month"]) for row in response.json()["results"]]

    assert listed(resource=ann.pk, month_from="2026-07", month_to="2026-08") == [
        ("Ann", "2026-07-01"),
        ("Ann", "2026-08-01"),
    ]
    assert listed(portfolio="shared", month_from="2026-09-15") == [("Bob", "2026-09-01")]
    assert listed(portfolio=portfolio.pk, month_to="2026-06") == [("Ann", "2026-06-01")]


@pytest.mark.django_db
def test_a_bad_month_filter_gets_400_naming_it(api_as, integration_user):
    response = api_as(integration_user).get(
        f"{API}/resource-capacities/", {"month_from": "someday"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["month_from"]


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def add_pool(count: int) -> None:
    portfolio = factories.PortfolioFactory()
    for index in range(count):
        resource = factories.ResourceFactory(
            portfolio=portfolio if index % 2 else None,
            user=factories.UserFactory() if index % 3 == 0 else None,
        )
        factories.ResourceCapacityFactory(resource=resource, month=THIS_MONTH)
        factories.ResourceCapacityFactory(resource=resource, month=NEXT_MONTH)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource_name", "per_resource"), [("resources", 1), ("resource-capacities", 2)]
)
def test_each_pool_list_runs_as_many_queries_for_50_rows_as_for_5(
    api_list_queries, resource_name, per_resource
):
    url = f"{API}/{resource_name}/?page_size=200"
    add_pool(5)
    queries_for_5, rows = api_list_queries(url)
    assert rows == 5 * per_resource

    add_pool(45)
    queries_for_50, rows = api_list_queries(url)
    assert rows == 50 * per_resource

    assert queries_for_50 == queries_for_5
