"""The finance panels: a project's budget, costs, earned value and overrun alerts on its page;
a portfolio's fiscal year against its envelope on the portfolio page."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portfolio.models import FinancePolicy
from projects import finance_panels
from projects.choices import EacBasis, Nature, Phase, Rating
from projects.models import OverrunAlert
from projects.services import alerts
from tests import factories
from tests.conftest import ROLES

D = Decimal
WEEK = datetime.date(2026, 11, 9)
PAGE_ANSWERS = {"anonymous": 302, "no_role": 403}


def section(response, section_id: str = "finance") -> str:
    """The HTML of the page's ``<section id=...>``."""
    html = response.content.decode()
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def figure(html: str, key: str) -> str:
    """The value cell of one earned value figure in the panel."""
    row = re.search(rf'<tr data-figure="{key}">.*?</tr>', html, re.DOTALL).group(0)
    return re.search(r'<td class="num[^"]*">(.*?)</td>', row, re.DOTALL).group(1)


def declare(project, *, etc=None, progress=40, rating=Rating.GREEN, week=WEEK):
    report = factories.StatusReportFactory(
        project=project,
        week=week,
        submitted=True,
        progress=progress,
        cost_rating=rating,
        cost_comment="" if rating == Rating.GREEN else "Over.",
        estimate_to_complete=D(etc) if etc is not None else None,
    )
    project.last_status = report
    project.save(update_fields=["last_status"])
    return report


def spend(project, amount, *, nature=Nature.CAPEX, date=datetime.date(2026, 6, 1), **fields):
    return factories.CostEntryFactory(
        project=project, amount=D(amount), nature=nature, date=date, **fields
    )


@pytest.fixture
def finished_baseline(project):
    """The ``project`` fixture's project with its baseline over 2025 (PV = BAC whatever the
    day), 250,000 spent and 40 % done, no estimate to complete: EAC 625,000 by performance."""
    project.baseline_start = datetime.date(2025, 1, 1)
    project.baseline_end = datetime.date(2025, 12, 31)
    project.save(update_fields=["baseline_start", "baseline_end"])
    spend(project, "200000.00")
    spend(project, "50000.00", nature=Nature.OPEX)
    declare(project, progress=40)
    return project


def url_exists(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


# --- project page --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_project_page_shows_the_finance_panel_to_every_role(
    client_in_role, finished_baseline, role
):
    response = client_in_role(role).get(finished_baseline.get_absolute_url())

    assert response.status_code == PAGE_ANSWERS.get(role, 200)
    if response.status_code == 200:
        assert "625,000" in section(response)


@pytest.mark.django_db
def test_the_panel_shows_the_earned_value_computed_for_today(client_in_role, finished_baseline):
    response = client_in_role("exec").get(finished_baseline.get_absolute_url())

    html = section(response)
    today = timezone.localdate()
    assert f"Earned value as of {today:%m/%d/%Y}" in html
    assert figure(html, "bac") == "500,000"
    assert figure(html, "pv") == "500,000"
    assert figure(html, "ev") == "200,000"
    assert figure(html, "ac") == "250,000"
    assert figure(html, "cpi") == "0.80"
    assert figure(html, "spi") == "0.40"
    assert figure(html, "cv") == "-50,000"
    assert figure(html, "sv") == "-300,000"
    assert figure(html, "eac") == "625,000"
    assert figure(html, "etc") == "375,000"
    assert figure(html, "vac") == "-125,000"
    assert figure(html, "tcpi") == "1.20"
    # Each figure says how it is computed.
    assert 'title="EV / AC: below 1, the work done cost more than planned."' in html
    assert "BAC × the progress of the latest status (40 %)." in html
    assert "BAC × the share of the baseline&#x27;s days gone by (100.00 %)." in html


