"""REST API of staffing: allocations (role matrix, months, filters, cost), the bulk upsert and
the capacity heat map as JSON."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo import months as month_math
from projects.choices import EntrySource
from projects.models import Allocation
from tests import factories

API = "/api/v1/allocations"
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def world(project, other_pm_user):
    """An allocation on ``project`` (managed by ``pm_user``) and another manager's project."""
    resource = factories.ResourceFactory(name="Alice", team="Apps", skill="Developer")
    return {
        "project": project,
        "other_project": factories.ProjectFactory(project_manager=other_pm_user),
        "resource": resource,
        "allocation": factories.AllocationFactory(
            resource=resource, project=project, month=MARCH, fte=Decimal("0.50")
        ),
    }


def new_payload(world, **changes):
    return {
        "resource": world["resource"].pk,
        "project": world["project"].pk,
        "month": "2026-04",
        "fte": "0.25",
    } | changes


def bulk_rows(world, **changes):
    return {"rows": [new_payload(world, **changes)]}


def values(allocation):
    return Allocation.objects.filter(pk=allocation.pk).values().get()


# --- role matrix --------------------------------------------------------------------------

READ = {
    "anonymous": 401,
    "no_role": 403,
    "pm": 200,
    "other_pm": 200,
    "pmo": 200,
    "executive": 200,
    "integration": 200,
}
# Writing on ``project``: its manager, the PMO and integrations.
WRITE = {**READ, "other_pm": 403, "executive": 403}
IMPORT = {**WRITE, "pm": 403}
CALLS = {
    "list": ("get", lambda w: f"{API}/", None, READ),
    "retrieve": ("get", lambda w: f"{API}/{w['allocation'].pk}/", None, READ),
    "capacity": ("get", lambda w: f"{API}/capacity/", None, READ),
    "create": (
        "post",
        lambda w: f"{API}/",
        new_payload,
        {**WRITE, "pm": 201, "pmo": 201, "integration": 201},
    ),
    "patch": ("patch", lambda w: f"{API}/{w['allocation'].pk}/", lambda w: {"fte": "0.75"}, WRITE),
    "put": (
        "put",
        lambda w: f"{API}/{w['allocation'].pk}/",
        lambda w: new_payload(w, month="2026-03", fte="0.75"),
        WRITE,
    ),
    "bulk": (
        "post",
        lambda w: f"{API}/bulk/",
        bulk_rows,
        {**IMPORT, "pmo": 201, "integration": 201},
    ),
}
MATRIX = [(call, role, CALLS[call][3][role]) for call in CALLS for role in READ]


