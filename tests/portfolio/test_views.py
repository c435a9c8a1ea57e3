"""Pages of objectives, portfolios and programmes: who sees what, forms, lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import Portfolio, Programme, StrategicObjective
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, table_records

# Who gets what: anonymous is sent to the login page, a user without role gets 403.
READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
PMO_ONLY = {**READERS, "pm_own": 403, "pm_other": 403, "exec": 403, "integration": 403}


@pytest.fixture
def records(project):
    """One objective, the project's portfolio and a programme in it."""
    return {
        "objective": factories.StrategicObjectiveFactory(),
        "portfolio": project.portfolio,
        "programme": factories.ProgrammeFactory(portfolio=project.portfolio),
    }


def page_urls(records):
    return {
        f"{name}_{page}": url
        for name, record in records.items()
        for page, url in {
            "list": reverse(f"portfolio:{name}_list"),
            "detail": record.get_absolute_url(),
            "create": reverse(f"portfolio:{name}_create"),
            "edit": reverse(f"portfolio:{name}_edit", args=[record.pk]),
        }.items()
    }


PAGES = [
    f"{name}_{page}"
    for name in ("objective", "portfolio", "programme")
    for page in ("list", "detail", "create", "edit")
]


def expected_status(page: str, role: str) -> int:
    matrix = READERS if page.endswith(("_list", "_detail")) else PMO_ONLY
    return matrix[role]


# --- permission matrix ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_page_answers_each_role_as_the_rules_say(client_in_role, records, page, role):
    url = page_urls(records)[page]

    response = client_in_role(role).get(url)

    assert response.status_code == expected_status(page, role)
    if role == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["objective", "portfolio", "programme"])
def test_an_edit_page_of_a_missing_record_is_not_found(client_in_role, name):
    response = client_in_role("pmo").get(reverse(f"portfolio:{name}_edit", args=[999999]))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("objective", "New strategic objective"),
        ("portfolio", "New portfolio"),
        ("programme", "New programme"),
    ],
)
@pytest.mark.parametrize(("role", "shown"), [("pmo", True), ("exec", False), ("pm_own", False)])
def test_the_new_button_of_a_list_shows_only_to_who_may_create(
    client_in_role, records, name, label, role, shown
):
    response = client_in_role(role).get(reverse(f"portfolio:{name}_list"))

    assert (f'href="{reverse(f"portfolio:{name}_create")}"' in response.text) is shown
    assert (label in response.text) is shown


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["objective", "portfolio", "programme"])
@pytest.mark.parametrize(
    ("role", "shown"), [("pmo", True), ("exec", False), ("pm_own", False), ("integration", False)]
)
def test_the_edit_button_of_a_detail_page_shows_only_to_who_may_edit(
    client_in_role, records, name, role, shown
):
    record = records[name]

    response = client_in_role(role).get(record.get_absolute_url())

    assert (f'href="{reverse(f"portfolio:{name}_edit", args=[record.pk])}"' in response.text) is (
        shown
    )


# --- objective forms --------------------------------------------------------------------


OBJECTIVE_DATA = {
    "code": "OBJ-NEW",
    "name": "Grow abroad",
    "description": "",
    "weight": "25",
    "is_active": "on",
}


@pytest.mark.django_db
def test_a_valid_objective_is_created_and_shown(client_in_role):
    response = client_in_role("pmo").post(reverse("portfolio:objective_create"), OBJECTIVE_DATA)

    objective = StrategicObjective.objects.get(code="OBJ-NEW")
    assert response.status_code == 302
    assert response["Location"] == objective.get_absolute_url()
    assert (objective.name, objective.weight) == ("Grow abroad", 25)


@pytest.mark.django_db
def test_a_valid_objective_edit_is_saved_and_shown(client_in_role):
    objective = factories.StrategicObjectiveFactory(code="OBJ-1", name="Old")
    url = reverse("portfolio:objective_edit", args=[objective.pk])

    response = client_in_role("pmo").post(url, {**OBJECTIVE_DATA, "code": "OBJ-1"})

    assert response.status_code == 302
    assert response["Location"] == objective.get_absolute_url()
    objective.refresh_from_db()
    assert objective.name == "Grow abroad"


