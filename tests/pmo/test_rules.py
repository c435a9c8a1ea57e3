"""The rules: who may view, add, change and delete each model, asked directly or through
``has_perm``."""

import pytest

from pmo.models import User
from pmo.roles import Role, forget_roles, is_pmo_manager
from pmo.rules import RulesBackend, can
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import Phase
from projects.models import Milestone, Project, ProjectObjective
from tests import factories

ROLES = ("no_role", "pm_own", "pm_other", "pmo", "exec", "integration")
STRUCTURE_MODELS = (StrategicObjective, Portfolio, Programme)
ALL_MODELS = (*STRUCTURE_MODELS, Project, Milestone)


@pytest.fixture
def records(project):
    """One row of each model, the project and milestone managed by ``pm_user``."""
    programme = factories.ProgrammeFactory(portfolio=project.portfolio)
    return {
        StrategicObjective: factories.StrategicObjectiveFactory(),
        Portfolio: project.portfolio,
        Programme: programme,
        Project: project,
        Milestone: factories.MilestoneFactory(project=project),
    }


# --- view -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("no_role", False),
        ("pm_own", True),
        ("pm_other", True),
        ("pmo", True),
        ("exec", True),
        ("integration", True),
    ],
)
def test_everyone_with_a_role_views_every_model_and_nobody_else(
    user_in_role, records, model, role, expected
):
    user = user_in_role(role)

    assert can(user, "view", model) is expected
    assert can(user, "view", records[model]) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_anonymous_views_nothing(records, model):
    from django.contrib.auth.models import AnonymousUser

    assert can(AnonymousUser(), "view", model) is False
    assert can(AnonymousUser(), "view", records[model]) is False
    assert can(None, "view", records[model]) is False


# --- add --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", [*STRUCTURE_MODELS, Project], ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("no_role", False),
        ("pm_own", False),
        ("pm_other", False),
        ("pmo", True),
        ("exec", False),
        ("integration", False),
    ],
)
def test_only_a_pmo_manager_adds_objectives_portfolios_programmes_and_projects(
    user_in_role, model, role, expected
):
    assert can(user_in_role(role), "add", model) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "without_parent", "to_own_project"),
    [
        ("no_role", False, False),
        ("pm_own", True, True),
        ("pm_other", True, False),
        ("pmo", True, True),
        ("exec", False, False),
        ("integration", False, False),
    ],
)
def test_milestones_are_added_by_the_pmo_or_the_manager_of_their_project(
    user_in_role, project, role, without_parent, to_own_project
):
    user = user_in_role(role)

    assert can(user, "add", Milestone) is without_parent
    assert can(user, "add", Milestone, parent=project) is to_own_project


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
def test_a_project_manager_adds_no_milestone_to_an_ended_project(pm_user, phase):
    ended = factories.ProjectFactory(project_manager=pm_user, phase=phase)

    assert can(pm_user, "add", Milestone, parent=ended) is False


# --- change -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", STRUCTURE_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("no_role", False),
        ("pm_own", False),
        ("pm_other", False),
        ("pmo", True),
        ("exec", False),
        ("integration", False),
    ],
)
def test_only_a_pmo_manager_changes_the_portfolio_structure(
    user_in_role, records, model, role, expected
):
    user = user_in_role(role)

    assert can(user, "change", model) is expected
    assert can(user, "change", records[model]) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Project, Milestone], ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("role", "on_the_model", "on_the_record"),
    [
        ("no_role", False, False),
        ("pm_own", True, True),
        ("pm_other", True, False),
        ("pmo", True, True),
        ("exec", False, False),
        ("integration", False, False),
    ],
)
def test_projects_and_milestones_are_changed_by_the_pmo_or_their_project_manager(
    user_in_role, records, model, role, on_the_model, on_the_record
):
    user = user_in_role(role)

    assert can(user, "change", model) is on_the_model
    assert can(user, "change", records[model]) is on_the_record


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
def test_an_ended_project_is_frozen_for_its_manager_but_not_for_the_pmo(pm_user, pmo_user, phase):
    ended = factories.ProjectFactory(project_manager=pm_user, phase=phase)
    milestone = factories.MilestoneFactory(project=ended)

    assert can(pm_user, "change", ended) is False
    assert can(pm_user, "change", milestone) is False
    assert can(pmo_user, "change", ended) is True
    assert can(pmo_user, "change", milestone) is True


@pytest.mark.django_db
def test_a_user_named_project_manager_of_a_project_without_the_role_may_not_change_it():
    # Given a user recorded as project manager who lost (or never had) the role
    user = factories.UserFactory()
    project = factories.ProjectFactory(project_manager=user)

    assert can(user, "change", project) is False


