"""Writes of closure reports: written in the closing phase by the project's manager or the
PMO, approved when the gate out of closing passes (the gate services call
:func:`closure_report_approve`), which freezes the final cost and dates. An approved report
is never changed again, by anyone (409).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.exceptions import WorkflowError
from pmo.history import records_actor
from pmo.rules import can
from pmo.services import model_create, model_update
from projects.choices import Phase
from projects.models import ClosureReport, Project
from projects.selectors.intake import actual_cost, live_dates

# The fields of a closure report its writer sets; the figures are the approval's.
CLOSURE_FIELDS = ("objectives_met", "objectives_comment", "scope_delivered", "handover")


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


def _refuse_unless_closing(project: Project) -> None:
    if project.phase != Phase.CLOSING:
        raise WorkflowError(
            _("A closure report is written in the closing phase only."),
            extra={"phase": project.phase},
        )


def _refuse_if_approved(report: ClosureReport) -> None:
    if report.approved_on is not None:
        raise WorkflowError(_("This closure report is approved: it can no longer be changed."))


@transaction.atomic
def closure_report_create(*, actor, project: Project, **data) -> ClosureReport:
    """Write the closure report of a project in its closing phase (its manager or the PMO);
    a project has one (a second is a field error on ``project``)."""
    _require(actor, "add", ClosureReport, parent=project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _refuse_unless_closing(project)
    data = {name: value for name, value in data.items() if name in CLOSURE_FIELDS}
    return model_create(model=ClosureReport, data={**data, "project": project, "written_by": actor})


@transaction.atomic
def closure_report_update(report: ClosureReport, *, actor, **data) -> ClosureReport:
    """Change a closure report while its project is closing and the report not approved."""
    locked = ClosureReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    _require(actor, "change", locked)
    _refuse_if_approved(locked)
    _refuse_unless_closing(locked.project)
    project = data.pop("project", locked.project)
    if project.pk != locked.project_id:
        raise WorkflowError(_("A closure report stays on its project."))
    data = {name: value for name, value in data.items() if name in CLOSURE_FIELDS}
    locked, _changed = model_update(instance=locked, data=data)
    return locked


@records_actor
@transaction.atomic
def closure_report_approve(*, actor, report: ClosureReport, on: datetime.date) -> ClosureReport:
    """Approve a closure report as the gate out of closing passes (called by the gate
    services, which check who decides): freeze the final CAPEX and OPEX from the project's
    actual cost entries and the actual dates (the project's forecast start and end, else
    its first actual cost and ``on``), and record who approved it and when.

    Refuses (409) a report already approved. Later cost entries change nothing.
    """
    locked = ClosureReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    _refuse_if_approved(locked)
    cost = actual_cost(locked.project)
    start, end = live_dates(locked.project, cost.first_date, on)
    locked.final_capex = cost.amounts.capex
    locked.final_opex = cost.amounts.opex
    locked.actual_start = start
    locked.actual_end = end
    locked.approved_by = actor
    locked.approved_on = on
    # Credit notes may bring a nature's actuals below zero; the figure is what was booked.
    locked.full_clean(exclude=["final_capex", "final_opex"])
    locked.save()
    return locked
