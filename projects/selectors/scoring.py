"""Reads of strategic scoring: a project's weighted score, a portfolio's ranking and the
cut-line that walks it.

The arithmetic is kept in pure functions (``weighted_score``, ``cut_line``) so that it is
tested against hand-computed cases without a database; ``portfolio_ranking`` is the one
selector the ranking page, the scenarios and the project panel read, in a fixed number of
queries whatever the size of the portfolio.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo import months as month_math
from portfolio.models import Portfolio, ScoringCriterion
from projects.choices import ENDED_PHASES, ScenarioChoice
from projects.models import Allocation, Project, ProjectObjective, ProjectScore, Scenario
from projects.models.scoring import SCORE_MAX

ZERO = Decimal("0")
ONE_PLACE = Decimal("0.1")
CENT = Decimal("0.01")
# The FTE of a project is its average over this many months from the current one: the
# horizon a budget round commits people for.
FTE_HORIZON_MONTHS = 12


# --- arithmetic ---------------------------------------------------------------------------


def criterion_points(*, weight: int, higher_is_better: bool, score: int) -> Decimal:
    """What one score brings to the weighted score: ``weight × s / 5`` where ``s`` is the
    score, or ``5 - score`` for a criterion where a high score is bad (risk)."""
    counted = score if higher_is_better else SCORE_MAX - score
    return Decimal(weight) * Decimal(counted) / Decimal(SCORE_MAX)


def weighted_score(
    criteria: Iterable[ScoringCriterion], scores: Mapping[int, int]
) -> Decimal | None:
    """The weighted score, 0 to 100 to one decimal, of ``scores`` (criterion id → 0..5)
    against the active ``criteria``; None when a criterion has no score ("incomplete"): a
    missing score is never counted as 0, which would rank a project on what nobody said."""
    criteria = list(criteria)
    if not criteria:
        return None
    total = ZERO
    for criterion in criteria:
        if criterion.pk not in scores or scores[criterion.pk] is None:
            return None
        total += criterion_points(
            weight=criterion.weight,
            higher_is_better=criterion.higher_is_better,
            score=scores[criterion.pk],
        )
    return total.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


# --- cut-line -----------------------------------------------------------------------------


class Reason:
    """Why a project is in a scenario or not (stored in a scenario's frozen result)."""

    FORCED_IN = "forced_in"
    FITS = "fits"
    OVER_CAPEX = "over_capex"
    OVER_OPEX = "over_opex"
    OVER_FTE = "over_fte"
    FORCED_OUT = "forced_out"
    INCOMPLETE = "incomplete"

    LABELS = {
        FORCED_IN: _("Forced in"),
        FITS: _("Fits"),
        OVER_CAPEX: _("Over the CAPEX left"),
        OVER_OPEX: _("Over the OPEX left"),
        OVER_FTE: _("Over the FTE left"),
        FORCED_OUT: _("Forced out"),
        INCOMPLETE: _("Incomplete score"),
    }


@dataclass(frozen=True)
class Candidate:
    """A project as the cut-line sees it: what it costs, and whether its score is complete."""

    project_id: int
    capex: Decimal
    opex: Decimal
    fte: Decimal
    complete: bool = True


@dataclass(frozen=True)
class Decision:
    project_id: int
    selected: bool
    reason: str


@dataclass
class CutLine:
    """The decisions in the order of the candidates, and what the selection uses."""

    decisions: list[Decision]
    used_capex: Decimal
    used_opex: Decimal
    used_fte: Decimal

    def by_project(self) -> dict[int, Decision]:
        return {decision.project_id: decision for decision in self.decisions}


def cut_line(
    rows: Sequence[Candidate],
    capex: Decimal,
    opex: Decimal,
    fte: Decimal,
    forced: Mapping[int, str] | None = None,
) -> CutLine:
    """Which of ``rows`` (in rank order) fit in the envelopes ``capex``, ``opex`` and the
    capacity ``fte``, with the PMO's ``forced`` choices (project id → "in" / "out").

    Greedy with skips: the forced-in projects are taken first and consume the envelopes
    even beyond them (the PMO decided); then the others in rank order, each taken if its
    CAPEX, OPEX and FTE all fit in what is left, skipped otherwise, and the walk goes on
    (a smaller project further down may still fit). A forced-out project is never taken; a
    project with an incomplete score is not taken unless forced in. Greedy is what a PMO
    does by hand with a ranked list, and it keeps the rank meaningful, where an optimal
    knapsack would jump over better-ranked projects to fill the envelope.
    """
    forced = forced or {}
    left = {"capex": capex, "opex": opex, "fte": fte}
    decisions: dict[int, Decision] = {}

    def take(row: Candidate, reason: str) -> None:
        left["capex"] -= row.capex
        left["opex"] -= row.opex
        left["fte"] -= row.fte
        decisions[row.project_id] = Decision(row.project_id, True, reason)

    for row in rows:
        if forced.get(row.project_id) == ScenarioChoice.IN:
            take(row, Reason.FORCED_IN)
    for row in rows:
        if row.project_id in decisions:
            continue
        if forced.get(row.project_id) == ScenarioChoice.OUT:
            reason = Reason.FORCED_OUT
        elif not row.complete:
            reason = Reason.INCOMPLETE
        elif row.capex > left["capex"]:
            reason = Reason.OVER_CAPEX
        elif row.opex > left["opex"]:
            reason = Reason.OVER_OPEX
        elif row.fte > left["fte"]:
            reason = Reason.OVER_FTE
        else:
            take(row, Reason.FITS)
            continue
        decisions[row.project_id] = Decision(row.project_id, False, reason)
    return CutLine(
        decisions=[decisions[row.project_id] for row in rows],
        used_capex=capex - left["capex"],
        used_opex=opex - left["opex"],
        used_fte=fte - left["fte"],
    )


# --- the ranking --------------------------------------------------------------------------


@dataclass
class RankedProject:
    """One row of a portfolio's ranking."""

    project: Project
    scores: dict[int, ProjectScore]
    weighted_score: Decimal | None
    capex: Decimal
    opex: Decimal
    fte: Decimal
    contributions: list[ProjectObjective]
    rank: int | None = None
    cells: list[ProjectScore | None] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.weighted_score is not None

    def candidate(self) -> Candidate:
        return Candidate(self.project.pk, self.capex, self.opex, self.fte, self.complete)


def active_criteria(portfolio: Portfolio) -> list[ScoringCriterion]:
    """The active criteria of ``portfolio``, in their order."""
    return list(portfolio.scoring_criteria.filter(is_active=True))


def rankable_projects(portfolio: Portfolio) -> QuerySet[Project]:
    """The projects a portfolio's ranking lists: all but the closed and cancelled."""
    return Project.objects.filter(portfolio=portfolio).exclude(phase__in=ENDED_PHASES)


def average_fte(project_ids: Sequence[int], *, first_month: datetime.date) -> dict[int, Decimal]:
    """Each project's average monthly FTE allocated over the horizon from ``first_month``,
    in one query (a month without allocation counts as 0 FTE)."""
    last = month_math.add_months(first_month, FTE_HORIZON_MONTHS)
    totals = (
        Allocation.objects.filter(
            project_id__in=project_ids, month__gte=first_month, month__lt=last
        )
        .order_by()
        .values("project_id")
        .annotate(total=Sum("fte"))
    )
    return {
        row["project_id"]: (row["total"] / FTE_HORIZON_MONTHS).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        for row in totals
    }


def portfolio_ranking(
    portfolio: Portfolio,
    *,
    today: datetime.date | None = None,
    criteria: list[ScoringCriterion] | None = None,
) -> list[RankedProject]:
    """The portfolio's projects (not closed nor cancelled) by weighted score, highest first,
    each with its rank, its score per active criterion, the objectives it serves, its phase,
    its baseline CAPEX and OPEX and its average FTE over the next twelve months.

    Projects with an incomplete score come after the complete ones, without a rank. Ties
    share a rank and are listed (and walked by a cut-line) by project code. Five queries,
    whatever the number of projects.
    """
    today = today or timezone.localdate()
    if criteria is None:
        criteria = active_criteria(portfolio)
    criterion_ids = [criterion.pk for criterion in criteria]
    projects = list(
        rankable_projects(portfolio)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=ProjectScore.objects.filter(criterion_id__in=criterion_ids),
                to_attr="active_scores",
            ),
            Prefetch(
                "contributions",
                queryset=ProjectObjective.objects.select_related("objective").order_by(
                    "-contribution", "objective__code"
                ),
                to_attr="contribution_list",
            ),
        )
    )
    fte = average_fte([p.pk for p in projects], first_month=month_math.month_start(today))
    rows = []
    for project in projects:
        scores = {score.criterion_id: score for score in project.active_scores}
        rows.append(
            RankedProject(
                project=project,
                scores=scores,
                weighted_score=weighted_score(
                    criteria, {pk: score.score for pk, score in scores.items()}
                ),
                capex=project.budget_capex,
                opex=project.budget_opex,
                fte=fte.get(project.pk, ZERO.quantize(CENT)),
                contributions=project.contribution_list,
                cells=[scores.get(pk) for pk in criterion_ids],
            )
        )
    rows.sort(
        key=lambda row: (
            not row.complete,
            -(row.weighted_score or ZERO),
            row.project.code,
        )
    )
    previous, rank = None, 0
    for position, row in enumerate((r for r in rows if r.complete), start=1):
        # Competition ranking: two projects at 72.0 are both 3rd, the next one 5th.
        if row.weighted_score != previous:
            rank, previous = position, row.weighted_score
        row.rank = rank
    return rows