# --- delete -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_through_the_rules(user_in_role, records, model, role):
    user = user_in_role(role)

    assert can(user, "delete", model) is False
    assert can(user, "delete", records[model]) is False


# --- superusers, inactive users, users without role ---------------------------------------


@pytest.mark.django_db
def test_a_superuser_without_any_group_counts_as_pmo_manager(project):
    admin = factories.UserFactory(is_superuser=True)

    assert is_pmo_manager(admin)
    assert can(admin, "add", Project)
    assert can(admin, "change", project)
    assert can(admin, "add", Milestone, parent=project)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pmo", "pm_own", "exec", "integration"])
def test_an_inactive_user_gets_nothing_whatever_the_role(user_in_role, records, role):
    user = user_in_role(role)
    user.is_active = False
    user.save()

    for model, record in records.items():
        for action in ("view", "add", "change"):
            assert can(user, action, model) is False
            assert can(user, action, record) is False
        assert user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}") is False


@pytest.mark.django_db
def test_an_inactive_superuser_gets_nothing(project):
    admin = factories.UserFactory(is_superuser=True, is_active=False)

    assert not is_pmo_manager(admin)
    assert can(admin, "view", project) is False
    assert admin.has_perm("projects.view_project", project) is False


@pytest.mark.django_db
def test_a_user_without_role_gets_nothing(no_role_user, records):
    for model, record in records.items():
        for action in ("view", "add", "change", "delete"):
            assert can(no_role_user, action, model) is False
            assert can(no_role_user, action, record) is False


@pytest.mark.django_db
def test_groups_other_than_the_roles_give_nothing(project):
    from django.contrib.auth.models import Group

    user = factories.UserFactory()
    user.groups.add(Group.objects.create(name="Friends of the PMO"))

    assert can(user, "view", project) is False


@pytest.mark.django_db
def test_a_role_given_later_counts_once_the_cached_roles_are_forgotten(project):
    from django.contrib.auth.models import Group

    user = factories.UserFactory()
    assert can(user, "view", project) is False

    user.groups.add(Group.objects.get(name=Role.EXECUTIVE))
    forget_roles(user)

    assert can(user, "view", project) is True


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="approve"):
        can(User(is_superuser=True), "approve", Project)


@pytest.mark.django_db
def test_a_model_without_rules_is_refused_to_everyone_through_the_rules(pmo_user, project):
    contribution = factories.ProjectObjectiveFactory(project=project)

    assert can(pmo_user, "view", ProjectObjective) is False
    assert can(pmo_user, "view", contribution) is False
    assert can(pmo_user, "view", User) is False


# --- RulesBackend -----------------------------------------------------------------------


@pytest.mark.django_db
def test_has_perm_with_an_object_follows_the_rules_on_that_object(pm_user, project):
    other = factories.ProjectFactory()

    assert pm_user.has_perm("projects.change_project", project) is True
    assert pm_user.has_perm("projects.change_project", other) is False
    assert pm_user.has_perm("projects.view_project", other) is True


@pytest.mark.django_db
def test_has_perm_without_an_object_asks_the_rules_of_the_model(pm_user, exec_user):
    assert pm_user.has_perm("projects.change_project") is True
    assert pm_user.has_perm("projects.add_project") is False
    assert pm_user.has_perm("projects.add_milestone") is True
    assert exec_user.has_perm("projects.view_project") is True
    assert exec_user.has_perm("projects.change_project") is False


@pytest.mark.django_db
def test_has_perm_never_grants_delete(pmo_user, project):
    assert pmo_user.has_perm("projects.delete_project") is False
    assert pmo_user.has_perm("projects.delete_project", project) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "perm",
    [
        "nonsense",
        "projects.nonsense",
        "projects.view_nothing",
        "nowhere.view_project",
        "projects.approve_project",
        "projects.view_projectobjective",
        "pmo.view_user",
    ],
)
def test_has_perm_refuses_malformed_unknown_or_unruled_permissions(pmo_user, perm):
    assert RulesBackend().has_perm(pmo_user, perm) is False


@pytest.mark.django_db
def test_the_backend_authenticates_nobody(pmo_user):
    assert (
        RulesBackend().authenticate(None, username="pmo", password=factories.TEST_PASSWORD) is None
    )


@pytest.mark.django_db
def test_module_perms_are_given_to_users_with_a_role_only(exec_user, no_role_user):
    assert exec_user.has_module_perms("projects") is True
    assert exec_user.has_module_perms("portfolio") is True
    assert no_role_user.has_module_perms("projects") is False
    assert exec_user.has_module_perms("risks") is True
    assert exec_user.has_module_perms("authtoken") is False