@pytest.mark.django_db
def test_an_objective_code_taken_in_another_case_is_refused_next_to_the_code(client_in_role):
    factories.StrategicObjectiveFactory(code="OBJ-NEW")

    response = client_in_role("pmo").post(
        reverse("portfolio:objective_create"), {**OBJECTIVE_DATA, "code": "obj-new"}
    )

    assert response.status_code == 200
    assert_field_error(response, "code", "Strategic objective with this Code already exists.")
    assert "Constraint" not in response.text
    assert StrategicObjective.objects.count() == 1


@pytest.mark.django_db
def test_an_objective_name_of_201_characters_is_refused_next_to_the_name(client_in_role):
    response = client_in_role("pmo").post(
        reverse("portfolio:objective_create"), {**OBJECTIVE_DATA, "name": "x" * 201}
    )

    assert response.status_code == 200
    assert_field_error(
        response, "name", "Ensure this value has at most 200 characters (it has 201)."
    )
    assert StrategicObjective.objects.count() == 0


@pytest.mark.django_db
def test_an_objective_weight_above_100_is_refused_next_to_the_weight(client_in_role):
    response = client_in_role("pmo").post(
        reverse("portfolio:objective_create"), {**OBJECTIVE_DATA, "weight": "101"}
    )

    assert response.status_code == 200
    assert_field_error(response, "weight", "Ensure this value is less than or equal to 100.")
    assert StrategicObjective.objects.count() == 0


@pytest.mark.django_db
def test_an_invalid_objective_edit_leaves_the_row_unchanged(client_in_role):
    objective = factories.StrategicObjectiveFactory(code="OBJ-1", name="Kept")
    url = reverse("portfolio:objective_edit", args=[objective.pk])

    response = client_in_role("pmo").post(url, {**OBJECTIVE_DATA, "code": "bad code"})

    assert response.status_code == 200
    assert_field_error(response, "code", "Use letters, digits, dots, dashes and underscores")
    objective.refresh_from_db()
    assert (objective.code, objective.name) == ("OBJ-1", "Kept")


@pytest.mark.django_db
def test_a_forbidden_post_to_the_objective_form_saves_nothing(client_in_role):
    response = client_in_role("exec").post(reverse("portfolio:objective_create"), OBJECTIVE_DATA)

    assert response.status_code == 403
    assert StrategicObjective.objects.count() == 0


# --- portfolio forms --------------------------------------------------------------------


def portfolio_data(owner, **overrides):
    return {
        "code": "DSI",
        "name": "Information systems",
        "description": "",
        "owner": str(owner.pk),
        "is_active": "on",
        **overrides,
    }


@pytest.mark.django_db
def test_a_valid_portfolio_is_created_and_shown(client_in_role, pmo_user):
    response = client_in_role("pmo").post(
        reverse("portfolio:portfolio_create"), portfolio_data(pmo_user)
    )

    portfolio = Portfolio.objects.get(code="DSI")
    assert response.status_code == 302
    assert response["Location"] == portfolio.get_absolute_url()
    assert portfolio.owner == pmo_user


@pytest.mark.django_db
def test_a_valid_portfolio_edit_is_saved_and_shown(client_in_role, pmo_user):
    portfolio = factories.PortfolioFactory(code="DSI", owner=pmo_user)
    url = reverse("portfolio:portfolio_edit", args=[portfolio.pk])

    response = client_in_role("pmo").post(url, portfolio_data(pmo_user, name="IT"))

    assert response.status_code == 302
    assert response["Location"] == portfolio.get_absolute_url()
    portfolio.refresh_from_db()
    assert portfolio.name == "IT"


@pytest.mark.django_db
def test_a_portfolio_owner_must_be_a_pmo_manager(client_in_role, exec_user):
    response = client_in_role("pmo").post(
        reverse("portfolio:portfolio_create"), portfolio_data(exec_user)
    )

    assert response.status_code == 200
    assert_field_error(response, "owner", "Select a valid choice.")
    assert not Portfolio.objects.filter(code="DSI").exists()


