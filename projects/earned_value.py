"""Earned value management (EVM): a project's cost and schedule performance on a given day.

Pure arithmetic on Decimals, no database: the selectors read the figures and call
:func:`earned_value`. Every figure that cannot be computed (no baseline, no progress
reported, a division by zero) is ``None``, shown "n/a" on the pages and ``null`` in the API.

- BAC, budget at completion: the baseline budget, CAPEX and OPEX together.
- PV, planned value: the share of BAC the baseline planned to have earned by the end of
  ``as_of``. When milestones carry weights, the weights of the milestones whose baseline
  date is on or before ``as_of`` over the sum of all weights; otherwise evenly over the
  days of the baseline, both ends included (0 before the start, BAC from the end on).
- EV, earned value: BAC × the progress % of the latest submitted status.
- AC, actual cost: the actuals dated up to ``as_of``.
- CPI = EV / AC, SPI = EV / PV, CV = EV - AC, SV = EV - PV, EAC = BAC / CPI,
  ETC = EAC - AC, VAC = BAC - EAC, TCPI = (BAC - EV) / (BAC - AC).

Money is kept to the cent and ratios to two places, both rounded half up. The money
differences are taken between the rounded amounts, so that the page adds up (SV is exactly
the EV shown minus the PV shown); EAC is computed from the amounts, not from the rounded
CPI.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.01")


def money(value: Decimal | None) -> Decimal | None:
    """``value`` to the cent, half up; None stays None."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """``numerator / denominator`` to two places, half up; None when either is missing or the
    denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EarnedValue:
    """The earned value figures of one project on ``as_of`` (see the module's docstring)."""

    as_of: datetime.date
    bac: Decimal | None
    pv: Decimal | None
    ev: Decimal | None
    ac: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    cv: Decimal | None
    sv: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None
    # The share of the baseline planned by ``as_of`` (PV / BAC), in %, to two places.
    planned_percent: Decimal | None
    # The progress % of the latest submitted status; None when none was reported.
    progress: int | None
    # What PV follows: the weighted milestones (MILESTONES), the baseline's days (BASELINE),
    # or nothing (None: PV unknown).
    planned_by: str | None = None


# The two ways of planning value over time.
MILESTONES = "milestones"
BASELINE = "baseline"


def weighted(
    milestone_weights: Iterable[tuple[datetime.date, int]],
) -> list[tuple[datetime.date, Decimal]]:
    """The milestones that carry a weight (a weight of 0 plans no value)."""
    return [(day, Decimal(weight)) for day, weight in milestone_weights if weight and weight > 0]


def planned_fraction(
    *,
    as_of: datetime.date,
    baseline_start: datetime.date | None,
    baseline_end: datetime.date | None,
    milestone_weights: Iterable[tuple[datetime.date, int]] = (),
) -> Decimal | None:
    """The share (0 to 1) of the project's value planned to be earned by the end of
    ``as_of``; None without weighted milestones nor a complete baseline."""
    weights = weighted(milestone_weights)
    if weights:
        total = sum((weight for _day, weight in weights), ZERO)
        reached = sum((weight for day, weight in weights if day <= as_of), ZERO)
        return reached / total
    if baseline_start is None or baseline_end is None or baseline_end < baseline_start:
        return None
    if as_of < baseline_start:
        return ZERO
    if as_of >= baseline_end:
        return Decimal(1)
    # Both ends included: a one-year baseline has 365 days, and on its first day one of them
    # is planned to be done by the evening.
    elapsed = (as_of - baseline_start).days + 1
    duration = (baseline_end - baseline_start).days + 1
    return Decimal(elapsed) / Decimal(duration)


def earned_value(
    *,
    as_of: datetime.date,
    bac: Decimal | None,
    baseline_start: datetime.date | None,
    baseline_end: datetime.date | None,
    milestone_weights: Iterable[tuple[datetime.date, int]] = (),
    progress: int | None,
    actuals: Decimal | None,
) -> EarnedValue:
    """The earned value figures of a project on ``as_of``.

    ``bac`` is the baseline budget (None or zero: no budget, nothing but AC can be computed);
    ``milestone_weights`` the (baseline date, weight) of its milestones; ``progress`` the
    progress % of its latest submitted status (None if it never reported); ``actuals`` the
    sum of its actual costs dated up to ``as_of``.
    """
    milestone_weights = list(milestone_weights)
    ac = money(actuals if actuals is not None else ZERO)
    if bac is not None and bac <= 0:
        bac = None
    bac = money(bac)
    fraction = planned_fraction(
        as_of=as_of,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        milestone_weights=milestone_weights,
    )
    pv = money(bac * fraction) if bac is not None and fraction is not None else None
    if fraction is None:
        planned_by = None
    else:
        planned_by = MILESTONES if weighted(milestone_weights) else BASELINE
    planned_percent = (
        (fraction * HUNDRED).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        if fraction is not None
        else None
    )
    ev = (
        money(bac * Decimal(progress) / HUNDRED)
        if bac is not None and progress is not None
        else None
    )
    # No spending yet (or more credited than spent) says nothing of cost efficiency.
    cpi = ratio(ev, ac) if ac > 0 else None
    spi = ratio(ev, pv)
    cv = ev - ac if ev is not None else None
    sv = ev - pv if ev is not None and pv is not None else None
    # BAC / CPI, from the amounts: the rounded CPI would move EAC by up to half a percent.
    eac = money(bac * ac / ev) if bac is not None and ev and ac > 0 else None
    etc = eac - ac if eac is not None else None
    vac = bac - eac if eac is not None else None
    tcpi = ratio(bac - ev, bac - ac) if bac is not None and ev is not None else None
    return EarnedValue(
        as_of=as_of,
        bac=bac,
        pv=pv,
        ev=ev,
        ac=ac,
        cpi=cpi,
        spi=spi,
        cv=cv,
        sv=sv,
        eac=eac,
        etc=etc,
        vac=vac,
        tcpi=tcpi,
        planned_percent=planned_percent,
        progress=progress,
        planned_by=planned_by,
    )