@pytest.mark.django_db
def test_the_panel_sums_budget_commitments_and_actuals_by_nature(client_in_role, finished_baseline):
    spend(finished_baseline, "30000.00", kind="commitment")

    html = section(client_in_role("exec").get(finished_baseline.get_absolute_url()))

    capex_row = re.search(r"<tr><th scope=\"row\">CAPEX</th>.*?</tr>", html, re.DOTALL).group(0)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', capex_row) == [
        "400,000",
        "30,000",
        "200,000",
        "200,000",
    ]
    total_row = re.search(r'<tr class="total">.*?</tr>', html, re.DOTALL).group(0)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', total_row) == [
        "500,000",
        "30,000",
        "250,000",
        "250,000",
    ]
    assert "50.0 % of the budget spent." in html
    assert str(EacBasis.PERFORMANCE.label) in html


@pytest.mark.django_db
def test_the_panel_shows_na_without_status_nor_costs(client_in_role, project):
    html = section(client_in_role("pm_own").get(project.get_absolute_url()))

    for key in ("ev", "cpi", "spi", "cv", "sv", "eac", "etc", "vac", "tcpi"):
        assert "n/a" in figure(html, key), key
    assert figure(html, "ac") == "0"
    assert "No status submitted yet" in html
    assert "No budget line yet." in html
    assert "No overrun alert." in html


@pytest.mark.django_db
def test_the_consumption_bar_places_actuals_budget_threshold_and_eac(
    client_in_role, finished_baseline
):
    html = section(client_in_role("exec").get(finished_baseline.get_absolute_url()))

    # Scale: the EAC at 125 % of the budget is the largest mark.
    assert 'class="bar-actual" x="0" y="2" width="40.0"' in html  # 50 / 125
    assert 'x1="80.0"' in html  # the budget, 100 / 125
    assert 'x1="84.0"' in html  # the threshold, 105 / 125
    assert 'class="bar-eac is-over" x1="100.0"' in html


@pytest.mark.django_db
def test_the_panel_lists_the_overrun_alerts_open_first_with_the_unflagged_badge(
    client_in_role, finished_baseline
):
    closed = OverrunAlert.objects.create(
        project=finished_baseline,
        opened_at=timezone.now() - datetime.timedelta(days=60),
        closed_at=timezone.now() - datetime.timedelta(days=30),
        budget=D("500000.00"),
        threshold=D("525000.00"),
        eac=D("530000.00"),
        eac_basis=EacBasis.REPORTED,
        cost_rating=Rating.AMBER,
    )
    alerts.overrun_alerts_refresh()

    html = section(client_in_role("exec").get(finished_baseline.get_absolute_url()))

    alerts_html = html[html.index("Overrun alerts") :]
    assert alerts_html.index("alert-open") < alerts_html.index("Cleared on")
    assert '<span class="badge flag-unflagged">Unflagged</span>' in alerts_html
    assert "+25.0 %" in alerts_html
    assert f"+{closed.overrun_percent} %" in alerts_html
    assert '<span class="badge alert-open">+25.0 % over budget</span>' in html


@pytest.mark.django_db
def test_the_panel_shows_budget_lines_by_year_and_their_gap_to_the_baseline(
    client_in_role, project
):
    factories.BudgetLineFactory(project=project, fiscal_year=2026, amount=D("300000.00"))
    factories.BudgetLineFactory(
        project=project, fiscal_year=2027, nature=Nature.OPEX, amount=D("150000.00")
    )

    html = section(client_in_role("exec").get(project.get_absolute_url()))

    assert '<th scope="row">2026</th>' in html
    assert '<th scope="row">2027</th>' in html
    assert "The budget lines differ from the baseline budget by -50,000." in html


@pytest.mark.django_db
def test_the_panel_links_to_the_cost_entries_and_budget_lines_of_the_project(
    client_in_role, project
):
    html = section(client_in_role("exec").get(project.get_absolute_url()))

    for name in ("projects:costentry_list", "projects:budgetline_list"):
        if url_exists(name):
            assert f'href="{reverse(name)}?project={project.pk}"' in html


