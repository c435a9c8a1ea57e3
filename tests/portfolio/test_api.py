"""REST API of the portfolio structure: objectives, portfolios and programmes."""

import pytest
from django.utils.dateparse import parse_datetime

from portfolio.models import Portfolio, Programme, StrategicObjective
from tests import factories

API = "/api/v1"


@pytest.fixture
def structure(db):
    """One objective, one portfolio and one of its programmes."""
    portfolio = factories.PortfolioFactory(code="PF-A", name="Alpha")
    return {
        "objectives": factories.StrategicObjectiveFactory(code="OBJ-A", name="Grow"),
        "portfolios": portfolio,
        "programmes": factories.ProgrammeFactory(code="PRG-A", name="ERP", portfolio=portfolio),
    }


MODELS = {"objectives": StrategicObjective, "portfolios": Portfolio, "programmes": Programme}


def valid_payload(resource, structure):
    """A body a PMO manager may POST to ``resource``."""
    return {
        "objectives": {"code": "OBJ-NEW", "name": "Reduce costs", "weight": 30},
        "portfolios": {
            "code": "PF-NEW",
            "name": "Operations",
            "owner": structure["portfolios"].owner_id,
        },
        "programmes": {
            "code": "PRG-NEW",
            "name": "Warehouses",
            "portfolio": structure["portfolios"].pk,
        },
    }[resource]


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
MATRIX = [
    (resource, role, action, status)
    for resource in MODELS
    for role, statuses in EXPECTED_STATUS.items()
    for action, status in statuses.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "role", "action", "expected"), MATRIX)
def test_each_role_gets_its_status_on_each_structure_endpoint_and_refused_writes_save_nothing(
    api_for_role, structure, resource, role, action, expected
):
    # Given a client in the role and one row of the resource
    client = api_for_role(role)
    model, row = MODELS[resource], structure[resource]
    rows_before = model.objects.count()

    # When it calls the endpoint
    if action == "list":
        response = client.get(f"{API}/{resource}/")
    elif action == "detail":
        response = client.get(f"{API}/{resource}/{row.pk}/")
    elif action == "create":
        response = client.post(f"{API}/{resource}/", valid_payload(resource, structure))
    else:
        response = client.patch(f"{API}/{resource}/{row.pk}/", {"name": "Renamed"})

    # Then the status is the expected one, and a refused write changed nothing
    assert response.status_code == expected, response.content
    if action == "create":
        assert model.objects.count() == rows_before + (1 if expected == 201 else 0)
    if action == "update" and expected != 200:
        row.refresh_from_db()
        assert row.name != "Renamed"


@pytest.mark.django_db
@pytest.mark.parametrize("resource", list(MODELS))
def test_delete_is_not_offered_even_to_the_pmo(api_as, pmo_user, structure, resource):
    row = structure[resource]

    response = api_as(pmo_user).delete(f"{API}/{resource}/{row.pk}/")

    assert response.status_code == 405
    assert MODELS[resource].objects.filter(pk=row.pk).exists()


# ------------------------------------------------------------------------------
# Create and update
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_pmo_creates_an_objective_and_gets_the_stored_representation(api_as, pmo_user):
    payload = {"code": "OBJ-9", "name": "Customer first", "description": "NPS", "weight": 40}

    response = api_as(pmo_user).post(f"{API}/objectives/", payload)

    assert response.status_code == 201, response.content
    objective = StrategicObjective.objects.get(code="OBJ-9")
    body = response.json()
    assert body["id"] == objective.pk
    assert {k: body[k] for k in payload} == payload
    assert body["is_active"] is True
    assert parse_datetime(body["created_at"]) == objective.created_at


@pytest.mark.django_db
def test_pmo_creates_a_portfolio_with_its_owner_shown(api_as, pmo_user):
    response = api_as(pmo_user).post(
        f"{API}/portfolios/", {"code": "DSI", "name": "IT", "owner": pmo_user.pk}
    )

    assert response.status_code == 201, response.content
    portfolio = Portfolio.objects.get(code="DSI")
    assert portfolio.owner == pmo_user
    assert response.json()["owner"] == pmo_user.pk
    assert response.json()["owner_detail"] == {
        "id": pmo_user.pk,
        "username": "pmo",
        "display_name": pmo_user.display_name,
    }


@pytest.mark.django_db
def test_pmo_creates_a_programme_in_a_portfolio(api_as, pmo_user, structure):
    portfolio = structure["portfolios"]

    response = api_as(pmo_user).post(
        f"{API}/programmes/",
        {"code": "PRG-9", "name": "CRM", "portfolio": portfolio.pk, "director": pmo_user.pk},
    )

    assert response.status_code == 201, response.content
    programme = Programme.objects.get(code="PRG-9")
    assert (programme.portfolio, programme.director) == (portfolio, pmo_user)
    assert response.json()["portfolio_code"] == "PF-A"
    assert response.json()["director_detail"]["id"] == pmo_user.pk


