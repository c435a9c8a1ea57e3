"""Services of the RAID log and change control: every step checks the right (403), the state
(409, naming it) and the content (400, naming the field), and on any refusal nothing changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.exceptions import WorkflowError
from projects import services as project_services
from projects.choices import Phase
from projects.models import BaselineRevision, Project
from risks import services
from risks.choices import (
    ActionOrigin,
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    RiskStatus,
    Severity,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from tests import factories

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def stored(instance) -> dict:
    """The row of ``instance`` as the database holds it now, field by field."""
    fresh = type(instance).objects.get(pk=instance.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def baseline_of(project) -> dict:
    return Project.objects.get(pk=project.pk).baseline()


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- change requests: the state machine -----------------------------------------------------


def submitted(project, **fields) -> ChangeRequest:
    return factories.ChangeRequestFactory(
        project=project,
        state=ChangeState.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=project.project_manager,
        **fields,
    )


STEPS = {
    "edit": lambda change, actor: services.change_request_update(change, actor=actor, title="New"),
    "submit": lambda change, actor: services.change_request_submit(change, actor=actor),
    "withdraw": lambda change, actor: services.change_request_withdraw(change, actor=actor),
    "approve": lambda change, actor: services.change_request_approve(change, actor=actor),
    "reject": lambda change, actor: services.change_request_reject(
        change, actor=actor, reason="Not now."
    ),
    "implement": lambda change, actor: services.change_request_implement(change, actor=actor),
}
# (state, step): the state the step leads to. Every other pair is refused.
ALLOWED = {
    (ChangeState.DRAFT, "edit"): ChangeState.DRAFT,
    (ChangeState.DRAFT, "submit"): ChangeState.SUBMITTED,
    (ChangeState.DRAFT, "withdraw"): ChangeState.WITHDRAWN,
    (ChangeState.SUBMITTED, "withdraw"): ChangeState.WITHDRAWN,
    (ChangeState.SUBMITTED, "approve"): ChangeState.APPROVED,
    (ChangeState.SUBMITTED, "reject"): ChangeState.REJECTED,
    (ChangeState.APPROVED, "implement"): ChangeState.IMPLEMENTED,
}
REFUSED = [(state, step) for state in ChangeState for step in STEPS if (state, step) not in ALLOWED]


def change_in_state(project, state) -> ChangeRequest:
    """A change request stored in ``state`` (with what that state requires)."""
    extra = {"decision_reason": "Too expensive."} if state == ChangeState.REJECTED else {}
    return factories.ChangeRequestFactory(project=project, state=state, **extra)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "step"), list(ALLOWED))
def test_a_change_request_step_allowed_in_its_state_moves_it_on(state, step, project, pmo_user):
    change = change_in_state(project, state)

    result = STEPS[step](change, pmo_user)

    assert result.state == ALLOWED[(state, step)]
    assert ChangeRequest.objects.get(pk=change.pk).state == ALLOWED[(state, step)]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "step"), REFUSED)
def test_a_change_request_step_not_allowed_in_its_state_is_refused_naming_it(
    state, step, project, pmo_user
):
    change = change_in_state(project, state)
    before, project_before = stored(change), baseline_of(project)

    with pytest.raises(WorkflowError, match=f"this one is {ChangeState(state).label.lower()}"):
        STEPS[step](change, pmo_user)

    assert stored(change) == before
    assert baseline_of(project) == project_before
    assert BaselineRevision.objects.count() == 0


@pytest.mark.django_db
def test_submitting_stamps_who_and_when(project, pm_user):
    change = factories.ChangeRequestFactory(project=project)

    services.change_request_submit(change, actor=pm_user)

    change.refresh_from_db()
    assert change.submitted_by == pm_user
    assert change.submitted_at is not None


@pytest.mark.django_db
def test_a_change_request_without_impact_cannot_be_submitted(project, pm_user):
    change = factories.ChangeRequestFactory(
        project=project, cost_delta_capex=Decimal("0"), schedule_delta_days=None
    )
    before = stored(change)

    with pytest.raises(ValidationError) as error:
        services.change_request_submit(change, actor=pm_user)

    assert "cost, schedule, scope or quality" in messages(error.value, "description")
    assert stored(change) == before


@pytest.mark.django_db
def test_a_change_request_whose_delta_does_not_apply_cannot_be_submitted(project, pm_user):
    change = factories.ChangeRequestFactory(
        project=project, cost_delta_capex=Decimal("-400000.01"), schedule_delta_days=None
    )

    with pytest.raises(ValidationError) as error:
        services.change_request_submit(change, actor=pm_user)

    assert "negative" in messages(error.value, "cost_delta_capex")
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.DRAFT


@pytest.mark.django_db
def test_a_scope_only_change_request_may_be_submitted(project, pm_user):
    change = factories.ChangeRequestFactory(
        project=project,
        cost_delta_capex=Decimal("0"),
        schedule_delta_days=None,
        scope_impact="Drop the reporting module.",
    )

    assert services.change_request_submit(change, actor=pm_user).state == ChangeState.SUBMITTED


@pytest.mark.django_db
def test_rejecting_without_a_reason_is_refused_on_the_reason(project, pmo_user):
    change = submitted(project)
    before = stored(change)

    with pytest.raises(ValidationError) as error:
        services.change_request_reject(change, actor=pmo_user, reason="  ")

    assert "why" in messages(error.value, "decision_reason")
    assert stored(change) == before


@pytest.mark.django_db
def test_rejecting_keeps_the_reason_and_leaves_the_baseline(project, exec_user):
    change = submitted(project)
    before = baseline_of(project)

    services.change_request_reject(change, actor=exec_user, reason=" No budget left. ")

    change.refresh_from_db()
    assert (change.state, change.decision_reason, change.decided_by) == (
        ChangeState.REJECTED,
        "No budget left.",
        exec_user,
    )
    assert baseline_of(project) == before
    assert BaselineRevision.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["approve", "reject"])
def test_a_project_manager_may_not_decide_their_own_change_request(step, project, pm_user):
    change = submitted(project)
    before, project_before = stored(change), baseline_of(project)

    with pytest.raises(PermissionDenied):
        STEPS[step](change, pm_user)

    assert stored(change) == before
    assert baseline_of(project) == project_before
    assert BaselineRevision.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["edit", "submit", "withdraw"])
def test_another_project_manager_may_not_touch_a_change_request(step, project, other_pm_user):
    change = factories.ChangeRequestFactory(project=project)
    before = stored(change)

    with pytest.raises(PermissionDenied):
        STEPS[step](change, other_pm_user)

    assert stored(change) == before


@pytest.mark.django_db
def test_the_project_manager_drafts_a_change_request_on_their_project(project, pm_user):
    change = services.change_request_create(
        actor=pm_user, project=project, title="More tests", quality_impact="Better coverage"
    )

    change.refresh_from_db()
    assert (change.state, change.requested_by, change.project) == (
        ChangeState.DRAFT,
        pm_user,
        project,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_other", "exec", "integration", "no_role"])
def test_only_the_pmo_and_the_project_manager_draft_a_change_request(role, project, user_in_role):
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            actor=user_in_role(role), project=project, title="Mine", scope_impact="More"
        )

    assert ChangeRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_change_request_with_a_new_end_and_days_is_not_saved(project, pm_user):
    with pytest.raises(ValidationError) as error:
        services.change_request_create(
            actor=pm_user,
            project=project,
            title="Both",
            new_end_date=D(2027, 3, 1),
            schedule_delta_days=10,
        )

    assert "schedule_delta_days" in error.value.message_dict
    assert ChangeRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_change_request_stays_on_its_project(project, pmo_user):
    change = factories.ChangeRequestFactory(project=project)
    before = stored(change)

    with pytest.raises(ValidationError) as error:
        services.change_request_update(
            change, actor=pmo_user, project=factories.ProjectFactory(), title="Moved"
        )

    assert "project" in error.value.message_dict
    assert stored(change) == before


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["withdraw", "implement"])
def test_the_project_manager_withdraws_and_implements_their_change_requests(step, project, pm_user):
    state = ChangeState.DRAFT if step == "withdraw" else ChangeState.APPROVED
    change = change_in_state(project, state)

    STEPS[step](change, pm_user)

    change.refresh_from_db()
    who = change.withdrawn_by if step == "withdraw" else change.implemented_by
    when = change.withdrawn_at if step == "withdraw" else change.implemented_at
    assert (who, when is not None) == (pm_user, True)


# --- change requests: approval moves the baseline -----------------------------------------


@pytest.mark.django_db
def test_approval_applies_the_cost_and_schedule_deltas_to_the_project(project, pmo_user):
    change = submitted(project, cost_delta_opex=Decimal("-2500.50"))

    services.change_request_approve(change, actor=pmo_user)

    assert baseline_of(project) == {
        "baseline_start": D(2026, 1, 5),
        "baseline_end": D(2027, 1, 17),
        "budget_capex": Decimal("450000.00"),
        "budget_opex": Decimal("97499.50"),
    }


@pytest.mark.django_db
def test_approval_sets_the_new_end_given(project, pmo_user):
    change = submitted(
        project,
        cost_delta_capex=Decimal("0"),
        schedule_delta_days=None,
        new_end_date=D(2027, 3, 31),
    )

    services.change_request_approve(change, actor=pmo_user)

    assert baseline_of(project)["baseline_end"] == D(2027, 3, 31)
    assert baseline_of(project)["budget_capex"] == Decimal("400000.00")


@pytest.mark.django_db
def test_approval_records_the_baseline_before_and_after(project, exec_user):
    change = submitted(project)

    services.change_request_approve(change, actor=exec_user, reason=" Worth it. ")

    change.refresh_from_db()
    before, after = change.baseline_before, change.baseline_after
    assert (before.number, after.number) == (1, 2)
    assert (before.budget_capex, before.baseline_end) == (Decimal("400000.00"), D(2026, 12, 18))
    assert (after.budget_capex, after.baseline_end) == (Decimal("450000.00"), D(2027, 1, 17))
    assert after.budget_opex == before.budget_opex == Decimal("100000.00")
    assert change.reference in after.reason
    assert after.recorded_by == exec_user
    assert (change.state, change.decided_by, change.decision_reason) == (
        ChangeState.APPROVED,
        exec_user,
        "Worth it.",
    )
    assert change.decided_at is not None


@pytest.mark.django_db
def test_approval_starts_from_the_revision_the_project_already_has(pmo_user, pm_user):
    project = project_services.project_create(
        actor=pmo_user,
        code="PRJ-CR",
        name="Baselined",
        portfolio=factories.PortfolioFactory(),
        project_manager=pm_user,
        phase=Phase.EXECUTION,
        baseline_start=D(2026, 1, 5),
        baseline_end=D(2026, 12, 18),
        budget_capex=Decimal("400000.00"),
    )
    initial = project.baseline_revisions.get()
    change = submitted(project)

    services.change_request_approve(change, actor=pmo_user)

    change.refresh_from_db()
    assert change.baseline_before == initial
    assert change.baseline_after.number == 2
    assert project.baseline_revisions.count() == 2


@pytest.mark.django_db
def test_a_scope_only_approval_records_the_same_revision_before_and_after(project, pmo_user):
    change = submitted(
        project,
        cost_delta_capex=Decimal("0"),
        schedule_delta_days=None,
        scope_impact="Drop the reporting module.",
    )
    before = baseline_of(project)

    services.change_request_approve(change, actor=pmo_user)

    change.refresh_from_db()
    assert change.baseline_before == change.baseline_after
    assert change.baseline_after.budget_capex == Decimal("400000.00")
    assert baseline_of(project) == before
    assert BaselineRevision.objects.count() == 1


@pytest.mark.django_db
def test_two_approvals_one_after_the_other_compose(project, pmo_user):
    first = submitted(project)
    second = submitted(
        project,
        cost_delta_capex=Decimal("-10000.00"),
        cost_delta_opex=Decimal("5000.00"),
        schedule_delta_days=-7,
    )

    services.change_request_approve(first, actor=pmo_user)
    services.change_request_approve(second, actor=pmo_user)

    assert baseline_of(project) == {
        "baseline_start": D(2026, 1, 5),
        "baseline_end": D(2027, 1, 10),
        "budget_capex": Decimal("440000.00"),
        "budget_opex": Decimal("105000.00"),
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.baseline_before == first.baseline_after
    assert [r.number for r in project.baseline_revisions.order_by("number")] == [1, 2, 3]


@pytest.mark.django_db
def test_an_approval_no_longer_applying_to_the_baseline_is_refused(project, pmo_user):
    change = submitted(project, cost_delta_capex=Decimal("-300000.00"), schedule_delta_days=None)
    Project.objects.filter(pk=project.pk).update(budget_capex=Decimal("200000.00"))
    before, project_before = stored(change), baseline_of(project)

    with pytest.raises(ValidationError) as error:
        services.change_request_approve(change, actor=pmo_user)

    assert "negative" in messages(error.value, "cost_delta_capex")
    assert stored(change) == before
    assert baseline_of(project) == project_before
    assert BaselineRevision.objects.count() == 0


@pytest.mark.django_db
def test_implementing_keeps_the_baseline_of_the_approval(project, pmo_user):
    change = submitted(project)
    services.change_request_approve(change, actor=pmo_user)
    approved = baseline_of(project)

    services.change_request_implement(change, actor=pmo_user)

    assert baseline_of(project) == approved
    assert BaselineRevision.objects.count() == 2


# --- risks ----------------------------------------------------------------------------------


def new_risk(**fields):
    return {"title": "Supplier late", "probability": 3, "impact": 4, **fields}


@pytest.mark.django_db
def test_the_project_manager_logs_a_risk_on_their_project(project, pm_user):
    risk = services.risk_create(actor=pm_user, project=project, owner=pm_user, **new_risk())

    assert Risk.objects.get(pk=risk.pk).score == 12


@pytest.mark.django_db
@pytest.mark.parametrize("status", [RiskStatus.CLOSED, RiskStatus.OCCURRED])
def test_a_new_risk_may_not_start_closed_or_occurred(status, project, pmo_user):
    with pytest.raises(ValidationError) as error:
        services.risk_create(actor=pmo_user, project=project, **new_risk(status=status))

    assert "status" in error.value.message_dict
    assert Risk.objects.count() == 0


@pytest.mark.django_db
def test_a_new_risk_may_start_mitigating(project, pmo_user):
    risk = services.risk_create(
        actor=pmo_user, project=project, **new_risk(status=RiskStatus.MITIGATING)
    )

    assert risk.status == RiskStatus.MITIGATING


@pytest.mark.django_db
def test_a_new_risk_on_two_scopes_is_refused_on_project(project, pmo_user):
    with pytest.raises(ValidationError) as error:
        services.risk_create(
            actor=pmo_user, project=project, portfolio=project.portfolio, **new_risk()
        )

    assert "project" in error.value.message_dict
    assert Risk.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["programme", "portfolio"])
def test_a_project_manager_may_not_log_a_programme_or_portfolio_risk(level, project, pm_user):
    scope = factories.ProgrammeFactory() if level == "programme" else project.portfolio

    with pytest.raises(PermissionDenied):
        services.risk_create(actor=pm_user, **{level: scope}, **new_risk())

    assert Risk.objects.count() == 0


@pytest.mark.django_db
def test_the_pmo_logs_a_programme_risk(pmo_user):
    programme = factories.ProgrammeFactory()

    risk = services.risk_create(actor=pmo_user, programme=programme, **new_risk())

    assert Risk.objects.get(pk=risk.pk).programme == programme


@pytest.mark.django_db
def test_a_project_manager_may_not_log_a_risk_on_another_managers_project(project, other_pm_user):
    with pytest.raises(PermissionDenied):
        services.risk_create(actor=other_pm_user, project=project, **new_risk())

    assert Risk.objects.count() == 0


@pytest.mark.django_db
def test_a_project_manager_may_not_move_a_risk_to_another_managers_project(project, pm_user):
    risk = factories.RiskFactory(project=project)
    before = stored(risk)

    with pytest.raises(PermissionDenied):
        services.risk_update(risk, actor=pm_user, project=factories.ProjectFactory())

    assert stored(risk) == before


@pytest.mark.django_db
def test_a_project_manager_may_move_a_risk_between_their_projects(project, pm_user):
    risk = factories.RiskFactory(project=project)
    other = factories.ProjectFactory(project_manager=pm_user)

    services.risk_update(risk, actor=pm_user, project=other)

    assert Risk.objects.get(pk=risk.pk).project == other


@pytest.mark.django_db
def test_reassessing_a_risk_changes_its_score(project, pm_user):
    risk = factories.RiskFactory(project=project)

    services.risk_update(
        risk,
        actor=pm_user,
        probability=5,
        status=RiskStatus.MITIGATING,
        residual_probability=2,
        residual_impact=2,
    )

    fresh = Risk.objects.get(pk=risk.pk)
    assert (fresh.score, fresh.residual_score, fresh.status) == (20, 4, RiskStatus.MITIGATING)


@pytest.mark.django_db
def test_a_reassessed_risk_comes_back_with_its_new_scores(project, pm_user):
    risk = factories.RiskFactory(project=project)

    updated = services.risk_update(
        risk, actor=pm_user, impact=5, residual_probability=1, residual_impact=3
    )

    assert (updated.score, updated.residual_score) == (15, 3)


@pytest.mark.django_db
def test_a_reassessment_with_a_residual_above_the_inherent_is_not_saved(project, pm_user):
    risk = factories.RiskFactory(project=project)
    before = stored(risk)

    with pytest.raises(ValidationError) as error:
        services.risk_update(
            risk, actor=pm_user, title="New", residual_probability=4, residual_impact=1
        )

    assert "residual_probability" in error.value.message_dict
    assert stored(risk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [RiskStatus.CLOSED, RiskStatus.OCCURRED])
def test_a_closed_or_occurred_risk_is_kept_as_it_was(status, project, pmo_user):
    risk = factories.RiskFactory(project=project, status=status)
    before = stored(risk)

    with pytest.raises(WorkflowError, match=RiskStatus(status).label.lower()):
        services.risk_update(risk, actor=pmo_user, probability=1)

    assert stored(risk) == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [RiskStatus.CLOSED, RiskStatus.OCCURRED])
def test_a_risk_is_not_closed_by_an_update(status, project, pmo_user):
    risk = factories.RiskFactory(project=project)
    before = stored(risk)

    with pytest.raises(ValidationError) as error:
        services.risk_update(risk, actor=pmo_user, status=status)

    assert "status" in error.value.message_dict
    assert stored(risk) == before


@pytest.mark.django_db
def test_another_project_manager_may_not_update_a_risk(project, other_pm_user):
    risk = factories.RiskFactory(project=project)
    before = stored(risk)

    with pytest.raises(PermissionDenied):
        services.risk_update(risk, actor=other_pm_user, probability=1)

    assert stored(risk) == before


@pytest.mark.django_db
def test_escalating_puts_the_risk_on_the_agenda_with_who_and_why(project, pm_user):
    risk = factories.RiskFactory(project=project)

    services.risk_escalate(risk, actor=pm_user, note=" Needs a sponsor decision. ")

    risk.refresh_from_db()
    assert (risk.escalated_by, risk.escalation_note) == (pm_user, "Needs a sponsor decision.")
    assert risk.escalated_at is not None


@pytest.mark.django_db
def test_a_risk_is_escalated_once(project, pm_user):
    risk = factories.RiskFactory(project=project)
    services.risk_escalate(risk, actor=pm_user)
    before = stored(risk)

    with pytest.raises(WorkflowError, match="already escalated"):
        services.risk_escalate(risk, actor=pm_user, note="Again")

    assert stored(risk) == before


@pytest.mark.django_db
def test_a_closed_risk_cannot_be_escalated(project, pm_user):
    risk = factories.RiskFactory(project=project, status=RiskStatus.CLOSED)

    with pytest.raises(WorkflowError, match="closed"):
        services.risk_escalate(risk, actor=pm_user)

    assert Risk.objects.get(pk=risk.pk).escalated_at is None


@pytest.mark.django_db
def test_an_executive_may_not_escalate_a_risk(project, exec_user):
    risk = factories.RiskFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.risk_escalate(risk, actor=exec_user)

    assert Risk.objects.get(pk=risk.pk).escalated_at is None


@pytest.mark.django_db
def test_closing_a_risk_needs_a_note(project, pm_user):
    risk = factories.RiskFactory(project=project)
    before = stored(risk)

    with pytest.raises(ValidationError) as error:
        services.risk_close(risk, actor=pm_user, note=" ")

    assert "closure_note" in error.value.message_dict
    assert stored(risk) == before


@pytest.mark.django_db
def test_closing_a_risk_keeps_who_when_and_why(project, pm_user):
    risk = factories.RiskFactory(project=project, status=RiskStatus.MITIGATING)

    services.risk_close(risk, actor=pm_user, note="Supplier delivered.")

    risk.refresh_from_db()
    assert (risk.status, risk.closed_by, risk.closure_note) == (
        RiskStatus.CLOSED,
        pm_user,
        "Supplier delivered.",
    )
    assert risk.closed_at is not None


@pytest.mark.django_db
def test_a_closed_risk_cannot_be_closed_again(project, pm_user):
    risk = factories.RiskFactory(project=project)
    services.risk_close(risk, actor=pm_user, note="Gone.")
    before = stored(risk)

    with pytest.raises(WorkflowError, match="closed"):
        services.risk_close(risk, actor=pm_user, note="Gone again.")

    assert stored(risk) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("impact", "severity"),
    [
        (1, Severity.LOW),
        (2, Severity.LOW),
        (3, Severity.MEDIUM),
        (4, Severity.HIGH),
        (5, Severity.CRITICAL),
    ],
)
def test_a_risk_that_occurs_opens_an_issue_whose_severity_follows_its_impact(
    impact, severity, project, pm_user
):
    risk = factories.RiskFactory(project=project, impact=impact, description="Key supplier.")

    _, issue = services.risk_mark_occurred(risk, actor=pm_user, note="It went bust.")

    issue = Issue.objects.get(pk=issue.pk)
    assert issue.severity == severity
    assert (issue.project, issue.programme, issue.portfolio) == (project, None, None)
    assert (issue.owner, issue.risk, issue.title) == (risk.owner, risk, risk.title)
    assert issue.description == "Key supplier.\n\nIt went bust."
    assert issue.status == IssueStatus.OPEN
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OCCURRED


@pytest.mark.django_db
def test_the_issue_of_an_occurred_risk_may_be_given_its_own_severity(project, pm_user):
    risk = factories.RiskFactory(project=project, impact=1)

    _, issue = services.risk_mark_occurred(risk, actor=pm_user, severity=Severity.CRITICAL)

    assert Issue.objects.get(pk=issue.pk).severity == Severity.CRITICAL


@pytest.mark.django_db
def test_a_programme_risk_that_occurs_opens_a_programme_issue(pmo_user):
    programme = factories.ProgrammeFactory()
    risk = factories.RiskFactory(project=None, programme=programme, owner=pmo_user)

    _, issue = services.risk_mark_occurred(risk, actor=pmo_user)

    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.project, issue.programme, issue.portfolio) == (None, programme, None)
    assert issue.owner == pmo_user


@pytest.mark.django_db
def test_a_risk_may_occur_without_opening_an_issue(project, pm_user):
    risk = factories.RiskFactory(project=project)

    occurred, issue = services.risk_mark_occurred(risk, actor=pm_user, raise_issue=False)

    assert issue is None
    assert Issue.objects.count() == 0
    assert Risk.objects.get(pk=occurred.pk).status == RiskStatus.OCCURRED


@pytest.mark.django_db
def test_an_occurred_risk_cannot_be_closed(project, pm_user):
    risk = factories.RiskFactory(project=project)
    services.risk_mark_occurred(risk, actor=pm_user)
    before = stored(risk)

    with pytest.raises(WorkflowError, match="occurred"):
        services.risk_close(risk, actor=pm_user, note="Over now.")

    assert stored(risk) == before


@pytest.mark.django_db
def test_an_occurred_risk_cannot_occur_again(project, pm_user):
    risk = factories.RiskFactory(project=project)
    services.risk_mark_occurred(risk, actor=pm_user)

    with pytest.raises(WorkflowError, match="occurred"):
        services.risk_mark_occurred(risk, actor=pm_user)

    assert Issue.objects.count() == 1


@pytest.mark.django_db
def test_another_project_manager_may_not_mark_a_risk_occurred(project, other_pm_user):
    risk = factories.RiskFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.risk_mark_occurred(risk, actor=other_pm_user)

    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.OPEN
    assert Issue.objects.count() == 0


@pytest.mark.django_db
def test_the_pmo_sets_the_escalation_threshold_in_one_row(pmo_user):
    services.risk_policy_update(actor=pmo_user, escalation_threshold=12)
    services.risk_policy_update(actor=pmo_user, escalation_threshold=10)

    assert list(RiskPolicy.objects.values_list("escalation_threshold", flat=True)) == [10]


@pytest.mark.django_db
def test_a_project_manager_may_not_set_the_escalation_threshold(pm_user):
    with pytest.raises(PermissionDenied):
        services.risk_policy_update(actor=pm_user, escalation_threshold=5)

    assert RiskPolicy.objects.count() == 0


@pytest.mark.django_db
def test_an_escalation_threshold_out_of_range_is_not_saved(pmo_user):
    with pytest.raises(ValidationError) as error:
        services.risk_policy_update(actor=pmo_user, escalation_threshold=30)

    assert "escalation_threshold" in error.value.message_dict
    assert RiskPolicy.objects.count() == 0


# --- issues ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resolving_an_issue_needs_a_resolution(project, pm_user):
    issue = factories.IssueFactory(project=project)
    before = stored(issue)

    with pytest.raises(ValidationError) as error:
        services.issue_resolve(issue, actor=pm_user, resolution="")

    assert "resolution" in error.value.message_dict
    assert stored(issue) == before


@pytest.mark.django_db
def test_resolving_an_issue_keeps_how_who_and_when(project, pm_user):
    issue = factories.IssueFactory(project=project)

    services.issue_resolve(issue, actor=pm_user, resolution=" New supplier found. ")

    issue.refresh_from_db()
    assert (issue.status, issue.resolution, issue.resolved_by) == (
        IssueStatus.RESOLVED,
        "New supplier found.",
        pm_user,
    )
    assert issue.resolved_at is not None


@pytest.mark.django_db
def test_a_resolved_issue_is_kept_as_it_was(project, pm_user):
    issue = factories.IssueFactory(project=project)
    services.issue_resolve(issue, actor=pm_user, resolution="Done.")
    before = stored(issue)

    with pytest.raises(WorkflowError, match="resolved"):
        services.issue_update(issue, actor=pm_user, title="Reopened")
    with pytest.raises(WorkflowError, match="already resolved"):
        services.issue_resolve(issue, actor=pm_user, resolution="Again.")

    assert stored(issue) == before


@pytest.mark.django_db
def test_an_open_issue_may_be_changed(project, pm_user):
    issue = factories.IssueFactory(project=project)

    services.issue_update(issue, actor=pm_user, severity=Severity.HIGH, target_date=D(2026, 9, 1))

    issue.refresh_from_db()
    assert (issue.severity, issue.target_date) == (Severity.HIGH, D(2026, 9, 1))


@pytest.mark.django_db
def test_a_project_manager_may_not_log_a_portfolio_issue(project, pm_user):
    with pytest.raises(PermissionDenied):
        services.issue_create(actor=pm_user, portfolio=project.portfolio, title="Shared tool down")

    assert Issue.objects.count() == 0


@pytest.mark.django_db
def test_another_project_manager_may_not_resolve_an_issue(project, other_pm_user):
    issue = factories.IssueFactory(project=project)

    with pytest.raises(PermissionDenied):
        services.issue_resolve(issue, actor=other_pm_user, resolution="Mine now.")

    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.OPEN


# --- actions --------------------------------------------------------------------------------


def new_action(project, **fields):
    return {
        "project": project,
        "title": "Call the supplier",
        "owner": project.project_manager,
        "due_date": D(2026, 4, 1),
        **fields,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "stamped"),
    [
        (ActionStatus.OPEN, False),
        (ActionStatus.IN_PROGRESS, False),
        (ActionStatus.DONE, True),
        (ActionStatus.CANCELLED, True),
    ],
)
def test_an_action_created_finished_is_stamped_with_its_completion(
    status, stamped, project, pm_user
):
    action = services.action_create(actor=pm_user, **new_action(project, status=status))

    assert (Action.objects.get(pk=action.pk).completed_at is not None) is stamped


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.CANCELLED])
def test_finishing_an_action_stamps_when(status, project, pm_user):
    action = factories.ActionFactory(project=project)

    services.action_update(action, actor=pm_user, status=status)

    assert Action.objects.get(pk=action.pk).completed_at is not None


@pytest.mark.django_db
def test_reopening_an_action_clears_its_completion(project, pm_user):
    action = factories.ActionFactory(project=project)
    services.action_update(action, actor=pm_user, status=ActionStatus.DONE)

    services.action_update(action, actor=pm_user, status=ActionStatus.IN_PROGRESS)

    assert Action.objects.get(pk=action.pk).completed_at is None


@pytest.mark.django_db
def test_cancelling_a_done_action_keeps_when_it_was_finished(project, pm_user):
    action = factories.ActionFactory(project=project)
    services.action_update(action, actor=pm_user, status=ActionStatus.DONE)
    finished = Action.objects.get(pk=action.pk).completed_at

    services.action_update(action, actor=pm_user, status=ActionStatus.CANCELLED)

    assert Action.objects.get(pk=action.pk).completed_at == finished


@pytest.mark.django_db
def test_the_owner_of_an_action_may_update_it_without_managing_the_project(project, other_pm_user):
    action = factories.ActionFactory(project=project, owner=other_pm_user)

    services.action_update(action, actor=other_pm_user, status=ActionStatus.DONE)

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completed_at is not None


@pytest.mark.django_db
def test_the_owner_of_an_action_may_not_move_it_to_a_project_they_do_not_manage(
    project, other_pm_user
):
    action = factories.ActionFactory(project=project, owner=other_pm_user)
    before = stored(action)

    with pytest.raises(PermissionDenied):
        services.action_update(action, actor=other_pm_user, project=factories.ProjectFactory())

    assert stored(action) == before


@pytest.mark.django_db
def test_someone_else_may_not_update_an_action(project, other_pm_user):
    action = factories.ActionFactory(project=project)
    before = stored(action)

    with pytest.raises(PermissionDenied):
        services.action_update(action, actor=other_pm_user, status=ActionStatus.DONE)

    assert stored(action) == before


@pytest.mark.django_db
def test_an_action_from_a_risk_must_name_it(project, pm_user):
    with pytest.raises(ValidationError) as error:
        services.action_create(actor=pm_user, **new_action(project, origin=ActionOrigin.RISK))

    assert "risk" in error.value.message_dict
    assert Action.objects.count() == 0


@pytest.mark.django_db
def test_an_action_keeps_the_risk_it_comes_from(project, pm_user):
    risk = factories.RiskFactory(project=project)

    action = services.action_create(
        actor=pm_user, **new_action(project, origin=ActionOrigin.RISK, risk=risk)
    )

    assert list(risk.actions.all()) == [action]


# --- decisions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_is_requested_by_its_author(project, pm_user):
    decision = services.decision_create(actor=pm_user, project=project, title="Go or no go")

    decision.refresh_from_db()
    assert (decision.state, decision.requested_by) == (DecisionState.REQUESTED, pm_user)


@pytest.mark.django_db
def test_a_requested_decision_may_be_changed(project, pm_user):
    decision = factories.DecisionFactory(project=project)

    services.decision_update(decision, actor=pm_user, options="A, B or C.")

    assert Decision.objects.get(pk=decision.pk).options == "A, B or C."


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pmo", "exec"])
def test_pmo_managers_and_executives_take_decisions(role, project, user_in_role):
    actor = user_in_role(role)
    decision = factories.DecisionFactory(project=project)

    services.decision_take(decision, actor=actor, outcome=" Go. ", committee="Copil 12 March")

    decision.refresh_from_db()
    assert (decision.state, decision.outcome, decision.committee) == (
        DecisionState.TAKEN,
        "Go.",
        "Copil 12 March",
    )
    assert (decision.decided_by, decision.decided_on, decision.recorded_by) == (
        actor,
        timezone.localdate(),
        actor,
    )
    assert decision.recorded_at is not None


@pytest.mark.django_db
def test_the_pmo_records_a_decision_an_executive_took_earlier(project, pmo_user, exec_user):
    decision = factories.DecisionFactory(project=project)

    services.decision_take(
        decision, actor=pmo_user, outcome="Go.", decided_by=exec_user, decided_on=D(2026, 1, 15)
    )

    decision.refresh_from_db()
    assert (decision.decided_by, decision.decided_on, decision.recorded_by) == (
        exec_user,
        D(2026, 1, 15),
        pmo_user,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["pm_own", "integration"])
def test_others_may_not_take_a_decision(role, project, user_in_role):
    decision = factories.DecisionFactory(project=project)
    before = stored(decision)

    with pytest.raises(PermissionDenied):
        services.decision_take(decision, actor=user_in_role(role), outcome="Go.")

    assert stored(decision) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("outcome", lambda project: {"outcome": "  "}),
        ("decided_by", lambda project: {"outcome": "Go.", "decided_by": project.project_manager}),
        (
            "decided_on",
            lambda project: {"outcome": "Go.", "decided_on": timezone.localdate() + ONE_DAY},
        ),
    ],
)
def test_a_decision_taken_is_refused_on_the_field_at_fault(field, values, project, pmo_user):
    decision = factories.DecisionFactory(project=project)
    before = stored(decision)

    with pytest.raises(ValidationError) as error:
        services.decision_take(decision, actor=pmo_user, **values(project))

    assert set(error.value.message_dict) == {field}
    assert stored(decision) == before


@pytest.mark.django_db
def test_a_taken_decision_is_never_changed_nor_taken_again(project, pmo_user, exec_user):
    decision = factories.DecisionFactory(project=project)
    services.decision_take(decision, actor=pmo_user, outcome="Go.")
    before = stored(decision)

    with pytest.raises(WorkflowError, match="taken"):
        services.decision_update(decision, actor=pmo_user, title="Changed")
    with pytest.raises(WorkflowError, match="taken"):
        services.decision_take(decision, actor=exec_user, outcome="No go.")
    with pytest.raises(WorkflowError, match="taken"):
        services.decision_withdraw(decision, actor=pmo_user)

    assert stored(decision) == before
    assert stored(decision)["outcome"] == "Go."


@pytest.mark.django_db
def test_withdrawing_a_requested_decision_keeps_who(project, pm_user):
    decision = factories.DecisionFactory(project=project)

    services.decision_withdraw(decision, actor=pm_user)

    decision.refresh_from_db()
    assert (decision.state, decision.recorded_by) == (DecisionState.WITHDRAWN, pm_user)


@pytest.mark.django_db
def test_a_withdrawn_decision_cannot_be_taken(project, pm_user, pmo_user):
    decision = factories.DecisionFactory(project=project)
    services.decision_withdraw(decision, actor=pm_user)
    before = stored(decision)

    with pytest.raises(WorkflowError, match="withdrawn"):
        services.decision_take(decision, actor=pmo_user, outcome="Go.")

    assert stored(decision) == before


@pytest.mark.django_db
def test_a_project_manager_may_not_request_a_programme_decision(pm_user):
    with pytest.raises(PermissionDenied):
        services.decision_create(
            actor=pm_user, programme=factories.ProgrammeFactory(), title="Shared platform"
        )

    assert Decision.objects.count() == 0
