"""Weekly status services (create, update, submit, amend) and the status selectors.

The clock is frozen on Wednesday 11 March 2026, 10:00 in Paris: the current week is that of
Monday 9 March, due Friday 13 March at noon.
"""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.exceptions import WorkflowError
from projects import selectors, services
from projects.choices import Phase, Rating, ReportState, Trend, Weather, WeekState
from projects.models import STATUS_CONTENT_FIELDS, Project, StatusReport
from tests import factories

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)
AFTER_DEADLINE = datetime.datetime(2026, 3, 13, 15, 0, tzinfo=PARIS)
WEEK = datetime.timedelta(weeks=1)
THIS_WEEK = D(2026, 3, 9)
LAST_WEEK = THIS_WEEK - WEEK

RED_COST = {
    "weather": Weather.RAINY,
    "cost_rating": Rating.RED,
    "cost_comment": "Change request not budgeted.",
    "recovery_plan": "Scope review with the sponsor.",
    "recovery_target_date": D(2026, 4, 30),
}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """``clock(moment)`` moves the frozen clock; it starts at NOW."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_to(NOW)
    return set_to


def create(project, week=LAST_WEEK, actor=None, **content) -> StatusReport:
    content.setdefault("weather", Weather.SUNNY)
    return services.status_report_create(
        actor=actor or project.project_manager, project=project, week=week, **content
    )


def file(project, week=LAST_WEEK, actor=None, **content) -> StatusReport:
    """Create and submit a week's status through the services."""
    draft = create(project, week, actor, **content)
    return services.status_report_submit(draft, actor=actor or project.project_manager)


def snapshot() -> tuple:
    """Every status row and every project's latest status, to prove nothing changed."""
    return (
        list(StatusReport.objects.order_by("pk").values()),
        list(Project.objects.order_by("pk").values_list("pk", "last_status_id", "updated_at")),
    )


def last_status_of(project) -> StatusReport | None:
    project.refresh_from_db()
    return project.last_status


# --- status_report_create ---------------------------------------------------------------


@pytest.mark.django_db
def test_create_starts_a_draft_of_the_week_by_the_actor(project, pm_user):
    draft = create(project, progress=30, achievements="Design signed off")

    draft.refresh_from_db()
    assert (draft.week, draft.revision, draft.state) == (LAST_WEEK, 1, ReportState.DRAFT)
    assert draft.author == pm_user
    assert (draft.progress, draft.achievements) == (30, "Design signed off")
    assert draft.submitted_at is None
    assert draft.submitted_by is None
    assert last_status_of(project) is None


@pytest.mark.django_db
def test_create_keeps_an_incomplete_draft(project):
    draft = create(project, weather=Weather.STORMY, delay_rating=Rating.RED)

    assert StatusReport.objects.get(pk=draft.pk).delay_rating == Rating.RED


@pytest.mark.django_db
def test_create_refuses_a_second_draft_of_the_week_and_saves_nothing(project):
    create(project)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        create(project, progress=50)

    assert error.value.message_dict == {"week": ["This week already has a draft: continue it."]}
    assert snapshot() == before


@pytest.mark.django_db
def test_create_refuses_a_week_already_submitted_and_saves_nothing(project):
    file(project)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        create(project)

    assert error.value.message_dict == {
        "week": ["This week's status is already submitted: amend it instead."]
    }
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("week", "content", "field"),
    [
        (THIS_WEEK + WEEK, {}, "week"),
        (D(2026, 3, 4), {}, "week"),
        (LAST_WEEK, {"progress": 101}, "progress"),
        (LAST_WEEK, {"weather": "foggy"}, "weather"),
    ],
    ids=["future-week", "not-a-monday", "progress-over-100", "unknown-weather"],
)
def test_create_refuses_bad_input_on_its_field_and_saves_nothing(project, week, content, field):
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        create(project, week, **content)

    assert set(error.value.message_dict) == {field}
    assert snapshot() == before


@pytest.mark.django_db
def test_a_week_never_reported_can_still_be_filed_later(project):
    report = file(project, THIS_WEEK - 5 * WEEK)

    assert report.state == ReportState.SUBMITTED


# --- status_report_update ---------------------------------------------------------------


@pytest.mark.django_db
def test_update_changes_a_draft(project, pm_user):
    draft = create(project)

    services.status_report_update(draft, actor=pm_user, progress=45, **RED_COST)

    draft.refresh_from_db()
    assert (draft.progress, draft.cost_rating, draft.state) == (45, Rating.RED, ReportState.DRAFT)


