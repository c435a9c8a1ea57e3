"""Weekly status model rules, its database constraints, the reporting calendar, and what a
week's status means (its state against the deadline, trends between weeks)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects import status
from projects.choices import Axis, Rating, ReportState, Trend, Weather, WeekState
from projects.models import Project, ReportingCalendar, StatusReport
from tests import factories

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# Wednesday of the week of Monday 9 March 2026; its status is due Friday 13 March at noon.
NOW = datetime.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)
THIS_WEEK = D(2026, 3, 9)
LAST_WEEK = D(2026, 3, 2)
DUE = datetime.datetime(2026, 3, 13, 12, 0, tzinfo=PARIS)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def report(project, **fields) -> StatusReport:
    """An unsaved status of last week for ``project``, all green and sunny."""
    values = {
        "project": project,
        "week": LAST_WEEK,
        "weather": Weather.SUNNY,
        "author": project.project_manager,
        **fields,
    }
    return StatusReport(**values)


def submitted(project, **fields) -> StatusReport:
    return report(project, state=ReportState.SUBMITTED, submitted_at=NOW, **fields)


RED_COST = {
    "cost_rating": Rating.RED,
    "cost_comment": "Change request not budgeted.",
    "recovery_plan": "Scope review with the sponsor.",
    "recovery_target_date": D(2026, 4, 30),
}


# --- StatusReport.clean: the week -------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_submitted_status_passes_full_clean(project):
    submitted(project).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.SUBMITTED])
def test_a_week_that_is_not_a_monday_is_refused(project, state):
    errors = clean_errors(report(project, week=D(2026, 3, 4), state=state))

    assert errors == {"week": ["A reporting week is identified by its Monday."]}


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.SUBMITTED])
def test_a_week_that_has_not_started_is_refused(project, state):
    next_week = THIS_WEEK + datetime.timedelta(weeks=1)

    errors = clean_errors(report(project, week=next_week, state=state))

    assert errors == {"week": ["A status cannot be filed for a week that has not started."]}


@pytest.mark.django_db
def test_the_current_week_may_be_filed(project):
    report(project, week=THIS_WEEK).full_clean()


@pytest.mark.django_db
def test_the_next_week_has_started_in_tokyo_before_it_has_in_paris(monkeypatch, project):
    # Sunday 20:00 in Paris is Monday 04:00 in Tokyo.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 3, 15, 20, 0, tzinfo=PARIS)
    )
    next_week = D(2026, 3, 16)
    tokyo_project = factories.ProjectFactory(time_zone="Asia/Tokyo")

    report(tokyo_project, week=next_week).full_clean()
    assert "week" in clean_errors(report(project, week=next_week))


# --- StatusReport.clean: what a submitted status must say -------------------------------


@pytest.mark.django_db
def test_a_draft_may_be_incomplete(project):
    draft = report(
        project,
        weather=Weather.STORMY,
        quality_rating=Rating.AMBER,
        cost_rating=Rating.RED,
        delay_rating=Rating.RED,
        risk_rating=Rating.AMBER,
    )

    draft.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("axis", Axis.values)
def test_a_submitted_amber_axis_needs_a_comment(project, axis):
    errors = clean_errors(submitted(project, **{f"{axis}_rating": Rating.AMBER}))

    assert errors == {f"{axis}_comment": ["Say why when the rating is not green."]}


@pytest.mark.django_db
def test_a_comment_of_blanks_is_no_comment(project):
    errors = clean_errors(submitted(project, risk_rating=Rating.AMBER, risk_comment="  \n "))

    assert set(errors) == {"risk_comment"}


@pytest.mark.django_db
def test_a_submitted_amber_axis_with_its_comment_passes(project):
    submitted(
        project, delay_rating=Rating.AMBER, delay_comment="Design two weeks late."
    ).full_clean()


@pytest.mark.django_db
def test_a_submitted_red_axis_needs_a_comment_a_recovery_plan_and_a_target_date(project):
    errors = clean_errors(submitted(project, delay_rating=Rating.RED))

    assert errors == {
        "delay_comment": ["Say why when the rating is not green."],
        "recovery_plan": ["A red axis needs a recovery plan."],
        "recovery_target_date": ["A recovery plan needs a target date."],
    }


@pytest.mark.django_db
def test_a_recovery_plan_needs_its_target_date(project):
    errors = clean_errors(submitted(project, **{**RED_COST, "recovery_target_date": None}))

    assert errors == {"recovery_target_date": ["A recovery plan needs a target date."]}


@pytest.mark.django_db
def test_a_submitted_red_axis_with_comment_plan_and_date_passes(project):
    submitted(project, **RED_COST).full_clean()


@pytest.mark.django_db
def test_an_amendment_needs_a_reason(project):
    errors = clean_errors(submitted(project, revision=2))

    assert errors == {"amendment_reason": ["Say why the submitted status is amended."]}


@pytest.mark.django_db
def test_an_amendment_with_its_reason_passes(project):
    submitted(project, revision=2, amendment_reason="Invoice received.").full_clean()


@pytest.mark.django_db
def test_progress_over_100_is_refused_on_the_field(project):
    errors = clean_errors(report(project, progress=101))

    assert set(errors) == {"progress"}


@pytest.mark.django_db
def test_a_negative_estimate_to_complete_is_refused(project):
    errors = clean_errors(report(project, estimate_to_complete=-1))

    assert set(errors) == {"estimate_to_complete"}


@pytest.mark.django_db
def test_red_axes_lists_the_red_ones_in_qcdr_order(project):
    status_report = report(project, risk_rating=Rating.RED, quality_rating=Rating.RED)

    assert status_report.red_axes == [Axis.QUALITY, Axis.RISK]
    assert status_report.ratings() == {
        "quality": Rating.RED,
        "cost": Rating.GREEN,
        "delay": Rating.GREEN,
        "risk": Rating.RED,
    }


@pytest.mark.django_db
def test_a_status_reads_as_its_project_and_week_and_revision(project):
    assert str(report(project)) == f"{project.code}, week of 2026-03-02"
    assert str(report(project, revision=3)) == f"{project.code}, week of 2026-03-02 (revision 3)"


# --- Database constraints ---------------------------------------------------------------


def refused_by_the_database(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


@pytest.mark.django_db
def test_the_database_keeps_one_draft_per_week(project):
    factories.StatusReportFactory(project=project, week=LAST_WEEK)

    refused_by_the_database(report(project, revision=2))


@pytest.mark.django_db
def test_the_database_keeps_one_submitted_status_per_week(project):
    factories.StatusReportFactory(project=project, week=LAST_WEEK, submitted=True)

    refused_by_the_database(submitted(project, revision=2, amendment_reason="Fix"))


@pytest.mark.django_db
def test_the_database_refuses_the_same_revision_twice(project):
    factories.StatusReportFactory(project=project, week=LAST_WEEK, submitted=True)

    refused_by_the_database(report(project, state=ReportState.SUPERSEDED))


@pytest.mark.django_db
def test_the_database_refuses_progress_over_100(project):
    refused_by_the_database(report(project, progress=101))


@pytest.mark.django_db
def test_a_week_may_hold_a_submitted_status_its_open_amendment_and_superseded_ones(project):
    for revision, state in enumerate(
        [ReportState.SUPERSEDED, ReportState.SUPERSEDED, ReportState.SUBMITTED, ReportState.DRAFT],
        start=1,
    ):
        report(project, revision=revision, state=state, amendment_reason="Fix").save()

    assert StatusReport.objects.filter(project=project, week=LAST_WEEK).count() == 4


@pytest.mark.django_db
def test_validation_says_a_week_already_has_a_draft(project):
    factories.StatusReportFactory(project=project, week=LAST_WEEK)

    errors = clean_errors(report(project, revision=2))

    assert errors == {"__all__": ["This week already has a draft."]}


@pytest.mark.django_db
def test_validation_says_a_week_already_has_a_submitted_status(project):
    factories.StatusReportFactory(project=project, week=LAST_WEEK, submitted=True)

    errors = clean_errors(submitted(project, revision=2, amendment_reason="Fix"))

    assert errors == {"__all__": ["This week already has a submitted status."]}


# --- ReportingCalendar ------------------------------------------------------------------


def test_the_calendar_defaults_to_friday_noon_with_a_reminder_a_day_before():
    calendar = ReportingCalendar()

    assert (calendar.due_weekday, calendar.due_time) == (4, datetime.time(12, 0))
    assert calendar.reminder_hours == 24
    assert str(calendar) == "Weekly status due Friday at 12:00"


@pytest.mark.django_db
def test_the_calendar_in_force_is_the_defaults_until_the_pmo_saves_one():
    assert ReportingCalendar.get().pk is None
    assert ReportingCalendar.get().deadline(THIS_WEEK, PARIS) == DUE

    saved = ReportingCalendar.objects.create(due_weekday=3, due_time=datetime.time(17, 0))

    assert ReportingCalendar.get() == saved
    assert ReportingCalendar.get().deadline(THIS_WEEK, PARIS) == datetime.datetime(
        2026, 3, 12, 17, 0, tzinfo=PARIS
    )


def test_the_calendar_deadline_is_friday_noon_in_the_time_zone_given():
    calendar = ReportingCalendar()

    assert calendar.deadline(THIS_WEEK, PARIS) == DUE
    assert calendar.deadline(THIS_WEEK, TOKYO) == datetime.datetime(
        2026, 3, 13, 12, 0, tzinfo=TOKYO
    )


def test_the_reminder_goes_out_the_set_hours_before_the_deadline():
    assert ReportingCalendar().reminder_time(THIS_WEEK, PARIS) == DUE - datetime.timedelta(days=1)
    assert ReportingCalendar(reminder_hours=30).reminder_time(
        THIS_WEEK, PARIS
    ) == datetime.datetime(2026, 3, 12, 6, 0, tzinfo=PARIS)


@pytest.mark.parametrize("hours", [0, 145])
def test_a_reminder_outside_1_to_144_hours_is_refused(hours):
    with pytest.raises(ValidationError) as error:
        ReportingCalendar(reminder_hours=hours).full_clean()

    assert set(error.value.message_dict) == {"reminder_hours"}


# --- status.week_state ------------------------------------------------------------------


PROJECT = Project(code="PRJ-1", time_zone="Europe/Paris")
TOKYO_PROJECT = Project(code="PRJ-2", time_zone="Asia/Tokyo")


def filed(state=ReportState.SUBMITTED, at=None, revision=1) -> StatusReport:
    return StatusReport(week=THIS_WEEK, state=state, submitted_at=at, revision=revision)


def week_state(reports, now, project=PROJECT, calendar=None) -> str:
    return status.week_state(
        project=project,
        week=THIS_WEEK,
        reports=reports,
        calendar=calendar or ReportingCalendar(),
        now=now,
    )


@pytest.mark.parametrize(
    ("reports", "now", "expected"),
    [
        ([], NOW, WeekState.TO_DO),
        ([], DUE, WeekState.TO_DO),
        ([filed(ReportState.DRAFT)], NOW, WeekState.DRAFT),
        ([filed(ReportState.DRAFT)], DUE, WeekState.DRAFT),
        ([], DUE + MINUTE, WeekState.LATE),
        ([filed(ReportState.DRAFT)], DUE + MINUTE, WeekState.LATE),
        # Late until the week is over, then never reported.
        ([], datetime.datetime(2026, 3, 15, 23, 59, tzinfo=PARIS), WeekState.LATE),
        ([], datetime.datetime(2026, 3, 16, 0, 0, tzinfo=PARIS), WeekState.NOT_REPORTED),
        ([filed(ReportState.DRAFT)], NOW + datetime.timedelta(weeks=4), WeekState.NOT_REPORTED),
        ([filed(at=NOW)], NOW, WeekState.SUBMITTED),
        ([filed(at=DUE)], DUE + MINUTE, WeekState.SUBMITTED),
        ([filed(at=NOW)], NOW + datetime.timedelta(weeks=4), WeekState.SUBMITTED),
        ([filed(at=DUE + MINUTE)], DUE + MINUTE, WeekState.SUBMITTED_LATE),
        (
            [filed(at=DUE + datetime.timedelta(days=3))],
            NOW + datetime.timedelta(weeks=4),
            WeekState.SUBMITTED_LATE,
        ),
    ],
    ids=[
        "nothing-before-deadline",
        "nothing-at-deadline",
        "draft-before-deadline",
        "draft-at-deadline",
        "nothing-after-deadline",
        "draft-after-deadline",
        "nothing-sunday-night",
        "nothing-next-monday",
        "draft-weeks-later",
        "submitted-before-deadline",
        "submitted-at-deadline",
        "submitted-seen-weeks-later",
        "submitted-after-deadline",
        "submitted-on-monday",
    ],
)
def test_week_state_against_the_deadline(reports, now, expected):
    assert week_state(reports, now) == expected


def test_an_amendment_after_the_deadline_keeps_an_on_time_week_submitted():
    reports = [
        filed(ReportState.SUBMITTED, at=DUE + datetime.timedelta(days=2), revision=2),
        filed(ReportState.SUPERSEDED, at=DUE - datetime.timedelta(hours=3)),
    ]

    assert week_state(reports, DUE + datetime.timedelta(days=3)) == WeekState.SUBMITTED


def test_an_amendment_on_time_does_not_make_a_late_week_punctual():
    reports = [
        filed(ReportState.SUPERSEDED, at=DUE + MINUTE),
        filed(ReportState.SUBMITTED, at=DUE + datetime.timedelta(hours=2), revision=2),
    ]

    assert week_state(reports, DUE + datetime.timedelta(days=3)) == WeekState.SUBMITTED_LATE


def test_an_open_amendment_of_a_submitted_week_leaves_it_submitted():
    reports = [filed(at=NOW), filed(ReportState.DRAFT, revision=2)]

    assert week_state(reports, DUE + MINUTE) == WeekState.SUBMITTED


def test_the_deadline_is_counted_in_the_projects_time_zone():
    # Friday 11:00 in Paris is 19:00 in Tokyo, seven hours past a Tokyo project's deadline.
    friday_morning = datetime.datetime(2026, 3, 13, 11, 0, tzinfo=PARIS)

    assert week_state([filed(at=friday_morning)], friday_morning) == WeekState.SUBMITTED
    assert (
        week_state([filed(at=friday_morning)], friday_morning, project=TOKYO_PROJECT)
        == WeekState.SUBMITTED_LATE
    )
    assert week_state([], friday_morning, project=TOKYO_PROJECT) == WeekState.LATE


def test_the_deadline_is_the_one_the_pmo_set():
    thursday_five = ReportingCalendar(due_weekday=3, due_time=datetime.time(17, 0))
    friday_morning = datetime.datetime(2026, 3, 13, 9, 0, tzinfo=PARIS)

    assert (
        week_state([filed(at=friday_morning)], friday_morning, calendar=thursday_five)
        == WeekState.SUBMITTED_LATE
    )


# --- status.trend and axis_trends -------------------------------------------------------


@pytest.mark.parametrize(
    ("now_rank", "before_rank", "expected"),
    [
        (0, 1, Trend.BETTER),
        (1, 1, Trend.SAME),
        (2, 1, Trend.WORSE),
        (None, 1, None),
        (1, None, None),
        (None, None, None),
    ],
)
def test_trend_compares_ranks_worse_is_higher(now_rank, before_rank, expected):
    assert status.trend(now_rank, before_rank) == expected


def test_axis_trends_compare_weather_and_each_axis_with_the_previous_week():
    previous = StatusReport(
        weather=Weather.CLOUDY,
        quality_rating=Rating.AMBER,
        cost_rating=Rating.GREEN,
        delay_rating=Rating.AMBER,
        risk_rating=Rating.RED,
    )
    current = StatusReport(
        weather=Weather.STORMY,
        quality_rating=Rating.GREEN,
        cost_rating=Rating.RED,
        delay_rating=Rating.AMBER,
        risk_rating=Rating.AMBER,
    )

    assert status.axis_trends(current, previous) == {
        "weather": Trend.WORSE,
        "quality": Trend.BETTER,
        "cost": Trend.WORSE,
        "delay": Trend.SAME,
        "risk": Trend.BETTER,
    }


@pytest.mark.parametrize("missing", ["current", "previous", "both"])
def test_axis_trends_are_unknown_when_a_week_is_not_reported(missing):
    a_week = StatusReport(weather=Weather.SUNNY)
    current = None if missing in ("current", "both") else a_week
    previous = None if missing in ("previous", "both") else a_week

    assert status.axis_trends(current, previous) == {
        "weather": None,
        "quality": None,
        "cost": None,
        "delay": None,
        "risk": None,
    }
