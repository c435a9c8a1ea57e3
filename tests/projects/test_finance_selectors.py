"""Finance figures of a project, of many projects and of a portfolio's fiscal year: the sums,
the estimate at completion and its basis, overruns, fiscal year bounds, and their cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio.models import FinancePolicy
from projects.choices import CostKind, EacBasis, Nature, Phase, Rating
from projects.models import Project
from projects.selectors.finance import (
    ByNature,
    finance_by_project,
    portfolio_finance,
    portfolio_fiscal_years,
    project_finance,
    summary_of,
)
from tests import factories

D = Decimal
AS_OF = datetime.date(2026, 11, 20)
WEEK = datetime.date(2026, 11, 9)  # a Monday before AS_OF


def submit_status(project, week=WEEK, **fields):
    """A submitted status of ``week`` made the project's latest (as the services keep it)."""
    fields.setdefault("progress", 40)
    report = factories.StatusReportFactory(project=project, week=week, submitted=True, **fields)
    project.last_status = report
    project.save(update_fields=["last_status"])
    return report


def actual(project, amount, *, nature=Nature.CAPEX, date=datetime.date(2026, 6, 15), **fields):
    return factories.CostEntryFactory(
        project=project, amount=D(amount), nature=nature, date=date, **fields
    )


def commitment(project, amount, *, nature=Nature.CAPEX, date=datetime.date(2026, 6, 15)):
    return factories.CostEntryFactory(
        project=project, amount=D(amount), nature=nature, date=date, kind=CostKind.COMMITMENT
    )


@pytest.fixture
def budgeted(db):
    """A project of 400,000 CAPEX + 100,000 OPEX over 2026."""
    return factories.ProjectFactory(
        budget_capex=D("400000.00"),
        budget_opex=D("100000.00"),
        baseline_start=datetime.date(2026, 1, 1),
        baseline_end=datetime.date(2026, 12, 31),
    )


def reload(project):
    return Project.objects.select_related("last_status").get(pk=project.pk)


# --- one project ---------------------------------------------------------------------------


def test_budget_commitments_and_actuals_are_summed_by_nature(budgeted):
    actual(budgeted, "60000.00")
    actual(budgeted, "40000.00")
    actual(budgeted, "-5000.00")  # a credit note
    actual(budgeted, "20000.00", nature=Nature.OPEX)
    commitment(budgeted, "50000.00")
    commitment(budgeted, "7000.00", nature=Nature.OPEX)

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.budget == ByNature(capex=D("400000.00"), opex=D("100000.00"))
    assert finance.budget.total == D("500000.00")
    assert finance.actual == ByNature(capex=D("95000.00"), opex=D("20000.00"))
    assert finance.committed == ByNature(capex=D("50000.00"), opex=D("7000.00"))
    assert finance.actual_total == D("115000.00")
    assert finance.committed_total == D("57000.00")
    assert finance.remaining == D("385000.00")
    assert finance.consumption_percent == D("23.0")
    assert finance.as_of == AS_OF


def test_only_entries_dated_up_to_the_day_count(budgeted):
    actual(budgeted, "1000.00", date=AS_OF)
    actual(budgeted, "2000.00", date=AS_OF + datetime.timedelta(days=1))
    commitment(budgeted, "3000.00", date=AS_OF + datetime.timedelta(days=1))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.actual_total == D("1000.00")
    assert finance.committed_total == D("0")
    assert finance.earned_value.ac == D("1000.00")


def test_other_projects_entries_do_not_count(budgeted):
    actual(factories.ProjectFactory(), "9999.00")

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.actual_total == D("0")


def test_budget_lines_are_grouped_by_fiscal_year_against_the_baseline(budgeted):
    factories.BudgetLineFactory(project=budgeted, fiscal_year=2026, amount=D("250000.00"))
    factories.BudgetLineFactory(
        project=budgeted, fiscal_year=2026, category="software", amount=D("50000.00")
    )
    factories.BudgetLineFactory(
        project=budgeted, fiscal_year=2026, nature=Nature.OPEX, amount=D("80000.00")
    )
    factories.BudgetLineFactory(project=budgeted, fiscal_year=2027, amount=D("100000.00"))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert [(line.fiscal_year, line.label) for line in finance.budget_lines] == [
        (2026, "2026"),
        (2027, "2027"),
    ]
    assert finance.budget_lines[0].amounts == ByNature(capex=D("300000.00"), opex=D("80000.00"))
    assert finance.budget_lines[1].amounts == ByNature(capex=D("100000.00"), opex=D("0"))
    assert finance.budget_lines_total == ByNature(capex=D("400000.00"), opex=D("80000.00"))
    assert finance.lines_difference == D("-20000.00")


