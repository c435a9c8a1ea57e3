"""The admin follows the same rules as the pages: who opens, reads, changes and adds what."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.choices import Phase
from projects.models import Milestone, Project
from tests import factories

D = datetime.date


def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def admin_as(client):
    """``admin_as(user)``: the test client signed in as ``user`` made staff."""

    def make(user):
        client.force_login(staff(user))
        return client

    return make


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def project_post(project, **overrides):
    """The admin change form's POST for ``project`` (no milestone rows), with ``overrides``."""

    def iso(value):
        return value.isoformat() if value else ""

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
        "time_zone": project.time_zone,
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return data


# --- projects ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_project_manager_opens_the_change_page_of_their_project(admin_as, pm_user, project):
    response = admin_as(pm_user).get(change_url(project))

    assert response.status_code == 200
    assert 'name="_save"' in response.text
    assert 'name="name"' in response.text


@pytest.mark.django_db
def test_a_staff_project_manager_only_reads_another_managers_project(admin_as, pm_user):
    other = factories.ProjectFactory(name="Theirs")
    client = admin_as(pm_user)

    page = client.get(change_url(other))
    post = client.post(change_url(other), project_post(other, name="Mine"))

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="name"' not in page.text
    assert post.status_code == 403
    assert Project.objects.get(pk=other.pk).name == "Theirs"


@pytest.mark.django_db
def test_a_staff_project_manager_saves_their_project_but_not_its_reserved_fields(
    admin_as, pm_user, other_pm_user, project
):
    before = Project.objects.get(pk=project.pk)

    response = admin_as(pm_user).post(
        change_url(project),
        project_post(
            project,
            name="Renamed",
            forecast_end="2027-01-29",
            code="HACKED",
            phase=Phase.CLOSED,
            project_manager=other_pm_user.pk,
            baseline_end="2030-12-31",
        ),
    )

    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.forecast_end) == ("Renamed", D(2027, 1, 29))
    assert (stored.code, stored.phase, stored.project_manager, stored.baseline_end) == (
        before.code,
        before.phase,
        before.project_manager,
        before.baseline_end,
    )


@pytest.mark.django_db
def test_a_staff_project_manager_cannot_change_a_closed_project_of_theirs(admin_as, pm_user):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)

    response = admin_as(pm_user).post(change_url(closed), project_post(closed, name="Reopened"))

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_staff_executive_views_a_project_but_cannot_change_or_add_one(
    admin_as, exec_user, project
):
    client = admin_as(exec_user)

    page = client.get(change_url(project))
    post = client.post(change_url(project), project_post(project, name="Exec was here"))
    add = client.get(reverse("admin:projects_project_add"))

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert post.status_code == 403
    assert add.status_code == 403
    assert Project.objects.get(pk=project.pk).name == project.name


@pytest.mark.django_db
def test_a_staff_pmo_manager_changes_reserved_fields_in_the_admin(
    admin_as, pmo_user, other_pm_user, project
):
    response = admin_as(pmo_user).post(
        change_url(project),
        project_post(project, phase=Phase.CLOSING, project_manager=other_pm_user.pk),
    )

    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk)
    assert (stored.phase, stored.project_manager) == (Phase.CLOSING, other_pm_user)


@pytest.mark.django_db
def test_a_baseline_moved_in_the_admin_is_recorded_as_a_revision(admin_as, pmo_user, project):
    # The factory stores the project directly: its baseline has no revision yet.
    response = admin_as(pmo_user).post(
        change_url(project), project_post(project, budget_capex="450000.00")
    )

    assert response.status_code == 302
    revisions = list(project.baseline_revisions.order_by("number"))
    assert [(r.number, r.budget_capex, r.recorded_by) for r in revisions] == [
        (1, Decimal("450000.00"), pmo_user)
    ]


@pytest.mark.django_db
def test_saving_a_project_in_the_admin_without_moving_its_baseline_records_nothing_new(
    admin_as, pmo_user, project
):
    client = admin_as(pmo_user)
    client.post(change_url(project), project_post(project, budget_capex="450000.00"))
    project.refresh_from_db()

    client.post(change_url(project), project_post(project, name="Renamed"))

    assert project.baseline_revisions.count() == 1


