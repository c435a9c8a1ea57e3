"""Who may do what in the RAID log and change control (``pmo.rules.can``).

Everyone with a role reads; a project manager writes the entries and change requests of the
not-ended projects they manage; programme and portfolio entries are the PMO's; PMO managers
and executives decide; nobody deletes.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from pmo.rules import can
from projects.choices import Phase
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from tests import factories
from tests.conftest import ROLES

FACTORIES = {
    Risk: factories.RiskFactory,
    Issue: factories.IssueFactory,
    Action: factories.ActionFactory,
    Decision: factories.DecisionFactory,
    ChangeRequest: factories.ChangeRequestFactory,
}
SCOPED = (Risk, Issue, Action, Decision)
ALL = (*SCOPED, ChangeRequest)

EVERYONE_WITH_A_ROLE = {
    "anonymous": False,
    "no_role": False,
    "pm_own": True,
    "pm_other": True,
    "pmo": True,
    "exec": True,
    "integration": True,
}
NOBODY = dict.fromkeys(ROLES, False)
PMO_ONLY = {**NOBODY, "pmo": True}
ITS_MANAGER_TOO = {**PMO_ONLY, "pm_own": True}
DECISION_MAKERS = {**PMO_ONLY, "exec": True}


@pytest.fixture
def person(user_in_role):
    """``person(role)``: the user of the role; an anonymous visitor for "anonymous"."""

    def get(role):
        return user_in_role(role) or AnonymousUser()

    return get


def entry_of(model, project):
    """An entry of ``model`` on ``project``, owned (actions) by someone without a say."""
    if model is Action:
        return factories.ActionFactory(project=project, owner=factories.UserFactory())
    return FACTORIES[model](project=project)


def scoped_entry(model, **scope):
    """An entry of ``model`` held on a programme or a portfolio."""
    people = {"requested_by": factories.pmo_manager()} if model is Decision else {}
    if model is Action:
        people = {"owner": factories.pmo_manager()}
    return FACTORIES[model](project=None, **people, **scope)


# --- the project's entries ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("role", ROLES)
def test_everyone_with_a_role_views_raid_entries_and_change_requests(model, role, project, person):
    entry = entry_of(model, project)

    assert can(person(role), "view", entry) is EVERYONE_WITH_A_ROLE[role]
    assert can(person(role), "view", model) is EVERYONE_WITH_A_ROLE[role]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_and_the_project_manager_add_to_a_project(model, role, project, person):
    assert can(person(role), "add", model, parent=project) is ITS_MANAGER_TOO[role]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_and_the_project_manager_change_a_project_entry(model, role, project, person):
    entry = entry_of(model, project)

    assert can(person(role), "change", entry) is ITS_MANAGER_TOO[role]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_a_raid_entry_or_a_change_request(model, role, project, person):
    entry = entry_of(model, project)

    assert can(person(role), "delete", entry) is False
    assert can(person(role), "delete", model) is False


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Decision, ChangeRequest])
@pytest.mark.parametrize("role", ROLES)
def test_only_pmo_managers_and_executives_decide(model, role, project, person):
    entry = entry_of(model, project)

    assert can(person(role), "decide", entry) is DECISION_MAKERS[role]
    assert can(person(role), "decide", model) is DECISION_MAKERS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Risk, Issue, Action])
def test_risks_issues_and_actions_have_nothing_to_decide(model, pmo_user):
    with pytest.raises(ValueError, match="Unknown action"):
        can(pmo_user, "decide", model)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("pm_own", True), ("exec", False), ("pmo", True)])
@pytest.mark.parametrize("model", ALL)
def test_adding_without_a_place_yet_is_offered_to_project_managers_and_the_pmo(
    model, role, allowed, person
):
    assert can(person(role), "add", model) is allowed


# --- ended projects ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
@pytest.mark.parametrize("model", ALL)
def test_the_project_manager_no_longer_writes_once_the_project_has_ended(
    model, phase, project, pm_user
):
    entry = entry_of(model, project)
    project.phase = phase
    project.save()

    assert can(pm_user, "add", model, parent=project) is False
    assert can(pm_user, "change", entry) is False


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
@pytest.mark.parametrize("model", ALL)
def test_the_pmo_still_writes_once_the_project_has_ended(model, phase, project, pmo_user):
    entry = entry_of(model, project)
    project.phase = phase
    project.save()

    assert can(pmo_user, "add", model, parent=project) is True
    assert can(pmo_user, "change", entry) is True


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.FRAMING, Phase.PLANNING, Phase.CLOSING])
def test_the_project_manager_writes_in_every_phase_before_the_end(phase, project, pm_user):
    project.phase = phase
    project.save()

    assert can(pm_user, "add", Risk, parent=project) is True
    assert can(pm_user, "change", factories.RiskFactory(project=project)) is True


# --- programme and portfolio entries -----------------------------------------------------


@pytest.fixture
def programme(project):
    return factories.ProgrammeFactory(portfolio=project.portfolio)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", ["programme", "portfolio"])
def test_only_the_pmo_adds_to_a_programme_or_a_portfolio(
    model, role, level, project, programme, person
):
    parent = programme if level == "programme" else project.portfolio

    assert can(person(role), "add", model, parent=parent) is PMO_ONLY[role]


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", ["programme", "portfolio"])
def test_only_the_pmo_changes_a_programme_or_portfolio_entry(
    model, role, level, project, programme, person
):
    scope = {"programme": programme} if level == "programme" else {"portfolio": project.portfolio}
    entry = scoped_entry(model, **scope)

    assert can(person(role), "change", entry) is PMO_ONLY[role]
    assert can(person(role), "view", entry) is EVERYONE_WITH_A_ROLE[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_nobody_adds_a_change_request_to_a_programme(role, programme, person):
    assert can(person(role), "add", ChangeRequest, parent=programme) is False
    assert can(person(role), "add", ChangeRequest, parent=programme.portfolio) is False


# --- action owners ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_other", "exec", "integration"])
def test_the_owner_of_an_action_changes_it_wherever_it_is(role, project, user_in_role):
    owner = user_in_role(role)
    action = factories.ActionFactory(project=project, owner=owner)

    assert can(owner, "change", action) is True


@pytest.mark.django_db
def test_the_owner_of_a_programme_action_changes_it(programme, pm_user):
    action = factories.ActionFactory(project=None, programme=programme, owner=pm_user)

    assert can(pm_user, "change", action) is True


@pytest.mark.django_db
def test_an_owner_without_a_role_may_not_change_their_action(project, no_role_user):
    action = factories.ActionFactory(project=project, owner=no_role_user)

    assert can(no_role_user, "change", action) is False


@pytest.mark.django_db
def test_owning_a_risk_gives_no_right_to_change_it(project, other_pm_user):
    risk = factories.RiskFactory(project=project, owner=other_pm_user)

    assert can(other_pm_user, "change", risk) is False


@pytest.mark.django_db
def test_an_inactive_owner_may_not_change_their_action(project, other_pm_user):
    action = factories.ActionFactory(project=project, owner=other_pm_user)
    other_pm_user.is_active = False

    assert can(other_pm_user, "change", action) is False


# --- risk policy -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_pmo_sets_the_risk_policy(role, person):
    assert can(person(role), "change", RiskPolicy) is PMO_ONLY[role]
    assert can(person(role), "view", RiskPolicy) is EVERYONE_WITH_A_ROLE[role]
