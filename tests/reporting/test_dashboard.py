"""The PMO dashboard: health rows (declared beside computed), the grid page with its filters
and sort, the executive view, permissions and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import weeks
from projects.choices import Phase, Rating, ReportState, Weather
from projects.models import Project
from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert
from reporting.selectors import health_rows
from risks.choices import RiskStatus
from tests import factories
from tests.conftest import ROLES

DAY = datetime.timedelta(days=1)


def submitted(project, week, **ratings):
    """A submitted status of ``project`` for ``week``, made its ``last_status`` when latest."""
    report = factories.StatusReportFactory(
        project=project,
        week=week,
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=project.project_manager,
        **ratings,
    )
    if project.last_status is None or project.last_status.week < week:
        project.last_status = report
        project.save(update_fields=["last_status"])
    return report


def open_alert(project, key="k", severity=AlertSeverity.HIGH):
    now = timezone.now()
    return Alert.objects.create(
        kind=AlertKind.LATE_REPORT,
        severity=severity,
        key=f"{key}:{project.pk}",
        project=project,
        first_seen_at=now,
        last_seen_at=now,
    )


def row_of(project, **kwargs):
    [row] = health_rows(Project.objects.filter(pk=project.pk), **kwargs)
    return row


def last_week(project):
    return weeks.current_week(project.tz) - weeks.ONE_WEEK


# --- health_rows --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_never_reported_has_no_declared_rating_nor_trend(project):
    row = row_of(project)

    assert row.status is None
    assert row.previous is None
    assert row.declared == {"quality": None, "cost": None, "delay": None, "risk": None}
    assert row.trends == {"quality": None, "cost": None, "delay": None, "risk": None}
    assert row.report_age_days is None
    assert row.weather is None
    assert row.computed["quality"] is None
    assert row.computed["risk"] == Rating.GREEN


@pytest.mark.django_db
def test_the_row_reads_the_latest_status_and_the_one_of_the_week_before(project):
    week = last_week(project)
    before = submitted(project, week - weeks.ONE_WEEK, cost_rating=Rating.GREEN)
    latest = submitted(
        project,
        week,
        cost_rating=Rating.AMBER,
        cost_comment="Invoices late",
        weather=Weather.CLOUDY,
    )

    row = row_of(project)

    assert row.status == latest
    assert row.previous == before
    assert row.declared["cost"] == Rating.AMBER
    assert row.trends["cost"] == "worse"
    assert row.trends["quality"] == "same"
    assert row.weather == Weather.CLOUDY
    assert row.weather_trend == "worse"
    assert row.report_age_days == 0


@pytest.mark.django_db
def test_a_status_two_weeks_older_is_not_the_previous_one(project):
    week = last_week(project)
    submitted(project, week - 2 * weeks.ONE_WEEK)
    submitted(project, week)

    row = row_of(project)

    assert row.previous is None
    assert row.trends["cost"] is None


@pytest.mark.django_db
def test_computed_cost_comes_from_the_eac_against_the_budget(project):
    # Budget 500,000; actuals 100,000 + ETC 460,000 = 560,000: 12% over, red by default.
    factories.CostEntryFactory(project=project, amount=Decimal("100000.00"))
    submitted(project, last_week(project), estimate_to_complete=Decimal("460000.00"))

    row = row_of(project, today=timezone.localdate())

    assert row.eac == Decimal("560000.00")
    assert row.budget == Decimal("500000.00")
    assert row.eac_percent == Decimal("112.0")
    assert row.computed["cost"] == Rating.RED
    assert row.gaps["cost"] == 2
    assert row.needs_attention


@pytest.mark.django_db
def test_computed_delay_counts_the_slip_and_the_overdue_milestones(project):
    today = timezone.localdate()
    project.forecast_end = project.baseline_end + 20 * DAY
    project.save()
    factories.MilestoneFactory(project=project, baseline_date=today - DAY)
    factories.MilestoneFactory(project=project, baseline_date=today - DAY, actual_date=today)
    factories.MilestoneFactory(project=project, baseline_date=today + DAY)

    row = row_of(project, today=today)

    assert row.slip_days == 20
    assert row.overdue_milestones == 1
    assert row.computed["delay"] == Rating.AMBER


@pytest.mark.django_db
def test_computed_risk_takes_the_highest_live_score(project):
    factories.RiskFactory(project=project, probability=4, impact=4)  # 16: red
    factories.RiskFactory(project=project, probability=5, impact=5, status=RiskStatus.CLOSED)
    factories.RiskFactory(project=project, probability=2, impact=2)

    row = row_of(project)

    assert row.top_risk_score == 16
    assert row.computed["risk"] == Rating.RED


@pytest.mark.django_db
def test_open_alerts_are_counted_and_make_the_project_need_attention(project):
    submitted(project, last_week(project))
    open_alert(project)
    resolved = open_alert(project, key="old")
    resolved.resolved_at = timezone.now()
    resolved.save()

    row = row_of(project)

    assert row.open_alerts == 1
    assert row.needs_attention


@pytest.mark.django_db
def test_a_low_or_medium_alert_alone_is_counted_but_needs_no_attention(project):
    submitted(project, last_week(project))
    open_alert(project, key="low", severity=AlertSeverity.LOW)
    open_alert(project, key="medium", severity=AlertSeverity.MEDIUM)

    row = row_of(project)

    assert row.open_alerts == 2
    assert not row.needs_attention


@pytest.mark.django_db
def test_an_all_green_project_agreeing_with_its_figures_needs_no_attention(project):
    submitted(project, last_week(project))

    row = row_of(project)

    assert row.gaps == {"quality": 0, "cost": 0, "delay": 0, "risk": 0}
    assert not row.needs_attention


@pytest.mark.django_db
def test_health_rows_cost_the_same_queries_for_5_and_50_projects():
    def count(n):
        portfolio = factories.PortfolioFactory()
        for project in factories.ProjectFactory.create_batch(n, portfolio=portfolio):
            week = last_week(project)
            submitted(project, week - weeks.ONE_WEEK)
            submitted(project, week)
            factories.RiskFactory(project=project)
            factories.MilestoneFactory(project=project, weight=10)
            open_alert(project)
        with CaptureQueriesContext(connection) as context:
            rows = health_rows(Project.objects.filter(portfolio=portfolio))
        assert len(rows) == n
        assert all(row.previous is not None for row in rows)
        return len(context.captured_queries)

    assert count(5) == count(50) <= 6


# --- the page -----------------------------------------------------------------------------

URL = "/dashboard/"
EXECUTIVE_URL = "/dashboard/executive/"


def test_the_pages_are_named():
    assert reverse("reporting:dashboard") == URL
    assert reverse("reporting:dashboard_executive") == EXECUTIVE_URL


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL, EXECUTIVE_URL])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_dashboard_and_nobody_else(client_in_role, project, role, url):
    response = client_in_role(role).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "no_role":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert f'data-project="{project.code}"' in response.text


@pytest.mark.django_db
def test_the_grid_links_each_project_and_shows_declared_beside_computed(client_in_role, project):
    submitted(project, last_week(project), risk_rating=Rating.GREEN)
    factories.RiskFactory(project=project, probability=4, impact=4)

    response = client_in_role("pmo").get(URL)

    html = response.text
    assert '<form id="dashboard-filters"' in html
    assert '<table id="dashboard-grid"' in html
    row = html[html.index(f'<tr data-project="{project.code}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{project.get_absolute_url()}"' in row
    assert "computed rating-red gap" in row
    assert 'class="attention"' in row


@pytest.mark.django_db
def test_the_summary_band_is_loaded_above_the_grid_with_the_filters(client_in_role, project):
    response = client_in_role("pmo").get(URL, {"phase": "execution"})

    html = response.text
    try:
        summary = reverse("reporting:dashboard_summary")
    except Exception:
        pytest.skip("the summary page is not there yet")
    assert f'hx-get="{summary}?phase=execution"' in html
    assert html.index('id="dashboard-summary"') < html.index('id="dashboard-grid"')


def codes(response):
    return [line.code for line in response.context["lines"]]


@pytest.mark.django_db
def test_the_grid_lists_active_projects_only(client_in_role, project):
    factories.ProjectFactory(phase=Phase.CLOSED)
    factories.ProjectFactory(phase=Phase.IDEA)

    assert codes(client_in_role("pmo").get(URL)) == [project.code]


@pytest.mark.django_db
def test_the_grid_filters_by_portfolio_programme_phase_and_manager(client_in_role, pm_user):
    it, hr = factories.PortfolioFactory(), factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=it)
    a = factories.ProjectFactory(code="A", portfolio=it, programme=programme)
    b = factories.ProjectFactory(code="B", portfolio=it, phase=Phase.PLANNING)
    c = factories.ProjectFactory(code="C", portfolio=hr, project_manager=pm_user)
    client = client_in_role("pmo")

    assert codes(client.get(URL, {"portfolio": [it.pk]})) == [a.code, b.code]
    assert codes(client.get(URL, {"portfolio": [it.pk, hr.pk]})) == ["A", "B", "C"]
    assert codes(client.get(URL, {"programme": programme.pk})) == ["A"]
    assert codes(client.get(URL, {"phase": "planning"})) == ["B"]
    assert codes(client.get(URL, {"project_manager": pm_user.pk})) == [c.code]
    assert codes(client.get(URL, {"q": "b"})) == ["B"]


@pytest.mark.django_db
def test_the_grid_filters_by_declared_rating_and_attention(client_in_role):
    calm = factories.ProjectFactory(code="CALM")
    red = factories.ProjectFactory(code="RED")
    submitted(calm, last_week(calm))
    submitted(
        red,
        last_week(red),
        cost_rating=Rating.RED,
        cost_comment="Over",
        recovery_plan="Cut scope",
        recovery_target_date=timezone.localdate(),
    )
    client = client_in_role("pmo")

    assert codes(client.get(URL, {"cost": "red"})) == ["RED"]
    assert codes(client.get(URL, {"cost": "green"})) == ["CALM"]
    assert codes(client.get(URL, {"attention": "1"})) == ["RED"]
    assert codes(client.get(URL, {"attention": "1", "phase": "planning"})) == []


@pytest.mark.django_db
def test_the_grid_sorts_by_a_column_either_way_unknowns_last(client_in_role):
    for code, slip in (("A", 10), ("B", 40), ("C", None)):
        project = factories.ProjectFactory(code=code)
        if slip is None:
            project.forecast_end = None
        else:
            project.forecast_end = project.baseline_end + slip * DAY
        project.save()
    client = client_in_role("pmo")

    assert codes(client.get(URL, {"sort": "slip"})) == ["A", "B", "C"]
    assert codes(client.get(URL, {"sort": "-slip"})) == ["B", "A", "C"]
    headers = {h["key"]: h for h in client.get(URL, {"sort": "slip"}).context["headers"]}
    assert headers["slip"]["sorted"] == "ascending"
    assert headers["slip"]["url"] == f"{URL}?sort=-slip"


@pytest.mark.django_db
def test_bad_filters_are_ignored_with_a_message_not_an_error(client_in_role, project):
    response = client_in_role("pmo").get(
        URL, {"portfolio": "x", "programme": "999999", "sort": "nonsense", "cost": "blue"}
    )

    assert response.status_code == 200
    assert codes(response) == [project.code]
    assert response.context["form"].errors


@pytest.mark.django_db
def test_an_htmx_request_gets_the_results_only(client_in_role, project):
    response = client_in_role("pmo").get(URL, {"phase": "execution"}, HTTP_HX_REQUEST="true")

    assert 'id="dashboard-grid"' in response.text
    assert 'id="dashboard-filters"' not in response.text
    assert "<html" not in response.text


@pytest.mark.django_db
def test_the_form_updates_the_results_in_place_and_keeps_the_filters_in_the_url(
    client_in_role, project
):
    html = client_in_role("pmo").get(URL).text

    form = html[html.index('<form id="dashboard-filters"') :]
    form = form[: form.index(">")]
    assert f'hx-get="{URL}"' in form
    assert 'hx-target="#dashboard-results"' in form
    assert 'hx-push-url="true"' in form


@pytest.mark.django_db
def test_the_executive_view_is_shorter_and_says_packs_are_not_there_yet(client_in_role, project):
    response = client_in_role("exec").get(EXECUTIVE_URL)

    keys = [h["key"] for h in response.context["headers"]]
    assert keys == [
        *("code", "name", "weather"),
        *("quality", "cost", "delay", "risk"),
        *("eac", "slip", "top_risk"),
    ]
    assert "Latest Copil packs" in response.text
    assert "No Copil pack yet" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("pmo", True), ("exec", True), ("pm_own", False)])
def test_the_navigation_starts_with_the_dashboard_for_the_pmo_and_executives(
    client_in_role, role, shown
):
    items = client_in_role(role).get(reverse("home")).context["nav_items"]

    assert (items[0]["url"] == URL) is shown


def load_projects(n):
    portfolio = factories.PortfolioFactory()
    programme = factories.ProgrammeFactory(portfolio=portfolio)
    for project in factories.ProjectFactory.create_batch(
        n, portfolio=portfolio, programme=programme
    ):
        week = last_week(project)
        submitted(project, week - weeks.ONE_WEEK)
        submitted(project, week, estimate_to_complete=Decimal("1000"))
        factories.RiskFactory(project=project)
        factories.MilestoneFactory(project=project)
        factories.CostEntryFactory(project=project)
        open_alert(project)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [URL, EXECUTIVE_URL, f"{URL}?attention=1&cost=green&q=PRJ&sort=-eac"]
)
def test_the_dashboard_costs_the_same_queries_for_5_and_50_projects(client_in_role, url):
    client = client_in_role("pmo")

    def count(n):
        load_projects(n)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["lines"])

    five, rows_five = count(5)
    fifty, rows_fifty = count(45)
    assert (rows_five, rows_fifty) == (5, 50)
    assert five == fifty <= 12


@pytest.mark.django_db
def test_filtering_by_portfolio_programme_and_manager_costs_no_more_queries(
    client_in_role, pm_user
):
    client = client_in_role("pmo")
    load_projects(5)
    project = Project.objects.select_related("programme").first()
    Project.objects.update(project_manager=pm_user)
    with CaptureQueriesContext(connection) as plain:
        client.get(URL)
    filters = {
        "portfolio": [project.portfolio_id],
        "programme": project.programme_id,
        "project_manager": pm_user.pk,
    }

    with CaptureQueriesContext(connection) as filtered:
        response = client.get(URL, filters)

    assert len(response.context["lines"]) == 5
    assert len(filtered.captured_queries) == len(plain.captured_queries) <= 12


@pytest.mark.django_db
def test_the_grid_escapes_what_users_typed(client_in_role):
    factories.ProjectFactory(code="XSS", name="<script>alert(1)</script>")

    html = client_in_role("pmo").get(URL).text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