@pytest.mark.django_db
def test_update_refuses_a_submitted_status_and_changes_nothing(project, pm_user):
    report = file(project)
    before = snapshot()

    with pytest.raises(WorkflowError, match="never edited"):
        services.status_report_update(report, actor=pm_user, progress=90)

    assert snapshot() == before


@pytest.mark.django_db
def test_update_refuses_a_superseded_revision_and_changes_nothing(project, pm_user):
    first = file(project)
    amendment = services.status_report_amend(first, actor=pm_user, reason="Invoice")
    services.status_report_submit(amendment, actor=pm_user)
    before = snapshot()

    with pytest.raises(WorkflowError):
        services.status_report_update(first, actor=pm_user, progress=90)

    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"week": LAST_WEEK - WEEK}, "week"),
        ({"progress": 150}, "progress"),
        ({"recovery_target_date": "soon"}, "recovery_target_date"),
    ],
)
def test_update_refuses_bad_input_and_keeps_the_draft_as_it_was(project, pm_user, change, field):
    draft = create(project, progress=20)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.status_report_update(draft, actor=pm_user, **change)

    assert field in error.value.message_dict
    assert snapshot() == before


@pytest.mark.django_db
def test_update_refuses_moving_a_draft_to_another_project(project, pm_user):
    draft = create(project)
    another = factories.ProjectFactory(project_manager=pm_user)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.status_report_update(draft, actor=pm_user, project=another)

    assert set(error.value.message_dict) == {"project"}
    assert snapshot() == before


# --- status_report_submit ---------------------------------------------------------------


@pytest.mark.django_db
def test_submit_stamps_when_and_by_whom_and_becomes_the_latest_status(project, pmo_user):
    draft = create(project)

    report = services.status_report_submit(draft, actor=pmo_user)

    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at == NOW
    assert report.submitted_by == pmo_user
    assert report.author == project.project_manager
    assert last_status_of(project) == report


@pytest.mark.django_db
def test_submit_refuses_a_red_axis_without_comment_or_plan_and_changes_nothing(project, pm_user):
    draft = create(project, weather=Weather.RAINY, delay_rating=Rating.RED)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.status_report_submit(draft, actor=pm_user)

    assert set(error.value.message_dict) == {
        "delay_comment",
        "recovery_plan",
        "recovery_target_date",
    }
    assert snapshot() == before
    assert StatusReport.objects.get(pk=draft.pk).state == ReportState.DRAFT


@pytest.mark.django_db
def test_submit_refuses_an_amber_axis_without_comment_and_changes_nothing(project, pm_user):
    draft = create(project, weather=Weather.CLOUDY, risk_rating=Rating.AMBER)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.status_report_submit(draft, actor=pm_user)

    assert set(error.value.message_dict) == {"risk_comment"}
    assert snapshot() == before


@pytest.mark.django_db
def test_submit_refuses_a_submitted_status_and_changes_nothing(project, pm_user):
    report = file(project)
    before = snapshot()

    with pytest.raises(WorkflowError, match="submitted"):
        services.status_report_submit(report, actor=pm_user)

    assert snapshot() == before


@pytest.mark.django_db
def test_submit_refuses_a_superseded_revision_and_changes_nothing(project, pm_user):
    first = file(project)
    services.status_report_submit(
        services.status_report_amend(first, actor=pm_user, reason="Invoice"), actor=pm_user
    )
    before = snapshot()

    with pytest.raises(WorkflowError, match="superseded"):
        services.status_report_submit(first, actor=pm_user)

    assert snapshot() == before


@pytest.mark.django_db
def test_a_refused_amendment_leaves_it_a_draft_and_the_week_its_submitted_status(project, pm_user):
    first = file(project)
    amendment = services.status_report_amend(first, actor=pm_user, reason="Delay is red")
    services.status_report_update(amendment, actor=pm_user, delay_rating=Rating.RED)
    before = snapshot()

    with pytest.raises(ValidationError):
        services.status_report_submit(amendment, actor=pm_user)

    assert snapshot() == before
    assert StatusReport.objects.get(pk=first.pk).state == ReportState.SUBMITTED
    assert StatusReport.objects.get(pk=amendment.pk).state == ReportState.DRAFT
    assert last_status_of(project) == first


# --- status_report_amend ----------------------------------------------------------------


