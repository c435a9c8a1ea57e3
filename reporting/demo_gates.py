"""The demo's stage gates: for every demo project, the gates it passed to be in its phase
(G0 to be in framing or later, G1 in planning or later...), mostly go, some go with
conditions, one recycle followed by a go a few weeks later, and a no-go for each cancelled
project.

The projects are already in their phase: the reviews are history, created directly rather
than through ``gate_review_record`` (which would move the phase again, and, out of closing,
approve a closure report the closure demo freezes itself). Dated from the project's schedule
(before its baseline start for the early gates, around its end for the late ones), decided
by the PMO or an executive. A project that already has a review is left as it is, so a
second load creates nothing.
"""

import datetime

from projects.choices import GateDecision, Phase
from projects.models import GateReview, GateTemplate
from projects.selectors.gates import GATE_PHASES, NEXT_PHASE

GO, CONDITIONS, NO_GO, RECYCLE = (
    GateDecision.GO,
    GateDecision.GO_WITH_CONDITIONS,
    GateDecision.NO_GO,
    GateDecision.RECYCLE,
)
# How many gates a project has passed to be in its phase.
PASSED = {
    Phase.IDEA: 0,
    Phase.FRAMING: 1,
    Phase.PLANNING: 2,
    Phase.EXECUTION: 3,
    Phase.CLOSING: 4,
    Phase.CLOSED: 5,
}
# Conditions and comments, in each project's language.
TEXTS = {
    "fr": {
        "conditions": "Lever le point ouvert de la check-list avant le prochain comité.",
        "go": "Dossier complet, passage validé.",
        "recycle": "Planning à reprendre : les charges ne couvrent pas la recette.",
        "recycled_go": "Planning repris et validé après recyclage.",
        "no_go": "Arrêt décidé : la valeur attendue ne justifie plus l'investissement.",
    },
    "en": {
        "conditions": "Close the open checklist item before the next steering committee.",
        "go": "Complete file, gate passed.",
        "recycle": "Rework the plan: the effort does not cover acceptance testing.",
        "recycled_go": "Plan reworked and approved after the recycle.",
        "no_go": "Stopped: the expected value no longer justifies the investment.",
    },
}


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _gate_dates(phase: str, schedule, today: datetime.date) -> list[datetime.date]:
    """When a project of ``phase`` with ``schedule`` passed each gate it has passed, from G0;
    for a cancelled project, the gates up to and including its no-go."""
    start = schedule.baseline_start or schedule.forecast_start
    end = schedule.baseline_end or schedule.forecast_end
    if phase == Phase.FRAMING:
        return [today - _days(45)]
    if phase == Phase.PLANNING:
        return [today - _days(150), today - _days(30)]
    if phase == Phase.CANCELLED:
        if schedule.baseline_start is None:
            # Stopped in framing: G0 passed, G1 refused.
            return [today - _days(240), today - _days(120)]
        # Stopped under way: three gates passed, the fourth refused.
        stop = min(start + _days(100), today - _days(20))
        return [start - _days(150), start - _days(90), start - _days(7), stop]
    dates = [start - _days(150), start - _days(90), start - _days(7)]
    if phase in (Phase.CLOSING, Phase.CLOSED):
        dates.append(min(end, today) - _days(30))
    if phase == Phase.CLOSED:
        dates.append(end + _days(20))
    return [min(day, today) for day in dates]


def _checklist(template: GateTemplate, *, open_item: bool) -> list[dict]:
    """The gate's items, all checked, or all but the last (a go with conditions, a recycle)."""
    items = list(template.checklist)
    return [
        {
            "item": item,
            "checked": not (open_item and index == len(items) - 1),
            "evidence": "",
        }
        for index, item in enumerate(items)
    ]


def load_gates(loader) -> None:
    """The gate reviews of the demo projects (see the module's docstring)."""
    templates = {template.phase: template for template in GateTemplate.objects.all()}
    deciders = [loader.users.get("exec"), loader.users.get("pmo")]
    if not templates or not all(deciders):
        return
    recycled = False
    for index, (code, project) in enumerate(sorted(loader.projects.items())):
        spec = loader.project_specs.get(code)
        schedule = loader.schedules.get(code)
        if spec is None or schedule is None or project.phase == Phase.IDEA:
            continue
        if GateReview.objects.filter(project=project).exists():
            continue
        texts = TEXTS.get(spec.language, TEXTS["en"])
        dates = _gate_dates(project.phase, schedule, loader.today)
        cancelled = project.phase == Phase.CANCELLED
        rows = []
        for gate, day in enumerate(dates):
            from_phase = GATE_PHASES[gate]
            template = templates.get(from_phase)
            if template is None:
                break
            decider = deciders[gate % 2]
            if cancelled and gate == len(dates) - 1:
                rows.append((template, NO_GO, Phase.CANCELLED, day, decider, "", texts["no_go"]))
                continue
            to_phase = NEXT_PHASE[from_phase]
            # One project of the demo, in execution, was sent back once at its baseline gate.
            if not recycled and project.phase == Phase.EXECUTION and from_phase == Phase.PLANNING:
                recycled = True
                rows.append(
                    (template, RECYCLE, from_phase, day - _days(28), decider, "", texts["recycle"])
                )
                rows.append((template, GO, to_phase, day, decider, "", texts["recycled_go"]))
                continue
            if (index + gate) % 4 == 1:
                rows.append((template, CONDITIONS, to_phase, day, decider, texts["conditions"], ""))
            else:
                rows.append((template, GO, to_phase, day, decider, "", texts["go"]))
        for template, decision, to_phase, day, decider, conditions, comments in rows:
            GateReview.objects.create(
                project=project,
                from_phase=template.phase,
                to_phase=to_phase,
                gate_name=template.name,
                checklist=_checklist(template, open_item=decision in (CONDITIONS, RECYCLE, NO_GO)),
                decision=decision,
                conditions=conditions,
                comments=comments,
                decided_by=decider,
                decided_on=day,
            )
            loader.report.created["gate_reviews"] += 1
