"""Pages of the weekly status: My week, the status form, amendments, the status page, the
project's timeline and history, and the reporting calendar."""

import datetime
import re
import zoneinfo
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.choices import Phase, ReportState, WeekState
from projects.models import ReportingCalendar, StatusReport
from tests import factories
from tests.conftest import ROLES
from tests.pages import assert_field_error, field_block

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Wednesday of week 47, before Friday's noon deadline.
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=PARIS)
# Saturday of the same week, after the deadline.
SATURDAY = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)
THIS_WEEK = datetime.date(2026, 11, 16)
LAST_WEEK = datetime.date(2026, 11, 9)
NEXT_WEEK = datetime.date(2026, 11, 23)
WEEK = datetime.timedelta(days=7)

READERS = {
    "anonymous": 302,
    "no_role": 403,
    "pm_own": 200,
    "pm_other": 200,
    "pmo": 200,
    "exec": 200,
    "integration": 200,
}
# Pages of whoever files statuses: project managers (their own rows) and the PMO.
FILERS = {**READERS, "exec": 403, "integration": 403}
# Filing the status of the ``project`` fixture's project: its manager and the PMO.
ITS_FILERS = {**FILERS, "pm_other": 403}
PMO_ONLY = {**ITS_FILERS, "pm_own": 403}


def frozen(moment):
    """Every clock of Django (``timezone.now``) reads ``moment``."""
    return patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture(autouse=True)
def _wednesday():
    with frozen(WEDNESDAY):
        yield


GREEN = {
    "weather": "sunny",
    "quality_rating": "green",
    "quality_comment": "",
    "cost_rating": "green",
    "cost_comment": "",
    "delay_rating": "green",
    "delay_comment": "",
    "risk_rating": "green",
    "risk_comment": "",
    "recovery_plan": "",
    "recovery_target_date": None,
    "progress": 40,
    "achievements": "",
    "next_steps": "",
    "attention_points": "",
    "decisions_requested": "",
    "estimate_to_complete": None,
}


def content(**overrides):
    return {**GREEN, **overrides}


def form_data(action="draft", **overrides):
    """The POST of the status form: the content, and which button was pressed."""
    data = {}
    for name, value in content(**overrides).items():
        if value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = str(value)
    data["action"] = action
    return data


def submit(project, week, actor=None, **overrides):
    """A submitted status of ``week``, through the services (as the pages do)."""
    actor = actor or project.project_manager
    draft = services.status_report_create(
        actor=actor, project=project, week=week, **content(**overrides)
    )
    return services.status_report_submit(draft, actor=actor)


def draft_of(project, week, **overrides):
    return services.status_report_create(
        actor=project.project_manager, project=project, week=week, **content(**overrides)
    )


def edit_url(project, week):
    return reverse("projects:status_edit", args=[project.pk, week.isoformat()])


def assert_top_error(response, message):
    html = response.content.decode()
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.DOTALL)
    assert match, "No error at the top of the form"
    assert message in match.group(1), match.group(1)


# --- permission matrices ----------------------------------------------------------------


@pytest.fixture
def submitted(project):
    return submit(project, LAST_WEEK)


def page_url(page, project, submitted):
    return {
        "my_week": reverse("projects:my_week"),
        "status_new": edit_url(project, THIS_WEEK),
        "status_draft": edit_url(project, THIS_WEEK),
        "status_detail": submitted.get_absolute_url(),
        "reporting_calendar": reverse("projects:reporting_calendar"),
        "project_detail": project.get_absolute_url(),
    }[page]


