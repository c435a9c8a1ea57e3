"""Rules of projects, their records, budgets, costs and staffing, their requests, gates,
scores, closure and lessons learned.

A project manager edits only the projects they manage, and on those only what is theirs to
say (description, forecasts, objectives); the baseline and the assignments are the PMO's
(baseline changes go through change requests) and the phase moves through gate reviews.
Ended projects are frozen for everyone but the PMO. Executives and integrations read.
"""

from pmo import rules
from pmo.roles import (
    has_any_role,
    is_executive,
    is_integration,
    is_pmo_manager,
    is_project_manager,
    oversees_portfolio,
)
from projects.choices import ENDED_PHASES
from projects.models import (
    Allocation,
    BaselineRevision,
    BudgetLine,
    ClosureReport,
    CostEntry,
    GateReview,
    GateTemplate,
    Lesson,
    LessonFeedback,
    LessonTag,
    Milestone,
    OverrunAlert,
    Project,
    ProjectRequest,
    ProjectScore,
    ReportingCalendar,
    Scenario,
    ScenarioChoiceRow,
    StatusNotification,
    StatusReport,
)

# Project fields only a PMO manager may set.
PMO_ONLY_PROJECT_FIELDS = frozenset(
    {
        "code",
        "portfolio",
        "programme",
        "sponsor",
        "project_manager",
        "phase",
        "baseline_start",
        "baseline_end",
        "budget_capex",
        "budget_opex",
        "time_zone",
    }
)
# Milestone fields only a PMO manager may change once the milestone exists.
PMO_ONLY_MILESTONE_FIELDS = frozenset({"project", "baseline_date"})


def manages(user, project: Project) -> bool:
    """Whether ``user`` is the project manager of a project that is not ended."""
    return (
        is_project_manager(user)
        and project.project_manager_id == user.pk
        and project.phase not in ENDED_PHASES
    )


