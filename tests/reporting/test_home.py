"""The home page, which fits the user's roles, and the language switch of every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.choices import Phase
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.django_db
def test_a_user_without_role_is_told_to_ask_for_one(client_in_role, project):
    response = client_in_role("no_role").get(reverse("home"))

    assert response.status_code == 200
    assert "Your account has no role in Pilotage yet." in response.text
    assert project.code not in response.text
    assert "Portfolios by phase" not in response.text


@pytest.mark.django_db
def test_a_project_manager_sees_their_open_projects_only(client_in_role, project, pm_user):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    theirs = factories.ProjectFactory()

    response = client_in_role("pm_own").get(reverse("home"))

    assert "My projects" in response.text
    assert list(response.context["my_projects"]) == [project]
    assert str(project) in response.text
    assert closed.code not in response.text
    assert theirs.code not in response.text


@pytest.mark.django_db
def test_a_project_manager_without_open_project_is_told_so(client_in_role, pm_user):
    response = client_in_role("pm_own").get(reverse("home"))

    assert "You manage no open project." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pmo", "exec"])
def test_users_who_manage_no_project_get_no_my_projects_section(client_in_role, project, role):
    response = client_in_role(role).get(reverse("home"))

    assert "My projects" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "board"), [("pmo", "/dashboard/"), ("exec", "/dashboard/executive/")]
)
def test_the_pmo_and_executives_start_with_the_dashboard(client_in_role, project, role, board):
    response = client_in_role(role).get(reverse("home"))

    assert response.status_code == 200
    assert response.context["board_url"] == board
    assert '<table id="dashboard-grid"' in response.text
    assert f'<tr data-project="{project.code}"' in response.text
    assert "Portfolios by phase" in response.text


@pytest.mark.django_db
def test_project_managers_keep_their_home_page_without_the_dashboard(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("home"))

    assert "board_url" not in response.context
    assert 'id="dashboard-grid"' not in response.text
    assert "My projects" in response.text


@pytest.fixture
def dated_milestones(project):
    """Milestones of ``project`` around today, and one of another project overdue too."""
    today = timezone.localdate()
    return {
        "overdue": factories.MilestoneFactory(
            project=project, name="Late design", baseline_date=today - 3 * DAY
        ),
        "slipped_overdue": factories.MilestoneFactory(
            project=project,
            name="Late tests",
            baseline_date=today - 20 * DAY,
            forecast_date=today - DAY,
        ),
        "upcoming": factories.MilestoneFactory(
            project=project, name="Soon go live", baseline_date=today + 10 * DAY, is_gate=True
        ),
        "due_today": factories.MilestoneFactory(
            project=project, name="Today review", baseline_date=today
        ),
        "far": factories.MilestoneFactory(
            project=project, name="Far away", baseline_date=today + 60 * DAY
        ),
        "done": factories.MilestoneFactory(
            project=project,
            name="Done kickoff",
            baseline_date=today - 5 * DAY,
            actual_date=today - 6 * DAY,
        ),
        "not_mine": factories.MilestoneFactory(
            name="Someone else's", baseline_date=today - 3 * DAY
        ),
    }


@pytest.mark.django_db
def test_a_project_manager_sees_the_overdue_and_upcoming_milestones_of_their_projects(
    client_in_role, dated_milestones
):
    response = client_in_role("pm_own").get(reverse("home"))

    overdue = [m.name for m in response.context["overdue_milestones"]]
    upcoming = [m.name for m in response.context["upcoming_milestones"]]
    assert overdue == ["Late design", "Late tests"]
    assert upcoming == ["Today review", "Soon go live"]
    for name in ("Late design", "Late tests", "Today review", "Soon go live"):
        assert name in response.text
    for name in ("Far away", "Done kickoff", "Someone else&#x27;s"):
        assert name not in response.text


@pytest.mark.django_db
def test_the_pmo_sees_the_overdue_milestones_of_every_project(client_in_role, dated_milestones):
    response = client_in_role("pmo").get(reverse("home"))

    overdue = {m.name for m in response.context["overdue_milestones"]}
    assert overdue == {"Late design", "Late tests", "Someone else's"}


@pytest.mark.django_db
def test_the_home_page_says_when_no_milestone_is_overdue_or_due(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("home"))

    assert "No overdue milestone." in response.text
    assert "No milestone due in the next 30 days." in response.text


@pytest.mark.django_db
def test_the_home_page_counts_the_projects_of_each_portfolio_by_phase(client_in_role):
    portfolio = factories.PortfolioFactory(name="IT")
    factories.ProjectFactory.create_batch(2, portfolio=portfolio, phase=Phase.EXECUTION)
    factories.ProjectFactory(portfolio=portfolio, phase=Phase.IDEA)
    factories.ProjectFactory(portfolio=portfolio, phase=Phase.CLOSED)
    factories.PortfolioFactory(name="Dormant", is_active=False)

    response = client_in_role("exec").get(reverse("home"))

    [row] = response.context["portfolios"]
    assert row.name == "IT"
    assert row.phase_row == [1, 0, 0, 2, 0, 1, 0]
    assert row.active_count == 2


# --- language switch --------------------------------------------------------------------


@pytest.mark.django_db
def test_choosing_french_renders_the_next_pages_in_french(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/login/"})
    assert response.status_code == 302

    page = client.get(reverse("login"))

    assert '<html lang="fr">' in page.text
    assert "Mot de passe" in page.text  # Django's own French for the login form


@pytest.mark.django_db
def test_choosing_english_after_french_renders_english_again(client_in_role):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})
    assert '<html lang="fr">' in client.get(reverse("home")).text

    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("home"))

    assert '<html lang="en">' in page.text
    assert "Log out" in page.text
    assert "Portfolios by phase" in page.text


@pytest.mark.django_db
def test_an_unknown_language_is_ignored(client_in_role):
    client = client_in_role("exec")

    client.post(reverse("set_language"), {"language": "xx"})

    assert '<html lang="en">' in client.get(reverse("home")).text
