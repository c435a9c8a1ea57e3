"""Models of projects and milestones: cross-field rules, schedule, status, display, order."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.choices import MilestoneStatus, Phase
from projects.models import Milestone, Project
from tests import factories

D = datetime.date
TODAY = D(2026, 6, 15)


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


# --- Project.clean ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_project_passes_full_clean(project):
    project.full_clean()


@pytest.mark.django_db
def test_a_programme_of_another_portfolio_is_refused_on_programme(project):
    project.programme = factories.ProgrammeFactory()

    errors = clean_errors(project)

    assert errors == {"programme": ["This programme belongs to another portfolio."]}


@pytest.mark.django_db
def test_a_programme_of_the_project_portfolio_is_accepted(project):
    project.programme = factories.ProgrammeFactory(portfolio=project.portfolio)

    project.full_clean()


@pytest.mark.django_db
def test_a_baseline_ending_before_it_starts_is_refused_on_baseline_end(project):
    project.baseline_start, project.baseline_end = D(2026, 5, 1), D(2026, 4, 30)

    errors = clean_errors(project)

    assert errors == {"baseline_end": ["The baseline end cannot be before its start."]}


@pytest.mark.django_db
def test_a_forecast_ending_before_it_starts_is_refused_on_forecast_end(project):
    project.forecast_start, project.forecast_end = D(2026, 5, 1), D(2026, 4, 30)

    errors = clean_errors(project)

    assert errors == {"forecast_end": ["The forecast end cannot be before its start."]}


@pytest.mark.django_db
def test_a_one_day_baseline_is_accepted(project):
    project.baseline_start = project.baseline_end = D(2026, 5, 1)

    project.full_clean()


@pytest.mark.django_db
def test_the_database_refuses_a_reversed_baseline_even_without_clean(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(
            baseline_start=D(2026, 5, 1), baseline_end=D(2026, 4, 1)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.FRAMING, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING])
def test_a_project_from_framing_to_closing_needs_a_project_manager(phase):
    project = factories.ProjectFactory.build(
        portfolio=factories.PortfolioFactory(), project_manager=None, phase=phase
    )

    errors = clean_errors(project)

    assert errors == {"project_manager": ["A project past the idea phase needs a project manager."]}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.IDEA, Phase.CLOSED, Phase.CANCELLED])
def test_an_idea_or_ended_project_may_have_no_project_manager(phase):
    project = factories.ProjectFactory.build(
        portfolio=factories.PortfolioFactory(), project_manager=None, phase=phase
    )

    project.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.EXECUTION, Phase.CLOSING, Phase.CLOSED])
def test_a_project_from_execution_on_needs_a_baseline(phase):
    project = factories.ProjectFactory.build(
        portfolio=factories.PortfolioFactory(),
        project_manager=factories.project_manager(),
        phase=phase,
        baseline_start=None,
        baseline_end=None,
    )

    errors = clean_errors(project)

    message = ["A project in execution or later needs a baseline."]
    assert errors == {"baseline_start": message, "baseline_end": message}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.IDEA, Phase.FRAMING, Phase.PLANNING, Phase.CANCELLED])
def test_a_project_before_execution_may_have_no_baseline(phase):
    project = factories.ProjectFactory.build(
        portfolio=factories.PortfolioFactory(),
        project_manager=factories.project_manager(),
        phase=phase,
        baseline_start=None,
        baseline_end=None,
    )

    project.full_clean()


@pytest.mark.django_db
def test_a_name_of_201_characters_is_refused(project):
    project.name = "x" * 201

    errors = clean_errors(project)

    assert list(errors) == ["name"]


# --- Project schedule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline_end", "forecast_end", "slip"),
    [
        (D(2026, 12, 18), D(2026, 12, 28), 10),
        (D(2026, 12, 18), D(2026, 12, 18), 0),
        (D(2026, 12, 18), D(2026, 12, 11), -7),
        (None, D(2026, 12, 18), None),
        (D(2026, 12, 18), None, None),
    ],
)
def test_schedule_slip_is_the_forecast_end_minus_the_baseline_end(baseline_end, forecast_end, slip):
    project = Project(baseline_end=baseline_end, forecast_end=forecast_end)

    assert project.schedule_slip_days == slip


@pytest.mark.parametrize(
    ("phase", "active"),
    [
        (Phase.IDEA, False),
        (Phase.FRAMING, True),
        (Phase.EXECUTION, True),
        (Phase.CLOSING, True),
        (Phase.CLOSED, False),
        (Phase.CANCELLED, False),
    ],
)
def test_a_project_is_active_from_framing_to_closing(phase, active):
    assert Project(phase=phase).is_active is active


# --- Project display and order ----------------------------------------------------------


@pytest.mark.django_db
def test_str_and_url_of_a_project():
    project = factories.ProjectFactory(code="PRJ-042", name="New ERP")

    assert str(project) == "PRJ-042 · New ERP"
    assert project.get_absolute_url() == f"/projects/{project.pk}/"


@pytest.mark.django_db
def test_str_of_a_contribution_names_project_objective_and_level():
    contribution = factories.ProjectObjectiveFactory(
        project__code="PRJ-1", objective__code="OBJ-1", contribution=3
    )

    assert str(contribution) == "PRJ-1 → OBJ-1 (High)"


@pytest.mark.django_db
def test_projects_are_ordered_by_code():
    for code in ["PRJ-3", "PRJ-1", "PRJ-2"]:
        factories.ProjectFactory(code=code)

    assert list(Project.objects.values_list("code", flat=True)) == ["PRJ-1", "PRJ-2", "PRJ-3"]


# --- Milestone --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_milestone_reached_in_the_future_is_refused_on_actual_date(project):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    milestone = factories.MilestoneFactory.build(project=project, actual_date=tomorrow)

    errors = clean_errors(milestone)

    assert errors == {"actual_date": ["A milestone cannot be reached in the future."]}


@pytest.mark.django_db
def test_a_milestone_reached_today_is_accepted(project):
    milestone = factories.MilestoneFactory.build(project=project, actual_date=timezone.localdate())

    milestone.full_clean()


@pytest.mark.parametrize(
    ("forecast", "actual", "expected"),
    [
        (None, None, D(2026, 6, 30)),
        (D(2026, 7, 10), None, D(2026, 7, 10)),
        (D(2026, 7, 10), D(2026, 7, 2), D(2026, 7, 2)),
        (None, D(2026, 6, 20), D(2026, 6, 20)),
    ],
)
def test_the_expected_date_is_the_actual_else_the_forecast_else_the_baseline(
    forecast, actual, expected
):
    milestone = Milestone(baseline_date=D(2026, 6, 30), forecast_date=forecast, actual_date=actual)

    assert milestone.expected_date == expected


@pytest.mark.parametrize(
    ("forecast", "actual", "slip"),
    [
        (None, None, 0),
        (D(2026, 7, 10), None, 10),
        (D(2026, 6, 25), None, -5),
        (D(2026, 7, 10), D(2026, 7, 2), 2),
    ],
)
def test_slip_days_run_from_the_baseline_to_the_expected_date(forecast, actual, slip):
    milestone = Milestone(baseline_date=D(2026, 6, 30), forecast_date=forecast, actual_date=actual)

    assert milestone.slip_days == slip


@pytest.mark.parametrize(
    ("baseline", "forecast", "actual", "status"),
    [
        # reached, even late and long ago: done
        (D(2026, 6, 1), None, D(2026, 6, 10), MilestoneStatus.DONE),
        # not reached and expected before today: overdue
        (D(2026, 6, 14), None, None, MilestoneStatus.OVERDUE),
        (D(2026, 7, 1), D(2026, 6, 14), None, MilestoneStatus.OVERDUE),
        # not reached, expected later than its baseline but not yet due: slipped
        (D(2026, 6, 20), D(2026, 6, 25), None, MilestoneStatus.SLIPPED),
        # not reached, expected on or before its baseline and not yet due: on track
        (D(2026, 6, 20), None, None, MilestoneStatus.ON_TRACK),
        (D(2026, 6, 20), D(2026, 6, 18), None, MilestoneStatus.ON_TRACK),
        # expected today: not yet overdue
        (D(2026, 6, 15), None, None, MilestoneStatus.ON_TRACK),
    ],
)
def test_milestone_status_on_a_given_day(baseline, forecast, actual, status):
    milestone = Milestone(baseline_date=baseline, forecast_date=forecast, actual_date=actual)

    assert milestone.status(today=TODAY) == status


def test_milestone_status_defaults_to_today():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    milestone = Milestone(baseline_date=yesterday)

    assert milestone.status() == MilestoneStatus.OVERDUE
    assert milestone.get_status_display() == "Overdue"


@pytest.mark.django_db
def test_str_and_url_of_a_milestone():
    milestone = factories.MilestoneFactory(name="Go live")

    assert str(milestone) == "Go live"
    assert milestone.get_absolute_url() == f"/milestones/{milestone.pk}/"


@pytest.mark.django_db
def test_milestones_are_ordered_by_project_code_then_baseline_date():
    b = factories.ProjectFactory(code="PRJ-B")
    a = factories.ProjectFactory(code="PRJ-A")
    factories.MilestoneFactory(project=b, name="b1", baseline_date=D(2026, 1, 1))
    factories.MilestoneFactory(project=a, name="a2", baseline_date=D(2026, 9, 1))
    factories.MilestoneFactory(project=a, name="a1", baseline_date=D(2026, 3, 1))

    names = list(Milestone.objects.values_list("name", flat=True))

    assert names == ["a1", "a2", "b1"]