EXPECTED = {
    "my_week": FILERS,
    "status_new": ITS_FILERS,
    "status_draft": ITS_FILERS,
    "status_detail": READERS,
    "reporting_calendar": PMO_ONLY,
    "project_detail": READERS,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_answers_each_role_as_the_rules_say(
    client_in_role, project, submitted, other_pm_user, page, role
):
    factories.ProjectFactory(project_manager=other_pm_user)
    if page == "status_draft":
        draft_of(project, THIS_WEEK)
    url = page_url(page, project, submitted)

    response = client_in_role(role).get(url)

    assert response.status_code == EXPECTED[page][role]
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


SAVE_DRAFT = {**ITS_FILERS, "pm_own": 302, "pmo": 302}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_saving_a_draft_answers_each_role_as_the_rules_say(client_in_role, project, role):
    response = client_in_role(role).post(edit_url(project, THIS_WEEK), form_data())

    assert response.status_code == SAVE_DRAFT[role]
    saved = StatusReport.objects.filter(project=project).count()
    assert saved == (1 if role in ("pm_own", "pmo") else 0)
    if role == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")


AMEND = {**ITS_FILERS, "pm_own": 302, "pmo": 302}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_amending_answers_each_role_as_the_rules_say(client_in_role, submitted, role):
    url = reverse("projects:status_amend", args=[submitted.pk])

    response = client_in_role(role).post(url, {"amendment_reason": "Wrong cost."})

    assert response.status_code == AMEND[role]
    amendments = StatusReport.objects.filter(revision=2).count()
    assert amendments == (1 if role in ("pm_own", "pmo") else 0)


CALENDAR_SAVE = {**PMO_ONLY, "pmo": 302}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_saving_the_reporting_calendar_is_the_pmos_alone(client_in_role, role):
    response = client_in_role(role).post(
        reverse("projects:reporting_calendar"),
        {"due_weekday": "3", "due_time": "17:00", "reminder_hours": "12"},
    )

    assert response.status_code == CALENDAR_SAVE[role]
    assert ReportingCalendar.objects.exists() is (role == "pmo")


@pytest.mark.django_db
def test_the_status_of_an_ended_project_is_filed_by_the_pmo_only(client_in_role, pm_user):
    closed = factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)

    assert client_in_role("pm_own").get(edit_url(closed, THIS_WEEK)).status_code == 403
    assert client_in_role("pmo").get(edit_url(closed, THIS_WEEK)).status_code == 200


@pytest.mark.django_db
def test_the_amend_address_offers_no_get(client_in_role, submitted):
    url = reverse("projects:status_amend", args=[submitted.pk])

    assert client_in_role("pm_own").get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "week", ["2026-11-17", "2026-11-15", "2026-13-02", "2026-02-30", "16-11-2026", "monday"]
)
def test_a_status_address_whose_week_is_not_a_monday_is_not_found(client_in_role, project, week):
    url = reverse("projects:status_edit", args=[project.pk, "2026-11-16"]).replace(
        "2026-11-16", week
    )

    assert client_in_role("pm_own").get(url).status_code == 404


@pytest.mark.django_db
def test_the_status_of_an_unknown_project_is_not_found(client_in_role, project):
    url = reverse("projects:status_edit", args=[project.pk + 1000, THIS_WEEK.isoformat()])

    assert client_in_role("pmo").get(url).status_code == 404


# --- navigation and home ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "my_week", "calendar"),
    [
        ("pm_own", True, False),
        ("pmo", False, True),
        ("exec", False, False),
        ("integration", False, False),
    ],
)
def test_the_navigation_offers_my_week_to_project_managers_and_the_calendar_to_the_pmo(
    client_in_role, role, my_week, calendar
):
    response = client_in_role(role).get(reverse("home"))

    nav = re.search(r'<nav class="mainnav".*?</nav>', response.text, re.DOTALL).group(0)
    assert (f'href="{reverse("projects:my_week")}"' in nav) is my_week
    assert (f'href="{reverse("projects:reporting_calendar")}"' in nav) is calendar


@pytest.mark.django_db
def test_the_home_page_of_a_project_manager_starts_with_my_week(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("home"))

    assert [row["project"] for row in response.context["my_week"]] == [project]
    my_week = response.text.index("<h2>My week</h2>")
    assert my_week < response.text.index("<h2>My projects</h2>")
    assert my_week < response.text.index("<h2>Portfolios by phase</h2>")
    assert f'href="{edit_url(project, THIS_WEEK)}"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pmo", "exec"])
def test_the_home_page_of_others_has_no_my_week(client_in_role, project, role):
    response = client_in_role(role).get(reverse("home"))

    assert "my_week" not in response.context
    assert "Portfolios by phase" in response.text


# --- My week ----------------------------------------------------------------------------


def my_week_row(response, project):
    [row] = [r for r in response.context["my_week"] if r["project"] == project]
    return row


