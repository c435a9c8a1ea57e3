"""API of strategic scoring: scoring-criteria (read, bulk set), project-scores (read, bulk
upsert), scenarios (CRUD, recompute): roles, 400s naming fields, list costs."""

from decimal import Decimal

import pytest

from portfolio.models import ScoringCriterion
from projects.models import Project, ProjectScore, Scenario
from projects.services.scoring import scenario_save
from tests import factories

API = "/api/v1"
D = Decimal
ROLES_READ = {
    "anonymous": 401,
    "no_role": 403,
    "pm": 200,
    "pmo": 200,
    "executive": 200,
    "integration": 200,
}


@pytest.fixture
def setup(project):
    portfolio = project.portfolio
    fit = ScoringCriterion.objects.create(portfolio=portfolio, name="Fit", weight=100)
    ProjectScore.objects.create(project=project, criterion=fit, score=4)
    scenario = scenario_save(
        actor=None,
        portfolio=portfolio,
        data={"name": "Base", "capex_envelope": 10**6, "opex_envelope": 10**6, "fte_capacity": 9},
        choices={},
    )
    return {"portfolio": portfolio, "project": project, "fit": fit, "scenario": scenario}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES_READ))
@pytest.mark.parametrize("resource", ["scoring-criteria", "project-scores", "scenarios"])
def test_every_role_reads_and_no_role_gets_403(api_for_role, setup, role, resource):
    response = api_for_role(role).get(f"{API}/{resource}/")

    assert response.status_code == ROLES_READ[role]


def writes(setup):
    portfolio, project, fit = setup["portfolio"], setup["project"], setup["fit"]
    scenario = setup["scenario"]
    return [
        (
            "put",
            f"{API}/scoring-criteria/bulk/?portfolio={portfolio.pk}",
            {"criteria": [{"id": fit.pk, "name": "Fit", "weight": 100}]},
        ),
        (
            "post",
            f"{API}/project-scores/bulk/",
            {"project": project.pk, "scores": [{"criterion": fit.pk, "score": 3}]},
        ),
        (
            "post",
            f"{API}/scenarios/",
            {
                "portfolio": portfolio.pk,
                "name": "New",
                "capex_envelope": "1",
                "opex_envelope": "1",
                "fte_capacity": "1",
            },
        ),
        ("post", f"{API}/scenarios/{scenario.pk}/recompute/", {}),
        ("patch", f"{API}/scenarios/{scenario.pk}/", {"name": "Renamed"}),
        ("delete", f"{API}/scenarios/{scenario.pk}/", None),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["no_role", "pm", "executive", "integration"])
def test_only_the_pmo_writes_through_the_api(api_for_role, setup, role):
    client = api_for_role(role)
    for method, url, body in writes(setup):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url)


@pytest.mark.django_db
def test_the_pmo_writes_through_the_api(api_for_role, setup):
    client = api_for_role("pmo")
    expected = [200, 200, 201, 200, 200, 204]
    for (method, url, body), status in zip(writes(setup), expected, strict=True):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == status, (method, url, response.content)
    assert ProjectScore.objects.get().score == 3
    assert list(Scenario.objects.values_list("name", flat=True)) == ["New"]


@pytest.mark.django_db
def test_a_criteria_set_not_making_100_is_a_400_naming_weight(api_for_role, setup):
    response = api_for_role("pmo").put(
        f"{API}/scoring-criteria/bulk/?portfolio={setup['portfolio'].pk}",
        {"criteria": [{"name": "Fit", "weight": 60}, {"name": "Risk", "weight": 30}]},
        format="json",
    )

    assert response.status_code == 400
    assert "90" in response.json()["weight"][0]
    assert list(ScoringCriterion.objects.values_list("name", flat=True)) == ["Fit"]