def test_without_budget_lines_there_is_no_difference_to_show(budgeted):
    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.budget_lines == []
    assert finance.lines_difference is None


def test_the_eac_is_actuals_plus_the_reported_estimate_to_complete(budgeted):
    actual(budgeted, "150000.00")
    submit_status(budgeted, estimate_to_complete=D("300000.00"))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.etc == D("300000.00")
    assert finance.eac == D("450000.00")
    assert finance.eac_basis == EacBasis.REPORTED
    assert not finance.overrun


def test_without_a_reported_etc_the_eac_comes_from_the_cost_performance(budgeted):
    actual(budgeted, "250000.00")
    submit_status(budgeted, progress=40, estimate_to_complete=None)

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.etc is None
    assert finance.eac == D("625000.00")  # 500,000 / (200,000 / 250,000)
    assert finance.eac_basis == EacBasis.PERFORMANCE
    assert finance.earned_value.cpi == D("0.80")


def test_without_status_nor_spending_the_eac_is_unknown(budgeted):
    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.status is None
    assert finance.etc is None
    assert finance.eac is None
    assert finance.eac_basis is None
    assert not finance.overrun
    assert not finance.unflagged
    assert finance.earned_value.ev is None


def test_an_eac_past_the_tolerance_green_on_cost_is_an_unflagged_overrun(budgeted):
    actual(budgeted, "200000.00")
    submit_status(budgeted, cost_rating=Rating.GREEN, estimate_to_complete=D("400000.00"))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.threshold == D("525000.00")  # 500,000 + 5 %
    assert finance.eac == D("600000.00")
    assert finance.overrun
    assert finance.unflagged
    assert finance.cost_rating == Rating.GREEN
    assert finance.overrun_amount == D("100000.00")
    assert finance.overrun_percent == D("20.0")


@pytest.mark.parametrize("rating", [Rating.AMBER, Rating.RED])
def test_an_overrun_the_project_declares_is_not_unflagged(budgeted, rating):
    actual(budgeted, "200000.00")
    submit_status(
        budgeted,
        cost_rating=rating,
        cost_comment="Over.",
        estimate_to_complete=D("400000.00"),
    )

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.overrun
    assert not finance.unflagged


@pytest.mark.parametrize(
    ("etc", "overrun"),
    [("400000.00", False), ("400000.01", True), ("399999.99", False)],
)
def test_an_eac_exactly_at_the_threshold_is_not_an_overrun(budgeted, etc, overrun):
    actual(budgeted, "125000.00")
    submit_status(budgeted, estimate_to_complete=D(etc))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.threshold == D("525000.00")
    assert finance.overrun is overrun


def test_the_threshold_follows_the_pmos_tolerance(budgeted):
    FinancePolicy.objects.create(overrun_tolerance=D("10"))
    actual(budgeted, "125000.00")
    submit_status(budgeted, estimate_to_complete=D("420000.00"))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.threshold == D("550000.00")
    assert finance.eac == D("545000.00")
    assert not finance.overrun


def test_a_project_without_budget_is_never_in_overrun(db):
    project = factories.ProjectFactory(budget_capex=D("0"), budget_opex=D("0"))
    actual(project, "1000.00")
    submit_status(project, estimate_to_complete=D("5000.00"))

    finance = project_finance(reload(project), as_of=AS_OF)

    assert finance.eac == D("6000.00")
    assert finance.consumption_percent is None
    assert not finance.overrun