@pytest.mark.django_db
@pytest.mark.parametrize(("call", "role", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_call_and_refusals_change_nothing(
    api_for_role, world, call, role, expected
):
    method, url, payload, _expected = CALLS[call]
    before = values(world["allocation"])
    count = Allocation.objects.count()

    response = getattr(api_for_role(role), method)(
        url(world), payload(world) if payload else None, format="json"
    )

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert values(world["allocation"]) == before
        assert Allocation.objects.count() == count


@pytest.mark.django_db
def test_a_project_manager_cannot_plan_on_another_managers_project(api_as, pm_user, world):
    response = api_as(pm_user).post(
        f"{API}/", new_payload(world, project=world["other_project"].pk), format="json"
    )

    assert response.status_code == 403
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
def test_the_api_offers_no_delete(api_as, pmo_user, world):
    response = api_as(pmo_user).delete(f"{API}/{world['allocation'].pk}/")

    assert response.status_code == 405


# --- one allocation -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["2026-04", "2026-04-01"])
def test_a_month_is_accepted_as_yyyy_mm_or_its_first_day_and_answered_as_its_first_day(
    api_as, integration_user, world, month
):
    response = api_as(integration_user).post(
        f"{API}/", new_payload(world, month=month), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["month"] == "2026-04-01"
    assert body["fte"] == "0.25"
    assert body["source"] == EntrySource.INTEGRATION
    assert (body["resource_name"], body["project_code"]) == ("Alice", world["project"].code)


BAD_INPUT = {
    "another day": ({"month": "2026-04-15"}, "month"),
    "no month": ({"month": "April"}, "month"),
    "fte above 999": ({"fte": "1000"}, "fte"),
    "fte negative": ({"fte": "-1"}, "fte"),
    "fte too precise": ({"fte": "0.125"}, "fte"),
    "unknown resource": ({"resource": 999999}, "resource"),
    "already planned": ({"month": "2026-03"}, "month"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), BAD_INPUT.values(), ids=BAD_INPUT)
def test_bad_input_answers_400_naming_the_field_and_saves_nothing(
    api_as, pm_user, world, change, field
):
    response = api_as(pm_user).post(f"{API}/", new_payload(world, **change), format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
def test_a_json_float_fte_is_stored_as_its_decimal(api_as, pm_user, world):
    response = api_as(pm_user).patch(
        f"{API}/{world['allocation'].pk}/", {"fte": 0.3}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["fte"] == "0.30"
    assert Allocation.objects.get(pk=world["allocation"].pk).fte == Decimal("0.30")


# --- filters and cost ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_filters_by_portfolio_project_resource_team_skill_month_and_source(
    api_as, exec_user, world
):
    other = world["other_project"]
    bob = factories.ResourceFactory(name="Bob", team="Build", skill="Tester")
    mine = world["allocation"]
    theirs = factories.AllocationFactory(
        resource=bob, project=other, month=datetime.date(2026, 6, 1), source=EntrySource.IMPORT
    )
    client = api_as(exec_user)

    def ids(query):
        response = client.get(f"{API}/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"portfolio={other.portfolio_id}") == [theirs.pk]
    assert ids(f"project={world['project'].pk}") == [mine.pk]
    assert ids(f"resource={bob.pk}") == [theirs.pk]
    assert ids("team=Apps") == [mine.pk]
    assert ids("skill=Tester") == [theirs.pk]
    assert ids("month_after=2026-04") == [theirs.pk]
    assert ids("month_before=2026-03-01") == [mine.pk]
    assert ids("source=import") == [theirs.pk]
    assert ids("q=Bob") == [theirs.pk]


@pytest.mark.django_db
def test_a_month_filter_that_is_not_a_month_answers_400(api_as, exec_user, world):
    response = api_as(exec_user).get(f"{API}/?month_after=2026-04-15")

    assert response.status_code == 400
    assert "month_after" in response.json()


@pytest.mark.django_db
def test_the_list_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries):
    def add(count):
        for _ in range(count):
            factories.AllocationFactory()

    add(5)
    queries_for_5, rows = api_list_queries(f"{API}/?page_size=100")
    assert rows == 5
    add(45)
    queries_for_50, rows = api_list_queries(f"{API}/?page_size=100")
    assert rows == 50
    assert queries_for_50 == queries_for_5


# --- bulk ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bulk_post_answers_201_with_what_it_created_updated_and_left(
    api_as, integration_user, world
):
    rows = [
        new_payload(world, month="2026-03", fte="0.50"),
        new_payload(world, month="2026-04", fte=0.1),
        new_payload(
            world, month="2026-05-01", fte=1, project=None, project_code=world["project"].code
        ),
        new_payload(world, month="2026-06", fte="0.75"),
    ]
    rows[2].pop("project")

    response = api_as(integration_user).post(f"{API}/bulk/", {"rows": rows}, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 1}
    stored = dict(Allocation.objects.values_list("month", "fte"))
    assert stored[datetime.date(2026, 4, 1)] == Decimal("0.10")


@pytest.mark.django_db
def test_a_bulk_post_sent_again_answers_200_saying_nothing_changed(api_as, pmo_user, world):
    client = api_as(pmo_user)
    rows = [new_payload(world, month=f"2026-{m:02d}") for m in range(4, 10)]
    client.post(f"{API}/bulk/", {"rows": rows}, format="json")

    response = client.post(f"{API}/bulk/", {"rows": rows}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 6)
    assert body["detail"]


@pytest.mark.django_db
def test_a_bulk_post_may_send_the_rows_as_a_bare_list(api_as, integration_user, world):
    response = api_as(integration_user).post(
        f"{API}/bulk/", [new_payload(world, fte="0.5")], format="json"
    )

    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_bad_bulk_answers_400_naming_each_bad_row_and_field_and_saves_nothing(
    api_as, integration_user, world
):
    rows = [
        new_payload(world, month="2026-04"),
        new_payload(world, month="2026-05-15"),
        new_payload(world, month="2026-06", fte="-1"),
        new_payload(world, month="2026-04", fte="1"),
    ]

    response = api_as(integration_user).post(f"{API}/bulk/", {"rows": rows}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body["rows"]) == {"1", "2", "3"}
    assert list(body["rows"]["1"]) == ["month"]
    assert list(body["rows"]["2"]) == ["fte"]
    assert list(body["rows"]["3"]) == ["month"]
    assert body["detail"]
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{}, {"rows": []}, {"rows": "all"}], ids=["no rows", "empty", "not a list"]
)
def test_a_bulk_post_without_a_list_of_rows_answers_400_on_rows(api_as, integration_user, body):
    response = api_as(integration_user).post(f"{API}/bulk/", body, format="json")

    assert response.status_code == 400
    assert "rows" in response.json()


@pytest.mark.django_db
def test_a_bulk_post_above_10000_rows_answers_400(api_as, integration_user, world):
    rows = [new_payload(world)] * 10_001

    response = api_as(integration_user).post(f"{API}/bulk/", {"rows": rows}, format="json")

    assert response.status_code == 400
    assert "10,000" in response.json()["rows"][0]


# --- capacity -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_capacity_heat_map_answers_its_grid_with_decimals_as_text(api_as, exec_user, world):
    alice = world["resource"]
    factories.ResourceCapacityFactory(resource=alice, month=MARCH, fte=Decimal("0.40"))
    nobody = factories.ResourceFactory(name="Zed", capacity_fte=Decimal("0"), team="Apps")

    response = api_as(exec_user).get(f"{API}/capacity/?first_month=2026-02&months=3")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_month"] == "2026-02-01"
    assert body["months"] == ["2026-02-01", "2026-03-01", "2026-04-01"]
    assert [row["resource"] for row in body["rows"]] == [alice.pk, nobody.pk]
    march = body["rows"][0]["cells"][1]
    assert march == {
        "month": "2026-03-01",
        "capacity": "0.40",
        "allocated": "0.50",
        "on_portfolio": None,
        "load": 125,
        "over": True,
        "over_count": 1,
    }
    assert body["rows"][1]["cells"][0]["load"] is None
    assert body["totals"][1]["capacity"] == "0.40"


@pytest.mark.django_db
def test_the_capacity_heat_map_starts_this_month_for_12_months_by_default(api_as, exec_user, world):
    body = api_as(exec_user).get(f"{API}/capacity/").json()

    assert body["first_month"] == month_math.month_start(timezone.localdate()).isoformat()
    assert len(body["months"]) == 12
    assert body["group_by"] == "resource"


@pytest.mark.django_db
def test_the_capacity_heat_map_filters_by_portfolio_team_and_skill(api_as, exec_user, world):
    portfolio = world["project"].portfolio
    bob = factories.ResourceFactory(name="Bob", team="Build", skill="Tester", portfolio=portfolio)
    factories.ResourceFactory(name="Carol", team="Build", skill="Developer")
    client = api_as(exec_user)

    def names(query):
        response = client.get(f"{API}/capacity/?first_month=2026-03&{query}")
        assert response.status_code == 200, response.content
        return [row["label"] for row in response.json()["rows"]]

    assert names(f"portfolio={portfolio.pk}") == ["Alice", "Bob"]
    assert names("team=Build") == ["Bob", "Carol"]
    assert names("skill=Developer") == ["Alice", "Carol"]
    assert names("team=Build&skill=Tester") == ["Bob"]
    on_portfolio = client.get(f"{API}/capacity/?first_month=2026-03&portfolio={portfolio.pk}")
    assert on_portfolio.json()["rows"][0]["cells"][0]["on_portfolio"] == "0.50"
    assert bob.pk in [row["resource"] for row in on_portfolio.json()["rows"]]


@pytest.mark.django_db
def test_the_capacity_heat_map_groups_by_team(api_as, exec_user, world):
    factories.ResourceFactory(name="Bob", team="Apps")

    body = api_as(exec_user).get(f"{API}/capacity/?first_month=2026-03&group_by=team").json()

    assert [(row["label"], row["members"], row["resource"]) for row in body["rows"]] == [
        ("Apps", 2, None)
    ]
    assert body["rows"][0]["cells"][0]["capacity"] == "2.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("first_month=2026-03-15", "first_month"),
        ("months=0", "months"),
        ("months=99", "months"),
        ("group_by=skill", "group_by"),
        ("portfolio=999999", "portfolio"),
    ],
)
def test_a_bad_capacity_filter_answers_400_naming_it(api_as, exec_user, world, query, field):
    response = api_as(exec_user).get(f"{API}/capacity/?{query}")

    assert response.status_code == 400
    assert field in response.json()