@pytest.mark.django_db
def test_a_weight_out_of_range_is_a_400_naming_it(api_for_role, setup):
    response = api_for_role("pmo").put(
        f"{API}/scoring-criteria/bulk/?portfolio={setup['portfolio'].pk}",
        {"criteria": [{"name": "Fit", "weight": 150}]},
        format="json",
    )

    assert response.status_code == 400
    assert "weight" in str(response.json()["criteria"])


@pytest.mark.django_db
def test_a_score_out_of_range_is_a_400_naming_score(api_for_role, setup):
    response = api_for_role("pmo").post(
        f"{API}/project-scores/bulk/",
        {"project": setup["project"].pk, "scores": [{"criterion": setup["fit"].pk, "score": 6}]},
        format="json",
    )

    assert response.status_code == 400
    assert "score" in str(response.json()["scores"])


@pytest.mark.django_db
def test_a_criterion_of_another_portfolio_is_a_400_naming_criterion(api_for_role, setup):
    other = ScoringCriterion.objects.create(
        portfolio=factories.PortfolioFactory(), name="Fit", weight=100
    )

    response = api_for_role("pmo").post(
        f"{API}/project-scores/bulk/",
        {"project": setup["project"].pk, "scores": [{"criterion": other.pk, "score": 2}]},
        format="json",
    )

    assert response.status_code == 400
    assert "criterion" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"capex_envelope": "-1"}, "capex_envelope"),
        ({"fte_capacity": "-0.5"}, "fte_capacity"),
        ({"choices": [{"project": 999999, "choice": "in"}]}, "choices"),
        ({"choices": [{"project": "elsewhere", "choice": "in"}]}, "choices"),
        ({"choices": [{"project": "own", "choice": "maybe"}]}, "choices"),
        ({"name": "Base"}, "name"),
    ],
)
def test_bad_scenarios_are_400s_naming_the_field(api_for_role, setup, change, field):
    elsewhere = factories.ProjectFactory()
    for row in change.get("choices", []):
        row["project"] = {"elsewhere": elsewhere.pk, "own": setup["project"].pk}.get(
            row["project"], row["project"]
        )
    body = {
        "portfolio": setup["portfolio"].pk,
        "name": "Cut",
        "capex_envelope": "100",
        "opex_envelope": "100",
        "fte_capacity": "1",
        **change,
    }

    response = api_for_role("pmo").post(f"{API}/scenarios/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Scenario.objects.count() == 1


@pytest.mark.django_db
def test_a_scenario_created_through_the_api_freezes_its_result_and_changes_no_project(
    api_for_role, setup
):
    before = list(Project.objects.values())

    response = api_for_role("pmo").post(
        f"{API}/scenarios/",
        {
            "portfolio": setup["portfolio"].pk,
            "name": "Forced out",
            "capex_envelope": "100",
            "opex_envelope": "100",
            "fte_capacity": "1",
            "choices": [{"project": setup["project"].pk, "choice": "out"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["choices"] == [{"project": setup["project"].pk, "choice": "out"}]
    assert body["result"]["rows"][0]["reason"] == "forced_out"
    assert list(Project.objects.values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["scoring-criteria", "project-scores", "scenarios"])
def test_list_endpoints_cost_the_same_queries_for_5_rows_as_for_50(
    api_list_queries, pmo_user, resource
):
    def queries(count):
        portfolio = factories.PortfolioFactory()
        ScoringCriterion.objects.all().delete()
        Scenario.objects.all().delete()
        ProjectScore.objects.all().delete()
        for i in range(count):
            criterion = ScoringCriterion.objects.create(portfolio=portfolio, name=f"C{i}", weight=1)
            project = factories.ProjectFactory(portfolio=portfolio)
            ProjectScore.objects.create(project=project, criterion=criterion, score=2)
            Scenario.objects.create(
                portfolio=portfolio,
                name=f"S{i}",
                capex_envelope=1,
                opex_envelope=1,
                fte_capacity=1,
                created_by=pmo_user,
            )
        found, rows = api_list_queries(f"{API}/{resource}/?portfolio={portfolio.pk}&page_size=100")
        assert rows == count
        return found

    assert queries(5) == queries(50)