def test_a_past_day_reads_the_status_submitted_by_then(budgeted):
    submit_status(budgeted, week=datetime.date(2026, 3, 2), progress=10)
    submit_status(budgeted, week=datetime.date(2026, 11, 2), progress=60)
    actual(budgeted, "50000.00", date=datetime.date(2026, 3, 1))

    then = project_finance(reload(budgeted), as_of=datetime.date(2026, 3, 10))
    now = project_finance(reload(budgeted), as_of=AS_OF)

    assert then.status.week == datetime.date(2026, 3, 2)
    assert then.earned_value.progress == 10
    assert then.earned_value.ev == D("50000.00")
    assert now.earned_value.progress == 60


def test_a_day_before_any_status_has_no_progress(budgeted):
    submit_status(budgeted, week=datetime.date(2026, 3, 2))

    finance = project_finance(reload(budgeted), as_of=datetime.date(2026, 2, 1))

    assert finance.status is None
    assert finance.earned_value.progress is None


def test_weighted_milestones_drive_the_planned_value(budgeted):
    factories.MilestoneFactory(
        project=budgeted, baseline_date=datetime.date(2026, 3, 31), weight=25
    )
    factories.MilestoneFactory(
        project=budgeted, baseline_date=datetime.date(2026, 12, 15), weight=75
    )
    factories.MilestoneFactory(project=budgeted, baseline_date=datetime.date(2026, 4, 30))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    assert finance.earned_value.pv == D("125000.00")


def test_every_amount_is_a_decimal(budgeted):
    actual(budgeted, "250000.00")
    commitment(budgeted, "1.00")
    factories.BudgetLineFactory(project=budgeted)
    submit_status(budgeted, estimate_to_complete=D("400000.00"))

    finance = project_finance(reload(budgeted), as_of=AS_OF)

    for value in (
        finance.budget_total,
        finance.committed_total,
        finance.actual_total,
        finance.etc,
        finance.eac,
        finance.consumption_percent,
        finance.remaining,
        finance.threshold,
        finance.lines_difference,
        finance.overrun_percent,
        *(getattr(finance.budget, n) for n in ("capex", "opex", "total")),
        *(getattr(finance.actual, n) for n in ("capex", "opex", "total")),
        *(getattr(finance.committed, n) for n in ("capex", "opex", "total")),
        *(getattr(finance.budget_lines_total, n) for n in ("capex", "opex", "total")),
    ):
        assert type(value) is Decimal, value


def count_queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    return len(queries), result


def test_a_project_costs_at_most_five_queries_whatever_its_entries(budgeted):
    submit_status(budgeted, estimate_to_complete=D("1000.00"))
    for _ in range(5):
        actual(budgeted, "10.00")
        factories.MilestoneFactory(project=budgeted, weight=1)
    factories.BudgetLineFactory(project=budgeted)

    with_5, first = count_queries(project_finance, reload(budgeted), as_of=AS_OF)
    for _ in range(45):
        actual(budgeted, "10.00")
        commitment(budgeted, "10.00")
        factories.MilestoneFactory(project=budgeted, weight=1)
    with_50, second = count_queries(project_finance, reload(budgeted), as_of=AS_OF)

    assert with_5 == with_50
    assert with_50 <= 5
    assert first.actual_total == D("50.00")
    assert second.actual_total == D("500.00")


def test_a_past_day_costs_one_query_more_at_most(budgeted):
    submit_status(budgeted, week=datetime.date(2026, 3, 2))
    submit_status(budgeted, week=datetime.date(2026, 11, 2))

    queries, _finance = count_queries(
        project_finance, reload(budgeted), as_of=datetime.date(2026, 4, 1)
    )

    assert queries <= 5


# --- many projects -------------------------------------------------------------------------


def make_projects(portfolio, count, **fields):
    made = []
    for _ in range(count):
        project = factories.ProjectFactory(portfolio=portfolio, **fields)
        actual(project, "1000.00")
        commitment(project, "500.00")
        factories.MilestoneFactory(project=project, weight=10)
        submit_status(project, estimate_to_complete=D("600000.00"))
        made.append(project)
    return made


