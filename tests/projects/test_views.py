"""Pages of projects and milestones: who sees what, forms, reserved fields, lists."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import MilestoneStatus, Phase
from projects.models import Milestone, Project
from projects.rules import PMO_ONLY_PROJECT_FIELDS
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_disabled, assert_field_error, field_block, table_records

D = datetime.date

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
# Pages about the ``project`` fixture's project, managed by "pm_own".
ITS_PROJECT_MANAGER_TOO = {**PMO_ONLY, "pm_own": 200}
# Adding a milestone somewhere: any project manager may, to their own projects.
PROJECT_MANAGERS_TOO = {**PMO_ONLY, "pm_own": 200, "pm_other": 200}

EXPECTED = {
    "project_list": READERS,
    "project_detail": READERS,
    "project_create": PMO_ONLY,
    "project_edit": ITS_PROJECT_MANAGER_TOO,
    "milestone_list": READERS,
    "milestone_detail": READERS,
    "milestone_create": PROJECT_MANAGERS_TOO,
    "milestone_create_for_project": ITS_PROJECT_MANAGER_TOO,
    "milestone_edit": ITS_PROJECT_MANAGER_TOO,
}


@pytest.fixture
def milestone(project):
    return factories.MilestoneFactory(project=project)


def page_url(page, project, milestone):
    return {
        "project_list": reverse("projects:project_list"),
        "project_detail": project.get_absolute_url(),
        "project_create": reverse("projects:project_create"),
        "project_edit": reverse("projects:project_edit", args=[project.pk]),
        "milestone_list": reverse("projects:milestone_list"),
        "milestone_detail": milestone.get_absolute_url(),
        "milestone_create": reverse("projects:milestone_create"),
        "milestone_create_for_project": (
            f"{reverse('projects:milestone_create')}?project={project.pk}"
        ),
        "milestone_edit": reverse("projects:milestone_edit", args=[milestone.pk]),
    }[page]


def iso(value):
    return value.isoformat() if value else ""


def project_data(project, **overrides):
    """The POST of the project form leaving ``project`` as it is, but for ``overrides``."""
    data = {
        "code": project.code,
        "name": project.name,
        "description": project.description,
        "portfolio": project.portfolio_id,
        "programme": project.programme_id or "",
        "sponsor": project.sponsor_id or "",
        "project_manager": project.project_manager_id or "",
        "phase": project.phase,
        "baseline_start": iso(project.baseline_start),
        "baseline_end": iso(project.baseline_end),
        "forecast_start": iso(project.forecast_start),
        "forecast_end": iso(project.forecast_end),
        "budget_capex": str(project.budget_capex),
        "budget_opex": str(project.budget_opex),
    }
    data.update(overrides)
    return data


def milestone_data(milestone, **overrides):
    data = {
        "project": milestone.project_id,
        "name": milestone.name,
        "description": milestone.description,
        "baseline_date": iso(milestone.baseline_date),
        "forecast_date": iso(milestone.forecast_date),
        "actual_date": iso(milestone.actual_date),
    }
    if milestone.is_gate:
        data["is_gate"] = "on"
    data.update(overrides)
    return data


# --- permission matrix ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_answers_each_role_as_the_rules_say(
    client_in_role, project, milestone, other_pm_user, page, role
):
    # "pm_other" manages a project too, just not this one.
    factories.ProjectFactory(project_manager=other_pm_user)
    url = page_url(page, project, milestone)

    response = client_in_role(role).get(url)

    assert response.status_code == EXPECTED[page][role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Phase.CLOSED, Phase.CANCELLED])
@pytest.mark.parametrize(("role", "status"), [("pm_own", 403), ("pmo", 200)])
def test_an_ended_project_and_its_milestones_are_editable_by_the_pmo_only(
    client_in_role, pm_user, phase, role, status
):
    ended = factories.ProjectFactory(project_manager=pm_user, phase=phase)
    milestone = factories.MilestoneFactory(project=ended)
    client = client_in_role(role)

    assert client.get(reverse("projects:project_edit", args=[ended.pk])).status_code == status
    assert client.get(reverse("projects:milestone_edit", args=[milestone.pk])).status_code == (
        status
    )
    create_url = f"{reverse('projects:milestone_create')}?project={ended.pk}"
    assert client.get(create_url).status_code == status


@pytest.mark.django_db
def test_a_forged_post_to_another_managers_project_changes_nothing(
    client_in_role, pm_user, other_pm_user
):
    other = factories.ProjectFactory(project_manager=other_pm_user, name="Theirs")

    response = client_in_role("pm_own").post(
        reverse("projects:project_edit", args=[other.pk]), project_data(other, name="Mine")
    )

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.name == "Theirs"


@pytest.mark.django_db
def test_a_forged_post_to_another_managers_milestone_changes_nothing(client_in_role, other_pm_user):
    milestone = factories.MilestoneFactory(project__project_manager=other_pm_user, name="Theirs")

    response = client_in_role("pm_own").post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        milestone_data(milestone, name="Mine"),
    )

    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.name == "Theirs"


# --- buttons ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"), [("pmo", True), ("pm_own", False), ("exec", False), ("integration", False)]
)
def test_the_new_project_button_shows_only_to_the_pmo(client_in_role, project, role, shown):
    response = client_in_role(role).get(reverse("projects:project_list"))

    assert (f'href="{reverse("projects:project_create")}"' in response.text) is shown
    assert ("New project" in response.text) is shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"), [("pmo", True), ("pm_own", True), ("exec", False), ("integration", False)]
)
def test_the_new_milestone_button_shows_to_the_pmo_and_project_managers(
    client_in_role, project, role, shown
):
    response = client_in_role(role).get(reverse("projects:milestone_list"))

    assert (f'href="{reverse("projects:milestone_create")}"' in response.text) is shown
    assert ("New milestone" in response.text) is shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"),
    [("pmo", True), ("pm_own", True), ("pm_other", False), ("exec", False), ("integration", False)],
)
def test_the_edit_and_add_milestone_buttons_of_a_project_show_only_to_who_may_use_them(
    client_in_role, project, role, shown
):
    response = client_in_role(role).get(project.get_absolute_url())

    assert (f'href="{reverse("projects:project_edit", args=[project.pk])}"' in response.text) is (
        shown
    )
    add_url = f"{reverse('projects:milestone_create')}?project={project.pk}"
    assert (f'href="{add_url}"' in response.text) is shown
    assert ("Add a milestone" in response.text) is shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"),
    [("pmo", True), ("pm_own", True), ("pm_other", False), ("exec", False)],
)
def test_the_edit_button_of_a_milestone_shows_only_to_who_may_edit_it(
    client_in_role, milestone, role, shown
):
    response = client_in_role(role).get(milestone.get_absolute_url())

    edit_url = reverse("projects:milestone_edit", args=[milestone.pk])
    assert (f'href="{edit_url}"' in response.text) is shown


@pytest.mark.django_db
def test_a_closed_project_offers_no_edit_button_to_its_manager(client_in_role, pm_user):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)

    response = client_in_role("pm_own").get(closed.get_absolute_url())

    assert reverse("projects:project_edit", args=[closed.pk]) not in response.text
    assert "Add a milestone" not in response.text


# --- detail pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_page_shows_its_milestones_contributions_and_slip(client_in_role, project):
    factories.MilestoneFactory(project=project, name="Go live")
    factories.ProjectObjectiveFactory(project=project, objective__name="Grow abroad")
    Project.objects.filter(pk=project.pk).update(forecast_end=D(2026, 12, 28))

    response = client_in_role("exec").get(project.get_absolute_url())

    assert "Go live" in response.text
    assert "Grow abroad" in response.text
    assert "Forecast end 10 days after the baseline." in response.text


@pytest.mark.django_db
def test_the_milestone_page_shows_its_status(client_in_role, project):
    milestone = factories.MilestoneFactory(
        project=project, baseline_date=timezone.localdate() - datetime.timedelta(days=3)
    )

    response = client_in_role("exec").get(milestone.get_absolute_url())

    assert 'class="badge ms-overdue">Overdue<' in response.text


# --- project forms ----------------------------------------------------------------------


@pytest.fixture
def new_project_data(pm_user, exec_user):
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    return {
        "code": "PRJ-NEW",
        "name": "New ERP",
        "description": "",
        "portfolio": portfolio.pk,
        "programme": programme.pk,
        "sponsor": exec_user.pk,
        "project_manager": pm_user.pk,
        "phase": Phase.PLANNING,
        "baseline_start": "2026-02-02",
        "baseline_end": "2026-11-27",
        "forecast_start": "2026-02-02",
        "forecast_end": "2026-12-11",
        "budget_capex": "1200000",
        "budget_opex": "300000",
    }


@pytest.mark.django_db
def test_a_valid_project_is_created_with_its_contributions_and_shown(
    client_in_role, new_project_data, pm_user
):
    grow = factories.StrategicObjectiveFactory(code="OBJ-GROW")
    factories.StrategicObjectiveFactory(code="OBJ-SKIP")

    response = client_in_role("pmo").post(
        reverse("projects:project_create"), {**new_project_data, f"objective_{grow.pk}": "3"}
    )

    project = Project.objects.get(code="PRJ-NEW")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (project.project_manager, project.baseline_end) == (pm_user, D(2026, 11, 27))
    assert dict(project.contributions.values_list("objective__code", "contribution")) == {
        "OBJ-GROW": 3
    }
    assert list(project.baseline_revisions.values_list("number", "budget_capex")) == [
        (1, Decimal("1200000"))
    ]


@pytest.mark.django_db
def test_the_project_form_offers_one_contribution_choice_per_active_objective(client_in_role):
    active = factories.StrategicObjectiveFactory()
    retired = factories.StrategicObjectiveFactory(is_active=False)

    response = client_in_role("pmo").get(reverse("projects:project_create"))

    assert f'name="objective_{active.pk}"' in response.text
    assert f'name="objective_{retired.pk}"' not in response.text


@pytest.mark.django_db
def test_a_project_edit_replaces_its_contributions(client_in_role, project):
    a, b = (
        factories.StrategicObjectiveFactory(code="A"),
        factories.StrategicObjectiveFactory(code="B"),
    )
    factories.ProjectObjectiveFactory(project=project, objective=a, contribution=1)

    response = client_in_role("pmo").post(
        reverse("projects:project_edit", args=[project.pk]),
        project_data(project, **{f"objective_{a.pk}": "", f"objective_{b.pk}": "2"}),
    )

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert dict(project.contributions.values_list("objective__code", "contribution")) == {"B": 2}


@pytest.mark.django_db
def test_the_project_edit_form_shows_the_stored_contributions(client_in_role, project):
    contribution = factories.ProjectObjectiveFactory(project=project, contribution=3)

    response = client_in_role("pmo").get(reverse("projects:project_edit", args=[project.pk]))

    block = field_block(response, f"objective_{contribution.objective_id}")
    assert '<option value="3" selected>' in block


@pytest.mark.django_db
def test_reversed_baseline_dates_are_refused_next_to_the_baseline_end(
    client_in_role, new_project_data
):
    response = client_in_role("pmo").post(
        reverse("projects:project_create"),
        {**new_project_data, "baseline_start": "2026-06-01", "baseline_end": "2026-05-31"},
    )

    assert response.status_code == 200
    assert_field_error(response, "baseline_end", "The baseline end cannot be before its start.")
    assert "Constraint" not in response.text
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_reversed_forecast_dates_in_an_edit_are_refused_and_nothing_is_saved(
    client_in_role, project
):
    response = client_in_role("pm_own").post(
        reverse("projects:project_edit", args=[project.pk]),
        project_data(
            project, description="Late", forecast_start="2026-06-01", forecast_end="2026-05-01"
        ),
    )

    assert response.status_code == 200
    assert_field_error(response, "forecast_end", "The forecast end cannot be before its start.")
    stored = Project.objects.get(pk=project.pk)
    assert (stored.description, stored.forecast_end) == ("", project.forecast_end)


@pytest.mark.django_db
def test_a_programme_of_another_portfolio_is_refused_next_to_the_programme(
    client_in_role, new_project_data
):
    elsewhere = factories.ProgrammeFactory()

    response = client_in_role("pmo").post(
        reverse("projects:project_create"), {**new_project_data, "programme": elsewhere.pk}
    )

    assert response.status_code == 200
    assert_field_error(response, "programme", "This programme belongs to another portfolio.")
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_date_that_is_not_a_date_is_refused_next_to_it(client_in_role, new_project_data):
    response = client_in_role("pmo").post(
        reverse("projects:project_create"), {**new_project_data, "forecast_end": "not-a-date"}
    )

    assert response.status_code == 200
    assert_field_error(response, "forecast_end", "Enter a valid date.")
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_code_taken_in_another_case_is_refused_next_to_the_code(
    client_in_role, new_project_data
):
    factories.ProjectFactory(code="PRJ-NEW")

    response = client_in_role("pmo").post(
        reverse("projects:project_create"), {**new_project_data, "code": "prj-new"}
    )

    assert response.status_code == 200
    assert_field_error(response, "code", "Project with this Code already exists.")
    assert "Constraint" not in response.text
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_a_project_name_of_201_characters_is_refused_next_to_the_name(
    client_in_role, new_project_data
):
    response = client_in_role("pmo").post(
        reverse("projects:project_create"), {**new_project_data, "name": "x" * 201}
    )

    assert response.status_code == 200
    assert_field_error(
        response, "name", "Ensure this value has at most 200 characters (it has 201)."
    )
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_in_execution_without_manager_is_refused_next_to_the_manager(
    client_in_role, new_project_data
):
    response = client_in_role("pmo").post(
        reverse("projects:project_create"),
        {**new_project_data, "phase": Phase.EXECUTION, "project_manager": ""},
    )

    assert response.status_code == 200
    assert_field_error(
        response, "project_manager", "A project past the idea phase needs a project manager."
    )
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_manager_sees_the_reserved_fields_of_their_project_disabled(
    client_in_role, project
):
    response = client_in_role("pm_own").get(reverse("projects:project_edit", args=[project.pk]))

    assert response.status_code == 200
    for name in sorted(PMO_ONLY_PROJECT_FIELDS):
        assert_disabled(response, name)
    for name in ("name", "description", "forecast_start", "forecast_end"):
        assert "is-disabled" not in field_block(response, name).split(">", 1)[0]


@pytest.mark.django_db
def test_the_pmo_sees_only_the_phase_disabled_in_the_project_form(client_in_role, project):
    response = client_in_role("pmo").get(reverse("projects:project_edit", args=[project.pk]))

    # The phase moves through a gate review: the form shows it with a link to the gate.
    assert response.text.count("is-disabled") == 1
    assert_disabled(response, "phase")
    assert reverse("projects:gate_review", args=[project.pk]) in response.text


@pytest.mark.django_db
def test_a_forged_post_of_reserved_fields_by_the_project_manager_changes_only_their_own(
    client_in_role, project, other_pm_user, exec_user
):
    before = Project.objects.get(pk=project.pk)
    forged = project_data(
        project,
        code="HACKED",
        portfolio=factories.PortfolioFactory().pk,
        sponsor=exec_user.pk,
        project_manager=other_pm_user.pk,
        phase=Phase.CLOSED,
        baseline_start="2025-01-01",
        baseline_end="2030-12-31",
        description="Forecast moved",
        forecast_end="2027-01-29",
    )
    objective = factories.StrategicObjectiveFactory()
    forged[f"objective_{objective.pk}"] = "2"

    response = client_in_role("pm_own").post(
        reverse("projects:project_edit", args=[project.pk]), forged
    )

    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk)
    for name in PMO_ONLY_PROJECT_FIELDS:
        assert getattr(stored, name) == getattr(before, name), name
    assert (stored.description, stored.forecast_end) == ("Forecast moved", D(2027, 1, 29))
    assert list(stored.contributions.values_list("objective", "contribution")) == [
        (objective.pk, 2)
    ]


@pytest.mark.django_db
def test_the_pmo_changes_reserved_fields_through_the_form(client_in_role, project, other_pm_user):
    response = client_in_role("pmo").post(
        reverse("projects:project_edit", args=[project.pk]),
        project_data(project, project_manager=other_pm_user.pk, phase=Phase.CLOSING),
    )

    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk)
    # The phase posted is ignored (a disabled field): it moves through a gate review.
    assert (stored.project_manager, stored.phase) == (other_pm_user, Phase.EXECUTION)


# --- milestone forms --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_milestone_form_opened_from_a_project_has_it_chosen(client_in_role, project):
    response = client_in_role("pm_own").get(
        f"{reverse('projects:milestone_create')}?project={project.pk}"
    )

    assert f'<option value="{project.pk}" selected>' in field_block(response, "project")


@pytest.mark.django_db
def test_the_milestone_form_offers_a_project_manager_only_their_open_projects(
    client_in_role, project, pm_user, other_pm_user
):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    block = field_block(
        client_in_role("pm_own").get(reverse("projects:milestone_create")), "project"
    )

    assert f'value="{project.pk}"' in block
    assert f'value="{closed.pk}"' not in block
    assert f'value="{theirs.pk}"' not in block


@pytest.mark.django_db
def test_a_valid_milestone_is_added_and_its_project_shown(client_in_role, project):
    response = client_in_role("pm_own").post(
        reverse("projects:milestone_create"),
        {"project": project.pk, "name": "Go live", "baseline_date": "2026-11-30", "is_gate": "on"},
    )

    milestone = Milestone.objects.get(name="Go live")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (milestone.project, milestone.is_gate) == (project, True)


@pytest.mark.django_db
def test_a_milestone_posted_to_another_managers_project_is_refused(client_in_role, other_pm_user):
    theirs = factories.ProjectFactory(project_manager=other_pm_user)

    response = client_in_role("pm_own").post(
        reverse("projects:milestone_create"),
        {"project": theirs.pk, "name": "Sneaky", "baseline_date": "2026-11-30"},
    )

    assert response.status_code == 200
    assert_field_error(response, "project", "Select a valid choice.")
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_a_milestone_date_that_is_not_a_date_is_refused_next_to_it(client_in_role, project):
    response = client_in_role("pm_own").post(
        reverse("projects:milestone_create"),
        {"project": project.pk, "name": "Go live", "baseline_date": "not-a-date"},
    )

    assert response.status_code == 200
    assert_field_error(response, "baseline_date", "Enter a valid date.")
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_a_milestone_reached_in_the_future_is_refused_next_to_the_actual_date(
    client_in_role, milestone
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client_in_role("pm_own").post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        milestone_data(milestone, name="Renamed", actual_date=tomorrow.isoformat()),
    )

    assert response.status_code == 200
    assert_field_error(response, "actual_date", "A milestone cannot be reached in the future.")
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.name, stored.actual_date) == (milestone.name, None)


@pytest.mark.django_db
def test_a_project_manager_sees_the_milestone_project_and_baseline_disabled(
    client_in_role, milestone
):
    response = client_in_role("pm_own").get(reverse("projects:milestone_edit", args=[milestone.pk]))

    assert_disabled(response, "project")
    assert_disabled(response, "baseline_date")


@pytest.mark.django_db
def test_a_forged_milestone_post_by_the_project_manager_keeps_project_and_baseline(
    client_in_role, milestone
):
    elsewhere = factories.ProjectFactory()

    response = client_in_role("pm_own").post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        milestone_data(
            milestone, project=elsewhere.pk, baseline_date="2027-01-01", forecast_date="2026-07-20"
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == milestone.project.get_absolute_url()
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.project, stored.baseline_date, stored.forecast_date) == (
        milestone.project,
        milestone.baseline_date,
        D(2026, 7, 20),
    )


@pytest.mark.django_db
def test_the_pmo_moves_a_milestone_baseline_through_the_form(client_in_role, milestone):
    response = client_in_role("pmo").post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        milestone_data(milestone, baseline_date="2026-09-30"),
    )

    assert response.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).baseline_date == D(2026, 9, 30)


# --- project list -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_list_searches_code_and_name(client_in_role):
    factories.ProjectFactory(code="PRJ-ERP", name="New ERP")
    factories.ProjectFactory(code="PRJ-WEB", name="Website")

    response = client_in_role("exec").get(reverse("projects:project_list"), {"q": "erp"})

    assert [p.code for p in table_records(response)] == ["PRJ-ERP"]


@pytest.mark.django_db
def test_the_project_list_filters_on_portfolios(client_in_role):
    a, _b, c = (factories.ProjectFactory(code=code) for code in ("PRJ-A", "PRJ-B", "PRJ-C"))

    response = client_in_role("exec").get(
        reverse("projects:project_list"), {"portfolio": [a.portfolio_id, c.portfolio_id]}
    )

    assert [p.code for p in table_records(response)] == ["PRJ-A", "PRJ-C"]


@pytest.mark.django_db
def test_the_project_list_filters_on_several_phases(client_in_role):
    factories.ProjectFactory(code="PRJ-IDEA", phase=Phase.IDEA)
    factories.ProjectFactory(code="PRJ-FRAME", phase=Phase.FRAMING)
    factories.ProjectFactory(code="PRJ-EXEC", phase=Phase.EXECUTION)

    response = client_in_role("exec").get(
        reverse("projects:project_list"), {"phase": [Phase.IDEA, Phase.FRAMING]}
    )

    assert [p.code for p in table_records(response)] == ["PRJ-FRAME", "PRJ-IDEA"]


@pytest.mark.django_db
def test_the_project_list_refuses_an_unknown_phase_next_to_the_filter(client_in_role):
    factories.ProjectFactory()

    response = client_in_role("exec").get(reverse("projects:project_list"), {"phase": "nope"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.text


@pytest.mark.django_db
def test_the_project_list_mine_shows_the_projects_i_manage_or_sponsor(client_in_role, pm_user):
    factories.ProjectFactory(code="PRJ-MANAGED", project_manager=pm_user)
    factories.ProjectFactory(code="PRJ-SPONSORED", sponsor=pm_user)
    factories.ProjectFactory(code="PRJ-NOT-MINE")

    response = client_in_role("pm_own").get(reverse("projects:project_list"), {"mine": "true"})

    assert [p.code for p in table_records(response)] == ["PRJ-MANAGED", "PRJ-SPONSORED"]


@pytest.mark.django_db
def test_the_project_list_active_shows_framing_to_closing(client_in_role):
    factories.ProjectFactory(code="PRJ-IDEA", phase=Phase.IDEA)
    factories.ProjectFactory(code="PRJ-EXEC", phase=Phase.EXECUTION)
    factories.ProjectFactory(code="PRJ-CLOSED", phase=Phase.CLOSED)

    response = client_in_role("exec").get(reverse("projects:project_list"), {"active": "true"})

    assert [p.code for p in table_records(response)] == ["PRJ-EXEC"]


@pytest.mark.django_db
def test_the_project_list_sorts_on_the_sort_parameter(client_in_role):
    for code in ["PRJ-B", "PRJ-C", "PRJ-A"]:
        factories.ProjectFactory(code=code)

    descending = client_in_role("exec").get(reverse("projects:project_list"), {"sort": "-code"})
    ascending = client_in_role("exec").get(reverse("projects:project_list"), {"sort": "code"})

    assert [p.code for p in table_records(descending)] == ["PRJ-C", "PRJ-B", "PRJ-A"]
    assert [p.code for p in table_records(ascending)] == ["PRJ-A", "PRJ-B", "PRJ-C"]


@pytest.mark.django_db
def test_the_project_list_shows_25_rows_a_page(client_in_role):
    portfolio = factories.PortfolioFactory()
    manager = factories.project_manager()
    factories.ProjectFactory.create_batch(26, portfolio=portfolio, project_manager=manager)

    first = client_in_role("exec").get(reverse("projects:project_list"))
    second = client_in_role("exec").get(reverse("projects:project_list"), {"page": 2})

    assert len(table_records(first)) == 25
    assert "Page 1 of 2" in first.text
    assert "26 results" in first.text
    assert len(table_records(second)) == 1


@pytest.mark.django_db
def test_an_htmx_request_to_the_project_list_gets_only_the_filtered_results(client_in_role):
    factories.ProjectFactory(code="PRJ-ERP", name="New ERP")
    factories.ProjectFactory(code="PRJ-WEB", name="Website")

    response = client_in_role("exec").get(
        reverse("projects:project_list"), {"q": "erp"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "PRJ-ERP" in response.text
    assert "PRJ-WEB" not in response.text


@pytest.mark.django_db
def test_the_project_list_shows_the_signed_slip(client_in_role, project):
    Project.objects.filter(pk=project.pk).update(forecast_end=D(2026, 12, 28))

    response = client_in_role("exec").get(reverse("projects:project_list"))

    assert '<span class="slip-late">+10</span>' in response.text


# --- milestone list ---------------------------------------------------------------------


@pytest.fixture
def milestones_by_status(project):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    return {
        MilestoneStatus.DONE: factories.MilestoneFactory(
            project=project, name="done", baseline_date=today - 9 * day, actual_date=today - day
        ),
        MilestoneStatus.OVERDUE: factories.MilestoneFactory(
            project=project, name="overdue", baseline_date=today - 2 * day
        ),
        MilestoneStatus.SLIPPED: factories.MilestoneFactory(
            project=project,
            name="slipped",
            baseline_date=today + 5 * day,
            forecast_date=today + 12 * day,
        ),
        MilestoneStatus.ON_TRACK: factories.MilestoneFactory(
            project=project, name="on track", baseline_date=today + 5 * day
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(MilestoneStatus))
def test_the_milestone_list_filters_on_the_status_the_milestones_show(
    client_in_role, milestones_by_status, status
):
    response = client_in_role("exec").get(reverse("projects:milestone_list"), {"status": status})

    records = table_records(response)
    assert [m.name for m in records] == [milestones_by_status[status].name]
    assert records[0].status() == status


@pytest.mark.django_db
def test_the_milestone_list_searches_the_project_code(client_in_role, milestone):
    factories.MilestoneFactory(name="elsewhere")

    response = client_in_role("exec").get(
        reverse("projects:milestone_list"), {"q": milestone.project.code}
    )

    assert [m.name for m in table_records(response)] == [milestone.name]


@pytest.mark.django_db
def test_the_milestone_list_filters_on_the_portfolio(client_in_role, milestone):
    factories.MilestoneFactory(name="elsewhere")

    response = client_in_role("exec").get(
        reverse("projects:milestone_list"), {"portfolio": milestone.project.portfolio_id}
    )

    assert [m.name for m in table_records(response)] == [milestone.name]


@pytest.mark.django_db
def test_the_milestone_list_sorts_on_the_sort_parameter(client_in_role, project):
    for day in (10, 30, 20):
        factories.MilestoneFactory(
            project=project, name=f"day {day}", baseline_date=D(2026, 6, day)
        )

    response = client_in_role("exec").get(
        reverse("projects:milestone_list"), {"sort": "-baseline_date"}
    )

    assert [m.name for m in table_records(response)] == ["day 30", "day 20", "day 10"]


@pytest.mark.django_db
def test_an_htmx_request_to_the_milestone_list_gets_only_the_results(client_in_role, milestone):
    response = client_in_role("exec").get(
        reverse("projects:milestone_list"), headers={"HX-Request": "true"}
    )

    assert "<html" not in response.text
    assert milestone.name in response.text


# --- query counts -----------------------------------------------------------------------


def add_projects(n):
    """``n`` projects, each with its own portfolio, programme, manager, sponsor, milestone."""
    for _ in range(n):
        programme = factories.ProgrammeFactory()
        project = factories.ProjectFactory(
            portfolio=programme.portfolio, programme=programme, sponsor=factories.executive()
        )
        factories.MilestoneFactory(project=project)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["project", "milestone"])
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_50(client_in_role, name):
    client = client_in_role("exec")
    url = reverse(f"projects:{name}_list")
    add_projects(5)
    count_queries(client, url)  # warm-up: per-process caches (content types, …)

    with_5 = count_queries(client, url)
    add_projects(45)
    with_50 = count_queries(client, url)

    assert with_50 == with_5
