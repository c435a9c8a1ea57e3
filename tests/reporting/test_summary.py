"""The dashboard's summary band: counts this week against last, compliance, money, the charts'
data, its query count, and the fragment or page that shows it."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import weeks
from projects.choices import Phase, Rating, ReportState, Weather
from projects.models import Project
from reporting.summary import summary_band
from risks.choices import RiskStatus
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Wednesday: this week is the one of 9 March 2026 (due Friday 13 at noon, still ahead),
# last week the one of 2 March (due Friday 6 at noon, past).
TODAY = datetime.date(2026, 3, 11)
NOW = datetime.datetime(2026, 3, 11, 18, 0, tzinfo=PARIS)
THIS_WEEK = datetime.date(2026, 3, 9)
LAST_WEEK = datetime.date(2026, 3, 2)
URL = "/dashboard/summary/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def deadline(week):
    return datetime.datetime.combine(
        week + datetime.timedelta(days=4), datetime.time(12, 0), tzinfo=PARIS
    )


def report(project, week, *, late=False, state=ReportState.SUBMITTED, revision=1, **fields):
    """A submitted status of ``week``, on time unless ``late``; the project's last status."""
    at = deadline(week) + datetime.timedelta(hours=3 if late else -3)
    status = factories.StatusReportFactory(
        project=project,
        week=week,
        revision=revision,
        state=state,
        submitted_at=at if state != ReportState.DRAFT else None,
        submitted_by=project.project_manager if state != ReportState.DRAFT else None,
        **fields,
    )
    if state == ReportState.SUBMITTED:
        latest = (
            project.status_reports.filter(state=ReportState.SUBMITTED).order_by("-week").first()
        )
        Project.objects.filter(pk=project.pk).update(last_status=latest)
    return status


def active():
    return Project.objects.filter(phase__in=(Phase.FRAMING, Phase.PLANNING, Phase.EXECUTION))


def count_of(counts, key):
    return next((c.this_week, c.last_week) for c in counts if c.key == key)


@pytest.fixture
def portfolio(db):
    return factories.PortfolioFactory(name="Transformation")


@pytest.fixture
def four(portfolio):
    """Four projects: A reported both weeks (rainy and red on Cost this week); B only last
    week (cloudy); C never; D five weeks ago (stormy, amber on Risk)."""
    a, b, c, d = (factories.ProjectFactory(portfolio=portfolio, code=code) for code in "ABCD")
    report(a, LAST_WEEK)
    report(a, THIS_WEEK, weather=Weather.RAINY, cost_rating=Rating.RED, cost_comment="Over.")
    report(b, LAST_WEEK, weather=Weather.CLOUDY, late=True)
    report(d, THIS_WEEK - 5 * weeks.ONE_WEEK, weather=Weather.STORMY, risk_rating=Rating.AMBER)
    return a, b, c, d


# --- counts -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_weather_this_week_against_last_carrying_over_the_latest_status(four):
    summary = summary_band(active(), today=TODAY, now=NOW)

    assert summary.week == THIS_WEEK
    assert summary.previous_week == LAST_WEEK
    assert summary.project_count == 4
    assert [c.key for c in summary.weather] == [
        "sunny",
        "cloudy",
        "rainy",
        "stormy",
        "not_reported",
    ]
    assert count_of(summary.weather, "sunny") == (0, 1)
    assert count_of(summary.weather, "cloudy") == (1, 1)
    assert count_of(summary.weather, "rainy") == (1, 0)
    assert count_of(summary.weather, "stormy") == (1, 1)
    assert count_of(summary.weather, "not_reported") == (1, 1)
    assert next(c for c in summary.weather if c.key == "sunny").change == -1


@pytest.mark.django_db
def test_counts_declared_ratings_per_axis_with_not_reported_as_its_own_bucket(four):
    summary = summary_band(active(), today=TODAY, now=NOW)

    axes = {axis.axis: axis.counts for axis in summary.ratings}
    assert list(axes) == ["quality", "cost", "delay", "risk"]
    assert count_of(axes["cost"], "green") == (2, 3)
    assert count_of(axes["cost"], "red") == (1, 0)
    assert count_of(axes["cost"], "not_reported") == (1, 1)
    assert count_of(axes["risk"], "amber") == (1, 1)
    assert count_of(axes["quality"], "green") == (3, 3)