@pytest.mark.django_db
def test_nobody_deletes_a_project_in_the_admin(admin_as, pmo_user, project):
    response = admin_as(pmo_user).post(
        reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db
def test_a_staff_user_without_role_sees_no_project_in_the_admin(admin_as, no_role_user, project):
    client = admin_as(no_role_user)

    assert client.get(reverse("admin:projects_project_changelist")).status_code == 403
    assert client.get(change_url(project)).status_code == 403


@pytest.mark.django_db
def test_a_project_manager_who_is_not_staff_is_sent_to_the_admin_login(client, pm_user, project):
    client.force_login(pm_user)

    response = client.get(change_url(project))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- milestones -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_milestone_rows_of_a_project_show_their_baseline_read_only_to_its_manager(
    admin_as, pm_user, project
):
    factories.MilestoneFactory(project=project)

    response = admin_as(pm_user).get(change_url(project))

    assert 'name="milestones-0-forecast_date"' in response.text
    assert 'name="milestones-0-baseline_date"' not in response.text
    assert "milestones-__prefix__" not in response.text  # no row to add: it needs a baseline


@pytest.mark.django_db
def test_a_staff_project_manager_adds_milestones_only_to_their_projects(admin_as, pm_user, project):
    other = factories.ProjectFactory()
    client = admin_as(pm_user)
    add_url = reverse("admin:projects_milestone_add")

    page = client.get(add_url)
    refused = client.post(
        add_url, {"project": other.pk, "name": "Sneaky", "baseline_date": "2026-11-30"}
    )
    accepted = client.post(
        add_url, {"project": project.pk, "name": "Mine", "baseline_date": "2026-11-30"}
    )

    assert f'value="{project.pk}"' in page.text
    assert f'value="{other.pk}"' not in page.text
    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Mine"]


@pytest.mark.django_db
def test_a_staff_project_manager_keeps_the_baseline_of_their_milestone(admin_as, pm_user, project):
    milestone = factories.MilestoneFactory(project=project, baseline_date=D(2026, 6, 30))

    response = admin_as(pm_user).post(
        change_url(milestone),
        {
            "project": factories.ProjectFactory().pk,
            "name": milestone.name,
            "baseline_date": "2027-01-01",
            "forecast_date": "2026-07-20",
        },
    )

    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.project, stored.baseline_date, stored.forecast_date) == (
        project,
        D(2026, 6, 30),
        D(2026, 7, 20),
    )


@pytest.mark.django_db
def test_a_staff_project_manager_only_reads_another_managers_milestone(admin_as, pm_user):
    milestone = factories.MilestoneFactory(name="Theirs")
    client = admin_as(pm_user)

    page = client.get(change_url(milestone))
    post = client.post(
        change_url(milestone),
        {"name": "Mine", "baseline_date": milestone.baseline_date.isoformat()},
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert post.status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).name == "Theirs"


# --- portfolio structure ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["pm_user", "exec_user"])
def test_only_the_pmo_changes_a_portfolio_in_the_admin(admin_as, request, user_fixture):
    portfolio = factories.PortfolioFactory(name="IT")
    client = admin_as(request.getfixturevalue(user_fixture))

    page = client.get(change_url(portfolio))
    post = client.post(
        change_url(portfolio),
        {"code": portfolio.code, "name": "Renamed", "owner": portfolio.owner_id},
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert post.status_code == 403
    assert portfolio.__class__.objects.get(pk=portfolio.pk).name == "IT"


@pytest.mark.django_db
def test_a_staff_pmo_manager_changes_a_portfolio_in_the_admin(admin_as, pmo_user):
    portfolio = factories.PortfolioFactory(name="IT", owner=pmo_user)

    response = admin_as(pmo_user).post(
        change_url(portfolio),
        {"code": portfolio.code, "name": "Renamed", "owner": pmo_user.pk, "is_active": "on"},
    )

    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.name == "Renamed"
