"""Reporting compliance: punctuality of a week by project manager, on-time rates, the page."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import weeks
from projects.choices import Phase, ReportState
from projects.models import ReportingCalendar
from reporting import compliance
from reporting.compliance import Punctuality
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A past week (the real clock is later): its deadline is Friday 6 March 2026, 12:00 Paris.
WEEK = datetime.date(2026, 3, 2)
DEADLINE = datetime.datetime(2026, 3, 6, 12, 0, tzinfo=PARIS)
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
MINUTE = datetime.timedelta(minutes=1)
URL = "/reporting/compliance/"


def submitted(project, week, at, *, state=ReportState.SUBMITTED, revision=1):
    """A revision of ``week`` first submitted ``at`` (a datetime relative to its deadline)."""
    return factories.StatusReportFactory(
        project=project,
        week=week,
        revision=revision,
        state=state,
        submitted_at=at,
        submitted_by=project.project_manager,
    )


def on_time(project, week):
    return submitted(project, week, _deadline(week) - datetime.timedelta(hours=2))


def late(project, week):
    return submitted(project, week, _deadline(week) + datetime.timedelta(hours=3))


def _deadline(week):
    return datetime.datetime.combine(
        week + datetime.timedelta(days=4), datetime.time(12, 0), tzinfo=PARIS
    )


def line_of(report, manager):
    return next(line for line in report.managers if line.manager == manager)


def rates(rate_list):
    return {rate.weeks: (rate.on_time, rate.expected) for rate in rate_list}


# --- the week ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_on_time_late_and_missing_by_project_manager(pm_user, other_pm_user):
    # given two managers' projects, one submitted at the very deadline, one a minute after
    at_deadline = factories.ProjectFactory(project_manager=pm_user)
    a_minute_late = factories.ProjectFactory(project_manager=pm_user)
    never = factories.ProjectFactory(project_manager=pm_user)
    other_on_time = factories.ProjectFactory(project_manager=other_pm_user)
    other_missing = factories.ProjectFactory(project_manager=other_pm_user)
    submitted(at_deadline, WEEK, DEADLINE)
    submitted(a_minute_late, WEEK, DEADLINE + MINUTE)
    on_time(other_on_time, WEEK)
    # drafts are not submissions
    factories.StatusReportFactory(project=other_missing, week=WEEK)

    # when
    report = compliance.week_compliance(week=WEEK, now=NOW)

    # then
    mine = line_of(report, pm_user)
    assert (mine.tally.on_time, mine.tally.late, mine.tally.missing) == (1, 1, 1)
    assert [row.project for row in mine.projects] == [at_deadline, a_minute_late, never]
    theirs = line_of(report, other_pm_user)
    assert (theirs.tally.on_time, theirs.tally.late, theirs.tally.missing) == (1, 0, 1)
    assert (report.tally.expected, report.tally.on_time, report.tally.late) == (5, 2, 1)
    assert report.tally.missing == 2
    assert report.tally.percent == 40
    assert [(r.project, r.punctuality) for r in report.exceptions] == [
        (never, Punctuality.MISSING),
        (other_missing, Punctuality.MISSING),
        (a_minute_late, Punctuality.LATE),
    ]


@pytest.mark.django_db
def test_only_active_projects_are_expected(pm_user):
    active = [
        factories.ProjectFactory(project_manager=pm_user, phase=phase)
        for phase in (Phase.FRAMING, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)
    ]
    for phase in (Phase.IDEA, Phase.CLOSED, Phase.CANCELLED):
        factories.ProjectFactory(project_manager=pm_user, phase=phase)

    report = compliance.week_compliance(week=WEEK, now=NOW)

    assert [row.project for row in line_of(report, pm_user).projects] == active


@pytest.mark.django_db
def test_the_first_submission_decides_punctuality(pm_user):
    # given one week submitted on time then amended after the deadline, and the reverse
    amended_late = factories.ProjectFactory(project_manager=pm_user)
    submitted(amended_late, WEEK, DEADLINE - MINUTE, state=ReportState.SUPERSEDED)
    submitted(amended_late, WEEK, DEADLINE + datetime.timedelta(days=2), revision=2)
    late_then_amended = factories.ProjectFactory(project_manager=pm_user)
    submitted(late_then_amended, WEEK, DEADLINE + MINUTE, state=ReportState.SUPERSEDED)
    submitted(late_then_amended, WEEK, DEADLINE + datetime.timedelta(days=1), revision=2)

    report = compliance.week_compliance(week=WEEK, now=NOW)

    punctuality = {row.project: row.punctuality for row in line_of(report, pm_user).projects}
    assert punctuality == {amended_late: Punctuality.ON_TIME, late_then_amended: Punctuality.LATE}


@pytest.mark.django_db
def test_the_deadline_is_counted_in_the_projects_time_zone(pm_user):
    # 12:00 in New York is 18:00 in Paris: 15:00 Paris is on time there, late here.
    new_york = factories.ProjectFactory(project_manager=pm_user, time_zone="America/New_York")
    paris = factories.ProjectFactory(project_manager=pm_user)
    at_15_paris = DEADLINE + datetime.timedelta(hours=3)
    submitted(new_york, WEEK, at_15_paris)
    submitted(paris, WEEK, at_15_paris)

    report = compliance.week_compliance(week=WEEK, now=NOW)

    punctuality = {row.project: row.punctuality for row in line_of(report, pm_user).projects}
    assert punctuality == {new_york: Punctuality.ON_TIME, paris: Punctuality.LATE}


@pytest.mark.django_db
def test_this_week_before_its_deadline_is_not_due_yet(pm_user):
    project = factories.ProjectFactory(project_manager=pm_user)
    done = factories.ProjectFactory(project_manager=pm_user)
    on_time(done, WEEK)
    wednesday = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=PARIS)

    report = compliance.week_compliance(week=WEEK, now=wednesday)

    row = next(r for r in line_of(report, pm_user).projects if r.project == project)
    assert row.punctuality == Punctuality.PENDING
    assert (report.tally.on_time, report.tally.pending, report.tally.missing) == (1, 1, 0)
    assert report.tally.percent == 100
    # a week not due yet does not count against the rates
    assert rates(report.rates)[4] == (1, 1 + 3 + 3)


def test_the_default_week_is_the_last_one_past_its_deadline(settings):
    settings.TIME_ZONE = "Europe/Paris"
    calendar = ReportingCalendar()  # the defaults: Friday 12:00

    before = compliance.default_week(now=DEADLINE - MINUTE, calendar=calendar)
    at = compliance.default_week(now=DEADLINE, calendar=calendar)
    sunday_night = compliance.default_week(
        now=datetime.datetime(2026, 3, 8, 23, 30, tzinfo=PARIS), calendar=calendar
    )

    assert before == WEEK - weeks.ONE_WEEK
    assert at == WEEK
    assert sunday_night == WEEK


@pytest.mark.django_db
def test_the_week_defaults_to_the_last_one_past_its_deadline(pm_user):
    factories.ProjectFactory(project_manager=pm_user)
    wednesday = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=PARIS)

    assert compliance.week_compliance(now=wednesday).week == WEEK - weeks.ONE_WEEK
    assert compliance.week_compliance(now=NOW).week == WEEK


# --- rates -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_time_rates_over_4_13_and_52_weeks(pm_user, other_pm_user):
    # given a project started on Monday 5 January 2026: 9 weeks up to WEEK, all expected,
    # on time but for one late week and one missed
    started = factories.ProjectFactory(
        project_manager=pm_user,
        baseline_start=datetime.date(2026, 1, 7),
        forecast_start=datetime.date(2026, 1, 5),
    )
    nine_weeks = weeks.weeks_back(WEEK, 9)
    assert nine_weeks[0] == datetime.date(2026, 1, 5)
    for monday in nine_weeks:
        if monday == datetime.date(2026, 2, 16):
            late(started, monday)
        elif monday != datetime.date(2026, 1, 19):
            on_time(started, monday)
    # and a project without dates, expected from its first status (23 February): 1 of 2
    undated = factories.ProjectFactory(
        project_manager=other_pm_user,
        phase=Phase.FRAMING,
        baseline_start=None,
        baseline_end=None,
        forecast_start=None,
        forecast_end=None,
    )
    on_time(undated, datetime.date(2026, 2, 23))

    report = compliance.week_compliance(week=WEEK, now=NOW)

    assert rates(line_of(report, pm_user).rates) == {4: (3, 4), 13: (7, 9), 52: (7, 9)}
    assert [r.percent for r in line_of(report, pm_user).rates] == [75, 78, 78]
    assert rates(line_of(report, other_pm_user).rates) == {4: (1, 2), 13: (1, 2), 52: (1, 2)}
    assert rates(report.rates) == {4: (4, 6), 13: (8, 11), 52: (8, 11)}


@pytest.mark.django_db
def test_rates_end_with_the_chosen_week(pm_user):
    project = factories.ProjectFactory(project_manager=pm_user)
    on_time(project, WEEK)  # after the chosen week: not counted

    report = compliance.week_compliance(week=WEEK - weeks.ONE_WEEK, now=NOW)

    assert rates(report.rates)[4] == (0, 4)


@pytest.mark.django_db
def test_a_week_submitted_before_the_start_date_counts_as_expected(pm_user):
    project = factories.ProjectFactory(
        project_manager=pm_user, baseline_start=WEEK, forecast_start=WEEK
    )
    on_time(project, WEEK - weeks.ONE_WEEK)

    report = compliance.week_compliance(week=WEEK, now=NOW)

    assert rates(report.rates)[4] == (1, 2)


@pytest.mark.django_db
def test_the_portfolio_filter_keeps_its_projects_and_rates(pm_user):
    portfolio = factories.PortfolioFactory()
    inside = factories.ProjectFactory(project_manager=pm_user, portfolio=portfolio)
    outside = factories.ProjectFactory(project_manager=pm_user)
    on_time(inside, WEEK)
    on_time(outside, WEEK)
    on_time(outside, WEEK - weeks.ONE_WEEK)

    report = compliance.week_compliance(week=WEEK, portfolio=portfolio, now=NOW)

    assert [row.project for line in report.managers for row in line.projects] == [inside]
    assert report.tally.expected == 1
    assert rates(report.rates)[4] == (1, 4)


@pytest.mark.django_db
def test_compliance_reads_in_three_queries(django_assert_num_queries):
    for _ in range(3):
        project = factories.ProjectFactory()
        on_time(project, WEEK)
        late(project, WEEK - weeks.ONE_WEEK)

    with django_assert_num_queries(3):
        compliance.week_compliance(week=WEEK, now=NOW)


# --- the page ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("no_role", 403),
        ("pm_own", 403),
        ("pm_other", 403),
        ("integration", 403),
        ("pmo", 200),
        ("exec", 200),
    ],
)
def test_who_may_see_the_compliance_page(client_in_role, project, role, expected):
    response = client_in_role(role).get(URL)

    assert response.status_code == expected


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.django_db
def test_the_page_is_named_reporting_compliance():
    assert reverse("reporting:compliance") == URL


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("pmo", True), ("exec", True), ("pm_own", False)])
def test_compliance_is_a_tab_of_the_portfolio_health_for_those_who_may_see_it(
    client_in_role, role, shown
):
    response = client_in_role(role).get(reverse("reporting:dashboard"))

    urls = [item["url"] for item in response.context["nav_items"]]
    assert (reverse("reporting:dashboard") in urls) is shown
    assert (URL in [tab["url"] for tab in response.context["section_tabs"]]) is shown


@pytest.mark.django_db
def test_the_compliance_tab_is_active_on_the_compliance_page(client_in_role):
    response = client_in_role("pmo").get(URL)

    active = [tab["url"] for tab in response.context["section_tabs"] if tab["active"]]
    assert active == [URL]
    nav = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert nav == [reverse("reporting:dashboard")]


@pytest.mark.django_db
def test_the_page_shows_the_week_by_manager_and_the_late_and_missing_projects(
    client_in_role, pm_user, other_pm_user
):
    punctual = factories.ProjectFactory(project_manager=pm_user, name="Punctual")
    tardy = factories.ProjectFactory(project_manager=pm_user, name="Tardy")
    absent = factories.ProjectFactory(project_manager=other_pm_user, name="Absent")
    on_time(punctual, WEEK)
    late(tardy, WEEK)

    # any day of the week picks its Monday
    response = client_in_role("pmo").get(URL, {"week": "2026-03-04"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.week == WEEK
    assert (report.tally.on_time, report.tally.late, report.tally.missing) == (1, 1, 1)
    html = response.text
    assert pm_user.display_name in html
    assert other_pm_user.display_name in html
    exceptions = html.split("Late and missing", 1)[1]
    assert f'href="{tardy.get_absolute_url()}"' in exceptions
    assert f'href="{absent.get_absolute_url()}"' in exceptions
    assert punctual.get_absolute_url() not in exceptions
    assert "33 %" in html  # one on time of three due


@pytest.mark.django_db
def test_the_page_filters_by_portfolio(client_in_role, pm_user):
    portfolio = factories.PortfolioFactory(name="Chosen")
    inside = factories.ProjectFactory(project_manager=pm_user, portfolio=portfolio)
    outside = factories.ProjectFactory(project_manager=pm_user)

    response = client_in_role("exec").get(URL, {"week": WEEK, "portfolio": portfolio.pk})

    assert inside.code in response.text
    assert outside.code not in response.text


@pytest.mark.django_db
def test_a_week_not_started_is_refused_with_a_message(client_in_role, project):
    response = client_in_role("pmo").get(URL, {"week": "2999-01-04"})

    assert response.status_code == 200
    assert response.context["form"].errors["week"] == ["This week has not started yet."]
    assert response.context["report"].week == compliance.default_week()


@pytest.mark.django_db
def test_an_unreadable_week_gets_a_message_not_an_error(client_in_role, project):
    response = client_in_role("pmo").get(URL, {"week": "next friday", "portfolio": "x"})

    assert response.status_code == 200
    assert "week" in response.context["form"].errors
    assert "portfolio" in response.context["form"].errors


def _page_queries(client, week):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"week": week})
    assert response.status_code == 200
    return len(context.captured_queries)


def _portfolio_of(projects_count, weeks_count, pm):
    for _ in range(projects_count):
        project = factories.ProjectFactory(project_manager=pm)
        for monday in weeks.weeks_back(WEEK, weeks_count):
            on_time(project, monday)


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_more_projects_and_weeks(client_in_role):
    client = client_in_role("pmo")
    managers = [factories.project_manager() for _ in range(4)]
    _portfolio_of(3, 4, managers[0])
    small = _page_queries(client, WEEK)

    for pm in managers:
        _portfolio_of(3, 12, pm)
    large = _page_queries(client, WEEK)

    assert large == small
