"""Filters of the RAID log and change requests, shared by the list pages and the API."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from risks.choices import (
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    Level,
    RiskStatus,
)
from risks.filtersets import (
    ActionFilterSet,
    ChangeRequestFilterSet,
    DecisionFilterSet,
    IssueFilterSet,
    RiskFilterSet,
)
from risks.models import Risk, RiskPolicy
from tests import factories

DAY = datetime.timedelta(days=1)
ESCALATED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def filtered(filterset_class, data, user=None) -> set:
    model = filterset_class._meta.model
    request = SimpleNamespace(user=user or AnonymousUser())
    filterset = filterset_class(data, queryset=model.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def places(pmo_user):
    """A portfolio with a programme holding a project, and another portfolio's project."""
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    return SimpleNamespace(
        portfolio=portfolio,
        programme=programme,
        project=factories.ProjectFactory(portfolio=portfolio, programme=programme),
        outside_programme=factories.ProjectFactory(portfolio=portfolio),
        elsewhere=factories.ProjectFactory(),
        owner=pmo_user,
    )


def risk_at_every_level(places) -> dict[str, Risk]:
    return {
        "project": factories.RiskFactory(project=places.project),
        "outside_programme": factories.RiskFactory(project=places.outside_programme),
        "programme": factories.RiskFactory(
            project=None, programme=places.programme, owner=places.owner
        ),
        "portfolio": factories.RiskFactory(
            project=None, portfolio=places.portfolio, owner=places.owner
        ),
        "elsewhere": factories.RiskFactory(project=places.elsewhere),
    }


# --- where entries are held -------------------------------------------------------------


@pytest.mark.django_db
def test_the_portfolio_filter_keeps_the_portfolios_programmes_and_projects_entries(places):
    risks = risk_at_every_level(places)

    found = filtered(RiskFilterSet, {"portfolio": places.portfolio.pk})

    assert found == {risks[k] for k in ("project", "outside_programme", "programme", "portfolio")}


@pytest.mark.django_db
def test_the_programme_filter_keeps_the_programmes_and_its_projects_entries(places):
    risks = risk_at_every_level(places)

    found = filtered(RiskFilterSet, {"programme": places.programme.pk})

    assert found == {risks["project"], risks["programme"]}


@pytest.mark.django_db
def test_the_project_filter_keeps_the_projects_entries(places):
    risks = risk_at_every_level(places)

    assert filtered(RiskFilterSet, {"project": places.project.pk}) == {risks["project"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.PROJECT, {"project", "outside_programme", "elsewhere"}),
        (Level.PROGRAMME, {"programme"}),
        (Level.PORTFOLIO, {"portfolio"}),
    ],
)
def test_the_level_filter_keeps_the_entries_held_at_that_level(level, expected, places):
    risks = risk_at_every_level(places)

    assert filtered(RiskFilterSet, {"level": level}) == {risks[k] for k in expected}


@pytest.mark.django_db
def test_an_unknown_level_is_refused():
    filterset = RiskFilterSet({"level": "galaxy"}, queryset=Risk.objects.all())

    assert not filterset.is_valid()
    assert "level" in filterset.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset_class", "make", "person"),
    [
        (IssueFilterSet, factories.IssueFactory, "owner"),
        (ActionFilterSet, factories.ActionFactory, "owner"),
        (DecisionFilterSet, factories.DecisionFactory, "requested_by"),
    ],
)
def test_every_raid_list_filters_by_portfolio_and_level(filterset_class, make, person, places):
    on_project = make(project=places.project)
    on_portfolio = make(project=None, portfolio=places.portfolio, **{person: places.owner})
    make(project=places.elsewhere)

    assert filtered(filterset_class, {"portfolio": places.portfolio.pk}) == {
        on_project,
        on_portfolio,
    }
    assert filtered(filterset_class, {"level": Level.PORTFOLIO}) == {on_portfolio}


# --- risks ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_score_range_keeps_the_risks_scored_within_it(project):
    by_score = {
        p * i: factories.RiskFactory(project=project, probability=p, impact=i)
        for p, i in [(1, 4), (2, 3), (3, 4), (4, 4), (5, 5)]
    }

    found = filtered(RiskFilterSet, {"score_min": 6, "score_max": 16})

    assert found == {by_score[6], by_score[12], by_score[16]}
    assert filtered(RiskFilterSet, {"score_min": 20}) == {by_score[25]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", {"open", "mitigating"}), ("false", {"closed", "occurred"}), ("", None)],
)
def test_the_live_filter_splits_live_from_closed_risks(value, expected, project):
    risks = {status: factories.RiskFactory(project=project, status=status) for status in RiskStatus}

    found = filtered(RiskFilterSet, {"live": value})

    assert found == {risks[s] for s in (expected or risks)}


@pytest.mark.django_db
def test_the_status_filter_takes_several_statuses(project):
    risks = {status: factories.RiskFactory(project=project, status=status) for status in RiskStatus}

    found = filtered(RiskFilterSet, {"status": [RiskStatus.CLOSED, RiskStatus.OCCURRED]})

    assert found == {risks[RiskStatus.CLOSED], risks[RiskStatus.OCCURRED]}


@pytest.mark.django_db
def test_the_proposed_filter_follows_the_policy_threshold(project):
    RiskPolicy.objects.create(escalation_threshold=12)
    proposed = factories.RiskFactory(project=project, probability=3, impact=4)
    below = factories.RiskFactory(project=project, probability=2, impact=5)
    escalated = factories.RiskFactory(
        project=project, probability=5, impact=5, escalated_at=ESCALATED
    )
    closed = factories.RiskFactory(
        project=project, probability=5, impact=5, status=RiskStatus.CLOSED
    )

    assert filtered(RiskFilterSet, {"proposed": "true"}) == {proposed}
    assert filtered(RiskFilterSet, {"proposed": "false"}) == {below, escalated, closed}


