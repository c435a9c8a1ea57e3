"""``manage.py seed_demo``: a living demo portfolio, loaded once however often it runs.

Loading the whole demo files some 700 weekly statuses through the services, so the tests that
only read it share one load (:class:`TestSeededDemo`, rolled back after its last test); those
that need an empty database first load the demo themselves, cut short or cut down.
"""

import datetime
import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from pmo import months
from pmo.models import User
from pmo.roles import Role
from portfolio.choices import ResourceKind
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)
from projects import selectors, status, weeks
from projects.choices import (
    ACTIVE_PHASES,
    WEATHER_RANK,
    CostKind,
    MilestoneStatus,
    Phase,
    Rating,
    ReportState,
    Weather,
    WeekState,
)
from projects.models import (
    Allocation,
    BaselineRevision,
    BudgetLine,
    CostEntry,
    Milestone,
    OverrunAlert,
    Project,
    ProjectObjective,
    ReportingCalendar,
    StatusReport,
)
from reporting import demo, demo_finance
from reporting.choices import ReportKind, RunState
from reporting.models import ReportLook, ReportRun, ReportSchedule
from risks import selectors as raid
from risks.choices import (
    PENDING_ACTION_STATUSES,
    ActionOrigin,
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    RiskResponse,
    RiskStatus,
    Severity,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from risks.rules import may_decide

COUNTED = (
    User,
    User.groups.through,
    StrategicObjective,
    Portfolio,
    Programme,
    Project,
    ProjectObjective,
    Milestone,
    StatusReport,
    BaselineRevision,
    Risk,
    Issue,
    Action,
    Decision,
    ChangeRequest,
    Resource,
    ResourceCapacity,
    Allocation,
    BudgetLine,
    PortfolioEnvelope,
    CostEntry,
    OverrunAlert,
)
SPECS = {spec.code: spec for spec in demo.PROJECTS}
THURSDAY, FRIDAY, NEXT_MONDAY = (datetime.timedelta(days=days) for days in (3, 4, 7))
# Projects with half a year of history; those in framing have a quarter.
HALF_YEAR_PHASES = (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)


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


def this_week() -> datetime.date:
    return weeks.current_week(weeks.zone("Europe/Paris"))


def reported_weeks() -> dict[str, set[datetime.date]]:
    """The weeks each project has a submitted status for, by project code."""
    reported = defaultdict(set)
    rows = StatusReport.objects.filter(state=ReportState.SUBMITTED).values_list(
        "project__code", "week"
    )
    for code, week in rows:
        reported[code].add(week)
    return reported


def planned_weeks(project: Project) -> set[datetime.date]:
    """The weeks the demo story says ``project`` reported (or started, this week)."""
    index = next(i for i, spec in enumerate(demo.PROJECTS) if spec.code == project.code)
    history = demo.StatusHistory(
        demo.PROJECTS[index],
        index,
        schedule_of(project),
        ReportingCalendar.get(),
        project.tz,
        timezone.now(),
    )
    return {plan.week for plan in history.plans() if plan.content is not None}


# ------------------------------------------------------------------------------
# On an empty database
# ------------------------------------------------------------------------------


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
def test_seed_demo_saves_nothing_when_one_status_is_refused(monkeypatch):
    def refuse(report, *, actor):
        raise ValidationError("refused")

    monkeypatch.setattr(demo, "status_report_submit", refuse)

    with pytest.raises(ValidationError):
        seed_demo()

    assert not Project.objects.exists()
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_where_settings_do_not_allow_demo_data(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")

    assert not Project.objects.exists()


# A few projects, enough for every kind of history: live ones of each story, one framing,
# one closed.
# What a month gone by adds to: weeks filed, a month of actuals, the allocations and holidays
# of the window, the budget lines and envelopes of moved dates.
MOVING_WITH_TIME = {
    "status_reports",
    "cost_entries",
    "overrun_alerts",
    "allocations",
    "capacities",
    "budget_lines",
    "envelopes",
    # What the rules raise today, and the packs of the schedules' occurrences since.
    "alerts",
    "copil_packs",
}
MOVING_MODELS = (
    "projects.OverrunAlert",
    "projects.Allocation",
    "portfolio.ResourceCapacity",
    "projects.BudgetLine",
    "portfolio.PortfolioEnvelope",
)
LATER_DAY_PROJECTS = ("DSI-001", "DSI-002", "DSI-009", "DSI-010", "DSI-016", "OPS-006")


@pytest.mark.django_db
def test_seed_demo_on_a_later_day_moves_the_dates_and_files_the_weeks_gone_by(monkeypatch):
    # Given the demo loaded a month ago (a few projects of it, to keep the test short)
    monkeypatch.setattr(
        demo, "PROJECTS", tuple(spec for spec in demo.PROJECTS if spec.code in LATER_DAY_PROJECTS)
    )
    today = timezone.localdate()
    demo.load_demo(today=today - datetime.timedelta(days=30))
    before = counts()
    reported_before = reported_weeks()
    drafts_then = list(StatusReport.objects.filter(state=ReportState.DRAFT))
    erp_migration = Project.objects.get(code="DSI-001")

    # When it is loaded again today
    output = seed_demo()

    # Then the dates moved, the rows are the same, and the weeks since are filed
    erp_migration.refresh_from_db()
    assert erp_migration.baseline_start == demo.project_schedule(Phase.EXECUTION, 0, today)[0]
    summary = summary_counts(output)
    assert summary["projects"][1] > 0
    assert summary["milestones"][1] > 0
    assert all(
        created == 0
        for kind, (created, _updated) in summary.items()
        if kind not in MOVING_WITH_TIME
    )
    assert summary["status_reports"][0] > 0
    assert summary["cost_entries"][0] > 0
    after = counts()
    assert after.pop("projects.StatusReport") > before.pop("projects.StatusReport")
    # A month of actuals went by; allocations, holidays, budget lines and envelopes follow
    # the moved dates.
    assert after.pop("projects.CostEntry") > before.pop("projects.CostEntry")
    for label in MOVING_MODELS:
        after.pop(label), before.pop(label)
    # Moving a baseline's dates records a revision; nothing else is added, no change request
    # approved again.
    assert after.pop("projects.BaselineRevision") > before.pop("projects.BaselineRevision")
    assert after == before
    assert summary["actions"][1] > 0
    assert raid.overdue_actions().exists()
    purchasing = Project.objects.get(code="DSI-002")
    assert (purchasing.budget_capex, purchasing.budget_opex) == demo.BUDGETS["DSI-002"]
    assert purchasing.baseline_end == demo.project_schedule(Phase.EXECUTION, 1, today).baseline_end
    reported_after = reported_weeks()
    for project in Project.objects.filter(phase__in=ACTIVE_PHASES):
        assert len(reported_after[project.code]) >= len(reported_before[project.code]) + 2
    # The drafts of the week under way then were submitted since, unless the story skips it.
    assert drafts_then
    for draft in drafts_then:
        draft.refresh_from_db()
        expected = (
            ReportState.SUBMITTED
            if draft.week in planned_weeks(draft.project)
            else ReportState.DRAFT
        )
        assert draft.state == expected, draft
    assert summary["status_reports"][1] == sum(
        draft.state == ReportState.SUBMITTED for draft in drafts_then
    )
    assert seed_demo().startswith("Demo data already in place")


# ------------------------------------------------------------------------------
# The demo, loaded once
# ------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo loaded once, in a transaction rolled back after the class's last test (each
    test runs in its own savepoint inside it); what the command printed."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
        with django_db_blocker.unblock(), transaction.atomic():
            yield seed_demo()
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    # -- structure and projects ---------------------------------------------------------

    def test_two_portfolios_owned_by_pmo_and_five_programmes(self):
        assert set(Portfolio.objects.values_list("code", "owner__username")) == {
            ("DSI", "pmo"),
            ("OPS", "pmo"),
        }
        assert Programme.objects.count() == 5
        assert set(Programme.objects.values_list("portfolio__code", flat=True)) == {"DSI", "OPS"}

    def test_objectives_whose_weights_add_up_to_100(self):
        weights = list(StrategicObjective.objects.values_list("weight", flat=True))
        assert len(weights) == 6
        assert sum(weights) == 100

    def test_about_40_projects_in_every_phase_most_of_them_in_execution(self):
        phases = list(Project.objects.values_list("phase", flat=True))
        assert 35 <= len(phases) <= 45
        assert set(phases) == set(Phase.values)
        by_phase = {phase: phases.count(phase) for phase in Phase.values}
        assert max(by_phase, key=by_phase.get) == Phase.EXECUTION

    def test_projects_spread_over_six_managers_programmes_and_objectives(self):
        managers = set(Project.objects.exclude(project_manager=None).values_list("project_manager"))
        assert len(managers) >= 6
        assert Project.objects.filter(programme=None).exists()
        assert Project.objects.exclude(programme=None).exists()
        assert not Project.objects.filter(sponsor=None).exists()
        for project in Project.objects.prefetch_related("contributions"):
            assert 1 <= len(project.contributions.all()) <= 3, project.code

    def test_some_projects_forecast_late_some_on_time_and_a_few_ahead(self):
        slips = [
            project.schedule_slip_days for project in Project.objects.filter(phase=Phase.EXECUTION)
        ]
        assert any(10 <= slip <= 90 for slip in slips)
        assert 0 in slips
        assert any(slip < 0 for slip in slips)

    def test_execution_projects_are_dated_around_today(self):
        today = timezone.localdate()

        for project in Project.objects.filter(phase=Phase.EXECUTION):
            assert project.baseline_start < today < project.forecast_end, project.code

    def test_every_baselined_project_has_three_to_six_milestones(self):
        for project in Project.objects.exclude(baseline_start=None).prefetch_related("milestones"):
            assert 3 <= len(project.milestones.all()) <= 6, project.code
        assert not Milestone.objects.filter(project__baseline_start=None).exists()

    def test_milestones_are_reached_overdue_slipped_and_coming_up(self):
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

    def test_every_seeded_project_and_milestone_passes_full_clean(self):
        for project in Project.objects.all():
            project.full_clean()
        for milestone in Milestone.objects.all():
            milestone.full_clean()

    # -- people ------------------------------------------------------------------------

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
    def test_each_demo_user_is_in_the_group_of_their_role(self, username, role):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
        assert user.email.endswith("@example.com")
        assert user.first_name
        assert user.last_name

    def test_no_demo_user_is_a_superuser_and_only_pmo_is_staff(self):
        assert not User.objects.filter(is_superuser=True).exists()
        assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == [
            "pmo"
        ]

    @pytest.mark.parametrize("username", ["pmo", "pm", "pm2", "exec"])
    def test_demo_users_log_in_with_the_default_demo_password(self, username):
        assert Client().login(username=username, password="pilotage-demo")

    def test_demo_password_comes_from_the_environment_when_set(self, monkeypatch):
        monkeypatch.setenv("DEMO_PASSWORD", "another-local-password")

        seed_demo()

        assert Client().login(username="pm", password="another-local-password")
        assert not Client().login(username="pm", password=demo.DEFAULT_DEMO_PASSWORD)

    # -- running it again --------------------------------------------------------------

    def test_the_command_reports_what_it_created(self, seeded):
        summary = summary_counts(seeded)
        assert summary["projects"] == (len(demo.PROJECTS), 0)
        assert summary["users"] == (len(demo.PEOPLE), 0)
        assert summary["milestones"] == (Milestone.objects.count(), 0)
        assert summary["status_reports"] == (StatusReport.objects.count(), 0)
        assert summary["risks"] == (Risk.objects.count(), 0)
        assert summary["issues"] == (Issue.objects.count(), 0)
        assert summary["decisions"] == (Decision.objects.count(), 0)
        assert summary["actions"] == (Action.objects.count(), 0)
        assert summary["change_requests"] == (ChangeRequest.objects.count(), 0)

    def test_running_it_again_creates_nothing_not_even_a_status_report(self):
        before = counts()
        statuses = list(StatusReport.objects.order_by("pk").values())

        output = seed_demo()

        assert counts() == before
        assert list(StatusReport.objects.order_by("pk").values()) == statuses
        assert output.startswith("Demo data already in place: nothing created")

    def test_running_it_again_neither_approves_a_change_again_nor_moves_a_baseline(self):
        changes = list(ChangeRequest.objects.order_by("pk").values())
        baselines = {project.code: project.baseline() for project in Project.objects.all()}

        seed_demo()

        assert list(ChangeRequest.objects.order_by("pk").values()) == changes
        assert {project.code: project.baseline() for project in Project.objects.all()} == (
            baselines
        )

    def test_an_edited_demo_project_is_brought_back_to_its_demo_values(self):
        Project.objects.filter(code="DSI-005").update(name="Renamed during a demo")

        seed_demo()

        assert Project.objects.get(code="DSI-005").name == "Refonte du portail client"

    # -- weekly statuses ---------------------------------------------------------------

    def test_live_projects_have_half_a_year_of_weekly_statuses_framing_ones_a_quarter(self):
        current = this_week()
        reported = reported_weeks()

        for project in Project.objects.filter(phase__in=ACTIVE_PHASES):
            history = 26 if project.phase in HALF_YEAR_PHASES else 13
            first = current - datetime.timedelta(weeks=history)
            past = {week for week in reported[project.code] if week < current}
            assert all(first <= week for week in past), project.code
            assert history // 2 <= len(past) <= history - 1, project.code

    def test_closed_projects_have_a_history_up_to_the_week_they_ended(self):
        reported = reported_weeks()

        for project in Project.objects.filter(phase=Phase.CLOSED):
            history = reported[project.code]
            assert 8 <= len(history) <= 13, project.code
            assert max(history) <= weeks.monday_of(project.forecast_end)
            assert project.last_status.progress >= 80

        assert not StatusReport.objects.filter(
            project__phase__in=[Phase.IDEA, Phase.CANCELLED]
        ).exists()

    def test_some_weeks_are_not_reported_and_sloppy_reporters_miss_more(self):
        current = this_week()
        reported = reported_weeks()
        weeks_with_a_row = set(StatusReport.objects.values_list("project__code", "week"))
        missed = {}
        for project in Project.objects.filter(phase__in=HALF_YEAR_PHASES):
            window = weeks.weeks_back(current - weeks.ONE_WEEK, 26)
            missed[project.code] = [week for week in window if week not in reported[project.code]]
            # Not reported means nothing at all: no draft left behind in those weeks.
            assert not any(
                (project.code, week) in weeks_with_a_row for week in missed[project.code]
            )

        sloppy = [len(missed.pop(code)) for code in demo.SLOPPY_REPORTERS]
        others = [len(weeks_missed) for weeks_missed in missed.values()]
        assert all(2 <= count <= 5 for count in others), missed
        assert min(sloppy) >= 5
        assert sum(sloppy) / len(sloppy) > sum(others) / len(others)

    def test_most_statuses_are_submitted_on_time_and_some_late(self):
        calendar = ReportingCalendar.get()
        now = timezone.now()
        states = Counter()
        # This week's were filed by the time of loading, whatever the day.
        past_weeks = StatusReport.objects.filter(revision=1, week__lt=this_week())
        for report in past_weeks.exclude(state=ReportState.DRAFT).select_related("project"):
            due = calendar.deadline(report.week, report.project.tz)
            day = timezone.localtime(report.submitted_at, report.project.tz).date()
            assert report.submitted_at <= now
            if report.submitted_at <= due:
                # Thursday or Friday morning
                assert day - report.week in (THURSDAY, FRIDAY), report
            else:
                # Friday afternoon to Monday
                assert report.week + FRIDAY <= day <= report.week + NEXT_MONDAY, report
            states[report.submitted_at <= due] += 1

        late_share = states[False] / (states[True] + states[False])
        assert 0.04 <= late_share <= 0.25

    def test_sliding_projects_go_red_with_recovery_plans_and_decisions_requested(self):
        filed = StatusReport.objects.exclude(state=ReportState.DRAFT)
        red = filed.filter(cost_rating=Rating.RED) | filed.filter(delay_rating=Rating.RED)
        assert red.values("project").distinct().count() >= 4
        for report in red:
            assert report.recovery_plan
            assert report.recovery_target_date > report.week
            assert report.decisions_requested

        stories = Counter(
            demo.status_story(SPECS[project.code], schedule_of(project))
            for project in Project.objects.filter(phase__in=ACTIVE_PHASES)
        )
        assert stories[demo.Story.SLIDING] >= 2
        assert stories[demo.Story.RECOVERING] >= 2
        assert (
            stories[demo.Story.STEADY]
            > stories[demo.Story.SLIDING] + stories[demo.Story.RECOVERING]
        )

    def test_a_sliding_project_darkens_from_green_to_red(self):
        timelines = {
            code: statuses_of(code) for code, spec in SPECS.items() if spec.phase == Phase.EXECUTION
        }
        sliding = [
            code
            for code, statuses in timelines.items()
            if not statuses[0].red_axes and statuses[-1].red_axes
        ]
        assert len(sliding) >= 2
        for code in sliding:
            weather = [report.weather for report in timelines[code]]
            assert weather[0] in (Weather.SUNNY, Weather.CLOUDY), code
            assert weather[-1] in (Weather.RAINY, Weather.STORMY), code
            # Cost or delay goes first; the weather only darkens.
            ranks = [WEATHER_RANK[value] for value in weather]
            assert ranks[-1] == max(ranks), code

    def test_some_projects_recover_from_red_to_green(self):
        recovered = [
            code
            for code, spec in SPECS.items()
            if spec.phase in ACTIVE_PHASES
            and (statuses := statuses_of(code))
            and statuses[0].red_axes
            and not statuses[-1].red_axes
        ]
        assert len(recovered) >= 2

    def test_a_few_statuses_are_amended_the_earlier_revision_kept(self):
        superseded = list(StatusReport.objects.filter(state=ReportState.SUPERSEDED))
        assert 3 <= len(superseded) <= 40
        for first in superseded:
            amendment = StatusReport.objects.get(
                project=first.project_id, week=first.week, state=ReportState.SUBMITTED
            )
            assert amendment.revision == first.revision + 1
            assert amendment.amendment_reason
            assert amendment.submitted_at > first.submitted_at
        reasons = set(
            StatusReport.objects.filter(revision__gt=1).values_list("amendment_reason", flat=True)
        )
        assert reasons <= {text for kinds in demo.AMENDMENTS for text in kinds.values()}

    def test_every_reported_project_has_its_latest_week_as_latest_status(self):
        for project in Project.objects.select_related("last_status"):
            latest = (
                StatusReport.objects.filter(project=project, state=ReportState.SUBMITTED)
                .order_by("-week")
                .first()
            )
            assert project.last_status == latest, project.code

    def test_this_week_is_partly_filed_so_my_week_has_something_to_do(self):
        current = this_week()
        live = Project.objects.filter(phase__in=ACTIVE_PHASES)
        this_weeks = StatusReport.objects.filter(week=current, project__in=live)

        drafts = this_weeks.filter(state=ReportState.DRAFT).count()
        submitted = this_weeks.filter(state=ReportState.SUBMITTED).count()
        assert drafts >= 2
        assert submitted >= 2
        assert drafts + submitted < live.count() / 2
        assert not StatusReport.objects.filter(week__gt=current).exists()

        rows = selectors.my_week(User.objects.get(username="pm"))
        states = {row["state"] for row in rows}
        assert states & {WeekState.TO_DO, WeekState.LATE}
        assert any(row["draft"] for row in rows)
        assert any(row["submitted"] for row in rows)

    def test_the_timeline_of_a_live_project_shows_its_weeks(self):
        project = Project.objects.get(code="DSI-001")

        timeline = selectors.status_timeline(project, count=26)

        states = Counter(week["state"] for week in timeline)
        assert states[WeekState.SUBMITTED] + states[WeekState.SUBMITTED_LATE] >= 18

    def test_progress_rises_and_the_estimate_to_complete_falls(self):
        for code, spec in SPECS.items():
            statuses = statuses_of(code)
            if len(statuses) < 2:
                continue
            assert statuses[-1].progress >= statuses[0].progress, code
            assert statuses[-1].estimate_to_complete <= statuses[0].estimate_to_complete, code
            if spec.phase == Phase.EXECUTION:
                assert statuses[-1].progress > statuses[0].progress, code

    def test_statuses_are_written_in_the_language_of_their_project(self):
        for report in StatusReport.objects.select_related("project"):
            language = SPECS[report.project.code].language
            assert report.achievements in demo.ACHIEVEMENTS[language]
            assert report.next_steps in demo.NEXT_STEPS[language]

    def test_every_seeded_status_passes_full_clean_and_reads_as_its_week(self):
        calendar = ReportingCalendar.get()
        by_week = defaultdict(list)
        for report in StatusReport.objects.select_related("project"):
            report.full_clean()
            by_week[(report.project, report.week)].append(report)
        for (project, week), reports in by_week.items():
            state = status.week_state(
                project=project, week=week, reports=reports, calendar=calendar
            )
            assert state != WeekState.NOT_REPORTED, (project.code, week)

    # -- budgets and baselines ---------------------------------------------------------

    def test_every_project_has_a_baseline_budget_of_a_few_hundred_thousand_to_a_few_million(
        self,
    ):
        for project in Project.objects.all():
            assert isinstance(project.budget_capex, Decimal)
            assert project.budget_capex > 0, project.code
            assert project.budget_opex > 0, project.code
            assert Decimal("200000") <= project.budget_total <= Decimal("5000000"), project.code

    def test_every_project_has_its_baseline_recorded_as_its_latest_revision(self):
        for project in Project.objects.prefetch_related("baseline_revisions"):
            revisions = list(project.baseline_revisions.all())
            assert revisions, project.code
            latest = revisions[-1]
            assert {
                field: getattr(latest, field) for field in project.baseline()
            } == project.baseline(), project.code
            assert all(revision.recorded_at <= timezone.now() for revision in revisions)

    # -- resources and money -------------------------------------------------------------

    def test_a_pool_of_people_and_teams_in_both_portfolios_and_shared_project_managers(self):
        pools = Counter(Resource.objects.values_list("portfolio__code", flat=True))
        assert pools["DSI"] >= 15
        assert pools["OPS"] >= 6
        assert pools[None] == 6
        assert Resource.objects.filter(kind=ResourceKind.TEAM).count() == 2
        assert Resource.objects.filter(user__username="pm").exists()
        assert ResourceCapacity.objects.filter(reason__icontains="congés").exists()

    def test_six_months_of_allocations_past_and_a_year_ahead_a_few_people_over_capacity(self):
        loads = defaultdict(Decimal)
        for resource_id, month, fte in Allocation.objects.values_list("resource", "month", "fte"):
            loads[(resource_id, month)] += fte
        resources = {r.pk: r for r in Resource.objects.prefetch_related("capacity_overrides")}
        over = {
            resources[pk].name
            for (pk, month), load in loads.items()
            if load > resources[pk].capacity_in(month)
        }
        assert 2 <= len(over) <= 6, over
        assert len({month for _pk, month in loads}) == 18

    def test_the_budget_lines_of_a_baselined_project_add_up_to_its_baseline_budget(self):
        for project in Project.objects.exclude(phase=Phase.IDEA).filter(
            baseline_start__isnull=False
        ):
            lines = BudgetLine.objects.filter(project=project)
            capex = sum(line.amount for line in lines if line.nature == "capex")
            opex = sum(line.amount for line in lines if line.nature == "opex")
            assert (capex, opex) == (project.budget_capex, project.budget_opex), project.code

    def test_each_portfolio_has_envelopes_around_this_fiscal_year(self):
        year = FinancePolicy.get().fiscal_year(timezone.localdate())
        assert set(PortfolioEnvelope.objects.values_list("portfolio__code", "fiscal_year")) == {
            (code, fy) for code in ("DSI", "OPS") for fy in (year - 1, year, year + 1)
        }

    def test_a_year_of_actuals_and_purchase_orders_pushed_by_the_erp(self):
        today = timezone.localdate()
        actuals = CostEntry.objects.filter(kind=CostKind.ACTUAL)
        assert not actuals.filter(date__gt=today).exists()
        spent_in = {months.month_start(day) for day in actuals.values_list("date", flat=True)}
        assert set(months.months(months.add_months(today, -11), 12)) <= spent_in
        assert CostEntry.objects.filter(kind=CostKind.COMMITMENT).count() > 50
        assert not CostEntry.objects.filter(external_reference="").exists()

    def test_one_project_overruns_while_it_reports_green_on_cost(self):
        tolerance = FinancePolicy.get().overrun_tolerance
        overrunning = {}
        for project in Project.objects.select_related("last_status").filter(
            last_status__estimate_to_complete__isnull=False
        ):
            spent = sum(
                CostEntry.objects.filter(project=project, kind=CostKind.ACTUAL).values_list(
                    "amount", flat=True
                )
            )
            eac = spent + project.last_status.estimate_to_complete
            if eac > project.budget_total * (1 + tolerance / 100):
                overrunning[project.code] = project.last_status.cost_rating
        assert overrunning.pop(demo_finance.UNFLAGGED_OVERRUN) == Rating.GREEN
        assert set(overrunning.values()) == {Rating.RED}

    def test_the_overruns_are_alerts_the_green_one_unflagged_for_the_pmo(self):
        alerts = OverrunAlert.objects.filter(closed_at__isnull=True)
        assert {a.project.code for a in alerts.filter(unflagged=True)} == {
            demo_finance.UNFLAGGED_OVERRUN
        }
        assert alerts.filter(unflagged=False, cost_rating=Rating.RED).count() >= 2

    # -- risks -------------------------------------------------------------------------

    def test_live_risks_fill_at_least_ten_cells_of_the_heat_map(self):
        grid = raid.heat_map(raid.live_risks())

        filled = [cell for row in grid["rows"] for cell in row["cells"] if cell["count"]]
        assert len(filled) >= 10

    def test_each_live_project_has_four_to_eight_risks_of_varied_categories_and_responses(self):
        for project in Project.objects.filter(phase__in=ACTIVE_PHASES):
            assert 4 <= Risk.objects.filter(project=project).count() <= 8, project.code
        assert Risk.objects.values("category").distinct().count() >= 8
        assert set(Risk.objects.values_list("response", flat=True)) == set(RiskResponse.values)
        assert Risk.objects.values("owner").distinct().count() >= 8

    def test_a_few_risks_are_held_on_programmes_and_portfolios(self):
        assert Risk.objects.exclude(programme=None).count() >= 2
        assert Risk.objects.exclude(portfolio=None).count() >= 2

    def test_most_risks_have_a_residual_assessment_and_some_are_overdue_for_review(self):
        risks = list(Risk.objects.all())
        assessed = [risk for risk in risks if risk.residual_score is not None]
        assert len(assessed) > len(risks) * 2 / 3
        for risk in assessed:
            assert risk.residual_score <= risk.score, risk
        overdue = [risk for risk in risks if risk.review_overdue()]
        assert 5 <= len(overdue) < len(risks) / 2

    def test_a_few_risks_are_escalated_each_with_a_note(self):
        escalated = list(Risk.objects.exclude(escalated_at=None))
        assert 2 <= len(escalated) <= 6
        for risk in escalated:
            assert risk.escalation_note, risk
            assert risk.escalated_by is not None, risk
            assert risk.created_at < risk.escalated_at <= timezone.now()

    def test_several_risks_above_the_threshold_are_proposed_for_escalation_not_escalated(self):
        threshold = RiskPolicy.get().escalation_threshold
        proposed = list(raid.escalation_proposals())
        assert 3 <= len(proposed) <= 10
        for risk in proposed:
            assert risk.score >= threshold
            assert not risk.is_escalated
        # Those below the threshold are everyday risks: a proposal stands out.
        assert raid.live_risks().filter(score__lt=threshold).count() > 10 * len(proposed)

    def test_some_risks_are_closed_with_a_note(self):
        closed = list(Risk.objects.filter(status=RiskStatus.CLOSED))
        assert len(closed) >= 3
        for risk in closed:
            assert risk.closure_note, risk
            assert risk.closed_at is not None

    def test_one_or_two_risks_occurred_and_became_issues(self):
        occurred = list(Risk.objects.filter(status=RiskStatus.OCCURRED))
        assert 1 <= len(occurred) <= 2
        for risk in occurred:
            issue = risk.issues.get()
            assert issue.title == risk.title
            assert issue.project_id == risk.project_id

    # -- issues, actions, decisions ----------------------------------------------------

    def test_issues_are_open_and_resolved_of_every_severity(self):
        assert set(Issue.objects.values_list("severity", flat=True)) == set(Severity.values)
        assert Issue.objects.filter(status=IssueStatus.OPEN).count() >= 3
        resolved = list(Issue.objects.filter(status=IssueStatus.RESOLVED))
        assert len(resolved) >= 3
        for issue in resolved:
            assert issue.resolution, issue
            assert issue.resolved_by is not None, issue
        assert any(issue.overdue() for issue in Issue.objects.all())

    def test_actions_are_overdue_done_and_come_from_risks_issues_decisions_and_meetings(self):
        assert raid.overdue_actions().count() >= 5
        assert Action.objects.filter(status=ActionStatus.DONE).count() >= 3
        assert Action.objects.filter(status__in=PENDING_ACTION_STATUSES).count() >= 20
        origins = set(Action.objects.values_list("origin", flat=True))
        assert {
            ActionOrigin.RISK,
            ActionOrigin.ISSUE,
            ActionOrigin.DECISION,
            ActionOrigin.MEETING,
        } <= origins
        for action in Action.objects.filter(origin=ActionOrigin.MEETING):
            assert action.meeting, action
        for action in Action.objects.exclude(completed_at=None):
            assert not action.is_pending
            assert action.completed_at <= timezone.now()

    def test_decisions_are_pending_some_past_the_date_needed_and_others_taken(self):
        pending = list(Decision.objects.filter(state=DecisionState.REQUESTED))
        assert len(pending) >= 3
        assert any(decision.overdue() for decision in pending)
        assert any(not decision.overdue() for decision in pending)
        assert Decision.objects.filter(state=DecisionState.WITHDRAWN).exists()

    def test_decisions_are_taken_by_the_executive_or_the_pmo_some_in_a_copil(self):
        taken = list(
            Decision.objects.filter(state=DecisionState.TAKEN).select_related("decided_by")
        )
        assert len(taken) >= 3
        for decision in taken:
            assert may_decide(decision.decided_by), decision
            assert decision.outcome, decision
            assert decision.decided_on <= timezone.localdate()
        deciders = {decision.decided_by.username for decision in taken}
        assert {"exec", "pmo"} <= deciders
        assert any(decision.committee.startswith("Copil") for decision in taken)
        assert any(not decision.committee for decision in taken)

    # -- change requests ---------------------------------------------------------------

    def test_change_requests_are_in_every_state(self):
        states = set(ChangeRequest.objects.values_list("state", flat=True))

        assert states == set(ChangeState.values)

    def test_rejected_change_requests_say_why(self):
        for change in ChangeRequest.objects.filter(state=ChangeState.REJECTED):
            assert change.decision_reason, change
            assert change.decided_by is not None, change

    def test_approved_change_requests_moved_the_baseline_of_their_project(self):
        moved = ChangeRequest.objects.filter(
            state__in=[ChangeState.APPROVED, ChangeState.IMPLEMENTED]
        ).select_related("baseline_before", "baseline_after", "project")
        assert moved.count() >= 2
        for change in moved:
            before, after = change.baseline_before, change.baseline_after
            assert before is not None, change
            assert after is not None, change
            assert before.pk != after.pk, change
            assert after.budget_capex - before.budget_capex == change.cost_delta_capex
            assert after.budget_opex - before.budget_opex == change.cost_delta_opex
            if change.schedule_delta_days:
                assert (after.baseline_end - before.baseline_end).days == (
                    change.schedule_delta_days
                )
            assert change.submitted_at < change.decided_at <= timezone.now()
            assert after.recorded_at == change.decided_at

    def test_a_project_whose_change_was_approved_stands_on_the_baseline_after_it(self):
        moved = ChangeRequest.objects.filter(
            state__in=[ChangeState.APPROVED, ChangeState.IMPLEMENTED]
        ).select_related("baseline_after", "project")
        for change in moved:
            project, after = change.project, change.baseline_after
            assert (project.budget_capex, project.budget_opex) == (
                after.budget_capex,
                after.budget_opex,
            )
            assert project.baseline_end == after.baseline_end
            assert (project.budget_capex, project.budget_opex) == demo.BUDGETS[project.code]

    def test_change_requests_change_cost_and_schedule_and_some_only_one_of_them(self):
        changes = list(ChangeRequest.objects.all())
        assert any(change.cost_delta_capex > 0 for change in changes)
        assert any(change.cost_delta_opex > 0 for change in changes)
        assert any(change.total_cost_delta < 0 for change in changes)
        assert any(change.schedule_delta_days for change in changes)
        assert any(not change.schedule_delta_days for change in changes)
        assert any(not change.total_cost_delta for change in changes)

    # -- all of it ---------------------------------------------------------------------

    def test_everyday_risks_and_actions_are_written_in_the_language_of_their_project(self):
        titles = {
            language: {template.title[language] for template in demo.RISK_TEMPLATES}
            for language in ("fr", "en")
        }
        everyday = Risk.objects.filter(title__in=titles["fr"] | titles["en"])
        assert everyday.count() > 100
        for risk in everyday.select_related("project"):
            assert risk.title in titles[SPECS[risk.project.code].language], risk

    def test_every_seeded_raid_entry_and_change_request_passes_full_clean(self):
        for model in (Risk, Issue, Action, Decision, ChangeRequest):
            for row in model.objects.all():
                row.full_clean()


def schedule_of(project: Project) -> demo.Schedule:
    return demo.Schedule(
        project.baseline_start, project.baseline_end, project.forecast_start, project.forecast_end
    )


def statuses_of(code: str) -> list[StatusReport]:
    """The submitted statuses of project ``code``, oldest week first."""
    return list(
        StatusReport.objects.filter(project__code=code, state=ReportState.SUBMITTED).order_by(
            "week"
        )
    )

    # -- Copil packs --------------------------------------------------------------------

    def test_each_portfolio_has_its_look_with_a_logo(self):
        looks = {look.portfolio.code: look for look in ReportLook.objects.all()}
        assert set(looks) == {"DSI", "OPS"}
        assert all(look.logo for look in looks.values())
        assert looks["DSI"].accent_colour != looks["OPS"].accent_colour

    def test_schedules_of_every_kind_each_on_its_beat_entry(self):
        schedules = list(ReportSchedule.objects.select_related("periodic_task"))
        assert {schedule.kind for schedule in schedules} == set(ReportKind.values)
        assert all(schedule.periodic_task.enabled for schedule in schedules)
        assert {schedule.language for schedule in schedules} == {"fr", "en"}

    def test_the_latest_packs_are_there_to_download_and_were_not_emailed_again(self):
        runs = list(ReportRun.objects.all())
        assert len(runs) == 3
        assert all(run.state == RunState.SUCCEEDED and run.page_count for run in runs)
        assert all(len(run.sha256) == 64 and run.file_size > 1000 for run in runs)
        assert mail.outbox == []