@pytest.mark.django_db
def test_amend_opens_a_draft_revision_copying_the_content_with_its_reason(
    project, pm_user, pmo_user
):
    first = file(
        project, progress=40, achievements="Go-live", estimate_to_complete=1200, **RED_COST
    )

    amendment = services.status_report_amend(first, actor=pmo_user, reason="  Invoice received ")

    amendment.refresh_from_db()
    first.refresh_from_db()
    assert (amendment.week, amendment.revision, amendment.state) == (
        LAST_WEEK,
        2,
        ReportState.DRAFT,
    )
    assert amendment.amendment_reason == "Invoice received"
    assert amendment.author == pmo_user
    for field in STATUS_CONTENT_FIELDS:
        assert getattr(amendment, field) == getattr(first, field), field
    # Until the amendment is submitted, the week keeps its submitted status.
    assert first.state == ReportState.SUBMITTED
    assert last_status_of(project) == first


@pytest.mark.django_db
def test_a_submitted_amendment_supersedes_the_earlier_revision_which_is_kept(project, pm_user):
    first = file(project, progress=40)
    amendment = services.status_report_amend(first, actor=pm_user, reason="Progress corrected")
    services.status_report_update(amendment, actor=pm_user, progress=35)

    services.status_report_submit(amendment, actor=pm_user)

    states = dict(
        StatusReport.objects.filter(project=project, week=LAST_WEEK).values_list(
            "revision", "state"
        )
    )
    assert states == {1: ReportState.SUPERSEDED, 2: ReportState.SUBMITTED}
    assert StatusReport.objects.get(pk=first.pk).progress == 40
    assert last_status_of(project) == amendment


@pytest.mark.django_db
def test_revisions_are_numbered_1_2_3(project, pm_user):
    report = file(project)
    for reason in ("Invoice received", "Schedule reviewed"):
        amendment = services.status_report_amend(report, actor=pm_user, reason=reason)
        report = services.status_report_submit(amendment, actor=pm_user)

    revisions = list(
        StatusReport.objects.filter(project=project, week=LAST_WEEK)
        .order_by("revision")
        .values_list("revision", "state")
    )
    assert revisions == [
        (1, ReportState.SUPERSEDED),
        (2, ReportState.SUPERSEDED),
        (3, ReportState.SUBMITTED),
    ]


@pytest.mark.django_db
def test_amend_refuses_a_draft_and_saves_nothing(project, pm_user):
    draft = create(project)
    before = snapshot()

    with pytest.raises(WorkflowError, match="Only the submitted status"):
        services.status_report_amend(draft, actor=pm_user, reason="Fix")

    assert snapshot() == before


@pytest.mark.django_db
def test_amend_refuses_a_superseded_revision_and_saves_nothing(project, pm_user):
    first = file(project)
    services.status_report_submit(
        services.status_report_amend(first, actor=pm_user, reason="Invoice"), actor=pm_user
    )
    before = snapshot()

    with pytest.raises(WorkflowError, match="Only the submitted status"):
        services.status_report_amend(first, actor=pm_user, reason="Again")

    assert snapshot() == before


@pytest.mark.django_db
def test_amend_refuses_a_second_open_amendment_and_saves_nothing(project, pm_user):
    report = file(project)
    services.status_report_amend(report, actor=pm_user, reason="Invoice")
    before = snapshot()

    with pytest.raises(WorkflowError, match="already in progress"):
        services.status_report_amend(report, actor=pm_user, reason="Another one")

    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_amend_refuses_a_missing_reason_and_saves_nothing(project, pm_user, reason):
    report = file(project)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.status_report_amend(report, actor=pm_user, reason=reason)

    assert set(error.value.message_dict) == {"amendment_reason"}
    assert snapshot() == before


# --- Project.last_status ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_latest_status_follows_the_latest_week(project):
    file(project, THIS_WEEK - 2 * WEEK)
    latest = file(project, LAST_WEEK)

    assert last_status_of(project) == latest


@pytest.mark.django_db
def test_submitting_an_older_week_late_does_not_move_the_latest_status_back(project):
    latest = file(project, LAST_WEEK)

    file(project, THIS_WEEK - 3 * WEEK)

    assert last_status_of(project) == latest


