"""The demo's strategic scoring: criteria per portfolio, every project scored, and two saved
cut-line scenarios.

Each portfolio speaks its own language, like the rest of the demo (DSI in French, OPS in
English). Scores are derived from the project's code, so that a second load finds every row
as it left it and creates nothing; scenarios are saved once and left frozen (recomputing is
the PMO's explicit step, not the loader's).
"""

import hashlib
from decimal import ROUND_HALF_UP, Decimal

from portfolio.models import FinancePolicy, PortfolioEnvelope, ScoringCriterion
from portfolio.services import scoring_criteria_save
from projects.choices import ENDED_PHASES, ScenarioChoice
from projects.models import Project, ProjectScore, Scenario
from projects.selectors.scoring import portfolio_ranking
from projects.services.scoring import project_scores_save, scenario_save

# (name, description, weight, higher is better), per portfolio code.
CRITERIA = {
    "DSI": (
        ("Alignement stratégique", "Contribution aux objectifs du plan stratégique.", 30, True),
        ("Valeur métier", "Gains attendus : revenus, productivité, qualité de service.", 25, True),
        ("Urgence", "Échéance imposée : fin de support, obligation légale, contrat.", 20, True),
        (
            "Risque",
            "Risque de livraison : technique, fournisseurs, conduite du changement.",
            15,
            False,
        ),
        ("Faisabilité", "Compétences et capacités disponibles pour le mener.", 10, True),
    ),
    "OPS": (
        ("Strategic fit", "How much it serves the operations roadmap.", 35, True),
        ("Business value", "Savings, throughput, quality and safety gains.", 30, True),
        ("Urgency", "A deadline the business cannot move.", 15, True),
        ("Risk", "Delivery risk: technology, suppliers, site disruption.", 20, False),
    ),
}
# The regulatory project each portfolio's tighter scenario forces in.
REGULATORY = {"DSI": "DSI-025", "OPS": "OPS-013"}
SCENARIO_CUT = Decimal("0.85")


def _score_of(code: str, criterion: str) -> int:
    """A score 0..5 that depends only on the project's code and the criterion's name."""
    digest = hashlib.sha256(f"{code}:{criterion}".encode()).digest()
    return digest[0] % 6


# Demo content in each portfolio's language (not the interface's): name and description of
# the base scenario and of the tighter one.
SCENARIOS = {
    "DSI": (
        ("Budget {year} — base", "Enveloppes de l'exercice, dans l'ordre du classement."),
        (
            "Budget {year} — -15 %",
            "Enveloppes réduites de 15 % ; la facturation électronique (obligation légale) "
            "forcée dans le périmètre.",
        ),
    ),
    "OPS": (
        ("Budget {year} — base", "The fiscal year's envelopes, in rank order."),
        (
            "Budget {year} — -15 %",
            "Envelopes cut by 15 %; the health & safety app (regulatory) forced in.",
        ),
    ),
}


def load_scoring(loader) -> None:
    """Criteria, scores and scenarios of the demo portfolios."""
    report = loader.report
    policy_year = _fiscal_year(loader)
    for code, portfolio in loader.portfolios.items():
        specs = CRITERIA.get(code)
        if not specs:
            continue
        existing = {c.name: c for c in ScoringCriterion.objects.filter(portfolio=portfolio)}
        rows = [
            {
                "id": existing[name].pk if name in existing else None,
                "name": name,
                "description": description,
                "weight": weight,
                "higher_is_better": better,
                "position": position,
                "is_active": True,
            }
            for position, (name, description, weight, better) in enumerate(specs)
        ]
        unchanged = len(existing) == len(specs) and all(
            (c.description, c.weight, c.higher_is_better, c.position, c.is_active)
            == (row["description"], row["weight"], row["higher_is_better"], row["position"], True)
            for row in rows
            if (c := existing.get(row["name"]))
        )
        if not unchanged:
            criteria = scoring_criteria_save(actor=None, portfolio=portfolio, rows=rows)
            report.created["scoring_criteria"] += len(specs) - len([r for r in rows if r["id"]])
            report.updated["scoring_criteria"] += len([r for r in rows if r["id"]])
        else:
            criteria = list(existing.values())
        _load_scores(report, portfolio, criteria)
        if code in SCENARIOS:
            _load_scenarios(loader, report, code, portfolio, policy_year)


def _fiscal_year(loader) -> int:
    return FinancePolicy.get().fiscal_year(loader.today)


def _load_scores(report, portfolio, criteria) -> None:
    stored = {
        (s.project_id, s.criterion_id): s.score
        for s in ProjectScore.objects.filter(project__portfolio=portfolio)
    }
    projects = Project.objects.filter(portfolio=portfolio).exclude(phase__in=ENDED_PHASES)
    for project in projects:
        wanted = {c.pk: (_score_of(project.code, c.name), "") for c in criteria}
        missing = [pk for pk in wanted if (project.pk, pk) not in stored]
        changed = [
            pk
            for pk in wanted
            if (project.pk, pk) in stored and stored[(project.pk, pk)] != wanted[pk][0]
        ]
        if not missing and not changed:
            continue
        project_scores_save(
            actor=None,
            project=project,
            scores={pk: wanted[pk] for pk in [*missing, *changed]},
        )
        report.created["scores"] += len(missing)
        report.updated["scores"] += len(changed)


def _load_scenarios(loader, report, code, portfolio, year) -> None:
    envelope = PortfolioEnvelope.objects.filter(portfolio=portfolio, fiscal_year=year).first()
    capex = envelope.capex if envelope else Decimal("1000000")
    opex = envelope.opex if envelope else Decimal("500000")
    # FTE: four fifths of what the open projects ask for, so that staffing cuts too.
    demand = sum((row.fte for row in portfolio_ranking(portfolio, today=loader.today)), Decimal(0))
    fte = demand * Decimal("0.8")
    regulatory = Project.objects.filter(code=REGULATORY.get(code), portfolio=portfolio).first()
    (base_name, base_text), (cut_name, cut_text) = SCENARIOS[code]
    for name, description, factor, choices in (
        (base_name, base_text, Decimal("1"), {}),
        (
            cut_name,
            cut_text,
            SCENARIO_CUT,
            {regulatory.pk: ScenarioChoice.IN} if regulatory else {},
        ),
    ):
        name = name.format(year=year)
        if Scenario.objects.filter(portfolio=portfolio, name=name).exists():
            continue
        scenario_save(
            actor=None,
            portfolio=portfolio,
            data={
                "name": name,
                "description": description,
                "capex_envelope": (capex * factor).quantize(Decimal("1"), ROUND_HALF_UP),
                "opex_envelope": (opex * factor).quantize(Decimal("1"), ROUND_HALF_UP),
                "fte_capacity": (fte * factor).quantize(Decimal("0.1"), ROUND_HALF_UP),
            },
            choices=choices,
        )
        report.created["scenarios"] += 1