@pytest.mark.django_db
def test_a_project_that_never_reported_is_not_reported_both_weeks(portfolio):
    factories.ProjectFactory(portfolio=portfolio)

    summary = summary_band(active(), today=TODAY, now=NOW)

    assert count_of(summary.weather, "not_reported") == (1, 1)
    assert summary.history[-1]["not_reported"] == 1


@pytest.mark.django_db
def test_drafts_and_superseded_revisions_do_not_count_the_amendment_does(portfolio):
    amended, drafted = (factories.ProjectFactory(portfolio=portfolio) for _ in range(2))
    report(amended, THIS_WEEK, weather=Weather.STORMY, state=ReportState.SUPERSEDED)
    report(amended, THIS_WEEK, weather=Weather.SUNNY, revision=2, amendment_reason="Typo.")
    report(drafted, THIS_WEEK, weather=Weather.STORMY, state=ReportState.DRAFT)

    summary = summary_band(active(), today=TODAY, now=NOW)

    assert count_of(summary.weather, "sunny") == (1, 0)
    assert count_of(summary.weather, "stormy") == (0, 0)
    assert count_of(summary.weather, "not_reported") == (1, 2)


@pytest.mark.django_db
def test_weather_history_covers_twelve_weeks_ending_this_one(four):
    summary = summary_band(active(), today=TODAY, now=NOW)

    assert len(summary.history_weeks) == 12
    assert summary.history_weeks[-1] == THIS_WEEK
    assert summary.history[-1] == {
        "sunny": 0,
        "cloudy": 1,
        "rainy": 1,
        "stormy": 1,
        "not_reported": 1,
    }
    # six weeks ago nobody had reported yet
    assert summary.history[-7]["not_reported"] == 4
    assert summary.history[-6]["stormy"] == 1


@pytest.mark.django_db
def test_only_the_projects_given_are_counted(four, portfolio):
    summary = summary_band(active().filter(code__in=["A", "B"]), today=TODAY, now=NOW)

    assert summary.project_count == 2
    assert count_of(summary.weather, "not_reported") == (0, 0)


# --- compliance ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_compliance_of_this_week_and_last_on_time_late_missing_and_not_due(four):
    summary = summary_band(active(), today=TODAY, now=NOW)

    this_week, last_week = summary.compliance
    assert this_week.week == THIS_WEEK
    assert (this_week.tally.on_time, this_week.tally.late, this_week.tally.missing) == (1, 0, 0)
    assert this_week.tally.pending == 3
    assert last_week.week == LAST_WEEK
    assert (last_week.tally.on_time, last_week.tally.late, last_week.tally.missing) == (1, 1, 2)
    assert last_week.tally.percent == 25


# --- money --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_budget_against_eac_totals_and_overruns(four):
    a, b, *_ = four
    # A: 100,000 spent + 500,000 to go on 500,000: overrun, flagged red on Cost
    a.status_reports.filter(week=THIS_WEEK).update(estimate_to_complete=Decimal("500000"))
    factories.CostEntryFactory(project=a, amount=Decimal("100000"), date=TODAY)
    # B: 450,000 spent + 100,000 to go, still green on Cost: an unflagged overrun
    b.status_reports.update(estimate_to_complete=Decimal("100000"))
    factories.CostEntryFactory(project=b, amount=Decimal("450000"), date=datetime.date(2026, 2, 1))
    # an entry after today is not spent yet
    factories.CostEntryFactory(
        project=b, amount=Decimal("9999"), date=TODAY + datetime.timedelta(1)
    )

    summary = summary_band(active(), today=TODAY, now=NOW)

    assert summary.budget_total == Decimal("2000000.00")
    # C and D have no estimate: their budgets stand for it
    assert summary.unestimated == 2
    assert summary.eac_total == Decimal("600000") + Decimal("550000") + Decimal("1000000")
    assert summary.eac_difference == Decimal("150000")
    assert summary.eac_percent == Decimal("107.5")
    assert summary.overruns == 2
    assert summary.unflagged == 1


