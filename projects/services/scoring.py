"""Writes of strategic scoring: a project's scores against its portfolio's criteria, and the
PMO's cut-line scenarios.

A scenario reads the projects and writes only itself: its ``result`` freezes the ranking and
the selection of the day it was computed, and no project is ever changed by it.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.rules import can
from portfolio.models import Portfolio
from projects.choices import ScenarioChoice
from projects.models import Project, ProjectScore, Scenario, ScenarioChoiceRow
from projects.models.scoring import SCORE_MAX
from projects.selectors.scoring import active_criteria, portfolio_ranking, scenario_result

CENT = Decimal("0.01")
SCENARIO_FIELDS = ("name", "description", "capex_envelope", "opex_envelope", "fte_capacity")


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may (no actor: a call of the system itself,
    such as the demo loader)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


# --- scores -------------------------------------------------------------------------------


@transaction.atomic
def project_scores_save(
    *, actor, project: Project, scores: dict[int, tuple[int | None, str]]
) -> list[ProjectScore]:
    """Score ``project`` against active criteria of its portfolio (PMO managers): ``scores``
    maps a criterion id to (score 0..5, comment). A score of None removes the project's
    score on that criterion (it becomes incomplete). All or nothing: a score out of range
    is a ``score`` error, a criterion of another portfolio (or inactive) a ``criterion``
    error, each naming the criterion.
    """
    _require(actor, "add", ProjectScore, parent=project)
    criteria = {criterion.pk: criterion for criterion in active_criteria(project.portfolio)}
    existing = {s.criterion_id: s for s in ProjectScore.objects.filter(project=project)}
    errors: dict[str, list[str]] = {}
    to_save, to_delete = [], []
    for criterion_id, (score, comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.setdefault("criterion", []).append(
                _("Criterion %(id)s is not an active criterion of the project's portfolio.")
                % {"id": criterion_id}
            )
            continue
        if score is None:
            if criterion_id in existing:
                to_delete.append(existing[criterion_id].pk)
            continue
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
            errors.setdefault("score", []).append(
                _("%(criterion)s: a score is a whole number from 0 to %(max)s.")
                % {"criterion": criterion.name, "max": SCORE_MAX}
            )
            continue
        row = existing.get(criterion_id) or ProjectScore(project=project, criterion=criterion)
        row.score, row.comment = score, comment or ""
        if actor is not None:
            row.scored_by = actor
        try:
            row.full_clean(validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    errors.setdefault(name, []).append(
                        _("%(criterion)s: %(message)s")
                        % {"criterion": criterion.name, "message": message}
                    )
            continue
        to_save.append(row)
    if errors:
        raise ValidationError(errors)
    ProjectScore.objects.filter(pk__in=to_delete).delete()
    for row in to_save:
        row.save()
    return list(ProjectScore.objects.filter(project=project).select_related("criterion"))


# --- scenarios ----------------------------------------------------------------------------


def _check_choices(portfolio: Portfolio, choices: dict) -> dict[int, str]:
    """``choices`` (project or id → "in" / "out"; empty values dropped) as ids, refused with
    a ``choices`` error for an unknown project, one of another portfolio or a bad choice."""
    wanted: dict[int, str] = {}
    for key, choice in choices.items():
        project_id = key.pk if isinstance(key, Project) else key
        if not choice:
            continue
        if choice not in ScenarioChoice.values:
            raise ValidationError(
                {"choices": _("“%(choice)s” is not a choice: in or out.") % {"choice": choice}}
            )
        wanted[int(project_id)] = choice
    found = dict(Project.objects.filter(pk__in=list(wanted)).values_list("pk", "portfolio_id"))
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise ValidationError(
            {
                "choices": _("Unknown project: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in unknown)}
            }
        )
    elsewhere = sorted(pk for pk, portfolio_id in found.items() if portfolio_id != portfolio.pk)
    if elsewhere:
        codes = Project.objects.filter(pk__in=elsewhere).values_list("code", flat=True)
        raise ValidationError(
            {
                "choices": _("Not a project of this portfolio: %(codes)s.")
                % {"codes": ", ".join(codes)}
            }
        )
    return wanted


def _compute(scenario: Scenario, forced: dict[int, str]) -> dict:
    criteria = active_criteria(scenario.portfolio)
    ranking = portfolio_ranking(scenario.portfolio, criteria=criteria)
    return scenario_result(
        ranking=ranking,
        # As stored (two places), so that the frozen result reads as the scenario does.
        capex=Decimal(scenario.capex_envelope).quantize(CENT),
        opex=Decimal(scenario.opex_envelope).quantize(CENT),
        fte=Decimal(scenario.fte_capacity).quantize(CENT),
        forced=forced,
        criteria=criteria,
    )


@transaction.atomic
def scenario_save(
    *,
    actor,
    portfolio: Portfolio,
    data: dict,
    choices: dict,
    scenario: Scenario | None = None,
) -> Scenario:
    """Create a cut-line scenario of ``portfolio`` (or change ``scenario``) and freeze its
    result with today's ranking (PMO managers).

    ``data`` holds the name, description and the envelopes (CAPEX, OPEX, FTE capacity; a
    negative one is an error on its field); ``choices`` maps projects (or ids) to "in" or
    "out". The projects are read, never written.
    """
    if scenario is None:
        _require(actor, "add", Scenario)
        scenario = Scenario(portfolio=portfolio, created_by=actor)
    else:
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        _require(actor, "change", scenario)
        if scenario.portfolio_id != portfolio.pk:
            raise ValidationError({"portfolio": _("A scenario stays in its portfolio.")})
    for name in SCENARIO_FIELDS:
        if name in data:
            setattr(scenario, name, data[name])
    scenario.full_clean(validate_constraints=False)
    taken = Scenario.objects.filter(portfolio=portfolio, name=scenario.name)
    if taken.exclude(pk=scenario.pk).exists():
        raise ValidationError({"name": _("This portfolio already has a scenario of this name.")})
    forced = _check_choices(portfolio, choices)
    scenario.result = _compute(scenario, forced)
    scenario.save()
    scenario.choices.all().delete()
    ScenarioChoiceRow.objects.bulk_create(
        ScenarioChoiceRow(scenario=scenario, project_id=pk, choice=choice)
        for pk, choice in forced.items()
    )
    return scenario


@transaction.atomic
def scenario_recompute(*, actor, scenario: Scenario) -> Scenario:
    """Compute ``scenario`` again with today's scores, budgets and staffing, replacing its
    frozen result (PMO managers): an explicit step, the old result is not kept."""
    scenario = Scenario.objects.select_for_update().select_related("portfolio").get(pk=scenario.pk)
    _require(actor, "change", scenario)
    forced = dict(scenario.choices.values_list("project_id", "choice"))
    scenario.result = _compute(scenario, forced)
    scenario.save(update_fields=["result", "updated_at"])
    return scenario


@transaction.atomic
def scenario_delete(*, actor, scenario: Scenario) -> None:
    """Delete a scenario (PMO managers): a what-if, no project depends on it."""
    _require(actor, "delete", scenario)
    scenario.delete()
