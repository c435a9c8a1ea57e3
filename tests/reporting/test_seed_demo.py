"""``manage.py seed_demo``: a living demo portfolio, loaded once however often it runs."""

import datetime
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from pmo.models import User
from pmo.roles import Role
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import MilestoneStatus, Phase
from projects.models import Milestone, Project, ProjectObjective
from reporting import demo

COUNTED = (
    User,
    User.groups.through,
    StrategicObjective,
    Portfolio,
    Programme,
    Project,
    ProjectObjective,
    Milestone,
)


@pytest.fixture(autouse=True)
def _default_demo_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def seed_demo() -> str:
    """Run the command and return what it printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def summary_counts(output: str) -> dict[str, tuple[int, int]]:
    """``{"projects": (created, updated), ...}`` read from the command's summary."""
    rows = re.findall(r"^\s+(\w+):\s+(\d+) created,\s+(\d+) updated$", output, re.MULTILINE)
    return {kind: (int(created), int(updated)) for kind, created, updated in rows}


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_seed_demo_creates_two_portfolios_owned_by_pmo_and_five_programmes():
    seed_demo()

    assert set(Portfolio.objects.values_list("code", "owner__username")) == {
        ("DSI", "pmo"),
        ("OPS", "pmo"),
    }
    assert Programme.objects.count() == 5
    assert set(Programme.objects.values_list("portfolio__code", flat=True)) == {"DSI", "OPS"}


@pytest.mark.django_db
def test_seed_demo_creates_objectives_whose_weights_add_up_to_100():
    seed_demo()

    weights = list(StrategicObjective.objects.values_list("weight", flat=True))
    assert len(weights) == 6
    assert sum(weights) == 100


@pytest.mark.django_db
def test_seed_demo_creates_about_40_projects_in_every_phase_most_of_them_in_execution():
    seed_demo()

    phases = list(Project.objects.values_list("phase", flat=True))
    assert 35 <= len(phases) <= 45
    assert set(phases) == set(Phase.values)
    by_phase = {phase: phases.count(phase) for phase in Phase.values}
    assert max(by_phase, key=by_phase.get) == Phase.EXECUTION


@pytest.mark.django_db
def test_seed_demo_spreads_projects_over_six_managers_programmes_and_objectives():
    seed_demo()

    managers = set(Project.objects.exclude(project_manager=None).values_list("project_manager"))
    assert len(managers) >= 6
    assert Project.objects.filter(programme=None).exists()
    assert Project.objects.exclude(programme=None).exists()
    assert not Project.objects.filter(sponsor=None).exists()
    for project in Project.objects.prefetch_related("contributions"):
        assert 1 <= len(project.contributions.all()) <= 3, project.code


@pytest.mark.django_db
def test_seed_demo_forecasts_some_projects_late_some_on_time_and_a_few_ahead():
    seed_demo()

    slips = [
        project.schedule_slip_days for project in Project.objects.filter(phase=Phase.EXECUTION)
    ]
    assert any(10 <= slip <= 90 for slip in slips)
    assert 0 in slips
    assert any(slip < 0 for slip in slips)


@pytest.mark.django_db
def test_seed_demo_dates_execution_projects_around_today():
    seed_demo()
    today = timezone.localdate()

    for project in Project.objects.filter(phase=Phase.EXECUTION):
        assert project.baseline_start < today < project.forecast_end, project.code


@pytest.mark.django_db
def test_seed_demo_gives_every_baselined_project_three_to_six_milestones():
    seed_demo()

    for project in Project.objects.exclude(baseline_start=None).prefetch_related("milestones"):
        assert 3 <= len(project.milestones.all()) <= 6, project.code
    assert not Milestone.objects.filter(project__baseline_start=None).exists()


@pytest.mark.django_db
def test_seed_demo_milestones_are_reached_overdue_slipped_and_coming_up():
    seed_demo()
    today = timezone.localdate()
    milestones = list(Milestone.objects.all())

    statuses = {milestone.status() for milestone in milestones}
    assert statuses == set(MilestoneStatus.values)
    assert any(milestone.is_gate for milestone in milestones)
    assert any(
        milestone.actual_date is None
        and today <= milestone.expected_date <= today + datetime.timedelta(days=30)
        for milestone in milestones
    )
    assert not Milestone.objects.filter(actual_date__gt=today).exists()


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("pmo", Role.PMO_MANAGER),
        ("pm", Role.PROJECT_MANAGER),
        ("pm2", Role.PROJECT_MANAGER),
        ("exec", Role.EXECUTIVE),
        ("erp", Role.INTEGRATION),
    ],
)
@pytest.mark.django_db
def test_seed_demo_puts_each_demo_user_in_the_group_of_their_role(username, role):
    seed_demo()

    user = User.objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [role.value]
    assert user.email.endswith("@example.com")
    assert user.first_name
    assert user.last_name


@pytest.mark.django_db
def test_no_demo_user_is_a_superuser_and_only_pmo_is_staff():
    seed_demo()

    assert not User.objects.filter(is_superuser=True).exists()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["pmo"]


@pytest.mark.parametrize("username", ["pmo", "pm", "pm2", "exec"])
@pytest.mark.django_db
def test_demo_users_log_in_with_the_default_demo_password(username):
    seed_demo()

    assert Client().login(username=username, password="pilotage-demo")


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment_when_set(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-local-password")

    seed_demo()

    assert Client().login(username="pm", password="another-local-password")
    assert not Client().login(username="pm", password=demo.DEFAULT_DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_run_twice_creates_nothing_the_second_time():
    seed_demo()
    before = counts()

    output = seed_demo()

    assert counts() == before
    assert "nothing created" in output


@pytest.mark.django_db
def test_seed_demo_reports_what_it_created():
    output = seed_demo()

    summary = summary_counts(output)
    assert summary["projects"] == (len(demo.PROJECTS), 0)
    assert summary["users"] == (len(demo.PEOPLE), 0)
    assert summary["milestones"] == (Milestone.objects.count(), 0)


@pytest.mark.django_db
def test_seed_demo_on_a_later_day_moves_the_dates_without_adding_rows():
    today = timezone.localdate()
    demo.load_demo(today=today - datetime.timedelta(days=30))
    before = counts()
    erp_migration = Project.objects.get(code="DSI-001")

    output = seed_demo()

    assert counts() == before
    erp_migration.refresh_from_db()
    assert erp_migration.baseline_start == demo.project_schedule(Phase.EXECUTION, 0, today)[0]
    summary = summary_counts(output)
    assert all(created == 0 for created, _updated in summary.values())
    assert summary["projects"][1] > 0
    assert summary["milestones"][1] > 0


@pytest.mark.django_db
def test_seed_demo_brings_an_edited_demo_project_back_to_its_demo_values():
    seed_demo()
    Project.objects.filter(code="DSI-005").update(name="Renamed during a demo")

    seed_demo()

    assert Project.objects.get(code="DSI-005").name == "Refonte du portail client"


@pytest.mark.django_db
def test_seed_demo_saves_nothing_when_one_row_is_refused(monkeypatch):
    def refuse(**data):
        raise ValidationError("refused")

    monkeypatch.setattr(demo, "milestone_create", refuse)

    with pytest.raises(ValidationError):
        seed_demo()

    assert not User.objects.exists()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_every_seeded_project_and_milestone_passes_full_clean():
    seed_demo()

    for project in Project.objects.all():
        project.full_clean()
    for milestone in Milestone.objects.all():
        milestone.full_clean()


@pytest.mark.django_db
def test_seed_demo_refuses_where_settings_do_not_allow_demo_data(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")

    assert not Project.objects.exists()
