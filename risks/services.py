"""Writes of the RAID log and change control.

Every step checks the actor's right (403), the record's state (409 with the reason) and the
content (400 naming the field), in that order, inside one transaction with the record locked:
on any refusal nothing changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.exceptions import WorkflowError
from pmo.history import records_actor
from pmo.rules import can
from pmo.services import model_create, model_update
from projects.models import Project
from projects.services import current_baseline_revision, project_rebaseline
from risks.choices import (
    LIVE_RISK_STATUSES,
    PENDING_ACTION_STATUSES,
    ChangeState,
    DecisionState,
    IssueStatus,
    RiskStatus,
    Severity,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from risks.rules import may_decide

SCOPE_FIELDS = ("project", "programme", "portfolio")


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


def _scope(data: dict):
    return next((data[f] for f in SCOPE_FIELDS if data.get(f) is not None), None)


def _check_scope(actor, model, data: dict, instance=None) -> None:
    """The actor may add to the scope an entry is created in, or moved to."""
    if instance is not None:
        new = {f: data.get(f, getattr(instance, f)) for f in SCOPE_FIELDS}
        if all(new[f] == getattr(instance, f) for f in SCOPE_FIELDS):
            return
        scope = _scope(new)
    else:
        scope = _scope(data)
    if actor is not None and not can(actor, "add", model, parent=scope):
        raise PermissionDenied(
            _("You may not add to %(scope)s.") % {"scope": scope}
            if scope is not None
            else _("You may not add this here.")
        )


def _locked(model, instance):
    return model.objects.select_for_update().get(pk=instance.pk)


def _state_label(record, field="state") -> str:
    return getattr(record, f"get_{field}_display")().lower()


# --- risks --------------------------------------------------------------------------------


@records_actor
@transaction.atomic
def risk_create(*, actor=None, **data) -> Risk:
    """Log a risk on a project, a programme or a portfolio."""
    _check_scope(actor, Risk, data)
    if data.get("status", RiskStatus.OPEN) not in LIVE_RISK_STATUSES:
        raise ValidationError({"status": _("A new risk is open or being mitigated.")})
    return model_create(model=Risk, data=data)


@records_actor
@transaction.atomic
def risk_update(risk: Risk, *, actor=None, **data) -> Risk:
    """Reassess a live risk (probability, impact, response, review date...). A closed or
    occurred risk is kept as it was (409)."""
    locked = _locked(Risk, risk)
    _require(actor, "change", locked)
    if not locked.is_live:
        raise WorkflowError(
            _("This risk is %(status)s: it is kept as it was.")
            % {"status": _state_label(locked, "status")}
        )
    if data.get("status", locked.status) not in LIVE_RISK_STATUSES:
        raise ValidationError(
            {"status": _("Close a risk or mark it occurred with the step of its own.")}
        )
    _check_scope(actor, Risk, data, instance=locked)
    locked, changed = model_update(instance=locked, data=data)
    if changed:
        # The scores are the database's: read them back, or the caller shows the old ones.
        locked.refresh_from_db(fields=["score", "residual_score"])
    return locked


@records_actor
@transaction.atomic
def risk_escalate(risk: Risk, *, actor=None, note: str = "") -> Risk:
    """Put a live risk on the steering committee's agenda."""
    locked = _locked(Risk, risk)
    _require(actor, "change", locked)
    if not locked.is_live:
        raise WorkflowError(
            _("Only a live risk can be escalated; this one is %(status)s.")
            % {"status": _state_label(locked, "status")}
        )
    if locked.is_escalated:
        raise WorkflowError(_("This risk is already escalated."))
    locked.escalated_at = timezone.now()
    locked.escalated_by = actor
    locked.escalation_note = (note or "").strip()
    locked.save(update_fields=["escalated_at", "escalated_by", "escalation_note", "updated_at"])
    return locked


@records_actor
@transaction.atomic
def risk_close(risk: Risk, *, actor=None, note: str = "") -> Risk:
    """Close a live risk that no longer threatens: it is kept, with why."""
    locked = _locked(Risk, risk)
    _require(actor, "change", locked)
    if not locked.is_live:
        raise WorkflowError(
            _("Only a live risk can be closed; this one is %(status)s.")
            % {"status": _state_label(locked, "status")}
        )
    if not (note or "").strip():
        raise ValidationError({"closure_note": _("Say why the risk is closed.")})
    _finish(locked, actor=actor, status=RiskStatus.CLOSED, note=note)
    return locked