def test_finance_by_project_gives_the_same_headline_as_the_detail(budgeted):
    actual(budgeted, "250000.00")
    commitment(budgeted, "12000.00")
    submit_status(budgeted, progress=40)
    other = factories.ProjectFactory()
    actual(other, "3000.00", nature=Nature.OPEX)
    submit_status(other, estimate_to_complete=D("700000.00"))

    many = finance_by_project(Project.objects.order_by("code"), as_of=AS_OF)

    assert list(many) == [budgeted.pk, other.pk]
    for project in (budgeted, other):
        detail = summary_of(project_finance(reload(project), as_of=AS_OF))
        headline = many[project.pk]
        for name in (
            "budget_total",
            "committed_total",
            "actual_total",
            "etc",
            "eac",
            "eac_basis",
            "consumption_percent",
            "threshold",
            "overrun",
            "unflagged",
            "earned_value",
        ):
            assert getattr(headline, name) == getattr(detail, name), name
    assert many[other.pk].overrun
    assert many[other.pk].unflagged
    assert type(many[budgeted.pk].actual_total) is Decimal


def test_finance_by_project_costs_the_same_for_5_projects_as_for_50(db):
    portfolio = factories.PortfolioFactory()
    make_projects(portfolio, 5)
    policy = FinancePolicy.get()
    projects = Project.objects.filter(portfolio=portfolio)

    with_5, first = count_queries(finance_by_project, projects, as_of=AS_OF, policy=policy)
    make_projects(portfolio, 45)
    with_50, second = count_queries(finance_by_project, projects, as_of=AS_OF, policy=policy)

    assert len(first) == 5
    assert len(second) == 50
    assert with_5 == with_50 <= 3
    # A past day reads the statuses of that time: one query more, still constant.
    past_5, _ = count_queries(
        finance_by_project, projects[:5], as_of=datetime.date(2026, 7, 1), policy=policy
    )
    past_50, _ = count_queries(
        finance_by_project, projects, as_of=datetime.date(2026, 7, 1), policy=policy
    )
    assert past_5 == past_50 == with_50 + 1


def test_finance_by_project_of_no_project_is_empty(db):
    assert finance_by_project(Project.objects.none()) == {}


# --- a portfolio's fiscal year -------------------------------------------------------------


@pytest.fixture
def april_policy(db):
    return FinancePolicy.objects.create(fiscal_year_start_month=4)


def test_with_an_april_start_31_march_and_1_april_fall_in_different_years(april_policy):
    portfolio = factories.PortfolioFactory()
    project = factories.ProjectFactory(portfolio=portfolio)
    actual(project, "1000.00", date=datetime.date(2026, 3, 31))
    actual(project, "2000.00", date=datetime.date(2026, 4, 1))
    actual(project, "4000.00", date=datetime.date(2027, 3, 31))
    actual(project, "8000.00", date=datetime.date(2025, 4, 1), nature=Nature.OPEX)

    fy2025 = portfolio_finance(portfolio, fiscal_year=2025, policy=april_policy)
    fy2026 = portfolio_finance(portfolio, fiscal_year=2026)

    assert (fy2025.start, fy2025.end) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    assert fy2025.label == "2025/26"
    assert fy2025.rows[0].actual == D("1000.00")
    assert fy2025.rows[1].actual == D("8000.00")
    assert fy2025.total.actual == D("9000.00")
    assert fy2026.label == "2026/27"
    assert fy2026.rows[0].actual == D("6000.00")
    assert fy2026.rows[1].actual == D("0")


