"""Strategic scoring: the weighted score, the criteria set (weights summing to 100), project
scores, the ranking, the cut-line against hand-computed cases, and scenarios that never
change a project."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo import months as month_math
from portfolio.models import ScoringCriterion
from portfolio.services import scoring_criteria_save
from projects.choices import Phase
from projects.models import Project, ProjectScore, Scenario
from projects.selectors.scoring import (
    Candidate,
    Reason,
    cut_line,
    portfolio_ranking,
    weighted_score,
)
from projects.services.scoring import project_scores_save, scenario_recompute, scenario_save
from tests import factories

D = Decimal


def criterion(pk, weight, higher_is_better=True):
    return SimpleNamespace(pk=pk, weight=weight, higher_is_better=higher_is_better)


def make_criteria(portfolio, *specs):
    """Criteria of ``portfolio`` from (name, weight, higher_is_better) specs."""
    return [
        ScoringCriterion.objects.create(
            portfolio=portfolio, name=name, weight=weight, higher_is_better=better, position=i
        )
        for i, (name, weight, better) in enumerate(specs)
    ]


def score(project, criteria, values):
    for crit, value in zip(criteria, values, strict=True):
        if value is not None:
            ProjectScore.objects.create(project=project, criterion=crit, score=value)


# --- arithmetic ---------------------------------------------------------------------------


def test_weighted_score_is_the_sum_of_weight_times_score_over_five():
    criteria = [criterion(1, 40), criterion(2, 35), criterion(3, 25)]

    # 40×4/5 + 35×3/5 + 25×5/5 = 32 + 21 + 25
    assert weighted_score(criteria, {1: 4, 2: 3, 3: 5}) == D("78.0")


def test_a_lower_is_better_criterion_counts_five_minus_its_score():
    criteria = [criterion(1, 70), criterion(2, 30, higher_is_better=False)]

    # 70×5/5 + 30×(5-4)/5 = 70 + 6; a risk of 0 is worth its whole weight
    assert weighted_score(criteria, {1: 5, 2: 4}) == D("76.0")
    assert weighted_score(criteria, {1: 0, 2: 0}) == D("30.0")


def test_weighted_score_is_rounded_half_up_to_one_place():
    criteria = [criterion(1, 33), criterion(2, 33), criterion(3, 34)]

    # 33×1/5 + 33×1/5 + 34×0 = 13.2; 33×3/5 + 33×0 + 34×1/5 = 19.8 + 6.8 = 26.6
    assert weighted_score(criteria, {1: 1, 2: 1, 3: 0}) == D("13.2")
    assert weighted_score(criteria, {1: 3, 2: 0, 3: 1}) == D("26.6")
    assert weighted_score([criterion(1, 1), criterion(2, 99)], {1: 1, 2: 0}) == D("0.2")


def test_all_fives_make_100_and_all_zeros_make_0():
    criteria = [criterion(1, 60), criterion(2, 40)]

    assert weighted_score(criteria, {1: 5, 2: 5}) == D("100.0")
    assert weighted_score(criteria, {1: 0, 2: 0}) == D("0.0")


def test_a_missing_score_makes_the_score_incomplete_not_zero():
    criteria = [criterion(1, 60), criterion(2, 40)]

    assert weighted_score(criteria, {1: 5}) is None
    assert weighted_score([], {}) is None


# --- cut-line, hand-computed ------------------------------------------------------------


def cand(pk, capex, opex=0, fte=0, complete=True):
    return Candidate(pk, D(capex), D(opex), D(fte), complete)


def selected(line):
    return [d.project_id for d in line.decisions if d.selected]


def reasons(line):
    return {d.project_id: d.reason for d in line.decisions}


def test_cut_line_takes_projects_in_rank_order_while_they_fit():
    rows = [cand(1, 100), cand(2, 100), cand(3, 100)]

    line = cut_line(rows, D(250), D(0), D(0))

    assert selected(line) == [1, 2]
    assert reasons(line)[3] == Reason.OVER_CAPEX
    assert line.used_capex == D(200)


def test_cut_line_skips_a_project_too_big_and_goes_on_to_a_smaller_one():
    # 100 left after #1; #2 needs 150 (skipped), #3 needs 80 (taken), #4 needs 30 (over)
    rows = [cand(1, 200), cand(2, 150), cand(3, 80), cand(4, 30)]

    line = cut_line(rows, D(300), D(0), D(0))

    assert selected(line) == [1, 3]
    assert reasons(line) == {
        1: Reason.FITS,
        2: Reason.OVER_CAPEX,
        3: Reason.FITS,
        4: Reason.OVER_CAPEX,
    }
    assert line.used_capex == D(280)


def test_cut_line_checks_opex_and_fte_too():
    rows = [cand(1, 10, 50, 2), cand(2, 10, 60, 1), cand(3, 10, 10, 5), cand(4, 10, 10, 1)]

    line = cut_line(rows, D(100), D(80), D(4))

    assert selected(line) == [1, 4]
    assert reasons(line)[2] == Reason.OVER_OPEX
    assert reasons(line)[3] == Reason.OVER_FTE
    assert (line.used_opex, line.used_fte) == (D(60), D(3))


def test_a_forced_in_project_is_taken_first_even_over_the_envelope():
    rows = [cand(1, 100), cand(2, 50), cand(3, 400)]

    line = cut_line(rows, D(300), D(0), D(0), {3: "in"})

    # #3 takes 400 of 300: nothing is left for the others
    assert selected(line) == [3]
    assert reasons(line) == {1: Reason.OVER_CAPEX, 2: Reason.OVER_CAPEX, 3: Reason.FORCED_IN}
    assert line.used_capex == D(400)


def test_a_forced_out_project_is_never_taken_and_frees_room_for_the_next():
    rows = [cand(1, 200), cand(2, 200)]

    line = cut_line(rows, D(250), D(0), D(0), {1: "out"})

    assert selected(line) == [2]
    assert reasons(line)[1] == Reason.FORCED_OUT


def test_a_zero_envelope_takes_only_free_projects():
    rows = [cand(1, 10), cand(2, 0, 0, 0), cand(3, 0, 1)]

    line = cut_line(rows, D(0), D(0), D(0))

    assert selected(line) == [2]
    assert reasons(line)[3] == Reason.OVER_OPEX


def test_an_incomplete_score_is_not_taken_unless_forced_in():
    rows = [cand(1, 10), cand(2, 10, complete=False), cand(3, 10, complete=False)]

    line = cut_line(rows, D(100), D(0), D(0), {3: "in"})

    assert selected(line) == [1, 3]
    assert reasons(line)[2] == Reason.INCOMPLETE


def test_ties_are_walked_in_the_order_given_which_the_ranking_sets_by_code(db):
    portfolio = factories.PortfolioFactory()
    crit = make_criteria(portfolio, ("Value", 100, True))
    later = factories.ProjectFactory(portfolio=portfolio, code="PRJ-B", budget_capex=D(100))
    first = factories.ProjectFactory(portfolio=portfolio, code="PRJ-A", budget_capex=D(100))
    score(later, crit, [3])
    score(first, crit, [3])

    ranking = portfolio_ranking(portfolio)
    line = cut_line([r.candidate() for r in ranking], D(150), D(10**9), D(10**6))

    assert [r.project.code for r in ranking] == ["PRJ-A", "PRJ-B"]
    assert [r.rank for r in ranking] == [1, 1]
    assert selected(line) == [first.pk]


# --- criteria -----------------------------------------------------------------------------


def rows(*specs):
    return [
        {"name": name, "weight": weight, "higher_is_better": True, "is_active": active}
        for name, weight, active in specs
    ]


@pytest.mark.django_db
def test_criteria_are_saved_as_a_set_whose_active_weights_make_100(pmo_user):
    portfolio = factories.PortfolioFactory()

    saved = scoring_criteria_save(
        actor=pmo_user,
        portfolio=portfolio,
        rows=rows(("Fit", 60, True), ("Value", 40, True), ("Old", 30, False)),
    )

    assert sorted(c.name for c in saved) == ["Fit", "Old", "Value"]


@pytest.mark.django_db
@pytest.mark.parametrize(("weights", "total"), [((60, 30), 90), ((60, 50), 110)])
def test_active_weights_not_summing_to_100_are_refused_naming_the_sum(pmo_user, weights, total):
    portfolio = factories.PortfolioFactory()

    with pytest.raises(ValidationError) as error:
        scoring_criteria_save(
            actor=pmo_user,
            portfolio=portfolio,
            rows=rows(("Fit", weights[0], True), ("Value", weights[1], True)),
        )

    assert f"sum to {total} %" in error.value.message_dict["weight"][0]
    assert not ScoringCriterion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("weight", [0, 101, -5])
def test_a_weight_out_of_1_to_100_is_a_weight_error(pmo_user, weight):
    portfolio = factories.PortfolioFactory()

    with pytest.raises(ValidationError) as error:
        scoring_criteria_save(
            actor=pmo_user,
            portfolio=portfolio,
            rows=rows(("Fit", weight, True), ("Value", 100 - weight, True)),
        )

    assert "weight" in error.value.message_dict
    assert not ScoringCriterion.objects.exists()


@pytest.mark.django_db
def test_two_criteria_of_one_name_are_refused(pmo_user):
    portfolio = factories.PortfolioFactory()

    with pytest.raises(ValidationError) as error:
        scoring_criteria_save(
            actor=pmo_user, portfolio=portfolio, rows=rows(("Fit", 50, True), ("fit", 50, True))
        )

    assert "name" in error.value.message_dict


@pytest.mark.django_db
def test_a_refused_set_leaves_the_former_set_untouched(pmo_user):
    portfolio = factories.PortfolioFactory()
    kept = make_criteria(portfolio, ("Fit", 60, True), ("Value", 40, True))

    with pytest.raises(ValidationError):
        scoring_criteria_save(
            actor=pmo_user,
            portfolio=portfolio,
            rows=[{"id": kept[0].pk, "name": "Fit", "weight": 70, "is_active": True}],
        )

    assert sorted(ScoringCriterion.objects.values_list("name", "weight")) == [
        ("Fit", 60),
        ("Value", 40),
    ]


@pytest.mark.django_db
def test_saving_a_set_keeps_named_criteria_renames_and_deletes_the_others(pmo_user):
    portfolio = factories.PortfolioFactory()
    fit, value = make_criteria(portfolio, ("Fit", 60, True), ("Value", 40, True))
    project = factories.ProjectFactory(portfolio=portfolio)
    score(project, [fit, value], [4, 2])

    scoring_criteria_save(
        actor=pmo_user,
        portfolio=portfolio,
        rows=[{"id": fit.pk, "name": "Value", "weight": 100, "is_active": True}],
    )

    assert list(ScoringCriterion.objects.values_list("pk", "name")) == [(fit.pk, "Value")]
    assert list(ProjectScore.objects.values_list("criterion_id", "score")) == [(fit.pk, 4)]


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["pm_user", "exec_user", "integration_user", "no_role_user"])
def test_only_the_pmo_saves_criteria(request, user):
    with pytest.raises(PermissionDenied):
        scoring_criteria_save(
            actor=request.getfixturevalue(user),
            portfolio=factories.PortfolioFactory(),
            rows=rows(("Fit", 100, True)),
        )


# --- scores -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scores_are_upserted_and_a_null_score_removes_one(pmo_user, project):
    fit, value = make_criteria(project.portfolio, ("Fit", 60, True), ("Value", 40, True))

    project_scores_save(actor=pmo_user, project=project, scores={fit.pk: (3, "ok")})
    project_scores_save(
        actor=pmo_user, project=project, scores={fit.pk: (5, "better"), value.pk: (2, "")}
    )
    project_scores_save(actor=pmo_user, project=project, scores={value.pk: (None, "")})

    assert list(ProjectScore.objects.values_list("criterion_id", "score", "comment")) == [
        (fit.pk, 5, "better")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [-1, 6, "3", 2.5])
def test_a_score_out_of_0_to_5_is_a_score_error_and_nothing_is_saved(pmo_user, project, value):
    fit, other = make_criteria(project.portfolio, ("Fit", 60, True), ("Value", 40, True))

    with pytest.raises(ValidationError) as error:
        project_scores_save(
            actor=pmo_user, project=project, scores={other.pk: (4, ""), fit.pk: (value, "")}
        )

    assert "Fit" in error.value.message_dict["score"][0]
    assert not ProjectScore.objects.exists()


@pytest.mark.django_db
def test_a_criterion_of_another_portfolio_is_refused(pmo_user, project):
    elsewhere = make_criteria(factories.PortfolioFactory(), ("Fit", 100, True))[0]

    with pytest.raises(ValidationError) as error:
        project_scores_save(actor=pmo_user, project=project, scores={elsewhere.pk: (3, "")})

    assert "criterion" in error.value.message_dict


@pytest.mark.django_db
def test_a_project_manager_may_not_score_even_their_own_project(pm_user, project):
    fit = make_criteria(project.portfolio, ("Fit", 100, True))[0]

    with pytest.raises(PermissionDenied):
        project_scores_save(actor=pm_user, project=project, scores={fit.pk: (5, "")})


# --- ranking ------------------------------------------------------------------------------


@pytest.fixture
def scored_portfolio(db):
    """Fit 60 % and Risk 40 % (lower is better); A 92, B 52, C incomplete, D closed."""
    portfolio = factories.PortfolioFactory()
    fit, risk = make_criteria(portfolio, ("Fit", 60, True), ("Risk", 40, False))
    projects = {
        code: factories.ProjectFactory(
            portfolio=portfolio, code=code, budget_capex=D(capex), budget_opex=D(opex)
        )
        for code, capex, opex in (
            ("PRJ-A", 100, 10),
            ("PRJ-B", 300, 20),
            ("PRJ-C", 50, 5),
            ("PRJ-D", 10, 1),
        )
    }
    score(projects["PRJ-A"], [fit, risk], [5, 1])  # 60 + 40×4/5 = 92
    score(projects["PRJ-B"], [fit, risk], [2, 0])  # 24 + 40 = 64
    score(projects["PRJ-C"], [fit, risk], [5, None])
    score(projects["PRJ-D"], [fit, risk], [5, 0])
    Project.objects.filter(pk=projects["PRJ-D"].pk).update(phase=Phase.CLOSED)
    return SimpleNamespace(portfolio=portfolio, projects=projects, fit=fit, risk=risk)


def test_the_ranking_orders_by_score_puts_incomplete_last_and_leaves_out_closed(
    scored_portfolio,
):
    ranking = portfolio_ranking(scored_portfolio.portfolio)

    assert [(r.project.code, r.rank, r.weighted_score) for r in ranking] == [
        ("PRJ-A", 1, D("92.0")),
        ("PRJ-B", 2, D("64.0")),
        ("PRJ-C", None, None),
    ]


def test_the_ranking_gives_the_average_fte_of_the_next_twelve_months(scored_portfolio):
    project = scored_portfolio.projects["PRJ-A"]
    this_month = month_math.month_start(timezone.localdate())
    resource = factories.ResourceFactory()
    for offset, fte in ((0, "1.5"), (5, "1.5"), (12, "9"), (-1, "9")):
        factories.AllocationFactory(
            project=project,
            resource=resource,
            month=month_math.add_months(this_month, offset),
            fte=D(fte),
        )

    ranking = {r.project.code: r for r in portfolio_ranking(scored_portfolio.portfolio)}

    assert ranking["PRJ-A"].fte == D("0.25")  # (1.5 + 1.5) / 12
    assert ranking["PRJ-B"].fte == D("0.00")


@pytest.mark.django_db
def test_the_ranking_costs_the_same_queries_for_5_projects_as_for_50():
    def queries(count):
        portfolio = factories.PortfolioFactory()
        crit = make_criteria(portfolio, ("Fit", 50, True), ("Risk", 50, False))
        objective = factories.StrategicObjectiveFactory()
        resource = factories.ResourceFactory()
        month = month_math.month_start(timezone.localdate())
        for _ in range(count):
            project = factories.ProjectFactory(portfolio=portfolio)
            score(project, crit, [3, 2])
            factories.ProjectObjectiveFactory(project=project, objective=objective)
            factories.AllocationFactory(project=project, resource=resource, month=month)
        with CaptureQueriesContext(connection) as context:
            ranking = portfolio_ranking(portfolio)
            assert len(ranking) == count
        return len(context.captured_queries)

    assert queries(5) == queries(50)


# --- scenarios ----------------------------------------------------------------------------


def envelope(capex, opex="1000000", fte="100"):
    return {
        "name": "Budget",
        "capex_envelope": D(capex),
        "opex_envelope": D(opex),
        "fte_capacity": D(fte),
    }


def test_a_scenario_freezes_its_selection_with_reasons_and_totals(scored_portfolio, pmo_user):
    scenario = scenario_save(
        actor=pmo_user, portfolio=scored_portfolio.portfolio, data=envelope("350"), choices={}
    )

    result = Scenario.objects.get(pk=scenario.pk).result
    assert [(r["code"], r["selected"], r["reason"]) for r in result["rows"]] == [
        ("PRJ-A", True, Reason.FITS),
        ("PRJ-B", False, Reason.OVER_CAPEX),
        ("PRJ-C", False, Reason.INCOMPLETE),
    ]
    assert result["rows"][0]["weighted_score"] == "92.0"
    assert result["totals"]["capex"] == {"used": "100.00", "envelope": "350.00"}
    assert result["totals"]["selected"] == 1


def test_forced_choices_are_kept_and_applied(scored_portfolio, pmo_user):
    projects = scored_portfolio.projects

    scenario = scenario_save(
        actor=pmo_user,
        portfolio=scored_portfolio.portfolio,
        data=envelope("350"),
        choices={projects["PRJ-C"].pk: "in", projects["PRJ-A"].pk: "out"},
    )

    rows = {r["code"]: r for r in scenario.result["rows"]}
    assert (rows["PRJ-C"]["selected"], rows["PRJ-C"]["reason"]) == (True, Reason.FORCED_IN)
    assert (rows["PRJ-A"]["selected"], rows["PRJ-A"]["reason"]) == (False, Reason.FORCED_OUT)
    assert rows["PRJ-B"]["selected"] is True  # 50 + 300 = 350
    assert scenario.choices.count() == 2


def test_saving_and_recomputing_a_scenario_never_changes_a_project(scored_portfolio, pmo_user):
    projects = scored_portfolio.projects
    before = {p.pk: model_to_dict(p) for p in Project.objects.all()}
    stamps = dict(Project.objects.values_list("pk", "updated_at"))
    scores_before = list(ProjectScore.objects.values_list("pk", "score", "updated_at"))

    scenario = scenario_save(
        actor=pmo_user,
        portfolio=scored_portfolio.portfolio,
        data=envelope("0", "0", "0"),
        choices={projects["PRJ-B"].pk: "in", projects["PRJ-A"].pk: "out"},
    )
    scenario_recompute(actor=pmo_user, scenario=scenario)

    assert {p.pk: model_to_dict(p) for p in Project.objects.all()} == before
    assert dict(Project.objects.values_list("pk", "updated_at")) == stamps
    assert list(ProjectScore.objects.values_list("pk", "score", "updated_at")) == scores_before


def test_recompute_replaces_the_frozen_result_with_todays_data(scored_portfolio, pmo_user):
    scenario = scenario_save(
        actor=pmo_user, portfolio=scored_portfolio.portfolio, data=envelope("350"), choices={}
    )
    b_scores = ProjectScore.objects.filter(project=scored_portfolio.projects["PRJ-B"])
    b_scores.filter(criterion=scored_portfolio.fit).update(score=5)  # now 60 + 40 = 100

    frozen = Scenario.objects.get(pk=scenario.pk).result
    scenario_recompute(actor=pmo_user, scenario=scenario)
    fresh = Scenario.objects.get(pk=scenario.pk).result

    assert frozen["rows"][0]["code"] == "PRJ-A"
    assert (fresh["rows"][0]["code"], fresh["rows"][0]["weighted_score"]) == ("PRJ-B", "100.0")
    assert fresh["computed_at"] >= frozen["computed_at"]


@pytest.mark.parametrize("field", ["capex_envelope", "opex_envelope", "fte_capacity"])
def test_a_negative_envelope_is_an_error_on_its_field(scored_portfolio, pmo_user, field):
    data = {**envelope("100"), field: D("-1")}

    with pytest.raises(ValidationError) as error:
        scenario_save(actor=pmo_user, portfolio=scored_portfolio.portfolio, data=data, choices={})

    assert field in error.value.message_dict
    assert not Scenario.objects.exists()


def test_a_forced_project_of_another_portfolio_or_unknown_is_a_choices_error(
    scored_portfolio, pmo_user
):
    elsewhere = factories.ProjectFactory()

    for choices in ({elsewhere.pk: "in"}, {999999: "out"}):
        with pytest.raises(ValidationError) as error:
            scenario_save(
                actor=pmo_user,
                portfolio=scored_portfolio.portfolio,
                data=envelope("100"),
                choices=choices,
            )
        assert "choices" in error.value.message_dict
    assert not Scenario.objects.exists()


def test_two_scenarios_of_one_name_in_a_portfolio_are_a_name_error(scored_portfolio, pmo_user):
    portfolio = scored_portfolio.portfolio
    scenario_save(actor=pmo_user, portfolio=portfolio, data=envelope("100"), choices={})

    with pytest.raises(ValidationError) as error:
        scenario_save(actor=pmo_user, portfolio=portfolio, data=envelope("200"), choices={})

    assert "name" in error.value.message_dict


@pytest.mark.django_db
def test_the_ranking_date_sets_the_fte_window(scored_portfolio):
    project = scored_portfolio.projects["PRJ-B"]
    factories.AllocationFactory(project=project, month=datetime.date(2030, 1, 1), fte=D("12"))

    rows = portfolio_ranking(scored_portfolio.portfolio, today=datetime.date(2030, 1, 15))

    assert next(r for r in rows if r.project == project).fte == D("1.00")