@pytest.mark.django_db
@pytest.mark.parametrize("resource", list(MODELS))
def test_patch_changes_only_the_fields_sent_and_moves_updated_at(
    api_as, pmo_user, structure, resource
):
    # Given a row and its representation
    client = api_as(pmo_user)
    row = structure[resource]
    before = client.get(f"{API}/{resource}/{row.pk}/").json()

    # When only its name is sent
    response = client.patch(f"{API}/{resource}/{row.pk}/", {"name": "Renamed"})

    # Then the name changed, updated_at moved and nothing else changed
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["name"] == "Renamed"
    assert parse_datetime(after["updated_at"]) > parse_datetime(before["updated_at"])
    unchanged = set(before) - {"name", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    row.refresh_from_db()
    assert row.name == "Renamed"


@pytest.mark.django_db
def test_a_programme_with_projects_cannot_move_to_another_portfolio(api_as, pmo_user, structure):
    programme = structure["programmes"]
    factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
    other = factories.PortfolioFactory()

    response = api_as(pmo_user).patch(f"{API}/programmes/{programme.pk}/", {"portfolio": other.pk})

    assert response.status_code == 400
    assert "portfolio" in response.json()
    programme.refresh_from_db()
    assert programme.portfolio == structure["portfolios"]


# ------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------
BAD_INPUT = [
    ("objectives", {"code": "X" * 21}, "code"),
    ("objectives", {"code": "bad code!"}, "code"),
    ("objectives", {"name": "N" * 201}, "name"),
    ("objectives", {"weight": "abc"}, "weight"),
    ("objectives", {"weight": 101}, "weight"),
    ("objectives", {"weight": -1}, "weight"),
    ("objectives", {"code": "obj-a"}, "code"),
    ("portfolios", {"owner": 999999}, "owner"),
    ("portfolios", {"code": "pf-a"}, "code"),
    ("portfolios", {"name": ""}, "name"),
    ("programmes", {"portfolio": 999999}, "portfolio"),
    ("programmes", {"portfolio": "abc"}, "portfolio"),
    ("programmes", {"code": "prg-a"}, "code"),
    ("programmes", {"director": 999999}, "director"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "change", "bad_field"), BAD_INPUT)
def test_bad_input_on_create_answers_400_naming_the_field_and_saves_nothing(
    api_as, pmo_user, structure, resource, change, bad_field
):
    model = MODELS[resource]
    rows_before = model.objects.count()

    response = api_as(pmo_user).post(
        f"{API}/{resource}/", {**valid_payload(resource, structure), **change}
    )

    assert response.status_code == 400, response.content
    assert bad_field in response.json()
    assert model.objects.count() == rows_before


@pytest.mark.django_db
@pytest.mark.parametrize("resource", list(MODELS))
def test_patching_a_code_to_another_rows_code_in_other_case_answers_400_on_code(
    api_as, pmo_user, structure, resource
):
    # Given a second row of the resource
    client = api_as(pmo_user)
    second = client.post(f"{API}/{resource}/", valid_payload(resource, structure)).json()
    taken = structure[resource].code.lower()

    # When the second is given the first one's code in lower case
    response = client.patch(f"{API}/{resource}/{second['id']}/", {"code": taken})

    # Then the code is refused and unchanged
    assert response.status_code == 400, response.content
    assert "code" in response.json()
    assert MODELS[resource].objects.get(pk=second["id"]).code == second["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", list(MODELS))
def test_malformed_json_answers_400(api_as, pmo_user, resource):
    response = api_as(pmo_user).post(
        f"{API}/{resource}/", data='{"code": "X",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


# ------------------------------------------------------------------------------
# Filters and ordering
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_programmes_are_filtered_by_portfolio(api_as, pmo_user, structure):
    factories.ProgrammeFactory(code="PRG-B")

    response = api_as(pmo_user).get(f"{API}/programmes/", {"portfolio": structure["portfolios"].pk})

    assert [row["code"] for row in response.json()["results"]] == ["PRG-A"]


@pytest.mark.django_db
def test_objectives_are_searched_by_q_and_ordered_by_descending_code(api_as, pmo_user):
    for code, name in [("OBJ-1", "Grow sales"), ("OBJ-2", "Cut costs"), ("OBJ-3", "Grow NPS")]:
        factories.StrategicObjectiveFactory(code=code, name=name)

    response = api_as(pmo_user).get(f"{API}/objectives/", {"q": "grow", "ordering": "-code"})

    assert [row["code"] for row in response.json()["results"]] == ["OBJ-3", "OBJ-1"]


@pytest.mark.django_db
def test_an_unknown_filter_value_answers_400_not_500(api_as, pmo_user):
    response = api_as(pmo_user).get(f"{API}/programmes/", {"portfolio": "abc"})

    assert response.status_code == 400
    assert "portfolio" in response.json()


# ------------------------------------------------------------------------------
# Query counts
# ------------------------------------------------------------------------------
def build_objectives(n):
    factories.StrategicObjectiveFactory.create_batch(n)


def build_portfolios(n):
    # Each with its own owner, so that a missing join shows as one query per row.
    factories.PortfolioFactory.create_batch(n)


def build_programmes(n):
    for _ in range(n):
        factories.ProgrammeFactory(director=factories.UserFactory())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "build"),
    [
        ("objectives", build_objectives),
        ("portfolios", build_portfolios),
        ("programmes", build_programmes),
    ],
)
def test_list_endpoint_runs_as_many_queries_for_50_rows_as_for_5(api_list_queries, resource, build):
    build(5)
    queries_for_5, rows = api_list_queries(f"{API}/{resource}/")
    assert rows == 5

    build(45)
    queries_for_50, rows = api_list_queries(f"{API}/{resource}/")
    assert rows == 50

    assert queries_for_50 == queries_for_5