def row_html(response, project):
    match = re.search(
        rf"<tr>\s*<td><a href=\"{project.get_absolute_url()}\">.*?</tr>", response.text, re.DOTALL
    )
    assert match, "No row for the project"
    return match.group(0)


@pytest.mark.django_db
def test_my_week_lists_only_the_active_projects_of_the_user(client_in_role, project, pm_user):
    factories.ProjectFactory(project_manager=pm_user, phase=Phase.IDEA)
    factories.ProjectFactory(project_manager=pm_user, phase=Phase.CLOSED)
    factories.ProjectFactory()

    response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert [row["project"] for row in response.context["my_week"]] == [project]


@pytest.mark.django_db
def test_my_week_says_to_do_before_the_deadline_with_one_click_to_file(client_in_role, project):
    response = client_in_role("pm_own").get(reverse("projects:my_week"))

    row = my_week_row(response, project)
    assert row["state"] == WeekState.TO_DO
    assert row["week"] == THIS_WEEK
    html = row_html(response, project)
    assert "To do" in html
    assert f'href="{edit_url(project, THIS_WEEK)}">File</a>' in html
    assert "Fri 20 Nov 12:00" in html


@pytest.mark.django_db
def test_my_week_offers_to_continue_a_draft(client_in_role, project):
    draft_of(project, THIS_WEEK)

    response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert my_week_row(response, project)["state"] == WeekState.DRAFT
    html = row_html(response, project)
    assert ">Draft<" in html
    assert f'href="{edit_url(project, THIS_WEEK)}">Continue draft</a>' in html


@pytest.mark.django_db
def test_my_week_shows_a_submitted_week_and_its_weather(client_in_role, project):
    report = submit(project, THIS_WEEK, weather="cloudy", cost_rating="amber", cost_comment="+5%")

    response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert my_week_row(response, project)["state"] == WeekState.SUBMITTED
    html = row_html(response, project)
    assert ">Submitted<" in html
    assert f'href="{report.get_absolute_url()}">View</a>' in html
    assert f'href="{report.get_absolute_url()}#amend">Amend</a>' in html
    assert "weather-cloudy" in html
    assert 'class="dot rating-amber" title="Cost: Amber"' in html


@pytest.mark.django_db
def test_my_week_says_late_after_the_deadline(client_in_role, project):
    submit(project, LAST_WEEK)
    with frozen(SATURDAY):
        response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert my_week_row(response, project)["state"] == WeekState.LATE
    html = row_html(response, project)
    assert ">Late<" in html
    assert f'href="{edit_url(project, THIS_WEEK)}">File</a>' in html


@pytest.mark.django_db
def test_my_week_says_late_for_a_draft_after_the_deadline(client_in_role, project):
    draft_of(project, THIS_WEEK)
    with frozen(SATURDAY):
        response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert my_week_row(response, project)["state"] == WeekState.LATE
    assert "Continue draft" in row_html(response, project)


@pytest.mark.django_db
def test_my_week_says_submitted_late_after_the_deadline(client_in_role, project):
    with frozen(SATURDAY):
        submit(project, THIS_WEEK)
        response = client_in_role("pm_own").get(reverse("projects:my_week"))

    assert my_week_row(response, project)["state"] == WeekState.SUBMITTED_LATE
    assert ">Submitted late<" in row_html(response, project)


@pytest.mark.django_db
def test_my_week_says_when_the_user_manages_nothing(client_in_role, pmo_user):
    response = client_in_role("pmo").get(reverse("projects:my_week"))

    assert "You manage no active project" in response.text


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["projects:my_week", "home"])
def test_my_week_costs_the_same_queries_for_2_projects_as_for_8(client_in_role, pm_user, url_name):
    def add_projects(n):
        for _ in range(n):
            project = factories.ProjectFactory(project_manager=pm_user)
            submit(project, LAST_WEEK)
            draft_of(project, THIS_WEEK)

    client = client_in_role("pm_own")
    url = reverse(url_name)
    add_projects(2)
    count_queries(client, url)  # warm-up: per-process caches

    with_2 = count_queries(client, url)
    add_projects(6)
    with_8 = count_queries(client, url)

    assert with_8 == with_2


# --- the status form: reading -----------------------------------------------------------