@pytest.mark.django_db
def test_the_finance_panel_comes_after_the_milestones_and_before_the_raid_log(
    client_in_role, project
):
    html = client_in_role("exec").get(project.get_absolute_url()).content.decode()

    assert html.index("<h2>Milestones</h2>") < html.index('id="finance"') < html.index('id="raid"')


@pytest.mark.django_db
def test_the_project_page_costs_the_same_with_5_entries_as_with_50(client_in_role, project):
    client = client_in_role("exec")

    years = itertools.count(2000)

    def add(n):
        for i in range(n):
            spend(project, "100.00", nature=Nature.OPEX if i % 2 else Nature.CAPEX)
            spend(project, "50.00", kind="commitment")
            factories.MilestoneFactory(project=project, weight=1)
            factories.BudgetLineFactory(project=project, fiscal_year=next(years))
            OverrunAlert.objects.create(
                project=project,
                closed_at=timezone.now(),
                budget=D("1"),
                threshold=D("1"),
                eac=D("2"),
                eac_basis=EacBasis.REPORTED,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(project.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    add(5)
    count()
    with_5 = count()
    add(45)
    with_50 = count()

    assert with_50 == with_5


@pytest.mark.django_db
def test_the_project_panel_renders_in_french_with_dots_in_the_bar(
    client_in_role, finished_baseline
):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(finished_baseline.get_absolute_url())

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    html = section(response)
    assert figure(html, "cpi") == "0,80"
    assert figure(html, "eac") == "625\xa0000"
    assert 'width="40.0"' in html


# --- portfolio page ------------------------------------------------------------------------


@pytest.fixture
def portfolio(db):
    return factories.PortfolioFactory()


def current_year() -> int:
    return FinancePolicy.get().fiscal_year(timezone.localdate())


@pytest.fixture
def funded(portfolio):
    """This fiscal year: an envelope of 1,000,000 CAPEX and 200,000 OPEX, budget lines of
    300,000 and 50,000, 100,000 spent and 40,000 committed; one project in overrun."""
    year = current_year()
    factories.PortfolioEnvelopeFactory(
        portfolio=portfolio, fiscal_year=year, capex=D("1000000.00"), opex=D("200000.00")
    )
    project = factories.ProjectFactory(portfolio=portfolio, code="FIN-1")
    factories.BudgetLineFactory(project=project, fiscal_year=year, amount=D("300000.00"))
    factories.BudgetLineFactory(
        project=project, fiscal_year=year, nature=Nature.OPEX, amount=D("50000.00")
    )
    first_day, _last = FinancePolicy.get().fiscal_year_bounds(year)
    spend(project, "100000.00", date=first_day)
    spend(project, "40000.00", kind="commitment", date=first_day)
    declare(project, etc="500000.00")
    return project


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_portfolio_page_shows_the_finance_panel_to_every_role(
    client_in_role, portfolio, funded, role
):
    response = client_in_role(role).get(portfolio.get_absolute_url())

    assert response.status_code == PAGE_ANSWERS.get(role, 200)
    if response.status_code == 200:
        assert "1,000,000" in section(response)


@pytest.mark.django_db
def test_the_portfolio_panel_rolls_up_the_current_year_by_nature(client_in_role, portfolio, funded):
    alerts.overrun_alerts_refresh()

    html = section(client_in_role("exec").get(portfolio.get_absolute_url()))

    label = FinancePolicy.get().fiscal_year_label(current_year())
    assert f"Finance, fiscal year {label}" in html
    capex = re.search(r'<tr data-nature="capex">.*?</tr>', html, re.DOTALL).group(0)
    assert re.findall(r'<td class="num[^"]*">(?:<span[^>]*>)?([^<]*)', capex) == [
        "1,000,000",
        "300,000",
        "40,000",
        "100,000",
        "900,000",
        "10.0 %",
    ]
    total = re.search(r'<tr class="total" data-nature="total">.*?</tr>', html, re.DOTALL).group(0)
    assert "1,200,000" in total
    assert "350,000" in total
    # EAC 600,000 against 500,000: in overrun, listed with its open alert.
    assert "600,000" in html
    assert "FIN-1" in html
    assert '<span class="badge flag-unflagged">Unflagged</span>' in html
    assert f"{reverse('projects:overrun_list')}?portfolio={portfolio.pk}&amp;open=true" in html


@pytest.mark.django_db
def test_the_fiscal_year_is_chosen_in_the_query_string(client_in_role, portfolio, funded):
    year = current_year()
    factories.PortfolioEnvelopeFactory(
        portfolio=portfolio, fiscal_year=year - 1, capex=D("777000.00"), opex=D("0")
    )

    response = client_in_role("exec").get(f"{portfolio.get_absolute_url()}?fy={year - 1}")

    html = section(response)
    assert "777,000" in html
    assert "1,000,000" not in html
    assert f'<option value="{year - 1}" selected>' in html
    assert f'<option value="{year}">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1800", "-1", ""])
def test_a_fiscal_year_that_is_not_one_shows_the_current_year(
    client_in_role, portfolio, funded, value
):
    response = client_in_role("exec").get(f"{portfolio.get_absolute_url()}?fy={value}")

    assert response.status_code == 200
    assert "1,000,000" in section(response)


@pytest.mark.django_db
def test_a_year_without_envelope_says_so(client_in_role, portfolio):
    response = client_in_role("exec").get(f"{portfolio.get_absolute_url()}?fy=2031")

    html = section(response)
    assert "No envelope set for this fiscal year." in html
    assert "No open overrun alert." in html
    assert '<option value="2031" selected>' in html


@pytest.mark.django_db
def test_the_year_picker_keeps_the_pages_other_parameters(client_in_role, portfolio):
    response = client_in_role("exec").get(f"{portfolio.get_absolute_url()}?month=2026-05")

    assert '<input type="hidden" name="month" value="2026-05">' in section(response)


@pytest.mark.django_db
def test_the_portfolio_panel_costs_the_same_for_5_projects_as_for_50(portfolio, exec_user):
    request = RequestFactory().get(portfolio.get_absolute_url())
    request.user = exec_user

    def add(n):
        for _ in range(n):
            project = factories.ProjectFactory(portfolio=portfolio)
            spend(project, "100000.00")
            declare(project, etc="500000.00")
            factories.BudgetLineFactory(project=project)
            factories.MilestoneFactory(project=project, weight=5)
        alerts.overrun_alerts_refresh()

    def count():
        with CaptureQueriesContext(connection) as queries:
            context = finance_panels.portfolio_finance_panel(request, portfolio)
        return len(queries), context

    add(5)
    with_5, _ = count()
    add(45)
    with_50, context = count()

    assert with_50 == with_5
    assert len(context["alerts"]) == 50


@pytest.mark.django_db
def test_the_portfolio_panel_renders_in_french(client_in_role, portfolio, funded):
    client = client_in_role("exec")
    client.post(reverse("set_language"), {"language": "fr"})

    response = client.get(portfolio.get_absolute_url())

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "1\xa0000\xa0000" in section(response)


@pytest.mark.django_db
def test_closed_projects_count_in_the_year_but_not_in_the_eac(client_in_role, portfolio, funded):
    closed = factories.ProjectFactory(portfolio=portfolio, phase=Phase.CLOSED)
    first_day, _last = FinancePolicy.get().fiscal_year_bounds(current_year())
    spend(closed, "5000.00", date=first_day)
    declare(closed, etc="9000000.00")

    finance = client_in_role("exec").get(portfolio.get_absolute_url()).context["panels"]
    panel = next(p for p in finance if p["name"] == "finance")["finance"]

    assert panel.total.actual == D("105000.00")
    assert panel.eac == D("600000.00")
