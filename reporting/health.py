"""Computed health: the ratings the data gives Cost, Delay and Risk, to set beside what a
project declares, and how far the two disagree.

Pure functions of figures already read (the selectors read them in bulk): no database.
Quality has no computed rating: only the people on the project can judge it.
"""

from decimal import Decimal

from projects.choices import RATING_RANK, Axis, Rating

# The axes a rating is computed for.
COMPUTED_AXES = (Axis.COST, Axis.DELAY, Axis.RISK)


def worst(*ratings: str | None) -> str | None:
    """The worst of ``ratings`` (None ones left out); None when there is none."""
    known = [rating for rating in ratings if rating is not None]
    return max(known, key=RATING_RANK.__getitem__) if known else None


def computed_cost(*, eac: Decimal | None, budget: Decimal | None, policy) -> str | None:
    """Green, amber or red from how far the estimate at completion passes the budget;
    None without an estimate or a budget."""
    if eac is None or not budget:
        return None
    over = (eac - budget) * 100 / budget
    if over > policy.cost_red_percent:
        return Rating.RED
    if over > policy.cost_amber_percent:
        return Rating.AMBER
    return Rating.GREEN


def computed_delay(*, slip_days: int | None, overdue_milestones: int, policy) -> str | None:
    """The worse of the forecast end's slip against the baseline end and the number of
    overdue milestones; None when neither says anything (no dates, no milestone overdue)."""
    by_slip = None
    if slip_days is not None:
        if slip_days >= policy.delay_red_days:
            by_slip = Rating.RED
        elif slip_days >= policy.delay_amber_days:
            by_slip = Rating.AMBER
        else:
            by_slip = Rating.GREEN
    by_milestones = None
    if overdue_milestones >= policy.overdue_milestones_red:
        by_milestones = Rating.RED
    elif overdue_milestones >= policy.overdue_milestones_amber:
        by_milestones = Rating.AMBER
    elif slip_days is None:
        return None
    return worst(by_slip, by_milestones)


def computed_risk(*, top_score: int | None, policy) -> str:
    """Green, amber or red from the highest score of the project's live risks (green when
    it has none)."""
    if top_score is None:
        return Rating.GREEN
    if top_score >= policy.risk_red_score:
        return Rating.RED
    if top_score >= policy.risk_amber_score:
        return Rating.AMBER
    return Rating.GREEN


def gap(declared: str | None, computed: str | None) -> int:
    """How many levels the computed rating is worse (positive) or better (negative) than
    the declared one; 0 when either is unknown."""
    if declared is None or computed is None:
        return 0
    return RATING_RANK[computed] - RATING_RANK[declared]