@pytest.mark.django_db
def test_a_new_status_starts_from_last_weeks(client_in_role, project):
    submit(
        project,
        LAST_WEEK,
        weather="cloudy",
        cost_rating="amber",
        cost_comment="Invoice late.",
        progress=35,
        next_steps="Go live.",
    )

    response = client_in_role("pm_own").get(edit_url(project, THIS_WEEK))

    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["weather"] == "cloudy"
    assert initial["cost_rating"] == "amber"
    assert initial["cost_comment"] == "Invoice late."
    assert initial["progress"] == 35
    assert "amendment_reason" not in initial
    assert re.search(r'value="cloudy"[^>]*checked', field_block(response, "weather"))
    assert not StatusReport.objects.filter(week=THIS_WEEK).exists()


@pytest.mark.django_db
def test_the_form_shows_last_weeks_value_beside_each_field(client_in_role, project):
    submit(project, LAST_WEEK, weather="rainy", progress=35, risk_comment="Key expert leaving.")
    draft_of(project, THIS_WEEK, weather="sunny", progress=50)

    response = client_in_role("pm_own").get(edit_url(project, THIS_WEEK))

    assert "last week: " in field_block(response, "weather")
    assert "Rainy" in field_block(response, "weather")
    assert "last week: 35 %" in field_block(response, "progress")
    assert "last week: Key expert leaving." in field_block(response, "risk_comment")
    # The draft is what the form edits.
    assert response.context["form"].initial["progress"] == 50


@pytest.mark.django_db
def test_a_status_with_no_earlier_one_starts_empty(client_in_role, project):
    response = client_in_role("pm_own").get(edit_url(project, THIS_WEEK))

    form = response.context["form"]
    assert not form["weather"].value()
    assert form["progress"].value() == 0
    assert form["cost_comment"].value() == ""
    assert "No earlier submitted status" in response.text
    assert "checked" not in field_block(response, "weather")
    assert "last week" not in field_block(response, "weather")


@pytest.mark.django_db
def test_a_red_axis_highlights_the_recovery_plan(client_in_role, project):
    submit(
        project,
        LAST_WEEK,
        delay_rating="red",
        delay_comment="Late supplier.",
        recovery_plan="Second supplier.",
        recovery_target_date=THIS_WEEK + 4 * WEEK,
    )

    response = client_in_role("pm_own").get(edit_url(project, THIS_WEEK))

    assert 'class="card recovery is-needed"' in response.text


@pytest.mark.django_db
def test_the_form_of_a_submitted_week_leads_to_its_status(client_in_role, project):
    report = submit(project, THIS_WEEK)

    response = client_in_role("pm_own").get(edit_url(project, THIS_WEEK))

    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()


# --- the status form: writing -----------------------------------------------------------


@pytest.mark.django_db
def test_save_draft_creates_the_weeks_draft(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK), form_data(progress=55, achievements="Kick-off.")
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(project, THIS_WEEK)
    report = StatusReport.objects.get(project=project)
    assert report.state == ReportState.DRAFT
    assert report.week == THIS_WEEK
    assert report.author == pm_user
    assert report.progress == 55
    assert report.achievements == "Kick-off."


@pytest.mark.django_db
def test_save_draft_again_changes_the_same_draft(client_in_role, project):
    draft = draft_of(project, THIS_WEEK, progress=10)

    response = client_in_role("pm_own").post(edit_url(project, THIS_WEEK), form_data(progress=20))

    assert response.status_code == 302
    assert StatusReport.objects.filter(project=project).count() == 1
    draft.refresh_from_db()
    assert draft.progress == 20
    assert draft.state == ReportState.DRAFT


@pytest.mark.django_db
def test_submit_saves_and_submits_the_week(client_in_role, project, pm_user):
    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK),
        form_data("submit", cost_rating="amber", cost_comment="Overrun of 3%."),
    )

    report = StatusReport.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_by == pm_user
    assert report.submitted_at == WEDNESDAY
    project.refresh_from_db()
    assert project.last_status == report


@pytest.mark.django_db
def test_submit_continues_an_existing_draft(client_in_role, project):
    draft = draft_of(project, THIS_WEEK, progress=10)

    client_in_role("pm_own").post(edit_url(project, THIS_WEEK), form_data("submit", progress=60))

    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    assert draft.progress == 60
    assert StatusReport.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_the_pmo_may_file_for_any_project(client_in_role, project, pmo_user):
    client_in_role("pmo").post(edit_url(project, THIS_WEEK), form_data("submit"))

    report = StatusReport.objects.get(project=project)
    assert report.author == pmo_user
    assert report.state == ReportState.SUBMITTED