@pytest.mark.django_db
def test_burn_cumulates_the_actuals_of_the_fiscal_year_month_by_month(four, portfolio):
    a, b, *_ = four
    factories.CostEntryFactory(project=a, amount=Decimal("1000"), date=datetime.date(2026, 1, 15))
    factories.CostEntryFactory(project=b, amount=Decimal("2000"), date=datetime.date(2026, 3, 5))
    factories.CostEntryFactory(project=a, amount=Decimal("500"), date=datetime.date(2025, 12, 31))
    factories.CostEntryFactory(
        project=a, amount=Decimal("7"), date=datetime.date(2026, 3, 1), kind="commitment"
    )
    factories.BudgetLineFactory(project=a, amount=Decimal("300000"))
    factories.BudgetLineFactory(project=b, amount=Decimal("200000"))
    factories.BudgetLineFactory(project=b, amount=Decimal("99"), fiscal_year=2027)
    factories.PortfolioEnvelopeFactory(portfolio=portfolio)
    factories.PortfolioEnvelopeFactory(portfolio=portfolio, fiscal_year=2025)

    burn = summary_band(active(), today=TODAY, now=NOW).burn

    assert burn.fiscal_year == 2026
    assert burn.months[0] == datetime.date(2026, 1, 1)
    assert burn.actuals[:3] == [Decimal("1000"), Decimal("1000"), Decimal("3000")]
    assert burn.actuals[3:] == [None] * 9
    assert burn.spent == Decimal("3000")
    assert burn.budget_lines == Decimal("500000")
    assert burn.envelope == Decimal("2500000")


@pytest.mark.django_db
def test_burn_has_no_envelope_when_no_portfolio_set_one(four):
    assert summary_band(active(), today=TODAY, now=NOW).burn.envelope is None


# --- risks and capacity -------------------------------------------------------------------


@pytest.mark.django_db
def test_heat_map_counts_the_live_risks_of_the_projects_only(four):
    a, b, *_ = four
    factories.RiskFactory(project=a, probability=5, impact=5)
    factories.RiskFactory(project=b)
    factories.RiskFactory(project=b, status=RiskStatus.CLOSED)
    factories.RiskFactory()  # another portfolio's project, not in the set

    grid = summary_band(active().filter(code__in="ABCD"), today=TODAY, now=NOW).heat_map

    assert grid["total"] == 2
    cells = {(c["probability"], c["impact"]): c for row in grid["rows"] for c in row["cells"]}
    assert cells[(5, 5)]["count"] == 1
    assert cells[(3, 4)]["count"] == 1


@pytest.mark.django_db
def test_demand_of_the_projects_against_the_capacity_of_their_pools(four, portfolio):
    a, *_ = four
    person = factories.ResourceFactory(portfolio=portfolio)
    factories.ResourceFactory(portfolio=portfolio, is_active=False)
    factories.ResourceFactory()  # another pool
    factories.ResourceCapacityFactory(
        resource=person, month=datetime.date(2026, 4, 1), fte=Decimal("0.5")
    )
    factories.AllocationFactory(project=a, resource=person, fte=Decimal("1.5"))

    demand = summary_band(active(), today=TODAY, now=NOW).demand

    assert len(demand) == 12
    assert demand[0].month == datetime.date(2026, 3, 1)
    assert (demand[0].demand, demand[0].capacity) == (Decimal("1.5"), Decimal("1"))
    assert demand[0].over
    assert (demand[1].demand, demand[1].capacity) == (Decimal("0"), Decimal("0.5"))


@pytest.mark.django_db
def test_charts_are_drawn_from_the_summary(four):
    summary = summary_band(active(), today=TODAY, now=NOW)

    for chart in (
        summary.weather_chart,
        summary.heat_map_chart,
        summary.burn_chart,
        summary.demand_chart,
    ):
        assert str(chart).startswith("<svg ")


@pytest.mark.django_db
def test_an_empty_set_gives_an_empty_summary():
    summary = summary_band(Project.objects.none(), today=TODAY, now=NOW)

    assert summary.project_count == 0
    assert summary.budget_total == 0
    assert summary.eac_percent is None
    assert summary.heat_map["total"] == 0


# --- queries ------------------------------------------------------------------------------


