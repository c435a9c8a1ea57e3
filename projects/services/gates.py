"""Writes of stage gates: the PMO's gate templates, and the gate reviews that alone move a
project from one phase to the next.

A review records the checklist as found (each item checked or not, with its evidence link)
and an approver's decision (PMO manager or executive):

- go: every item is checked; the project moves to the next phase;
- go with conditions: some item may be open, the conditions say what must follow; it moves;
- no-go: the project stops there (cancelled);
- recycle: it stays in its phase and comes back to the same gate.

Passing the gate out of closing approves the project's closure report (closed). Reviews are
never edited nor deleted: they are the project's governance history.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.exceptions import WorkflowError
from pmo.history import records_actor
from pmo.rules import can
from pmo.services import model_create, model_update
from projects.choices import ENDED_PHASES, PASSING_DECISIONS, GateDecision, Phase
from projects.models import ClosureReport, GateReview, GateTemplate, Project
from projects.selectors.gates import next_phase

ITEM_MAX_LENGTH = 200
EVIDENCE_MAX_LENGTH = 500
NAME_MAX_LENGTH = GateTemplate._meta.get_field("name").max_length


def checklist_items(checklist) -> list[str]:
    """The items of a checklist given as text (one item a line) or a list of strings:
    trimmed, blank lines left out. A repeated item or one above 200 characters is refused on
    ``checklist``; so is a checklist without any item."""
    lines = checklist.splitlines() if isinstance(checklist, str) else list(checklist or [])
    items: list[str] = []
    for line in lines:
        item = " ".join(str(line).split())
        if not item:
            continue
        if len(item) > ITEM_MAX_LENGTH:
            raise ValidationError(
                {
                    "checklist": _("An item has at most %(limit)s characters: “%(item)s”.")
                    % {"limit": ITEM_MAX_LENGTH, "item": item[:40]}
                }
            )
        if item in items:
            raise ValidationError({"checklist": _("“%(item)s” is listed twice.") % {"item": item}})
        items.append(item)
    if not items:
        raise ValidationError({"checklist": _("A gate checks at least one item.")})
    return items


@transaction.atomic
def gate_template_update(template: GateTemplate, *, actor, name: str, checklist) -> GateTemplate:
    """Change a gate's name and checklist (the PMO). ``checklist`` is one item a line, or a
    list; blank lines are dropped. Reviews already recorded keep the checklist they had."""
    if actor is not None and not can(actor, "change", template):
        raise PermissionDenied(_("Only a PMO manager sets the gates."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the gate a name.")})
    items = checklist_items(checklist)
    locked = GateTemplate.objects.select_for_update().get(pk=template.pk)
    return model_update(instance=locked, data={"name": name, "checklist": items})[0]


def _review_checklist(items: list[str], checklist) -> list[dict]:
    """The review's checklist: each template item, in order, with whether it is checked and
    its evidence link, from ``checklist`` (a list of ``{"item", "checked", "evidence"}``). An
    item of the template not given is unchecked; an item not on the template is refused."""
    given: dict[str, dict] = {}
    for row in checklist or []:
        if not isinstance(row, dict) or not isinstance(row.get("item"), str):
            raise ValidationError({"checklist": _("Each row names its item.")})
        item = " ".join(row["item"].split())
        if item not in items:
            raise ValidationError(
                {"checklist": _("“%(item)s” is not on this gate's checklist.") % {"item": item}}
            )
        given[item] = row
    rows = []
    validate_url = URLValidator()
    for item in items:
        row = given.get(item, {})
        evidence = str(row.get("evidence") or "").strip()
        if evidence:
            if len(evidence) > EVIDENCE_MAX_LENGTH:
                raise ValidationError(
                    {"checklist": _("An evidence link has at most 500 characters.")}
                )
            try:
                validate_url(evidence)
            except ValidationError:
                raise ValidationError(
                    {
                        "checklist": _("The evidence of “%(item)s” is not a link (https://…).")
                        % {"item": item}
                    }
                ) from None
        rows.append({"item": item, "checked": bool(row.get("checked")), "evidence": evidence})
    return rows


def _pass_closure(*, actor, project: Project, decided_on: datetime.date) -> None:
    """The gate out of closing approves the project's closure report: none, no passing."""
    report = ClosureReport.objects.filter(project=project).first()
    if report is None:
        raise WorkflowError(_("The project has no closure report: write it before its last gate."))
    # Written beside this module (closure); imported here so that the gates do not depend on
    # it being loaded first.
    from projects.services.closure import closure_report_approve

    closure_report_approve(actor=actor, report=report, on=decided_on)


@records_actor
@transaction.atomic
def gate_review_record(
    *,
    actor,
    project: Project,
    decision: str,
    checklist=None,
    conditions: str = "",
    comments: str = "",
    decided_on: datetime.date | None = None,
) -> GateReview:
    """Review the gate of ``project``'s current phase and apply the decision (see the module's
    docstring). Approvers are PMO managers and executives (403 otherwise); an ended project
    has no gate left (409); passing out of closing needs the closure report (409), which it
    approves.

    Refused on ``decision`` (400): a go with an item unchecked (use go with conditions);
    on ``conditions``: a go with conditions without them; on ``decided_on``: a date to come.
    The project row is locked, so two approvers at one gate decide one after the other, the
    second at the gate the first left the project at.
    """
    if not can(actor, "review", GateReview, parent=project):
        raise PermissionDenied(_("Only a PMO manager or an executive decides at a gate."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.phase in ENDED_PHASES:
        raise WorkflowError(
            _("The project is %(phase)s: no gate is left to review.")
            % {"phase": project.get_phase_display().lower()}
        )
    template = GateTemplate.objects.filter(phase=project.phase).first()
    if template is None:
        raise WorkflowError(
            _("No gate is set for the %(phase)s phase: the PMO sets it in the settings.")
            % {"phase": project.get_phase_display().lower()}
        )
    if decision not in GateDecision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A gate is not decided in the future.")})
    conditions, comments = (conditions or "").strip(), (comments or "").strip()
    rows = _review_checklist(template.checklist, checklist)
    if decision == GateDecision.GO and not all(row["checked"] for row in rows):
        raise ValidationError(
            {
                "decision": _(
                    "A go needs every item of the checklist checked: "
                    "decide go with conditions, and say which."
                )
            }
        )
    if decision == GateDecision.GO_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": _("Say on which conditions the project goes on.")})
    from_phase = project.phase
    if decision in PASSING_DECISIONS:
        to_phase = next_phase(from_phase)
    elif decision == GateDecision.NO_GO:
        to_phase = Phase.CANCELLED
    else:
        to_phase = from_phase
    review = model_create(
        model=GateReview,
        data={
            "project": project,
            "from_phase": from_phase,
            "to_phase": to_phase,
            "gate_name": template.name,
            "checklist": rows,
            "decision": decision,
            "conditions": conditions,
            "comments": comments,
            "decided_by": actor,
            "decided_on": decided_on,
        },
    )
    if to_phase != from_phase:
        if from_phase == Phase.CLOSING and to_phase == Phase.CLOSED:
            _pass_closure(actor=actor, project=project, decided_on=decided_on)
            project.refresh_from_db()
        project.phase = to_phase
        # The project's own rules hold in its new phase (a baseline from execution on).
        project.full_clean()
        project.save(update_fields=["phase", "updated_at"])
    return review