RED_WITHOUT_WHY = {"delay_rating": "red", "delay_comment": "", "recovery_plan": ""}


@pytest.mark.django_db
def test_submitting_a_red_axis_without_comment_or_plan_saves_nothing(client_in_role, project):
    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK), form_data("submit", **RED_WITHOUT_WHY)
    )

    assert response.status_code == 200
    assert_field_error(response, "delay_comment", "Say why when the rating is not green.")
    assert_field_error(response, "recovery_plan", "A red axis needs a recovery plan.")
    assert_field_error(response, "recovery_target_date", "A recovery plan needs a target date.")
    assert not StatusReport.objects.exists()
    # What was typed is shown again, to be completed.
    assert re.search(r'value="red"[^>]*checked', field_block(response, "delay_rating"))


@pytest.mark.django_db
def test_a_refused_submission_leaves_the_draft_as_it_was(client_in_role, project):
    draft = draft_of(project, THIS_WEEK, progress=30, achievements="Before.")

    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK),
        form_data("submit", progress=70, achievements="After.", **RED_WITHOUT_WHY),
    )

    assert response.status_code == 200
    assert_field_error(response, "recovery_plan", "A red axis needs a recovery plan.")
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.progress == 30
    assert draft.achievements == "Before."
    assert draft.delay_rating == "green"


@pytest.mark.django_db
def test_a_red_axis_may_be_saved_as_a_draft_without_its_plan(client_in_role, project):
    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK), form_data(**RED_WITHOUT_WHY)
    )

    assert response.status_code == 302
    assert StatusReport.objects.get(project=project).delay_rating == "red"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["draft", "submit"])
def test_progress_over_100_is_refused_next_to_the_field(client_in_role, project, action):
    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK), form_data(action, progress=101)
    )

    assert response.status_code == 200
    assert_field_error(response, "progress", "Ensure this value is less than or equal to 100.")
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_a_missing_weather_is_refused_next_to_the_field(client_in_role, project):
    data = form_data()
    del data["weather"]

    response = client_in_role("pm_own").post(edit_url(project, THIS_WEEK), data)

    assert response.status_code == 200
    assert_field_error(response, "weather", "This field is required.")
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_a_second_status_for_a_submitted_week_is_refused(client_in_role, project):
    report = submit(project, THIS_WEEK, progress=40)

    response = client_in_role("pm_own").post(
        edit_url(project, THIS_WEEK), form_data("submit", progress=90)
    )

    assert response.status_code == 200
    assert_top_error(response, "This week&#x27;s status is already submitted: amend it instead.")
    assert StatusReport.objects.filter(project=project).count() == 1
    report.refresh_from_db()
    assert report.progress == 40


@pytest.mark.django_db
def test_a_submitted_status_cannot_be_edited_through_the_form(client_in_role, project):
    # The form was opened on the draft, which another tab submitted meanwhile.
    report = submit(project, THIS_WEEK, progress=40)
    data = {**form_data(progress=90), "report": str(report.pk)}

    response = client_in_role("pm_own").post(edit_url(project, THIS_WEEK), data)

    assert response.status_code == 409
    assert_top_error(response, "A submitted status is never edited: amend it instead.")
    assert StatusReport.objects.filter(project=project).count() == 1
    report.refresh_from_db()
    assert report.progress == 40
    assert report.state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_a_week_that_has_not_started_cannot_be_filed(client_in_role, project):
    url = edit_url(project, NEXT_WEEK)
    page = client_in_role("pm_own").get(url)
    assert page.status_code == 200
    assert "This week has not started yet" in page.text

    response = client_in_role("pm_own").post(url, form_data("submit"))

    assert response.status_code == 200
    assert_top_error(response, "A status cannot be filed for a week that has not started.")
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_a_past_week_never_reported_can_still_be_filed(client_in_role, project):
    old_week = THIS_WEEK - 3 * WEEK
    submit(project, old_week - WEEK, progress=12)

    page = client_in_role("pm_own").get(edit_url(project, old_week))
    assert page.context["form"].initial["progress"] == 12

    response = client_in_role("pm_own").post(edit_url(project, old_week), form_data("submit"))

    assert response.status_code == 302
    report = StatusReport.objects.get(project=project, week=old_week)
    assert report.state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_another_managers_post_saves_nothing(client_in_role, project):
    response = client_in_role("pm_other").post(edit_url(project, THIS_WEEK), form_data("submit"))

    assert response.status_code == 403
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_another_managers_post_to_a_draft_changes_nothing(client_in_role, project):
    draft = draft_of(project, THIS_WEEK, progress=10)

    response = client_in_role("pm_other").post(edit_url(project, THIS_WEEK), form_data(progress=99))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.progress == 10