def _finish(risk: Risk, *, actor, status: str, note: str) -> None:
    risk.status = status
    risk.closed_at = timezone.now()
    risk.closed_by = actor
    risk.closure_note = (note or "").strip()
    risk.save(update_fields=["status", "closed_at", "closed_by", "closure_note", "updated_at"])


# The severity an issue starts with when the risk behind it occurs, from the risk's impact.
SEVERITY_BY_IMPACT = {
    1: Severity.LOW,
    2: Severity.LOW,
    3: Severity.MEDIUM,
    4: Severity.HIGH,
    5: Severity.CRITICAL,
}


@records_actor
@transaction.atomic
def risk_mark_occurred(
    risk: Risk, *, actor=None, note: str = "", raise_issue: bool = True, severity=None
) -> tuple[Risk, Issue | None]:
    """Record that a live risk happened; in the same step, unless told otherwise, open the
    issue it has become (same scope, owner and description, severity from its impact)."""
    locked = _locked(Risk, risk)
    _require(actor, "change", locked)
    if not locked.is_live:
        raise WorkflowError(
            _("Only a live risk can occur; this one is %(status)s.")
            % {"status": _state_label(locked, "status")}
        )
    _finish(locked, actor=actor, status=RiskStatus.OCCURRED, note=note)
    issue = None
    if raise_issue:
        issue = model_create(
            model=Issue,
            data={
                "project": locked.project,
                "programme": locked.programme,
                "portfolio": locked.portfolio,
                "title": locked.title,
                "description": "\n\n".join(
                    part for part in (locked.description, (note or "").strip()) if part
                ),
                "severity": severity or SEVERITY_BY_IMPACT[locked.impact],
                "owner": locked.owner,
                "risk": locked,
            },
        )
    return locked, issue


@transaction.atomic
def risk_policy_update(*, actor=None, **data) -> RiskPolicy:
    """Set the PMO's escalation threshold (one row, created on its first save)."""
    _require(actor, "change", RiskPolicy)
    policy = RiskPolicy.objects.select_for_update().order_by("pk").first()
    if policy is None:
        policy = RiskPolicy.objects.create()
    return model_update(instance=policy, data=data)[0]


# --- issues -------------------------------------------------------------------------------


@records_actor
@transaction.atomic
def issue_create(*, actor=None, **data) -> Issue:
    """Log an issue, a problem happening now."""
    _check_scope(actor, Issue, data)
    return model_create(model=Issue, data=data)


@records_actor
@transaction.atomic
def issue_update(issue: Issue, *, actor=None, **data) -> Issue:
    """Change an open issue; a resolved one is kept as it was (409)."""
    locked = _locked(Issue, issue)
    _require(actor, "change", locked)
    if not locked.is_open:
        raise WorkflowError(_("This issue is resolved: it is kept as it was."))
    _check_scope(actor, Issue, data, instance=locked)
    return model_update(instance=locked, data=data)[0]


@records_actor
@transaction.atomic
def issue_resolve(issue: Issue, *, actor=None, resolution: str = "") -> Issue:
    """Resolve an open issue, saying how."""
    locked = _locked(Issue, issue)
    _require(actor, "change", locked)
    if not locked.is_open:
        raise WorkflowError(_("This issue is already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the issue was resolved.")})
    locked.status = IssueStatus.RESOLVED
    locked.resolution = resolution.strip()
    locked.resolved_at = timezone.now()
    locked.resolved_by = actor
    locked.save(update_fields=["status", "resolution", "resolved_at", "resolved_by", "updated_at"])
    return locked


# --- actions ------------------------------------------------------------------------------


def _stamp_completion(action: Action) -> None:
    if action.status in PENDING_ACTION_STATUSES:
        action.completed_at = None
    elif action.completed_at is None:
        action.completed_at = timezone.now()


@records_actor
@transaction.atomic
def action_create(*, actor=None, **data) -> Action:
    """Give someone something to do by a date."""
    _check_scope(actor, Action, data)
    action = Action(**data)
    _stamp_completion(action)
    action.full_clean()
    action.save()
    return action


