"""Services of projects and milestones: validation, reserved fields, contributions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects import services
from projects.choices import Phase
from projects.models import Milestone, Project, ProjectObjective
from tests import factories

D = datetime.date


def contributions_of(project) -> dict[str, int]:
    return dict(project.contributions.values_list("objective__code", "contribution"))


# --- project_create ---------------------------------------------------------------------


@pytest.mark.django_db
def test_project_create_saves_the_project_and_its_contributions(pmo_user, pm_user):
    portfolio = factories.PortfolioFactory()
    objective = factories.StrategicObjectiveFactory(code="OBJ-1")

    project = services.project_create(
        actor=pmo_user,
        code="PRJ-1",
        name="New ERP",
        portfolio=portfolio,
        project_manager=pm_user,
        phase=Phase.FRAMING,
        objectives={objective: 3},
    )

    assert Project.objects.get(pk=project.pk).project_manager == pm_user
    assert contributions_of(project) == {"OBJ-1": 3}


@pytest.mark.django_db
def test_project_create_saves_nothing_when_invalid(pmo_user):
    objective = factories.StrategicObjectiveFactory()

    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=pmo_user,
            code="PRJ-1",
            name="No manager",
            portfolio=factories.PortfolioFactory(),
            phase=Phase.EXECUTION,
            baseline_start=D(2026, 3, 1),
            baseline_end=D(2026, 2, 1),
            objectives={objective: 2},
        )

    assert set(error.value.message_dict) == {"project_manager", "baseline_end"}
    assert Project.objects.count() == 0
    assert ProjectObjective.objects.count() == 0


@pytest.mark.django_db
def test_project_create_by_a_project_manager_is_refused(pm_user):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=pm_user, code="PRJ-1", name="Mine", portfolio=factories.PortfolioFactory()
        )

    assert Project.objects.count() == 0


# --- project_update ---------------------------------------------------------------------


@pytest.mark.django_db
def test_project_update_lets_the_project_manager_change_forecasts_and_description(pm_user, project):
    services.project_update(
        project, actor=pm_user, description="On its way", forecast_end=D(2027, 1, 15)
    )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.description, stored.forecast_end) == ("On its way", D(2027, 1, 15))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "PRJ-NEW"),
        ("baseline_end", D(2027, 6, 30)),
        ("baseline_start", D(2026, 2, 2)),
    ],
)
def test_project_update_refuses_reserved_fields_to_a_project_manager(
    pm_user, project, field, value
):
    before = getattr(project, field)

    with pytest.raises(PermissionDenied, match=field):
        services.project_update(project, actor=pm_user, description="Sneaky", **{field: value})

    stored = Project.objects.get(pk=project.pk)
    assert getattr(stored, field) == before
    assert stored.description == ""


@pytest.mark.django_db
def test_project_update_refuses_a_phase_change_to_anyone_the_phase_moves_through_a_gate(
    pm_user, pmo_user, project
):
    for actor in (pm_user, pmo_user):
        with pytest.raises(ValidationError, match="gate review"):
            services.project_update(project, actor=actor, phase=Phase.CLOSING)

    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


@pytest.mark.django_db
def test_project_update_refuses_reassigning_the_project_to_a_project_manager(
    pm_user, other_pm_user, project
):
    with pytest.raises(PermissionDenied, match="project_manager"):
        services.project_update(project, actor=pm_user, project_manager=other_pm_user)

    assert Project.objects.get(pk=project.pk).project_manager == pm_user


@pytest.mark.django_db
def test_project_update_accepts_reserved_fields_left_as_they_are_from_a_project_manager(
    pm_user, project
):
    services.project_update(project, actor=pm_user, code=project.code, name="Renamed")

    assert Project.objects.get(pk=project.pk).name == "Renamed"


@pytest.mark.django_db
def test_project_update_accepts_reserved_fields_from_the_pmo(pmo_user, other_pm_user, project):
    services.project_update(
        project,
        actor=pmo_user,
        code="PRJ-NEW",
        project_manager=other_pm_user,
        baseline_end=D(2027, 3, 31),
    )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.code, stored.project_manager, stored.baseline_end) == (
        "PRJ-NEW",
        other_pm_user,
        D(2027, 3, 31),
    )


@pytest.mark.django_db
def test_project_update_leaves_the_row_unchanged_when_invalid(pmo_user, project):
    before = Project.objects.get(pk=project.pk)

    with pytest.raises(ValidationError):
        services.project_update(
            project,
            actor=pmo_user,
            name="Changed",
            forecast_start=D(2026, 5, 1),
            forecast_end=D(2026, 4, 1),
        )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.forecast_start, stored.forecast_end) == (
        before.name,
        before.forecast_start,
        before.forecast_end,
    )


@pytest.mark.django_db
def test_project_update_keeps_contributions_when_invalid(pmo_user, project):
    kept = factories.ProjectObjectiveFactory(project=project, contribution=1)

    with pytest.raises(ValidationError):
        services.project_update(
            project,
            actor=pmo_user,
            programme=factories.ProgrammeFactory(),
            objectives={factories.StrategicObjectiveFactory(): 3},
        )

    assert contributions_of(project) == {kept.objective.code: 1}


@pytest.mark.django_db
def test_project_update_with_objectives_none_leaves_contributions_alone(pmo_user, project):
    kept = factories.ProjectObjectiveFactory(project=project, contribution=1)

    services.project_update(project, actor=pmo_user, name="Renamed", objectives=None)

    assert contributions_of(project) == {kept.objective.code: 1}


@pytest.mark.django_db
def test_project_update_returns_the_saved_project(pmo_user, project):
    saved = services.project_update(project, actor=pmo_user, name="Renamed")

    assert saved.pk == project.pk
    assert saved.name == "Renamed"


# --- project_set_objectives -------------------------------------------------------------


@pytest.mark.django_db
def test_project_set_objectives_replaces_the_contributions(project):
    a, b, c = (factories.StrategicObjectiveFactory(code=code) for code in ("A", "B", "C"))
    factories.ProjectObjectiveFactory(project=project, objective=a, contribution=1)
    factories.ProjectObjectiveFactory(project=project, objective=b, contribution=2)

    services.project_set_objectives(project, contributions={b: 3, c: 1})

    assert contributions_of(project) == {"B": 3, "C": 1}


@pytest.mark.django_db
def test_project_set_objectives_with_nothing_removes_every_contribution(project):
    factories.ProjectObjectiveFactory(project=project)

    services.project_set_objectives(project, contributions={})

    assert contributions_of(project) == {}


@pytest.mark.django_db
def test_project_set_objectives_keeps_the_contributions_of_other_projects(project):
    objective = factories.StrategicObjectiveFactory(code="A")
    other = factories.ProjectObjectiveFactory(objective=objective, contribution=1)

    services.project_set_objectives(project, contributions={})

    assert contributions_of(other.project) == {"A": 1}


@pytest.mark.django_db
def test_project_set_objectives_refuses_an_unknown_level_and_changes_nothing(project):
    a = factories.StrategicObjectiveFactory(code="A")
    factories.ProjectObjectiveFactory(project=project, objective=a, contribution=1)

    with pytest.raises(ValidationError):
        services.project_set_objectives(
            project, contributions={factories.StrategicObjectiveFactory(code="B"): 9}
        )

    assert contributions_of(project) == {"A": 1}


# --- milestones -------------------------------------------------------------------------


@pytest.mark.django_db
def test_milestone_create_saves_a_valid_milestone(pm_user, project):
    milestone = services.milestone_create(
        actor=pm_user, project=project, name="Go live", baseline_date=D(2026, 11, 30)
    )

    assert Milestone.objects.get(pk=milestone.pk).project == project


@pytest.mark.django_db
def test_milestone_create_reached_in_the_future_saves_nothing(project):
    with pytest.raises(ValidationError) as error:
        services.milestone_create(
            project=project,
            name="Too early",
            baseline_date=D(2026, 11, 30),
            actual_date=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert list(error.value.message_dict) == ["actual_date"]
    assert Milestone.objects.count() == 0


@pytest.mark.django_db
def test_milestone_update_lets_the_project_manager_set_forecast_and_actual_dates(pm_user, project):
    milestone = factories.MilestoneFactory(project=project)
    today = timezone.localdate()

    services.milestone_update(
        milestone, actor=pm_user, forecast_date=D(2026, 7, 15), actual_date=today
    )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.forecast_date, stored.actual_date) == (D(2026, 7, 15), today)


@pytest.mark.django_db
def test_milestone_update_refuses_moving_a_milestone_to_another_project(pmo_user, project):
    milestone = factories.MilestoneFactory(project=project)

    with pytest.raises(ValidationError) as error:
        services.milestone_update(milestone, actor=pmo_user, project=factories.ProjectFactory())

    assert error.value.message_dict == {"project": ["A milestone stays in its project."]}
    assert Milestone.objects.get(pk=milestone.pk).project == project


@pytest.mark.django_db
def test_milestone_update_refuses_a_new_baseline_date_to_a_project_manager(pm_user, project):
    milestone = factories.MilestoneFactory(project=project, baseline_date=D(2026, 6, 30))

    with pytest.raises(PermissionDenied, match="baseline_date"):
        services.milestone_update(milestone, actor=pm_user, baseline_date=D(2026, 9, 30))

    assert Milestone.objects.get(pk=milestone.pk).baseline_date == D(2026, 6, 30)


@pytest.mark.django_db
def test_milestone_update_accepts_a_new_baseline_date_from_the_pmo(pmo_user, project):
    milestone = factories.MilestoneFactory(project=project)

    services.milestone_update(milestone, actor=pmo_user, baseline_date=D(2026, 9, 30))

    assert Milestone.objects.get(pk=milestone.pk).baseline_date == D(2026, 9, 30)


@pytest.mark.django_db
def test_milestone_update_leaves_the_row_unchanged_when_invalid(pmo_user, project):
    milestone = factories.MilestoneFactory(project=project, name="Kept")

    with pytest.raises(ValidationError):
        services.milestone_update(
            milestone,
            actor=pmo_user,
            name="Changed",
            actual_date=timezone.localdate() + datetime.timedelta(days=3),
        )

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.name, stored.actual_date) == ("Kept", None)
