"""Pages of strategic scoring: who sees and does what, bad input next to its field, the
ranking's and the scenario list's cost."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import ScoringCriterion
from projects.models import Project, ProjectScore, Scenario
from projects.services.scoring import scenario_save
from tests import factories
from tests.conftest import ROLES

D = Decimal
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
PAGES = {
    "prioritisation": READERS,
    "criteria": READERS,
    "ranking": READERS,
    "scenario_list": READERS,
    "scenario_detail": READERS,
    "scenario_compare": READERS,
    "project_scores": READERS,
    "scenario_create": PMO_ONLY,
    "scenario_edit": PMO_ONLY,
}


@pytest.fixture
def setup(project, pmo_user):
    portfolio = project.portfolio
    fit = ScoringCriterion.objects.create(portfolio=portfolio, name="Fit", weight=60)
    risk = ScoringCriterion.objects.create(
        portfolio=portfolio, name="Risk", weight=40, higher_is_better=False, position=1
    )
    ProjectScore.objects.create(project=project, criterion=fit, score=4)
    ProjectScore.objects.create(project=project, criterion=risk, score=2)
    scenario = scenario_save(
        actor=None,
        portfolio=portfolio,
        data={
            "name": "Base",
            "capex_envelope": D("1000000"),
            "opex_envelope": D("1000000"),
            "fte_capacity": D("10"),
        },
        choices={},
    )
    return {"portfolio": portfolio, "project": project, "scenario": scenario, "fit": fit}


def url(page, setup):
    portfolio, scenario = setup["portfolio"].pk, setup["scenario"].pk
    if page == "prioritisation":
        return reverse("projects:prioritisation")
    if page == "project_scores":
        return reverse("projects:project_scores", args=[setup["project"].pk])
    if page in ("scenario_detail", "scenario_edit"):
        return reverse(f"projects:{page}", args=[portfolio, scenario])
    return reverse(f"projects:{page}", args=[portfolio])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_answers_each_role_as_the_rules_say(client_in_role, setup, other_pm_user, page, role):
    response = client_in_role(role).get(url(page, setup))

    assert response.status_code == PAGES[page][role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["no_role", "pm_own", "exec", "integration"])
@pytest.mark.parametrize(
    "page", ["criteria", "project_scores", "scenario_create", "scenario_recompute"]
)
def test_only_the_pmo_writes(client_in_role, setup, role, page):
    target = (
        reverse("projects:scenario_recompute", args=[setup["portfolio"].pk, setup["scenario"].pk])
        if page == "scenario_recompute"
        else url(page, setup)
    )

    response = client_in_role(role).post(target, {})

    assert response.status_code == 403


def criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


@pytest.mark.django_db
def test_the_pmo_saves_criteria_from_the_formset(client_as, pmo_user, setup):
    fit = setup["fit"]
    data = criteria_post(
        [
            {"id": fit.pk, "name": "Fit", "weight": "70", "position": "0", "is_active": "on"},
            {"name": "Urgency", "weight": "30", "position": "1", "is_active": "on"},
        ]
    )

    response = client_as(pmo_user).post(url("criteria", setup), data)

    assert response.status_code == 302
    assert sorted(ScoringCriterion.objects.values_list("name", "weight")) == [
        ("Fit", 70),
        ("Urgency", 30),
    ]


@pytest.mark.django_db
def test_weights_not_making_100_are_shown_above_the_formset_and_nothing_changes(
    client_as, pmo_user, setup
):
    data = criteria_post(
        [
            {"name": "Fit", "weight": "70", "position": "0", "is_active": "on"},
            {"name": "Urgency", "weight": "20", "position": "1", "is_active": "on"},
        ]
    )

    response = client_as(pmo_user).post(url("criteria", setup), data)

    assert response.status_code == 400
    assert "sum to 90 %" in response.content.decode()
    assert ScoringCriterion.objects.count() == 2
    assert set(ScoringCriterion.objects.values_list("name", flat=True)) == {"Fit", "Risk"}


@pytest.mark.django_db
def test_a_score_out_of_range_is_a_field_error(client_as, pmo_user, setup):
    fit = setup["fit"]

    response = client_as(pmo_user).post(url("project_scores", setup), {f"score_{fit.pk}": "7"})

    assert response.status_code == 400
    assert response.context["form"].errors[f"score_{fit.pk}"]
    assert ProjectScore.objects.get(criterion=fit).score == 4


@pytest.mark.django_db
def test_the_pmo_scores_a_project(client_as, pmo_user, setup):
    fit = setup["fit"]

    response = client_as(pmo_user).post(
        url("project_scores", setup), {f"score_{fit.pk}": "5", f"comment_{fit.pk}": "core"}
    )

    assert response.status_code == 302
    assert ProjectScore.objects.get(criterion=fit).score == 5
    assert not ProjectScore.objects.filter(criterion__name="Risk").exists()


@pytest.mark.django_db
def test_a_negative_envelope_is_shown_next_to_its_field(client_as, pmo_user, setup):
    response = client_as(pmo_user).post(
        url("scenario_create", setup),
        {"name": "Cut", "capex_envelope": "-5", "opex_envelope": "0", "fte_capacity": "1"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["capex_envelope"]
    assert Scenario.objects.count() == 1


@pytest.mark.django_db
def test_a_scenario_saved_from_the_page_keeps_its_forced_choices(client_as, pmo_user, setup):
    project = setup["project"]
    before = Project.objects.values().get(pk=project.pk)

    response = client_as(pmo_user).post(
        url("scenario_create", setup),
        {
            "name": "Zero",
            "capex_envelope": "0",
            "opex_envelope": "0",
            "fte_capacity": "0",
            f"choice_{project.pk}": "in",
        },
    )

    assert response.status_code == 302
    scenario = Scenario.objects.get(name="Zero")
    assert scenario.result["rows"][0]["reason"] == "forced_in"
    assert Project.objects.values().get(pk=project.pk) == before
    detail = client_as(pmo_user).get(response["Location"])
    assert project.code in detail.content.decode()


@pytest.mark.django_db
def test_comparing_two_scenarios_shows_the_projects_that_differ(client_as, exec_user, setup):
    other = scenario_save(
        actor=None,
        portfolio=setup["portfolio"],
        data={"name": "Nothing", "capex_envelope": 0, "opex_envelope": 0, "fte_capacity": 0},
        choices={},
    )

    response = client_as(exec_user).get(
        url("scenario_compare", setup), {"a": setup["scenario"].pk, "b": other.pk}
    )

    assert response.status_code == 200
    assert response.context["differences"] == 1


def populate(portfolio, count, criteria):
    objective = factories.StrategicObjectiveFactory()
    for _ in range(count):
        project = factories.ProjectFactory(portfolio=portfolio)
        factories.ProjectObjectiveFactory(project=project, objective=objective)
        for criterion in criteria:
            ProjectScore.objects.create(project=project, criterion=criterion, score=3)


@pytest.mark.django_db
def test_the_ranking_page_costs_the_same_queries_for_5_projects_as_for_50(client_as, exec_user):
    client = client_as(exec_user)

    def queries(count):
        portfolio = factories.PortfolioFactory()
        criteria = [ScoringCriterion.objects.create(portfolio=portfolio, name="Fit", weight=100)]
        populate(portfolio, count, criteria)
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("projects:ranking", args=[portfolio.pk]))
        assert len(response.context["ranking"]) == count
        return len(context.captured_queries)

    assert queries(5) == queries(50)


@pytest.mark.django_db
def test_the_scenario_list_costs_the_same_queries_for_5_scenarios_as_for_25(
    client_as, exec_user, pmo_user
):
    client = client_as(exec_user)

    def queries(count):
        portfolio = factories.PortfolioFactory()
        for i in range(count):
            scenario_save(
                actor=pmo_user,
                portfolio=portfolio,
                data={
                    "name": f"S{i}",
                    "capex_envelope": 1,
                    "opex_envelope": 1,
                    "fte_capacity": 1,
                },
                choices={},
            )
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("projects:scenario_list", args=[portfolio.pk]))
        assert len(response.context["table"].page.object_list) == count
        return len(context.captured_queries)

    assert queries(5) == queries(25)


@pytest.mark.django_db
def test_the_project_page_shows_the_strategic_score_panel(client_as, exec_user, setup):
    response = client_as(exec_user).get(setup["project"].get_absolute_url())

    assert response.status_code == 200
    # 60×4/5 + 40×(5-2)/5 = 48 + 24
    assert "72.0" in response.content.decode()