@pytest.mark.django_db
def test_a_portfolio_code_taken_in_another_case_is_refused_next_to_the_code(
    client_in_role, pmo_user
):
    factories.PortfolioFactory(code="DSI")

    response = client_in_role("pmo").post(
        reverse("portfolio:portfolio_create"), portfolio_data(pmo_user, code="dsi")
    )

    assert response.status_code == 200
    assert_field_error(response, "code", "Portfolio with this Code already exists.")
    assert "Constraint" not in response.text
    assert Portfolio.objects.count() == 1


@pytest.mark.django_db
def test_a_portfolio_name_of_201_characters_is_refused_next_to_the_name(client_in_role, pmo_user):
    response = client_in_role("pmo").post(
        reverse("portfolio:portfolio_create"), portfolio_data(pmo_user, name="x" * 201)
    )

    assert response.status_code == 200
    assert_field_error(
        response, "name", "Ensure this value has at most 200 characters (it has 201)."
    )
    assert Portfolio.objects.count() == 0


# --- programme forms --------------------------------------------------------------------


def programme_data(portfolio, **overrides):
    return {
        "code": "PRG-ERP",
        "name": "ERP renewal",
        "portfolio": str(portfolio.pk),
        "director": "",
        "outcome": "",
        "is_active": "on",
        **overrides,
    }


@pytest.mark.django_db
def test_a_valid_programme_is_created_and_shown(client_in_role, exec_user):
    portfolio = factories.PortfolioFactory()

    response = client_in_role("pmo").post(
        reverse("portfolio:programme_create"),
        programme_data(portfolio, director=str(exec_user.pk)),
    )

    programme = Programme.objects.get(code="PRG-ERP")
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert (programme.portfolio, programme.director) == (portfolio, exec_user)


@pytest.mark.django_db
def test_a_valid_programme_edit_is_saved_and_shown(client_in_role):
    programme = factories.ProgrammeFactory(code="PRG-ERP")
    url = reverse("portfolio:programme_edit", args=[programme.pk])

    response = client_in_role("pmo").post(
        url, programme_data(programme.portfolio, name="ERP for all")
    )

    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    programme.refresh_from_db()
    assert programme.name == "ERP for all"


@pytest.mark.django_db
def test_moving_a_programme_with_projects_is_refused_next_to_the_portfolio(client_in_role):
    programme = factories.ProgrammeFactory(code="PRG-ERP", name="ERP renewal")
    factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
    old_portfolio = programme.portfolio
    url = reverse("portfolio:programme_edit", args=[programme.pk])

    response = client_in_role("pmo").post(
        url, programme_data(factories.PortfolioFactory(), name="Moved")
    )

    assert response.status_code == 200
    assert_field_error(
        response,
        "portfolio",
        "Move its projects first: a programme's projects stay in its portfolio.",
    )
    programme.refresh_from_db()
    assert (programme.portfolio, programme.name) == (old_portfolio, "ERP renewal")


@pytest.mark.django_db
def test_a_programme_cannot_be_created_in_an_inactive_portfolio(client_in_role):
    closed = factories.PortfolioFactory(is_active=False)

    response = client_in_role("pmo").post(
        reverse("portfolio:programme_create"), programme_data(closed)
    )

    assert response.status_code == 200
    assert_field_error(response, "portfolio", "Select a valid choice.")
    assert Programme.objects.count() == 0


@pytest.mark.django_db
def test_a_programme_code_taken_in_another_case_is_refused_next_to_the_code(client_in_role):
    factories.ProgrammeFactory(code="PRG-ERP")

    response = client_in_role("pmo").post(
        reverse("portfolio:programme_create"),
        programme_data(factories.PortfolioFactory(), code="prg-erp"),
    )

    assert response.status_code == 200
    assert_field_error(response, "code", "Programme with this Code already exists.")
    assert Programme.objects.count() == 1


# --- list pages -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_objective_list_searches_code_and_name(client_in_role):
    factories.StrategicObjectiveFactory(code="OBJ-1", name="Grow abroad")
    factories.StrategicObjectiveFactory(code="OBJ-2", name="Cut costs")

    response = client_in_role("exec").get(reverse("portfolio:objective_list"), {"q": "abroad"})

    assert [o.code for o in table_records(response)] == ["OBJ-1"]