@rules.register(Project)
class ProjectRules(rules.ModelRules):
    def can_change(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        if obj is None:
            return is_project_manager(user)
        return manages(user, obj)


class ProjectRecordRules(rules.ModelRules):
    """Records kept by a project's manager (milestones, weekly statuses): the PMO writes
    everywhere, a project manager on the not-ended projects they manage; everyone reads.

    Whether a step is allowed in a record's state (a submitted status is never edited) is
    the services' answer (409), not a permission.
    """

    def can_add(self, user, parent=None):
        if is_pmo_manager(user):
            return True
        if parent is None:
            return is_project_manager(user)
        return manages(user, parent)

    def can_change(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        if obj is None:
            return is_project_manager(user)
        return manages(user, obj.project)


rules.register(Milestone)(ProjectRecordRules)
rules.register(StatusReport)(ProjectRecordRules)


def reserved_fields(user, model) -> frozenset[str]:
    """Fields of ``model`` that ``user`` may see but not set."""
    if is_pmo_manager(user):
        return frozenset()
    return PMO_ONLY_PROJECT_FIELDS if model is Project else PMO_ONLY_MILESTONE_FIELDS


@rules.register(BaselineRevision)
class BaselineRevisionRules(rules.ModelRules):
    """Baseline revisions are written by the services only (a PMO edit, an approved change)."""

    def can_add(self, user, parent=None):
        return False

    def can_change(self, user, obj=None):
        return False


rules.register(ReportingCalendar)(rules.ModelRules)
rules.register(StatusNotification)(rules.ModelRules)


# Budget lines are the PMO's: the breakdown of a budget the PMO authorised.
rules.register(BudgetLine)(rules.ModelRules)


@rules.register(CostEntry)
class CostEntryRules(rules.ModelRules):
    """The PMO and integrations record costs anywhere, a project manager on the projects they
    manage. An entry is never changed: a correction is an entry of its own. Importing a batch
    (a file, the bulk endpoint) is the PMO's and the integrations'."""

    def can_add(self, user, parent=None):
        if is_pmo_manager(user) or is_integration(user):
            return True
        if parent is None:
            return is_project_manager(user)
        return manages(user, parent)

    def can_change(self, user, obj=None):
        return False

    def can_import(self, user, obj=None):
        return is_pmo_manager(user) or is_integration(user)


@rules.register(Allocation)
class AllocationRules(CostEntryRules):
    """Staffing: the PMO and integrations plan anyone anywhere, a project manager the
    projects they manage; batches are the PMO's and the integrations'."""

    def can_change(self, user, obj=None):
        if is_pmo_manager(user) or is_integration(user):
            return True
        if obj is None:
            return is_project_manager(user)
        return manages(user, obj.project)


@rules.register(OverrunAlert)
class OverrunAlertRules(rules.ModelRules):
    """Overrun alerts are raised and cleared by the services only; everyone reads them."""

    def can_add(self, user, parent=None):
        return False

    def can_change(self, user, obj=None):
        return False


@rules.register(Lesson)
class LessonRules(ProjectRecordRules):
    """Lessons learned: the PMO writes everywhere (ended projects too, since lessons are
    captured at closure); a project manager adds to the not-ended projects they manage and
    edits the lessons they wrote while they still manage the project. The PMO deletes."""

    def can_change(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        if obj is None:
            return is_project_manager(user)
        return obj.author_id == user.pk and manages(user, obj.project)

    def can_delete(self, user, obj=None):
        return is_pmo_manager(user)


# Tags are created by the lesson services as lessons use them; everyone reads them.
rules.register(LessonTag)(rules.ModelRules)


# What a project made of a suggested lesson is said by its manager or the PMO, like the
# project's other records.
rules.register(LessonFeedback)(ProjectRecordRules)


# Strategic scoring: the PMO scores projects and saves cut-line scenarios; everyone with a
# role reads them (executives decide on them, integrations pull them). A scenario is a
# what-if the PMO may delete; scores and forced choices go with their project or scenario.

rules.register(ProjectScore)(rules.ModelRules)
rules.register(ScenarioChoiceRow)(rules.ModelRules)


@rules.register(Scenario)
class ScenarioRules(rules.ModelRules):
    def can_delete(self, user, obj=None):
        return is_pmo_manager(user)


# Intake and closure (projects.services.intake, projects.services.closure).


def sees_every_request(user) -> bool:
    """PMO managers and executives see every project request; others those they filed or
    sponsor (:func:`projects.selectors.intake.request_list_for`)."""
    return oversees_portfolio(user)


@rules.register(ProjectRequest)
class ProjectRequestRules(rules.ModelRules):
    """Project requests (launch notes): a project manager, an executive or the PMO files one;
    its author edits, submits and withdraws it, the PMO edits it too and accepts or rejects
    it. Which step the request's state allows is the services' answer (409)."""

    def can_view(self, user, obj=None):
        if not has_any_role(user):
            return False
        if obj is None or sees_every_request(user):
            return True
        return user.pk in (obj.requested_by_id, obj.sponsor_id)

    def can_add(self, user, parent=None):
        return is_pmo_manager(user) or is_project_manager(user) or is_executive(user)

    def can_change(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        if obj is None:
            return self.can_add(user)
        return obj.requested_by_id == user.pk

    def can_submit(self, user, obj=None):
        if obj is None:
            return self.can_add(user)
        return obj.requested_by_id == user.pk

    can_withdraw = can_submit

    def can_review(self, user, obj=None):
        return is_pmo_manager(user)


# A closure report is written by the project's manager or the PMO, like the project's other
# records; past approval nobody changes it (the services' 409).
rules.register(ClosureReport)(ProjectRecordRules)


# Stage gates: the PMO sets the gate templates; PMO managers and executives decide at a gate
# (a review is recorded by gate_review_record, which moves the phase); a review is never
# edited. Everyone with a role reads them.

rules.register(GateTemplate)(rules.ModelRules)


@rules.register(GateReview)
class GateReviewRules(rules.ModelRules):
    def can_add(self, user, parent=None):
        return is_pmo_manager(user) or is_executive(user)

    def can_review(self, user, obj=None):
        return is_pmo_manager(user) or is_executive(user)

    def can_change(self, user, obj=None):
        return False