# --- amendments -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_amendment_keeps_the_submitted_revision_and_shows_both(client_in_role, project):
    first = submit(project, LAST_WEEK, cost_rating="green", progress=40)
    client = client_in_role("pm_own")

    response = client.post(
        reverse("projects:status_amend", args=[first.pk]),
        {"amendment_reason": "The supplier's invoice came in."},
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(project, LAST_WEEK)
    form = client.get(edit_url(project, LAST_WEEK))
    assert form.status_code == 200
    assert "Amendment of revision 1:" in form.text
    assert "The supplier&#x27;s invoice came in." in form.text
    assert form.context["form"].initial["progress"] == 40

    client.post(
        edit_url(project, LAST_WEEK),
        form_data("submit", cost_rating="amber", cost_comment="Invoice +8%.", progress=40),
    )

    first.refresh_from_db()
    second = StatusReport.objects.get(project=project, week=LAST_WEEK, revision=2)
    assert first.state == ReportState.SUPERSEDED
    assert first.cost_rating == "green"
    assert second.state == ReportState.SUBMITTED
    assert second.cost_rating == "amber"
    page = client.get(second.get_absolute_url())
    assert f'href="{first.get_absolute_url()}">Revision 1</a>' in page.text
    assert "Superseded" in page.text
    assert "Amendment of revision 1:" in page.text
    old_page = client.get(first.get_absolute_url())
    assert "This revision was superseded" in old_page.text
    assert f'href="{second.get_absolute_url()}"' in old_page.text
    assert "Amend this status" not in old_page.text


@pytest.mark.django_db
def test_an_amendment_needs_a_reason(client_in_role, submitted):
    response = client_in_role("pm_own").post(
        reverse("projects:status_amend", args=[submitted.pk]), {"amendment_reason": "  "}
    )

    assert response.status_code == 200
    assert_field_error(response, "amendment_reason", "This field is required.")
    assert StatusReport.objects.count() == 1


@pytest.mark.django_db
def test_a_second_amendment_in_progress_is_refused_with_409(client_in_role, submitted):
    services.status_report_amend(submitted, actor=submitted.author, reason="First.")

    response = client_in_role("pm_own").post(
        reverse("projects:status_amend", args=[submitted.pk]), {"amendment_reason": "Again."}
    )

    assert response.status_code == 409
    assert_top_error(response, "An amendment of this week is already in progress.")
    assert StatusReport.objects.count() == 2


@pytest.mark.django_db
def test_a_draft_cannot_be_amended(client_in_role, project):
    draft = draft_of(project, THIS_WEEK)

    response = client_in_role("pm_own").post(
        reverse("projects:status_amend", args=[draft.pk]), {"amendment_reason": "Why not."}
    )

    assert response.status_code == 409
    assert_top_error(response, "Only the submitted status of a week can be amended.")
    assert StatusReport.objects.count() == 1


# --- the status page --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_status_page_shows_every_field_of_the_revision(client_in_role, project, pm_user):
    report = submit(
        project,
        LAST_WEEK,
        weather="rainy",
        quality_rating="amber",
        quality_comment="Defects in tests.",
        risk_rating="red",
        risk_comment="Key expert leaving.",
        recovery_plan="Pair with a second expert.",
        recovery_target_date=datetime.date(2026, 12, 18),
        progress=63,
        achievements="Lot 1 delivered.",
        next_steps="Lot 2.",
        attention_points="Holidays.",
        decisions_requested="Approve the extra budget.",
        estimate_to_complete=Decimal("12500.50"),
    )

    response = client_in_role("exec").get(report.get_absolute_url())

    text = response.text
    for value in (
        "Rainy",
        "Defects in tests.",
        "Key expert leaving.",
        "Pair with a second expert.",
        "12/18/2026",
        "63 %",
        "Lot 1 delivered.",
        "Lot 2.",
        "Holidays.",
        "Approve the extra budget.",
        "12,500.50",
        "Submitted",
        pm_user.display_name,
        "11/18/2026",
    ):
        assert value in text, value
    assert '<span class="rating rating-amber">Amber</span>' in text
    assert '<span class="rating rating-red">Red</span>' in text
    # Read-only for an executive.
    assert "Amend this status" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("pm_own", True), ("pmo", True), ("exec", False)])
