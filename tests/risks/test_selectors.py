"""Reads of the RAID log: the heat map, score bands, escalation proposals, what a portfolio or
programme holds, and the project's RAID panel in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risks import selectors
from risks.choices import ActionStatus, DecisionState, IssueStatus, RiskStatus
from risks.models import Risk, RiskPolicy
from tests import factories

D = datetime.date
TODAY = D(2026, 3, 11)
ESCALATED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def cell(grid, probability, impact) -> dict:
    return next(
        c
        for row in grid["rows"]
        for c in row["cells"]
        if (c["probability"], c["impact"]) == (probability, impact)
    )


def counts(grid) -> dict[tuple[int, int], int]:
    """The cells holding risks: (probability, impact) → count."""
    return {
        (c["probability"], c["impact"]): c["count"]
        for row in grid["rows"]
        for c in row["cells"]
        if c["count"]
    }


# --- heat map -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_heat_map_counts_risks_by_probability_and_impact(project):
    for p, i in [(3, 4), (3, 4), (1, 5), (5, 1)]:
        factories.RiskFactory(project=project, probability=p, impact=i)

    grid = selectors.heat_map(Risk.objects.all(), threshold=15)

    assert counts(grid) == {(3, 4): 2, (1, 5): 1, (5, 1): 1}
    assert grid["total"] == 4
    assert grid["residual"] is False


@pytest.mark.django_db
def test_the_residual_heat_map_leaves_out_risks_without_a_residual_assessment(project):
    factories.RiskFactory(project=project, probability=4, impact=4)
    factories.RiskFactory(
        project=project, probability=4, impact=4, residual_probability=2, residual_impact=3
    )
    factories.RiskFactory(
        project=project, probability=5, impact=5, residual_probability=2, residual_impact=3
    )

    grid = selectors.heat_map(Risk.objects.all(), residual=True, threshold=15)

    assert counts(grid) == {(2, 3): 2}
    assert grid["total"] == 2
    assert (grid["probability_field"], grid["impact_field"]) == (
        "residual_probability",
        "residual_impact",
    )


@pytest.mark.django_db
def test_the_heat_map_counts_only_the_risks_given(project):
    factories.RiskFactory(project=project, probability=2, impact=2)
    factories.RiskFactory(project=project, probability=2, impact=2, status=RiskStatus.CLOSED)

    grid = selectors.heat_map(selectors.live_risks(), threshold=15)

    assert counts(grid) == {(2, 2): 1}


@pytest.mark.django_db
def test_the_heat_map_has_impact_5_on_top_and_probability_1_on_the_left():
    grid = selectors.heat_map(Risk.objects.none(), threshold=15)

    assert [row["impact"] for row in grid["rows"]] == [5, 4, 3, 2, 1]
    assert [c["probability"] for c in grid["rows"][0]["cells"]] == [1, 2, 3, 4, 5]
    assert grid["total"] == 0


@pytest.mark.django_db
def test_each_heat_map_cell_has_its_score_and_band():
    grid = selectors.heat_map(Risk.objects.none(), threshold=15)

    assert (cell(grid, 5, 5)["score"], cell(grid, 5, 5)["band"]) == (25, "critical")
    assert (cell(grid, 3, 4)["score"], cell(grid, 3, 4)["band"]) == (12, "high")
    assert (cell(grid, 2, 3)["score"], cell(grid, 2, 3)["band"]) == (6, "medium")
    assert (cell(grid, 1, 4)["score"], cell(grid, 1, 4)["band"]) == (4, "low")


@pytest.mark.django_db
def test_the_heat_map_bands_follow_the_policy_threshold_by_default():
    RiskPolicy.objects.create(escalation_threshold=12)

    grid = selectors.heat_map(Risk.objects.none())

    assert cell(grid, 3, 4)["band"] == "critical"


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_the_heat_map_reads_in_one_query(rows, project, django_assert_num_queries):
    for n in range(rows):
        factories.RiskFactory(
            project=project, probability=n % 5 + 1, impact=(n // 5) % 5 + 1, owner=None
        )

    with django_assert_num_queries(1):
        grid = selectors.heat_map(Risk.objects.all(), threshold=15)

    assert grid["total"] == rows


@pytest.mark.parametrize(
    ("score", "threshold", "band"),
    [
        (None, 15, "none"),
        (0, 15, "none"),
        (1, 15, "low"),
        (4, 15, "low"),
        (5, 15, "medium"),
        (9, 15, "medium"),
        (10, 15, "high"),
        (14, 15, "high"),
        (15, 15, "critical"),
        (25, 15, "critical"),
        (8, 8, "critical"),
        (20, 25, "high"),
    ],
)
def test_a_score_falls_in_its_band(score, threshold, band):
    assert selectors.score_band(score, threshold) == band


# --- escalation proposals -------------------------------------------------------------------


@pytest.mark.django_db
def test_escalation_proposals_are_live_unescalated_risks_at_the_policy_threshold(project):
    RiskPolicy.objects.create(escalation_threshold=12)
    at = factories.RiskFactory(project=project, probability=3, impact=4)
    above = factories.RiskFactory(
        project=project, probability=5, impact=5, status=RiskStatus.MITIGATING
    )
    factories.RiskFactory(project=project, probability=2, impact=5)
    factories.RiskFactory(project=project, probability=5, impact=5, escalated_at=ESCALATED)
    factories.RiskFactory(project=project, probability=5, impact=5, status=RiskStatus.CLOSED)
    factories.RiskFactory(project=project, probability=5, impact=5, status=RiskStatus.OCCURRED)

    assert set(selectors.escalation_proposals()) == {at, above}


@pytest.mark.django_db
def test_escalation_proposals_use_15_until_the_pmo_sets_a_threshold(project):
    factories.RiskFactory(project=project, probability=2, impact=5)
    fifteen = factories.RiskFactory(project=project, probability=3, impact=5)

    assert list(selectors.escalation_proposals()) == [fifteen]


@pytest.mark.django_db
def test_escalation_proposals_take_a_threshold_and_a_queryset(project):
    mine = factories.RiskFactory(project=project, probability=2, impact=3)
    factories.RiskFactory(probability=2, impact=3)

    proposals = selectors.escalation_proposals(Risk.objects.filter(project=project), threshold=6)

    assert list(proposals) == [mine]


# --- where entries are held -----------------------------------------------------------------


@pytest.fixture
def holdings(pmo_user):
    """A portfolio with a programme and a project in it, a project outside the programme, and
    a risk at every level, plus a risk of another portfolio."""
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    in_programme = factories.ProjectFactory(portfolio=portfolio, programme=programme)
    outside = factories.ProjectFactory(portfolio=portfolio)
    other_portfolio = factories.PortfolioFactory()
    return {
        "portfolio": portfolio,
        "programme": programme,
        "on_project_of_programme": factories.RiskFactory(project=in_programme),
        "on_project_outside": factories.RiskFactory(project=outside),
        "on_programme": factories.RiskFactory(project=None, programme=programme, owner=pmo_user),
        "on_portfolio": factories.RiskFactory(project=None, portfolio=portfolio, owner=pmo_user),
        "elsewhere": factories.RiskFactory(
            project=factories.ProjectFactory(portfolio=other_portfolio)
        ),
        "other_programme": factories.RiskFactory(
            project=None,
            programme=factories.ProgrammeFactory(portfolio=other_portfolio),
            owner=pmo_user,
        ),
        "other_portfolio": factories.RiskFactory(
            project=None, portfolio=other_portfolio, owner=pmo_user
        ),
    }


@pytest.mark.django_db
def test_a_portfolio_holds_its_own_its_programmes_and_its_projects_entries(holdings):
    found = set(Risk.objects.filter(selectors.in_portfolio(holdings["portfolio"])))

    assert found == {
        holdings[name]
        for name in (
            "on_project_of_programme",
            "on_project_outside",
            "on_programme",
            "on_portfolio",
        )
    }


@pytest.mark.django_db
def test_a_programme_holds_its_own_and_its_projects_entries(holdings):
    found = set(Risk.objects.filter(selectors.in_programme(holdings["programme"])))

    assert found == {holdings["on_project_of_programme"], holdings["on_programme"]}


@pytest.mark.django_db
def test_overdue_actions_are_pending_actions_past_their_due_date(project):
    late = factories.ActionFactory(project=project, due_date=D(2026, 3, 10))
    factories.ActionFactory(project=project, due_date=TODAY)
    factories.ActionFactory(project=project, due_date=D(2026, 3, 1), status=ActionStatus.DONE)
    started = factories.ActionFactory(
        project=project, due_date=D(2026, 2, 1), status=ActionStatus.IN_PROGRESS
    )

    assert set(selectors.overdue_actions(today=TODAY)) == {late, started}


# --- the project's RAID panel ---------------------------------------------------------------


def fill_raid_log(project, rows: int) -> None:
    """``rows`` of each kind on ``project``, each owned by someone else, plus finished ones."""
    for n in range(rows):
        owner = factories.project_manager()
        factories.RiskFactory(
            project=project,
            owner=owner,
            probability=n % 5 + 1,
            impact=4,
            residual_probability=1,
            residual_impact=1,
            escalated_at=ESCALATED if n % 3 == 0 else None,
            escalated_by=owner if n % 3 == 0 else None,
        )
        factories.IssueFactory(project=project, owner=owner)
        factories.ActionFactory(project=project, owner=owner, due_date=D(2026, 3, 1 + n % 20))
        factories.DecisionFactory(project=project, requested_by=owner)
    factories.RiskFactory(project=project, status=RiskStatus.CLOSED)
    factories.IssueFactory(project=project, status=IssueStatus.RESOLVED)
    factories.ActionFactory(project=project, status=ActionStatus.DONE)


def raid_queries(project) -> int:
    with CaptureQueriesContext(connection) as context:
        raid = selectors.project_raid(project, today=TODAY)
        for risk in raid["risks"]:
            str(risk.owner), str(risk.escalated_by), risk.project.code
        for entry in raid["issues"] + raid["actions"]:
            str(entry.owner)
        for decision in raid["decisions"]:
            str(decision.requested_by)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_the_project_raid_panel_costs_the_same_with_5_or_50_rows_of_each():
    small, large = factories.ProjectFactory(), factories.ProjectFactory()
    fill_raid_log(small, 5)
    fill_raid_log(large, 50)

    assert raid_queries(small) == raid_queries(large)


@pytest.mark.django_db
def test_the_project_raid_panel_shows_what_is_still_open(project):
    RiskPolicy.objects.create(escalation_threshold=12)
    high = factories.RiskFactory(
        project=project, probability=4, impact=4, next_review_date=D(2026, 3, 1)
    )
    low = factories.RiskFactory(project=project, probability=1, impact=2)
    factories.RiskFactory(project=project, status=RiskStatus.CLOSED)
    factories.RiskFactory(project=project, status=RiskStatus.OCCURRED)
    factories.RiskFactory(probability=5, impact=5)
    issue = factories.IssueFactory(project=project)
    factories.IssueFactory(project=project, status=IssueStatus.RESOLVED)
    late = factories.ActionFactory(project=project, due_date=D(2026, 3, 10))
    factories.ActionFactory(project=project, status=ActionStatus.CANCELLED)
    decision = factories.DecisionFactory(project=project)
    factories.DecisionFactory(project=project, state=DecisionState.WITHDRAWN)

    raid = selectors.project_raid(project, today=TODAY)

    assert raid["threshold"] == 12
    assert raid["risks"] == [high, low]
    assert [(r.band, r.is_proposed, r.is_review_overdue) for r in raid["risks"]] == [
        ("critical", True, True),
        ("low", False, False),
    ]
    assert raid["closed_risk_count"] == 2
    assert raid["heat_map"]["total"] == 2
    assert raid["residual_heat_map"]["total"] == 0
    assert raid["issues"] == [issue]
    assert raid["actions"] == [late]
    assert raid["actions"][0].is_overdue is True
    assert raid["decisions"] == [decision]


@pytest.mark.django_db
def test_the_list_selectors_read_every_kind_of_entry(project):
    """Each list selector runs its joins (a typo in a related name would fail here)."""
    risk = factories.RiskFactory(project=project)
    issue = factories.IssueFactory(project=project)
    action = factories.ActionFactory(project=project)
    decision = factories.DecisionFactory(project=project)
    change = factories.ChangeRequestFactory(project=project)

    assert [
        list(selectors.risk_list()),
        list(selectors.issue_list()),
        list(selectors.action_list()),
        list(selectors.decision_list()),
        list(selectors.change_request_list()),
    ] == [[risk], [issue], [action], [decision], [change]]