# --- scenarios ----------------------------------------------------------------------------


def scenario_list() -> QuerySet[Scenario]:
    """Scenarios with their portfolio, which every row shows."""
    return Scenario.objects.select_related("portfolio", "created_by")


def scenario_result(
    *,
    ranking: list[RankedProject],
    capex: Decimal,
    opex: Decimal,
    fte: Decimal,
    forced: Mapping[int, str],
    criteria: list[ScoringCriterion],
    now: datetime.datetime | None = None,
) -> dict:
    """The frozen result of a scenario (JSON): each ranked project with its rank, weighted
    score, CAPEX, OPEX, FTE, whether it is selected and why, and the totals used against
    the envelopes. Amounts are strings, exact when read back."""
    line = cut_line([row.candidate() for row in ranking], capex, opex, fte, forced)
    decisions = line.by_project()
    rows = []
    for row in ranking:
        decision = decisions[row.project.pk]
        rows.append(
            {
                "project": row.project.pk,
                "code": row.project.code,
                "name": row.project.name,
                "phase": row.project.phase,
                "rank": row.rank,
                "weighted_score": (
                    str(row.weighted_score) if row.weighted_score is not None else None
                ),
                "capex": str(row.capex),
                "opex": str(row.opex),
                "fte": str(row.fte),
                "forced": forced.get(row.project.pk, ""),
                "selected": decision.selected,
                "reason": decision.reason,
            }
        )
    return {
        "computed_at": (now or timezone.now()).isoformat(),
        "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight} for c in criteria],
        "rows": rows,
        "totals": {
            "capex": {"used": str(line.used_capex), "envelope": str(capex)},
            "opex": {"used": str(line.used_opex), "envelope": str(opex)},
            "fte": {"used": str(line.used_fte), "envelope": str(fte)},
            "selected": sum(1 for row in rows if row["selected"]),
            "projects": len(rows),
        },
    }