def test_the_amend_form_shows_to_whoever_may_amend(client_in_role, submitted, role, shown):
    response = client_in_role(role).get(submitted.get_absolute_url())

    assert ('id="amend"' in response.text) is shown


@pytest.mark.django_db
def test_the_status_page_of_a_draft_offers_to_continue_it(client_in_role, project):
    draft = draft_of(project, THIS_WEEK)

    response = client_in_role("pm_own").get(draft.get_absolute_url())

    assert "This revision is a draft" in response.text
    assert f'href="{edit_url(project, THIS_WEEK)}"' in response.text
    assert "Amend this status" not in response.text


# --- the project page: timeline and history ---------------------------------------------


def timeline_html(response):
    match = re.search(r'<table class="timeline">.*?</table>', response.text, re.DOTALL)
    assert match, "No timeline"
    return match.group(0)


@pytest.mark.django_db
def test_the_timeline_shows_weeks_without_a_submitted_status_as_not_reported(
    client_in_role, project
):
    submit(project, LAST_WEEK - 2 * WEEK, progress=10)
    draft_of(project, LAST_WEEK)

    response = client_in_role("exec").get(project.get_absolute_url())

    assert len(response.context["timeline"]["columns"]) == 13
    html = timeline_html(response)
    # One reported week: four green axes, nothing else green (never carried over).
    assert html.count("rating-green") == 4
    assert html.count("cell unreported state-not_reported") == 5 * 11
    assert html.count("cell unreported state-to_do") == 5
    assert "week of 11/09/2026: Not reported" in html
    assert "week of 11/16/2026: To do" in html


@pytest.mark.django_db
def test_the_timeline_states_each_week_as_the_calendar_says(client_in_role, project):
    submit(project, THIS_WEEK - 4 * WEEK)  # filed today, weeks after its deadline
    with frozen(WEDNESDAY - 3 * WEEK):
        submit(project, THIS_WEEK - 3 * WEEK)  # filed on time
    draft_of(project, LAST_WEEK)

    response = client_in_role("exec").get(project.get_absolute_url())

    states = [c["state"] for c in response.context["timeline"]["columns"][-5:]]
    assert states == [
        WeekState.SUBMITTED_LATE,
        WeekState.SUBMITTED,
        WeekState.NOT_REPORTED,
        WeekState.NOT_REPORTED,  # a draft is not a status
        WeekState.TO_DO,
    ]


@pytest.mark.django_db
def test_the_timeline_shows_trends_and_comments(client_in_role, project):
    submit(project, LAST_WEEK - WEEK, cost_rating="green")
    submit(project, LAST_WEEK, cost_rating="amber", cost_comment="Invoice +8%.")

    response = client_in_role("exec").get(project.get_absolute_url())

    [cost] = [row for row in response.context["timeline"]["rows"] if row["key"] == "cost"]
    last = cost["cells"][-2]
    assert last["value"] == "amber"
    assert last["trend"] == "worse"
    html = timeline_html(response)
    assert 'title="Cost · week of 11/09/2026: Amber (worse) — Invoice +8%."' in html
    assert "<p>Invoice +8%.</p>" in html
    assert '<span class="trend trend-worse"' in html
    assert '<span class="trend trend-same"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown"), [("pm_own", True), ("pmo", True), ("pm_other", False), ("exec", False)]
)
def test_the_project_page_offers_to_file_this_week_to_whoever_may(
    client_in_role, project, role, shown
):
    response = client_in_role(role).get(project.get_absolute_url())

    assert ("File this week" in response.text) is shown
    # Never-reported past weeks too, for the same people.
    assert (f'href="{edit_url(project, LAST_WEEK)}"' in response.text) is shown


