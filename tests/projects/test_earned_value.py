"""Earned value arithmetic against cases computed by hand; n/a where it cannot be computed."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from projects.earned_value import BASELINE, MILESTONES, earned_value, money, ratio

D = Decimal
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)
JULY_1 = datetime.date(2026, 7, 1)


def evm(**overrides):
    """The reference case: BAC 500,000 over 2026, 40 % done, 250,000 spent, on 1 July."""
    values = {
        "as_of": JULY_1,
        "bac": D("500000.00"),
        "baseline_start": START,
        "baseline_end": END,
        "milestone_weights": [],
        "progress": 40,
        "actuals": D("250000.00"),
    }
    values.update(overrides)
    return earned_value(**values)


def test_the_reference_case_gives_the_figures_computed_by_hand():
    result = evm()

    # 1 January to 1 July, both included: 182 of the 365 days of the baseline.
    assert result.pv == D("249315.07")  # 500,000 × 182 / 365 = 249,315.068…
    assert result.planned_percent == D("49.86")
    assert result.planned_by == BASELINE
    assert result.ev == D("200000.00")
    assert result.ac == D("250000.00")
    assert result.cpi == D("0.80")
    assert result.spi == D("0.80")  # 200,000 / 249,315.07 = 0.8022
    assert result.cv == D("-50000.00")
    assert result.sv == D("-49315.07")
    assert result.eac == D("625000.00")
    assert result.etc == D("375000.00")
    assert result.vac == D("-125000.00")
    assert result.tcpi == D("1.20")  # (500,000 - 200,000) / (500,000 - 250,000)
    assert result.bac == D("500000.00")
    assert result.progress == 40
    assert result.as_of == JULY_1


def test_every_figure_is_a_decimal_never_a_float():
    result = evm()

    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if field.name in ("as_of", "progress", "planned_by"):
            continue
        assert type(value) is Decimal, field.name


def test_money_is_to_the_cent_and_ratios_to_two_places():
    result = evm(progress=33, actuals=D("123456.789"))

    assert result.ac == D("123456.79")
    assert result.ev == D("165000.00")
    assert result.cpi == D("1.34")  # 165,000 / 123,456.79 = 1.3365
    # EAC from the amounts, not the rounded CPI: 500,000 × 123,456.79 / 165,000
    assert result.eac == D("374111.48")
    for name in ("pv", "ev", "ac", "cv", "sv", "eac", "etc", "vac"):
        assert getattr(result, name).as_tuple().exponent == -2, name
    for name in ("cpi", "spi", "tcpi", "planned_percent"):
        assert getattr(result, name).as_tuple().exponent == -2, name


def test_rounding_is_half_up():
    assert ratio(D("1"), D("8")) == D("0.13")  # 0.125, not the banker's 0.12
    assert money(D("0.005")) == D("0.01")
    assert money(D("-0.005")) == D("-0.01")


def test_the_planned_value_is_zero_before_the_start():
    result = evm(as_of=datetime.date(2025, 12, 31))

    assert result.pv == D("0.00")
    assert result.planned_percent == D("0.00")
    assert result.spi is None  # EV / 0
    assert result.sv == D("200000.00")


def test_the_planned_value_is_the_bac_from_the_end_on():
    for day in (END, datetime.date(2027, 3, 1)):
        result = evm(as_of=day)

        assert result.pv == D("500000.00")
        assert result.planned_percent == D("100.00")
        assert result.spi == D("0.40")


def test_the_first_day_of_the_baseline_plans_one_day_of_it():
    result = evm(as_of=START)

    assert result.pv == D("1369.86")  # 500,000 / 365


def test_weighted_milestones_plan_the_value_instead_of_the_calendar():
    weights = [
        (datetime.date(2026, 3, 31), 20),
        (JULY_1, 30),  # due on the day: counted
        (datetime.date(2026, 12, 15), 50),
        (datetime.date(2026, 2, 1), 0),  # no weight: plans nothing
    ]

    result = evm(milestone_weights=weights)

    assert result.pv == D("250000.00")  # 500,000 × (20 + 30) / 100
    assert result.planned_percent == D("50.00")
    assert result.planned_by == MILESTONES
    assert result.spi == D("0.80")
    assert result.sv == D("-50000.00")


def test_weights_need_not_add_up_to_100():
    weights = [(datetime.date(2026, 3, 31), 1), (datetime.date(2026, 9, 30), 3)]

    result = evm(milestone_weights=weights)

    assert result.pv == D("125000.00")  # 1 / 4


def test_weighted_milestones_plan_value_even_without_baseline_dates():
    result = evm(
        baseline_start=None, baseline_end=None, milestone_weights=[(datetime.date(2026, 5, 1), 5)]
    )

    assert result.pv == D("500000.00")


def test_milestones_all_weighing_zero_leave_the_calendar_in_charge():
    result = evm(milestone_weights=[(datetime.date(2026, 3, 31), 0)])

    assert result.pv == D("249315.07")
    assert result.planned_by == BASELINE


def test_without_a_baseline_the_schedule_figures_are_na():
    result = evm(baseline_start=None)

    assert result.pv is None
    assert result.planned_percent is None
    assert result.planned_by is None
    assert result.spi is None
    assert result.sv is None
    # Cost figures do not need the schedule.
    assert result.cpi == D("0.80")
    assert result.eac == D("625000.00")


def test_without_progress_reported_everything_earned_is_na():
    result = evm(progress=None)

    for name in ("ev", "cpi", "spi", "cv", "sv", "eac", "etc", "vac", "tcpi"):
        assert getattr(result, name) is None, name
    assert result.pv == D("249315.07")
    assert result.ac == D("250000.00")


def test_without_actuals_cpi_and_eac_are_na():
    result = evm(actuals=D("0"))

    assert result.ac == D("0.00")
    for name in ("cpi", "eac", "etc", "vac"):
        assert getattr(result, name) is None, name
    assert result.cv == D("200000.00")
    assert result.tcpi == D("0.60")  # (500,000 - 200,000) / 500,000


def test_missing_actuals_count_as_nothing_spent():
    result = evm(actuals=None)

    assert result.ac == D("0.00")
    assert result.cpi is None


def test_more_credited_than_spent_gives_no_cpi():
    result = evm(actuals=D("-100.00"))

    assert result.cpi is None
    assert result.eac is None


def test_zero_progress_gives_a_cpi_of_zero_and_no_eac():
    result = evm(progress=0)

    assert result.ev == D("0.00")
    assert result.cpi == D("0.00")
    assert result.eac is None  # BAC / 0
    assert result.etc is None
    assert result.vac is None


def test_spending_the_whole_budget_leaves_tcpi_na():
    result = evm(actuals=D("500000.00"))

    assert result.tcpi is None  # (BAC - EV) / 0
    assert result.cpi == D("0.40")
    assert result.eac == D("1250000.00")


@pytest.mark.parametrize("bac", [None, D("0"), D("0.00")])
def test_without_a_budget_only_the_actual_cost_is_known(bac):
    result = evm(bac=bac)

    assert result.ac == D("250000.00")
    for name in ("bac", "pv", "ev", "cpi", "spi", "cv", "sv", "eac", "etc", "vac", "tcpi"):
        assert getattr(result, name) is None, name


def test_a_finished_project_on_budget_has_indices_of_one():
    result = evm(as_of=datetime.date(2027, 1, 10), progress=100, actuals=D("500000.00"))

    assert result.cpi == D("1.00")
    assert result.spi == D("1.00")
    assert result.eac == D("500000.00")
    assert result.vac == D("0.00")
    assert result.etc == D("0.00")


def test_the_figures_cannot_be_changed_once_computed():
    result = evm()

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.cpi = D("1")