def scenario_rows(scenario: Scenario) -> dict[str, list[dict]]:
    """A scenario's frozen rows split around the cut-line, each with its reason's label and
    its amounts as Decimal again."""
    selected, not_selected = [], []
    for row in scenario.result.get("rows", []):
        shown = {
            **row,
            "reason_label": Reason.LABELS.get(row["reason"], row["reason"]),
            "capex": Decimal(row["capex"]),
            "opex": Decimal(row["opex"]),
            "fte": Decimal(row["fte"]),
            "weighted_score": (
                Decimal(row["weighted_score"]) if row["weighted_score"] is not None else None
            ),
        }
        (selected if row["selected"] else not_selected).append(shown)
    return {"selected": selected, "not_selected": not_selected}


def scenario_totals(scenario: Scenario) -> list[dict]:
    """Used against envelope for CAPEX, OPEX and FTE, with what is left (negative: over)."""
    totals = scenario.result.get("totals", {})
    labels = (("capex", _("CAPEX")), ("opex", _("OPEX")), ("fte", _("FTE")))
    shown = []
    for key, label in labels:
        values = totals.get(key)
        if not values:
            continue
        used, envelope = Decimal(values["used"]), Decimal(values["envelope"])
        shown.append(
            {
                "key": key,
                "label": label,
                "used": used,
                "envelope": envelope,
                "left": envelope - used,
            }
        )
    return shown


def scenario_comparison(first: Scenario, second: Scenario) -> list[dict]:
    """The projects of two scenarios side by side, those whose selection differs first."""
    rows_a = {row["project"]: row for row in first.result.get("rows", [])}
    rows_b = {row["project"]: row for row in second.result.get("rows", [])}
    compared = []
    for project_id in {*rows_a, *rows_b}:
        a, b = rows_a.get(project_id), rows_b.get(project_id)
        base = a or b
        compared.append(
            {
                "code": base["code"],
                "name": base["name"],
                "a": a and {**a, "reason_label": Reason.LABELS.get(a["reason"], "")},
                "b": b and {**b, "reason_label": Reason.LABELS.get(b["reason"], "")},
                "differs": bool(a and a["selected"]) != bool(b and b["selected"]),
            }
        )
    compared.sort(
        key=lambda row: (
            not row["differs"],
            (row["a"] or row["b"])["rank"] is None,
            (row["a"] or row["b"])["rank"] or 0,
            row["code"],
        )
    )
    return compared


def forced_choices(scenario: Scenario) -> dict[int, str]:
    """A scenario's forced choices, project id → "in" / "out"."""
    return dict(scenario.choices.values_list("project_id", "choice"))


def project_score_summary(project: Project) -> dict:
    """A project's place in its portfolio's ranking (for its page): its row, the active
    criteria, and how many projects are ranked."""
    criteria = active_criteria(project.portfolio)
    ranking = portfolio_ranking(project.portfolio, criteria=criteria)
    row = next((r for r in ranking if r.project.pk == project.pk), None)
    by_criterion: dict[int, ProjectScore] = defaultdict(lambda: None)
    if row is not None:
        by_criterion.update(row.scores)
    return {
        "criteria": [(criterion, by_criterion[criterion.pk]) for criterion in criteria],
        "row": row,
        "ranked": sum(1 for r in ranking if r.complete),
    }