@pytest.mark.django_db
def test_the_project_page_offers_no_filing_once_the_week_is_submitted(client_in_role, project):
    submit(project, THIS_WEEK)

    response = client_in_role("pm_own").get(project.get_absolute_url())

    assert "File this week" not in response.text


@pytest.mark.django_db
def test_the_project_page_lists_every_revision_with_links(client_in_role, project, pm_user):
    first = submit(project, LAST_WEEK)
    second = services.status_report_amend(first, actor=pm_user, reason="Cost was wrong.")
    services.status_report_submit(second, actor=pm_user)

    response = client_in_role("exec").get(project.get_absolute_url())

    history = response.context["status_history"]
    assert [(r.week, r.revision, r.state) for r in history] == [
        (LAST_WEEK, 2, ReportState.SUBMITTED),
        (LAST_WEEK, 1, ReportState.SUPERSEDED),
    ]
    for report in (first, second):
        assert f'href="{report.get_absolute_url()}"' in response.text
    assert "Cost was wrong." in response.text
    assert "report-row-superseded" in response.text


@pytest.mark.django_db
def test_the_project_page_costs_the_same_queries_for_2_weeks_of_reports_as_for_8(
    client_in_role, project, pm_user
):
    client = client_in_role("pm_own")
    url = project.get_absolute_url()

    def add_weeks(start, n):
        for i in range(start, start + n):
            report = submit(project, THIS_WEEK - (i + 1) * WEEK)
            if i % 2:
                amendment = services.status_report_amend(report, actor=pm_user, reason="Fix.")
                services.status_report_submit(amendment, actor=pm_user)

    add_weeks(0, 2)
    count_queries(client, url)  # warm-up
    with_2 = count_queries(client, url)
    add_weeks(2, 6)
    with_8 = count_queries(client, url)

    assert with_8 == with_2


# --- reporting calendar -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_page_shows_the_defaults_until_the_pmo_saves(client_in_role):
    response = client_in_role("pmo").get(reverse("projects:reporting_calendar"))

    form = response.context["form"]
    assert form.initial["due_weekday"] == 4
    assert form.initial["due_time"] == datetime.time(12, 0)
    assert "Weekly status due Friday at 12:00" in response.text


@pytest.mark.django_db
def test_the_pmo_saves_the_calendar_in_one_row(client_in_role):
    client = client_in_role("pmo")
    url = reverse("projects:reporting_calendar")

    response = client.post(url, {"due_weekday": "3", "due_time": "17:30", "reminder_hours": "6"})
    assert response.status_code == 302
    client.post(url, {"due_weekday": "0", "due_time": "09:00", "reminder_hours": "48"})

    [calendar] = ReportingCalendar.objects.all()
    assert (calendar.due_weekday, calendar.due_time, calendar.reminder_hours) == (
        0,
        datetime.time(9, 0),
        48,
    )


@pytest.mark.django_db
def test_a_new_deadline_changes_my_week(client_in_role, project, pmo_user):
    services.reporting_calendar_update(
        actor=pmo_user, due_weekday=2, due_time=datetime.time(9, 0), reminder_hours=24
    )

    response = client_in_role("pm_own").get(reverse("projects:my_week"))

    # Wednesday 10:00 is past Wednesday 9:00.
    assert my_week_row(response, project)["state"] == WeekState.LATE


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["0", "145"])
def test_a_reminder_out_of_range_is_refused_next_to_the_field(client_in_role, hours):
    response = client_in_role("pmo").post(
        reverse("projects:reporting_calendar"),
        {"due_weekday": "4", "due_time": "12:00", "reminder_hours": hours},
    )

    assert response.status_code == 200
    assert field_block(response, "reminder_hours").startswith('<div class="field has-error')
    assert not ReportingCalendar.objects.exists()


# --- French -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_status_pages_render_in_french(client_in_role, project):
    report = submit(project, LAST_WEEK)
    client = client_in_role("pm_own")
    client.post(reverse("set_language"), {"language": "fr"})

    for url in (
        reverse("projects:my_week"),
        edit_url(project, THIS_WEEK),
        report.get_absolute_url(),
        project.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in response.text