def test_the_roll_up_sets_envelope_budget_lines_commitments_and_actuals_by_nature(db):
    portfolio = factories.PortfolioFactory()
    factories.PortfolioEnvelopeFactory(
        portfolio=portfolio, fiscal_year=2026, capex=D("1000000.00"), opex=D("200000.00")
    )
    factories.PortfolioEnvelopeFactory(portfolio=portfolio, fiscal_year=2027)
    first = factories.ProjectFactory(portfolio=portfolio)
    closed = factories.ProjectFactory(portfolio=portfolio, phase=Phase.CLOSED)
    elsewhere = factories.ProjectFactory()
    factories.BudgetLineFactory(project=first, fiscal_year=2026, amount=D("300000.00"))
    factories.BudgetLineFactory(
        project=closed, fiscal_year=2026, nature=Nature.OPEX, amount=D("50000.00")
    )
    factories.BudgetLineFactory(project=first, fiscal_year=2027, amount=D("99.00"))
    factories.BudgetLineFactory(project=elsewhere, fiscal_year=2026, amount=D("77.00"))
    actual(first, "100000.00")
    actual(closed, "30000.00", nature=Nature.OPEX)
    commitment(first, "40000.00")
    actual(elsewhere, "55.00")

    finance = portfolio_finance(portfolio, fiscal_year=2026)

    capex, opex, total = finance.rows
    assert (capex.nature, opex.nature, total.nature) == (Nature.CAPEX, Nature.OPEX, "total")
    assert (capex.envelope, capex.budgeted, capex.committed, capex.actual) == (
        D("1000000.00"),
        D("300000.00"),
        D("40000.00"),
        D("100000.00"),
    )
    assert (opex.envelope, opex.budgeted, opex.committed, opex.actual) == (
        D("200000.00"),
        D("50000.00"),
        D("0"),
        D("30000.00"),
    )
    assert total.envelope == D("1200000.00")
    assert total.budgeted == D("350000.00")
    assert total.actual == D("130000.00")
    assert total.remaining == D("1070000.00")
    assert total.unallocated == D("850000.00")
    assert capex.consumption_percent == D("10.0")
    for row in finance.rows:
        for name in ("envelope", "budgeted", "committed", "actual", "remaining"):
            assert type(getattr(row, name)) is Decimal, name


def test_a_year_without_envelope_shows_none(db):
    portfolio = factories.PortfolioFactory()

    finance = portfolio_finance(portfolio, fiscal_year=2030)

    assert [row.envelope for row in finance.rows] == [None, None, None]
    assert finance.total.remaining is None
    assert finance.total.consumption_percent is None
    assert finance.total.actual == D("0")


def test_the_portfolio_eac_sums_its_active_projects_and_lists_the_overruns(db):
    portfolio = factories.PortfolioFactory()
    over = factories.ProjectFactory(portfolio=portfolio, code="A-OVER")
    actual(over, "100000.00")
    submit_status(over, estimate_to_complete=D("500000.00"))  # EAC 600,000 on 500,000
    fine = factories.ProjectFactory(portfolio=portfolio, code="B-FINE")
    submit_status(fine, estimate_to_complete=D("450000.00"))
    factories.ProjectFactory(portfolio=portfolio, code="C-UNKNOWN")  # EAC unknown: its budget
    closed = factories.ProjectFactory(portfolio=portfolio, phase=Phase.CLOSED)
    submit_status(closed, estimate_to_complete=D("9000000.00"))

    finance = portfolio_finance(portfolio, fiscal_year=2026)

    assert finance.eac == D("1550000.00")  # 600,000 + 450,000 + 500,000
    assert finance.eac_budget == D("1500000.00")
    assert finance.eac_difference == D("50000.00")
    assert finance.unestimated == 1
    assert [s.project.code for s in finance.projects] == ["A-OVER", "B-FINE", "C-UNKNOWN"]
    assert [s.project.code for s in finance.overruns] == ["A-OVER"]


def test_the_portfolio_roll_up_costs_the_same_for_5_projects_as_for_50(db):
    portfolio = factories.PortfolioFactory()
    factories.PortfolioEnvelopeFactory(portfolio=portfolio)
    make_projects(portfolio, 5)
    policy = FinancePolicy.get()

    with_5, _ = count_queries(portfolio_finance, portfolio, fiscal_year=2026, policy=policy)
    make_projects(portfolio, 45)
    with_50, finance = count_queries(portfolio_finance, portfolio, fiscal_year=2026, policy=policy)

    assert with_5 == with_50
    assert len(finance.overruns) == 50
    assert finance.total.actual == D("50000.00")


def test_the_fiscal_years_offered_are_those_with_figures_and_the_current_one(db):
    portfolio = factories.PortfolioFactory()
    factories.PortfolioEnvelopeFactory(portfolio=portfolio, fiscal_year=2024)
    factories.BudgetLineFactory(
        project=factories.ProjectFactory(portfolio=portfolio), fiscal_year=2028
    )
    factories.BudgetLineFactory(fiscal_year=2029)  # another portfolio's

    policy = FinancePolicy.get()

    years = portfolio_fiscal_years(portfolio, policy=policy)

    assert years == sorted({2024, 2028, policy.fiscal_year(timezone.localdate())})