@records_actor
@transaction.atomic
def action_update(action: Action, *, actor=None, **data) -> Action:
    """Change an action, its status included (done and cancelled are stamped with when)."""
    locked = _locked(Action, action)
    _require(actor, "change", locked)
    _check_scope(actor, Action, data, instance=locked)
    locked, changed = model_update(instance=locked, data=data)
    if "status" in changed:
        _stamp_completion(locked)
        locked.save(update_fields=["completed_at", "updated_at"])
    return locked


# --- decisions ----------------------------------------------------------------------------


@records_actor
@transaction.atomic
def decision_create(*, actor, **data) -> Decision:
    """Request a decision, with its context and options."""
    _check_scope(actor, Decision, data)
    return model_create(model=Decision, data={**data, "requested_by": actor})


@records_actor
@transaction.atomic
def decision_update(decision: Decision, *, actor=None, **data) -> Decision:
    """Change a requested decision; a taken or withdrawn one is never changed (409)."""
    locked = _locked(Decision, decision)
    _require(actor, "change", locked)
    if not locked.is_pending:
        raise WorkflowError(
            _("This decision is %(state)s: it is never changed.") % {"state": _state_label(locked)}
        )
    _check_scope(actor, Decision, data, instance=locked)
    return model_update(instance=locked, data=data)[0]


@records_actor
@transaction.atomic
def decision_take(
    decision: Decision,
    *,
    actor,
    outcome: str,
    decided_by=None,
    decided_on=None,
    committee: str = "",
) -> Decision:
    """Record a requested decision as taken: the outcome, who decided and when, and maybe in
    which steering committee. Only a PMO manager or an executive records it."""
    locked = _locked(Decision, decision)
    _require(actor, "decide", locked)
    if not locked.is_pending:
        raise WorkflowError(
            _("Only a requested decision can be taken; this one is %(state)s.")
            % {"state": _state_label(locked)}
        )
    errors = {}
    if not (outcome or "").strip():
        errors["outcome"] = _("Say what was decided.")
    decided_by = decided_by or actor
    if decided_by is None or not may_decide(decided_by):
        errors["decided_by"] = _("Decisions are taken by a PMO manager or an executive.")
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("A decision cannot be taken in the future.")
    if errors:
        raise ValidationError(errors)
    locked.state = DecisionState.TAKEN
    locked.outcome = outcome.strip()
    locked.decided_by = decided_by
    locked.decided_on = decided_on
    locked.committee = (committee or "").strip()
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.full_clean()
    locked.save()
    return locked


@records_actor
@transaction.atomic
def decision_withdraw(decision: Decision, *, actor=None) -> Decision:
    """Withdraw a requested decision that is no longer needed."""
    locked = _locked(Decision, decision)
    _require(actor, "change", locked)
    if not locked.is_pending:
        raise WorkflowError(
            _("Only a requested decision can be withdrawn; this one is %(state)s.")
            % {"state": _state_label(locked)}
        )
    locked.state = DecisionState.WITHDRAWN
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save(update_fields=["state", "recorded_by", "recorded_at", "updated_at"])
    return locked


# --- change requests ----------------------------------------------------------------------


# Why a step is refused, by step; the current state is named in the message.
STEP_REFUSALS = {
    "edit": gettext_lazy("Only a draft change request can be edited; this one is %(state)s."),
    "submit": gettext_lazy("Only a draft change request can be submitted; this one is %(state)s."),
    "withdraw": gettext_lazy(
        "Only a change request not yet decided can be withdrawn; this one is %(state)s."
    ),
    "approve": gettext_lazy(
        "Only a submitted change request can be approved; this one is %(state)s."
    ),
    "reject": gettext_lazy(
        "Only a submitted change request can be rejected; this one is %(state)s."
    ),
    "implement": gettext_lazy(
        "Only an approved change request can be implemented; this one is %(state)s."
    ),
}


def _refuse_step(change: ChangeRequest, step: str) -> WorkflowError:
    return WorkflowError(str(STEP_REFUSALS[step]) % {"state": _state_label(change)})


@records_actor
@transaction.atomic
def change_request_create(*, actor, project: Project, **data) -> ChangeRequest:
    """Draft a change request on a project."""
    _require(actor, "add", ChangeRequest, parent=project)
    return model_create(
        model=ChangeRequest, data={**data, "project": project, "requested_by": actor}
    )