@pytest.mark.django_db
def test_amending_an_older_week_does_not_move_the_latest_status_back(project, pm_user):
    older = file(project, THIS_WEEK - 2 * WEEK)
    latest = file(project, LAST_WEEK)

    amendment = services.status_report_amend(older, actor=pm_user, reason="Invoice")
    services.status_report_submit(amendment, actor=pm_user)

    assert last_status_of(project) == latest


@pytest.mark.django_db
def test_a_draft_never_becomes_the_latest_status(project):
    submitted = file(project, LAST_WEEK)

    create(project, THIS_WEEK)

    assert last_status_of(project) == submitted


# --- selectors.status_timeline ----------------------------------------------------------


@pytest.mark.django_db
def test_the_timeline_shows_a_week_not_reported_as_none_never_as_the_week_before(project):
    file(project, THIS_WEEK - 3 * WEEK)
    file(project, LAST_WEEK)

    timeline = selectors.status_timeline(project, count=4, now=NOW)

    assert [week["week"] for week in timeline] == [
        THIS_WEEK - 3 * WEEK,
        THIS_WEEK - 2 * WEEK,
        LAST_WEEK,
        THIS_WEEK,
    ]
    gap = timeline[1]
    assert gap["report"] is None
    assert gap["state"] == WeekState.NOT_REPORTED
    assert set(gap["trends"].values()) == {None}
    assert timeline[3]["report"] is None
    assert timeline[3]["state"] == WeekState.TO_DO


@pytest.mark.django_db
def test_the_timeline_trends_compare_with_the_previous_submitted_week(project):
    file(project, THIS_WEEK - 3 * WEEK, weather=Weather.SUNNY)
    file(project, LAST_WEEK, **RED_COST, risk_rating=Rating.AMBER, risk_comment="Key expert")

    timeline = selectors.status_timeline(project, count=4, now=NOW)

    assert timeline[2]["trends"] == {
        "weather": Trend.WORSE,
        "quality": Trend.SAME,
        "cost": Trend.WORSE,
        "delay": Trend.SAME,
        "risk": Trend.WORSE,
    }


@pytest.mark.django_db
def test_the_timeline_first_week_trends_against_the_week_before_the_window(project):
    file(project, THIS_WEEK - 6 * WEEK, **RED_COST)
    file(project, THIS_WEEK - 2 * WEEK, weather=Weather.CLOUDY)

    timeline = selectors.status_timeline(project, count=3, now=NOW)

    assert timeline[0]["trends"]["cost"] == Trend.BETTER
    assert timeline[0]["trends"]["weather"] == Trend.BETTER


@pytest.mark.django_db
def test_the_timeline_shows_the_submitted_revision_of_an_amended_week(project, pm_user):
    first = file(project, LAST_WEEK, progress=40)
    amendment = services.status_report_amend(first, actor=pm_user, reason="Progress corrected")
    services.status_report_update(amendment, actor=pm_user, progress=35)
    services.status_report_submit(amendment, actor=pm_user)

    week = selectors.status_timeline(project, count=2, now=NOW)[0]

    assert week["report"] == amendment
    assert week["revisions"] == 2
    # Filed this Wednesday, after last Friday's deadline; the amendment changes nothing to it.
    assert week["state"] == WeekState.SUBMITTED_LATE


@pytest.mark.django_db
def test_the_timeline_shows_a_draft_week_without_a_report(project):
    create(project, THIS_WEEK)

    before = selectors.status_timeline(project, count=1, now=NOW)[0]
    after = selectors.status_timeline(project, count=1, now=AFTER_DEADLINE)[0]

    assert (before["report"], before["state"]) == (None, WeekState.DRAFT)
    assert (after["report"], after["state"]) == (None, WeekState.LATE)


@pytest.mark.django_db
def test_the_timeline_tells_a_late_submission(project, clock):
    clock(AFTER_DEADLINE - WEEK)
    file(project, LAST_WEEK)

    assert selectors.status_timeline(project, count=2, now=NOW)[0]["state"] == (
        WeekState.SUBMITTED_LATE
    )


def timeline_queries(project, count) -> int:
    with CaptureQueriesContext(connection) as context:
        selectors.status_timeline(project, count=count, now=NOW)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_the_timeline_costs_the_same_queries_for_2_weeks_as_for_26(project, pm_user):
    quiet = factories.ProjectFactory(project_manager=pm_user)
    file(quiet, LAST_WEEK)
    for weeks_ago in range(1, 27):
        if weeks_ago % 5:
            file(project, THIS_WEEK - weeks_ago * WEEK, progress=weeks_ago)
    amended = StatusReport.objects.get(project=project, week=LAST_WEEK)
    services.status_report_submit(
        services.status_report_amend(amended, actor=pm_user, reason="Fix"), actor=pm_user
    )

    assert timeline_queries(project, 26) == timeline_queries(quiet, 2)