@pytest.mark.django_db
def test_the_objective_list_counts_contributing_projects(client_in_role):
    objective = factories.StrategicObjectiveFactory()
    factories.ProjectObjectiveFactory.create_batch(2, objective=objective)

    response = client_in_role("exec").get(reverse("portfolio:objective_list"))

    assert [o.project_count for o in table_records(response)] == [2]


@pytest.mark.django_db
def test_the_portfolio_list_filters_on_active(client_in_role):
    factories.PortfolioFactory(code="LIVE")
    factories.PortfolioFactory(code="GONE", is_active=False)

    response = client_in_role("exec").get(
        reverse("portfolio:portfolio_list"), {"is_active": "false"}
    )

    assert [p.code for p in table_records(response)] == ["GONE"]


@pytest.mark.django_db
def test_the_portfolio_list_counts_live_projects_only(client_in_role):
    portfolio = factories.PortfolioFactory()
    factories.ProjectFactory.create_batch(2, portfolio=portfolio)
    factories.ProjectFactory(portfolio=portfolio, phase="cancelled")

    response = client_in_role("exec").get(reverse("portfolio:portfolio_list"))

    assert [p.project_count for p in table_records(response)] == [2]


@pytest.mark.django_db
def test_the_programme_list_filters_on_portfolio(client_in_role):
    mine = factories.ProgrammeFactory(code="PRG-A")
    factories.ProgrammeFactory(code="PRG-B")

    response = client_in_role("exec").get(
        reverse("portfolio:programme_list"), {"portfolio": mine.portfolio.pk}
    )

    assert [p.code for p in table_records(response)] == ["PRG-A"]


@pytest.mark.django_db
def test_the_programme_list_sorts_on_the_sort_parameter(client_in_role):
    for code in ["PRG-B", "PRG-C", "PRG-A"]:
        factories.ProgrammeFactory(code=code)

    response = client_in_role("exec").get(reverse("portfolio:programme_list"), {"sort": "-code"})

    assert [p.code for p in table_records(response)] == ["PRG-C", "PRG-B", "PRG-A"]


@pytest.mark.django_db
def test_the_portfolio_list_shows_25_rows_a_page(client_in_role):
    owner = factories.pmo_manager()
    factories.PortfolioFactory.create_batch(26, owner=owner)

    first = client_in_role("exec").get(reverse("portfolio:portfolio_list"))
    second = client_in_role("exec").get(reverse("portfolio:portfolio_list"), {"page": 2})

    assert len(table_records(first)) == 25
    assert "Page 1 of 2" in first.text
    assert len(table_records(second)) == 1


@pytest.mark.django_db
def test_an_htmx_request_to_a_list_gets_only_the_results(client_in_role):
    factories.StrategicObjectiveFactory(code="OBJ-1")

    response = client_in_role("exec").get(
        reverse("portfolio:objective_list"), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<table" in response.text
    assert "OBJ-1" in response.text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["objective", "portfolio", "programme"])
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_50(client_in_role, name):
    # Every row has its related people and counts filled in.
    def add_rows(n):
        for _ in range(n):
            programme = factories.ProgrammeFactory(director=factories.executive())
            project = factories.ProjectFactory(
                portfolio=programme.portfolio, programme=programme, sponsor=programme.director
            )
            factories.ProjectObjectiveFactory(project=project)

    client = client_in_role("exec")
    url = reverse(f"portfolio:{name}_list")
    add_rows(5)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_5 = count_queries(client, url)
    add_rows(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5


@pytest.mark.django_db
def test_a_portfolio_page_links_to_its_risk_register_and_changes(client_in_role):
    portfolio = factories.PortfolioFactory()

    response = client_in_role("exec").get(portfolio.get_absolute_url())

    assert f"/raid/risks/?portfolio={portfolio.pk}&amp;live=true" in response.text
    assert f"/changes/?portfolio={portfolio.pk}" in response.text


@pytest.mark.django_db
def test_a_programme_page_links_to_its_risk_register_and_changes(client_in_role):
    programme = factories.ProgrammeFactory()

    response = client_in_role("exec").get(programme.get_absolute_url())

    assert f"/raid/risks/?programme={programme.pk}&amp;live=true" in response.text
    assert f"/changes/?programme={programme.pk}" in response.text