@records_actor
@transaction.atomic
def change_request_update(change: ChangeRequest, *, actor=None, **data) -> ChangeRequest:
    """Change a draft; once submitted a change request is decided as it stands (409)."""
    locked = _locked(ChangeRequest, change)
    _require(actor, "change", locked)
    if locked.state != ChangeState.DRAFT:
        raise _refuse_step(locked, "edit")
    project = data.pop("project", None)
    if project is not None and project.pk != locked.project_id:
        raise ValidationError({"project": _("A change request stays on its project.")})
    return model_update(instance=locked, data=data)[0]


@records_actor
@transaction.atomic
def change_request_submit(change: ChangeRequest, *, actor=None) -> ChangeRequest:
    """Put a draft to the decision makers; it must say what it changes, and its deltas must
    apply to the project's baseline."""
    locked = _locked(ChangeRequest, change)
    _require(actor, "change", locked)
    if locked.state != ChangeState.DRAFT:
        raise _refuse_step(locked, "submit")
    errors = locked.baseline_problems(locked.project)
    if not locked.has_impact:
        errors["description"] = _(
            "Say what the change does to cost, schedule, scope or quality before submitting."
        )
    if errors:
        raise ValidationError(errors)
    locked.state = ChangeState.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    return locked


@records_actor
@transaction.atomic
def change_request_withdraw(change: ChangeRequest, *, actor=None) -> ChangeRequest:
    """Withdraw a change request before it is decided."""
    locked = _locked(ChangeRequest, change)
    _require(actor, "change", locked)
    if locked.state not in (ChangeState.DRAFT, ChangeState.SUBMITTED):
        raise _refuse_step(locked, "withdraw")
    locked.state = ChangeState.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "updated_at"])
    return locked


@records_actor
@transaction.atomic
def change_request_approve(change: ChangeRequest, *, actor, reason: str = "") -> ChangeRequest:
    """Approve a submitted change request and apply its deltas to the project's baseline, in
    this transaction, recording the baseline revisions before and after.

    The change request is locked first: of two approvals at once, the second waits, then
    finds it approved and is refused (409), so the deltas apply once.
    """
    locked = _locked(ChangeRequest, change)
    _require(actor, "decide", locked)
    if locked.state != ChangeState.SUBMITTED:
        raise _refuse_step(locked, "approve")
    project = Project.objects.select_for_update().get(pk=locked.project_id)
    errors = locked.baseline_problems(project)
    if errors:
        raise ValidationError(errors)
    changes = locked.new_baseline(project)
    if changes:
        before, after = project_rebaseline(
            project,
            actor=actor,
            reason=_("%(reference)s approved: %(title)s")
            % {"reference": locked.reference, "title": locked.title},
            **changes,
        )
    else:
        before = after = current_baseline_revision(project, actor=actor)
    locked.state = ChangeState.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.decision_reason = (reason or "").strip()
    locked.baseline_before = before
    locked.baseline_after = after
    locked.save(
        update_fields=[
            "state",
            "decided_at",
            "decided_by",
            "decision_reason",
            "baseline_before",
            "baseline_after",
            "updated_at",
        ]
    )
    return locked


@records_actor
@transaction.atomic
def change_request_reject(change: ChangeRequest, *, actor, reason: str) -> ChangeRequest:
    """Reject a submitted change request, saying why; the baseline does not move."""
    locked = _locked(ChangeRequest, change)
    _require(actor, "decide", locked)
    if locked.state != ChangeState.SUBMITTED:
        raise _refuse_step(locked, "reject")
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": _("Say why the change is rejected.")})
    locked.state = ChangeState.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.decision_reason = reason.strip()
    locked.save(
        update_fields=["state", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    return locked


@records_actor
@transaction.atomic
def change_request_implement(change: ChangeRequest, *, actor=None) -> ChangeRequest:
    """Record that an approved change has been carried out."""
    locked = _locked(ChangeRequest, change)
    _require(actor, "change", locked)
    if locked.state != ChangeState.APPROVED:
        raise _refuse_step(locked, "implement")
    locked.state = ChangeState.IMPLEMENTED
    locked.implemented_at = timezone.now()
    locked.implemented_by = actor
    locked.save(update_fields=["state", "implemented_at", "implemented_by", "updated_at"])
    return locked