@pytest.mark.django_db
def test_the_escalated_filter_keeps_the_escalated_risks(project):
    escalated = factories.RiskFactory(project=project, escalated_at=ESCALATED)
    waiting = factories.RiskFactory(project=project)

    assert filtered(RiskFilterSet, {"escalated": "true"}) == {escalated}
    assert filtered(RiskFilterSet, {"escalated": "false"}) == {waiting}


@pytest.mark.django_db
def test_the_overdue_filter_keeps_live_risks_past_their_review(project):
    today = timezone.localdate()
    late = factories.RiskFactory(project=project, next_review_date=today - DAY)
    on_time = factories.RiskFactory(project=project, next_review_date=today)
    unplanned = factories.RiskFactory(project=project)
    closed = factories.RiskFactory(
        project=project, next_review_date=today - DAY, status=RiskStatus.CLOSED
    )

    assert filtered(RiskFilterSet, {"overdue": "true"}) == {late}
    assert filtered(RiskFilterSet, {"overdue": "false"}) == {on_time, unplanned, closed}


@pytest.mark.django_db
def test_the_mine_filter_keeps_the_entries_the_user_owns(project, pm_user, other_pm_user):
    mine = factories.RiskFactory(project=project, owner=pm_user)
    factories.RiskFactory(project=project, owner=other_pm_user)

    assert filtered(RiskFilterSet, {"mine": "true"}, user=pm_user) == {mine}


@pytest.mark.django_db
def test_the_mine_filter_keeps_everything_for_an_anonymous_visitor(project, pm_user):
    risks = {factories.RiskFactory(project=project, owner=pm_user), factories.RiskFactory()}

    assert filtered(RiskFilterSet, {"mine": "true"}) == risks


@pytest.mark.django_db
def test_the_search_looks_in_titles_descriptions_and_project_codes(project):
    by_title = factories.RiskFactory(project=project, title="Supplier bankrupt")
    by_text = factories.RiskFactory(project=project, description="The SUPPLIER may leave")
    by_code = factories.RiskFactory(project=factories.ProjectFactory(code="SUPPLIER-1"))
    factories.RiskFactory(project=project, title="Key people leave")

    assert filtered(RiskFilterSet, {"q": " supplier "}) == {by_title, by_text, by_code}


# --- issues, actions, decisions, change requests ------------------------------------------


@pytest.mark.django_db
def test_the_issue_overdue_filter_keeps_open_issues_past_their_target(project):
    today = timezone.localdate()
    late = factories.IssueFactory(project=project, target_date=today - DAY)
    factories.IssueFactory(project=project, target_date=today)
    factories.IssueFactory(project=project, target_date=today - DAY, status=IssueStatus.RESOLVED)

    assert filtered(IssueFilterSet, {"overdue": "true"}) == {late}


@pytest.mark.django_db
def test_the_action_overdue_filter_keeps_pending_actions_past_their_due_date(project):
    today = timezone.localdate()
    late = factories.ActionFactory(project=project, due_date=today - DAY)
    started = factories.ActionFactory(
        project=project, due_date=today - DAY, status=ActionStatus.IN_PROGRESS
    )
    factories.ActionFactory(project=project, due_date=today)
    factories.ActionFactory(project=project, due_date=today - DAY, status=ActionStatus.DONE)

    assert filtered(ActionFilterSet, {"overdue": "true"}) == {late, started}


@pytest.mark.django_db
def test_the_action_pending_filter_keeps_open_and_started_actions(project):
    actions = {
        status: factories.ActionFactory(project=project, status=status) for status in ActionStatus
    }

    assert filtered(ActionFilterSet, {"pending": "true"}) == {
        actions[ActionStatus.OPEN],
        actions[ActionStatus.IN_PROGRESS],
    }
    assert filtered(ActionFilterSet, {"pending": "false"}) == {
        actions[ActionStatus.DONE],
        actions[ActionStatus.CANCELLED],
    }


@pytest.mark.django_db
def test_the_action_mine_filter_keeps_the_actions_the_user_owns(project, other_pm_user):
    mine = factories.ActionFactory(project=project, owner=other_pm_user)
    factories.ActionFactory(project=project)

    assert filtered(ActionFilterSet, {"mine": "true"}, user=other_pm_user) == {mine}


@pytest.mark.django_db
def test_the_decision_overdue_filter_keeps_requested_decisions_past_their_date(project):
    today = timezone.localdate()
    late = factories.DecisionFactory(project=project, needed_by=today - DAY)
    factories.DecisionFactory(project=project, needed_by=today)
    factories.DecisionFactory(project=project, needed_by=today - DAY, state=DecisionState.WITHDRAWN)

    assert filtered(DecisionFilterSet, {"overdue": "true"}) == {late}


@pytest.mark.django_db
def test_the_change_request_filters_keep_those_awaiting_a_decision_in_a_portfolio(places):
    awaiting = factories.ChangeRequestFactory(project=places.project, state=ChangeState.SUBMITTED)
    factories.ChangeRequestFactory(project=places.project)
    factories.ChangeRequestFactory(project=places.elsewhere, state=ChangeState.SUBMITTED)

    found = filtered(
        ChangeRequestFilterSet, {"portfolio": places.portfolio.pk, "awaiting_decision": "true"}
    )

    assert found == {awaiting}


@pytest.mark.django_db
def test_the_change_request_programme_filter_keeps_its_projects_requests(places):
    inside = factories.ChangeRequestFactory(project=places.project)
    factories.ChangeRequestFactory(project=places.outside_programme)

    assert filtered(ChangeRequestFilterSet, {"programme": places.programme.pk}) == {inside}