# --- selectors.my_week ------------------------------------------------------------------


@pytest.fixture
def my_projects(pm_user, other_pm_user):
    """Three active projects of ``pm_user``: nothing filed, a draft, submitted; and projects
    that are not theirs to file this week."""
    nothing, drafted, filed = (
        factories.ProjectFactory(code=code, project_manager=pm_user)
        for code in ("PRJ-A", "PRJ-B", "PRJ-C")
    )
    create(drafted, THIS_WEEK)
    file(filed, LAST_WEEK)
    file(filed, THIS_WEEK)
    factories.ProjectFactory(code="PRJ-D", project_manager=pm_user, phase=Phase.CLOSED)
    factories.ProjectFactory(code="PRJ-E", project_manager=other_pm_user)
    return nothing, drafted, filed


@pytest.mark.django_db
def test_my_week_lists_the_users_active_projects_with_this_weeks_state(pm_user, my_projects):
    rows = selectors.my_week(pm_user, now=NOW)

    assert [(row["project"].code, row["state"]) for row in rows] == [
        ("PRJ-A", WeekState.TO_DO),
        ("PRJ-B", WeekState.DRAFT),
        ("PRJ-C", WeekState.SUBMITTED),
    ]
    assert {row["week"] for row in rows} == {THIS_WEEK}
    assert {row["deadline"] for row in rows} == {
        datetime.datetime(2026, 3, 13, 12, 0, tzinfo=PARIS)
    }


@pytest.mark.django_db
def test_my_week_says_late_after_the_deadline_for_nothing_or_a_draft(pm_user, my_projects):
    rows = selectors.my_week(pm_user, now=AFTER_DEADLINE)

    assert [row["state"] for row in rows] == [
        WeekState.LATE,
        WeekState.LATE,
        WeekState.SUBMITTED,
    ]


@pytest.mark.django_db
def test_my_week_gives_the_draft_the_submitted_status_and_the_latest_one(pm_user, my_projects):
    nothing, drafted, filed = my_projects

    rows = {row["project"]: row for row in selectors.my_week(pm_user, now=NOW)}

    assert rows[drafted]["draft"] == StatusReport.objects.get(project=drafted)
    assert rows[drafted]["submitted"] is None
    submitted = StatusReport.objects.get(project=filed, week=THIS_WEEK)
    assert rows[filed]["submitted"] == submitted
    assert rows[filed]["last_status"] == submitted
    assert rows[nothing]["last_status"] is None


@pytest.mark.django_db
def test_my_week_counts_each_project_in_its_own_time_zone(pm_user):
    # Sunday 20:00 in Paris: Monday 04:00 of the next week in Tokyo.
    sunday_evening = datetime.datetime(2026, 3, 15, 20, 0, tzinfo=PARIS)
    factories.ProjectFactory(code="PRJ-P", project_manager=pm_user)
    factories.ProjectFactory(code="PRJ-T", project_manager=pm_user, time_zone="Asia/Tokyo")

    rows = selectors.my_week(pm_user, now=sunday_evening)

    assert [(row["week"], row["state"]) for row in rows] == [
        (THIS_WEEK, WeekState.LATE),
        (THIS_WEEK + WEEK, WeekState.TO_DO),
    ]


def my_week_queries(user) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        rows = selectors.my_week(user, now=NOW)
        for row in rows:
            # What a page reads of each row.
            str(row["project"].portfolio)
    return len(context.captured_queries), len(rows)


@pytest.mark.django_db
def test_my_week_costs_the_same_queries_for_1_project_as_for_6(pm_user, other_pm_user):
    factories.ProjectFactory(project_manager=other_pm_user)
    file(factories.ProjectFactory(project_manager=other_pm_user), LAST_WEEK)
    for number in range(6):
        project = factories.ProjectFactory(project_manager=pm_user)
        file(project, LAST_WEEK)
        if number % 2:
            create(project, THIS_WEEK)

    one, rows_one = my_week_queries(other_pm_user)
    six, rows_six = my_week_queries(pm_user)

    assert (rows_one, rows_six) == (2, 6)
    assert six == one
