"""Writes of project requests (launch notes): filed and edited by their author, submitted to
the PMO, then accepted (the request becomes a project in the idea phase, in the same
transaction) or rejected, or withdrawn by its author before a decision.

The states and who moves them::

    draft --submit (author)--> submitted --accept (PMO)--> accepted (project created)
      |                          |   \\--reject (PMO, with a note)--> rejected
      \\--withdraw (author)--------+--> withdrawn

A step the state does not allow raises :class:`~pmo.exceptions.WorkflowError` (409). Each
step locks the request's row, so that two reviewers cannot both accept it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.exceptions import WorkflowError
from pmo.history import records_actor
from pmo.roles import is_pmo_manager, is_project_manager
from pmo.rules import can
from pmo.services import model_create, model_update
from portfolio.choices import Contribution
from projects.choices import Phase, RequestState
from projects.models import Project, ProjectRequest
from projects.services import project_create

# The fields of a request its author (or the PMO) sets; the strategic objectives aside,
# which are rows.
REQUEST_FIELDS = (
    "title",
    "portfolio",
    "programme",
    "sponsor",
    "objectives",
    "scope",
    "stakes",
    "expected_benefits",
    "capex_estimate",
    "opex_estimate",
    "fte_estimate",
)
# The states in which a request is still open, and who may edit it in each.
AUTHOR_EDITABLE_STATES = (RequestState.DRAFT,)
PMO_EDITABLE_STATES = (RequestState.DRAFT, RequestState.SUBMITTED)


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


def _check_programme(data: dict) -> None:
    programme, portfolio = data.get("programme"), data.get("portfolio")
    if programme is not None and portfolio is not None and programme.portfolio_id != portfolio.pk:
        raise ValidationError({"programme": _("This programme belongs to another portfolio.")})


def _lock(request: ProjectRequest) -> ProjectRequest:
    return ProjectRequest.objects.select_for_update().get(pk=request.pk)


def _refuse_unless(request: ProjectRequest, states, message: str) -> None:
    if request.state not in states:
        raise WorkflowError(message, extra={"state": request.state})


@transaction.atomic
def request_create(*, actor, strategic_objectives=None, **data) -> ProjectRequest:
    """File a draft request (a project manager, an executive or the PMO), with the strategic
    objectives it serves. The programme, if any, is one of the request's portfolio."""
    _require(actor, "add", ProjectRequest)
    data = {name: value for name, value in data.items() if name in REQUEST_FIELDS}
    _check_programme(data)
    request = model_create(
        model=ProjectRequest,
        data={**data, "requested_by": actor, "state": RequestState.DRAFT},
    )
    if strategic_objectives:
        request.strategic_objectives.set(strategic_objectives)
    return request


@transaction.atomic
def request_update(
    request: ProjectRequest, *, actor, strategic_objectives=None, **data
) -> ProjectRequest:
    """Change a request: its author while it is a draft, the PMO while it is a draft or
    submitted (409 otherwise). ``strategic_objectives``, when given, replace its own."""
    locked = _lock(request)
    _require(actor, "change", locked)
    states = (
        PMO_EDITABLE_STATES if actor is None or is_pmo_manager(actor) else AUTHOR_EDITABLE_STATES
    )
    _refuse_unless(
        locked,
        states,
        _("A %(state)s request can no longer be edited.")
        % {"state": locked.get_state_display().lower()},
    )
    data = {name: value for name, value in data.items() if name in REQUEST_FIELDS}
    _check_programme(
        {
            "portfolio": data.get("portfolio", locked.portfolio),
            "programme": data.get("programme", locked.programme),
        }
    )
    locked, _changed = model_update(instance=locked, data=data)
    if strategic_objectives is not None:
        locked.strategic_objectives.set(strategic_objectives)
    return locked


@transaction.atomic
def request_submit(request: ProjectRequest, *, actor) -> ProjectRequest:
    """Put a draft request to the PMO (its author)."""
    locked = _lock(request)
    _require(actor, "submit", locked)
    _refuse_unless(locked, (RequestState.DRAFT,), _("Only a draft request can be submitted."))
    locked.state = RequestState.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    return locked


@transaction.atomic
def request_withdraw(request: ProjectRequest, *, actor) -> ProjectRequest:
    """Withdraw a request before the PMO decided on it (its author)."""
    locked = _lock(request)
    _require(actor, "withdraw", locked)
    _refuse_unless(
        locked,
        (RequestState.DRAFT, RequestState.SUBMITTED),
        _("A request is withdrawn only before the PMO decides on it."),
    )
    locked.state = RequestState.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    return locked


def _review(locked: ProjectRequest, *, actor, state: str, note: str) -> None:
    locked.state = state
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note
    locked.save(
        update_fields=[
            "state",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "project",
            "updated_at",
        ]
    )


@records_actor
@transaction.atomic
def request_accept(
    request: ProjectRequest,
    *,
    actor,
    code: str,
    project_manager=None,
    review_note: str = "",
) -> Project:
    """Accept a submitted request (the PMO): it becomes a project in the idea phase, named
    after it, with ``code``, its portfolio, programme and sponsor, its rough CAPEX and OPEX
    as budget and a medium contribution to each strategic objective it serves. The project's
    manager is ``project_manager``, else the requester if they are a project manager.

    All or nothing: a refused code (taken, malformed) leaves the request submitted, with the
    error on ``code``. Returns the project.
    """
    locked = _lock(request)
    _require(actor, "review", locked)
    _refuse_unless(
        locked, (RequestState.SUBMITTED,), _("Only a submitted request can be accepted.")
    )
    if project_manager is None and is_project_manager(locked.requested_by):
        project_manager = locked.requested_by
    if project_manager is not None and not is_project_manager(project_manager):
        raise ValidationError({"project_manager": _("Choose a project manager.")})
    description = "\n\n".join(part for part in (locked.objectives, locked.scope) if part)
    project = project_create(
        actor=actor,
        code=(code or "").strip(),
        name=locked.title,
        description=description,
        portfolio=locked.portfolio,
        programme=locked.programme,
        sponsor=locked.sponsor,
        project_manager=project_manager,
        phase=Phase.IDEA,
        budget_capex=locked.capex_estimate,
        budget_opex=locked.opex_estimate,
        objectives=dict.fromkeys(locked.strategic_objectives.all(), Contribution.MEDIUM),
    )
    locked.project = project
    _review(locked, actor=actor, state=RequestState.ACCEPTED, note=(review_note or "").strip())
    return project


@transaction.atomic
def request_reject(request: ProjectRequest, *, actor, review_note: str) -> ProjectRequest:
    """Reject a submitted request (the PMO), saying why in ``review_note`` (required)."""
    locked = _lock(request)
    _require(actor, "review", locked)
    _refuse_unless(
        locked, (RequestState.SUBMITTED,), _("Only a submitted request can be rejected.")
    )
    note = (review_note or "").strip()
    if not note:
        raise ValidationError({"review_note": _("Say why the request is rejected.")})
    _review(locked, actor=actor, state=RequestState.REJECTED, note=note)
    return locked
