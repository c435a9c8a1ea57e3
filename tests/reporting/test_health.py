"""Computed health: the pure functions giving Cost, Delay and Risk a rating from figures,
at the PMO's thresholds, and the gap between declared and computed."""

from decimal import Decimal

import pytest

from projects.choices import Rating
from reporting import health
from reporting.models import HealthPolicy

POLICY = HealthPolicy()  # the defaults: cost 5 / 10 %, delay 15 / 45 days, 1 / 3 milestones,
# risk 10 / 15
BUDGET = Decimal("1000")


@pytest.mark.parametrize(
    ("eac", "expected"),
    [
        (Decimal("900"), Rating.GREEN),
        (Decimal("1050"), Rating.GREEN),  # exactly 5 % over: not above the amber threshold
        (Decimal("1050.01"), Rating.AMBER),
        (Decimal("1100"), Rating.AMBER),  # exactly 10 %: not above the red threshold
        (Decimal("1100.01"), Rating.RED),
    ],
)
def test_computed_cost_follows_the_overrun_thresholds(eac, expected):
    assert health.computed_cost(eac=eac, budget=BUDGET, policy=POLICY) == expected


@pytest.mark.parametrize(("eac", "budget"), [(None, BUDGET), (Decimal("10"), Decimal("0"))])
def test_computed_cost_is_unknown_without_an_estimate_or_a_budget(eac, budget):
    assert health.computed_cost(eac=eac, budget=budget, policy=POLICY) is None


def test_computed_cost_follows_a_policy_the_pmo_changed():
    policy = HealthPolicy(cost_amber_percent=Decimal("1"), cost_red_percent=Decimal("2"))

    assert health.computed_cost(eac=Decimal("1015"), budget=BUDGET, policy=policy) == Rating.AMBER
    assert health.computed_cost(eac=Decimal("1025"), budget=BUDGET, policy=policy) == Rating.RED


@pytest.mark.parametrize(
    ("slip", "expected"),
    [
        (-10, Rating.GREEN),
        (14, Rating.GREEN),
        (15, Rating.AMBER),  # from 15 days on
        (44, Rating.AMBER),
        (45, Rating.RED),
    ],
)
def test_computed_delay_follows_the_slip_thresholds(slip, expected):
    assert health.computed_delay(slip_days=slip, overdue_milestones=0, policy=POLICY) == expected


@pytest.mark.parametrize(
    ("overdue", "expected"),
    [(0, Rating.GREEN), (1, Rating.AMBER), (2, Rating.AMBER), (3, Rating.RED)],
)
def test_computed_delay_counts_overdue_milestones(overdue, expected):
    assert health.computed_delay(slip_days=0, overdue_milestones=overdue, policy=POLICY) == expected


def test_computed_delay_takes_the_worse_of_slip_and_milestones():
    assert health.computed_delay(slip_days=50, overdue_milestones=1, policy=POLICY) == Rating.RED
    assert health.computed_delay(slip_days=0, overdue_milestones=3, policy=POLICY) == Rating.RED


def test_computed_delay_without_dates_speaks_only_of_overdue_milestones():
    assert health.computed_delay(slip_days=None, overdue_milestones=0, policy=POLICY) is None
    assert (
        health.computed_delay(slip_days=None, overdue_milestones=1, policy=POLICY) == Rating.AMBER
    )


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (None, Rating.GREEN),
        (9, Rating.GREEN),
        (10, Rating.AMBER),
        (14, Rating.AMBER),
        (15, Rating.RED),
    ],
)
def test_computed_risk_follows_the_top_score(score, expected):
    assert health.computed_risk(top_score=score, policy=POLICY) == expected


@pytest.mark.parametrize(
    ("declared", "computed", "expected"),
    [
        (Rating.GREEN, Rating.RED, 2),
        (Rating.GREEN, Rating.AMBER, 1),
        (Rating.AMBER, Rating.AMBER, 0),
        (Rating.RED, Rating.GREEN, -2),
        (None, Rating.RED, 0),
        (Rating.RED, None, 0),
    ],
)
def test_the_gap_is_positive_when_the_figures_are_worse_than_declared(declared, computed, expected):
    assert health.gap(declared, computed) == expected


def test_worst_ignores_unknowns():
    assert health.worst(None, Rating.AMBER, Rating.GREEN) == Rating.AMBER
    assert health.worst(None, None) is None
