"""Reads of stage gates: the order of the phases a gate moves a project along, the template of
the gate a project faces now, and the gate reviews of one project or of the portfolio."""

from django.db.models import QuerySet

from projects.choices import ENDED_PHASES, Phase
from projects.models import GateReview, GateTemplate, Project

# The phases a gate ends, in order; a passed gate moves a project to the phase after its own.
GATE_PHASES = (Phase.IDEA, Phase.FRAMING, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)
NEXT_PHASE = {
    Phase.IDEA: Phase.FRAMING,
    Phase.FRAMING: Phase.PLANNING,
    Phase.PLANNING: Phase.EXECUTION,
    Phase.EXECUTION: Phase.CLOSING,
    Phase.CLOSING: Phase.CLOSED,
}
# The gate phases as API and filter choices (the model's field has the same ones).
GATE_PHASE_CHOICES = [(phase.value, phase.label) for phase in GATE_PHASES]


def next_phase(phase: str) -> Phase | None:
    """The phase a project in ``phase`` moves to through a passed gate; None once ended."""
    return NEXT_PHASE.get(Phase(phase)) if phase not in ENDED_PHASES else None


def gate_template_list() -> QuerySet[GateTemplate]:
    """The gate templates in the order of the phases they end."""
    return GateTemplate.objects.order_by("pk")


def gate_template_for(project: Project) -> GateTemplate | None:
    """The gate ``project`` faces to leave its current phase; None for an ended project or a
    phase whose template is missing."""
    if project.phase in ENDED_PHASES:
        return None
    return GateTemplate.objects.filter(phase=project.phase).first()


def gate_review_list() -> QuerySet[GateReview]:
    """Gate reviews newest first, with the project (and its portfolio) and the approver
    joined: what every row of a list shows."""
    return GateReview.objects.select_related(
        "project", "project__portfolio", "decided_by"
    ).order_by("-decided_on", "-pk")


def checklist_done(checklist: list) -> tuple[int, int]:
    """(items checked, items) of a review's checklist."""
    return sum(1 for row in checklist if row.get("checked")), len(checklist)