def make_projects(count, portfolio):
    """``count`` projects with a status each of the two weeks, an actual, a risk and an
    allocation: everything the band reads, per project."""
    person = factories.ResourceFactory(portfolio=portfolio)
    for _ in range(count):
        project = factories.ProjectFactory(portfolio=portfolio)
        report(project, LAST_WEEK)
        report(project, THIS_WEEK, weather=Weather.CLOUDY)
        factories.CostEntryFactory(project=project)
        factories.RiskFactory(project=project)
        factories.AllocationFactory(project=project, resource=person)
        factories.MilestoneFactory(project=project, weight=1)


def queries_of_summary():
    with CaptureQueriesContext(connection) as context:
        summary_band(active(), today=TODAY, now=NOW)
    return len(context.captured_queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_projects(portfolio):
    make_projects(5, portfolio)
    few = queries_of_summary()
    make_projects(45, portfolio)
    many = queries_of_summary()

    assert few == many
    assert many <= 12


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_the_projects(client_as, pmo_user, portfolio):
    client = client_as(pmo_user)
    url = f"{URL}?portfolio={portfolio.pk}&phase=execution&q=PRJ"

    def page_queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, **HTMX)
        assert response.status_code == 200
        return len(context.captured_queries)

    make_projects(5, portfolio)
    few = page_queries()
    make_projects(45, portfolio)

    assert page_queries() == few


# --- the view -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("no_role", 403),
        ("pm_own", 200),
        ("pmo", 200),
        ("exec", 200),
        ("integration", 200),
    ],
)
def test_every_role_reads_the_summary_nobody_else(client_in_role, project, role, status):
    response = client_in_role(role).get(URL)

    assert response.status_code == status
    if status == 302:
        assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.django_db
def test_htmx_gets_the_fragment_a_browser_the_page(client_as, pmo_user, four):
    client = client_as(pmo_user)

    fragment = client.get(URL, **HTMX)
    page = client.get(URL)

    assert fragment.status_code == page.status_code == 200
    assert b"<html" not in fragment.content
    assert b'id="summary-band"' in fragment.content
    assert b"<svg" in fragment.content
    assert b"<html" in page.content
    assert b"<h1>Portfolio summary</h1>" in page.content
    assert b'id="summary-band"' in page.content


@pytest.mark.django_db
def test_the_dashboard_filters_choose_the_projects_counted(client_as, pmo_user, four):
    elsewhere = factories.ProjectFactory(code="ELSEWHERE")
    report(elsewhere, THIS_WEEK, weather=Weather.STORMY)
    client = client_as(pmo_user)

    everything = client.get(URL, **HTMX).context["summary"]
    portfolio = client.get(
        URL, {"portfolio": four[0].portfolio_id, "sort": "-code", "cost": "red"}, **HTMX
    ).context["summary"]
    searched = client.get(URL, {"q": "elsewh"}, **HTMX).context["summary"]
    closed = client.get(URL, {"phase": "closed"}, **HTMX).context["summary"]

    assert everything.project_count == 5
    assert portfolio.project_count == 4
    assert searched.project_count == 1
    assert closed.project_count == 0


@pytest.mark.django_db
def test_bad_filter_values_are_ignored_not_a_server_error(client_as, pmo_user, four):
    client = client_as(pmo_user)

    response = client.get(
        URL, {"portfolio": "abc", "programme": "999999", "project_manager": "x", "phase": "?"}
    )

    assert response.status_code == 200
    assert response.context["summary"].project_count == 4


@pytest.mark.django_db
def test_closed_projects_are_not_counted(client_as, pmo_user, four):
    factories.ProjectFactory(phase=Phase.CLOSED)
    factories.ProjectFactory(phase=Phase.IDEA)

    response = client_as(pmo_user).get(URL, **HTMX)

    assert response.context["summary"].project_count == 4


@pytest.mark.django_db
def test_the_page_is_written_in_french_for_a_french_reader(client_as, pmo_user, four):
    factories.CostEntryFactory(project=four[0], amount=Decimal("1234567"), date=TODAY)
    client = client_as(pmo_user)

    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr", **HTMX)

    assert response.status_code == 200
    assert "1\xa0234\xa0567" in response.content.decode()
