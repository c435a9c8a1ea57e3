"""Pages of the RAID log (risks, issues, actions, decisions), change requests and the PMO's
risk policy.

Lists, details and forms are the generic bases of :mod:`pmo.views` with a few attributes.
Each workflow step (close a risk, approve a change...) is a small POST view calling its
service; its button shows on the record's page only when the rules and the record's state
allow it. A step the user may not do is refused (403); one the state refuses comes back as
a message on the record's page; content the service refuses is shown next to its field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from pmo.exceptions import ApplicationError
from pmo.rules import can
from pmo.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RuleRequiredMixin,
    SettingsView,
    error_map,
)
from risks import selectors, services
from risks.choices import ActionOrigin, ChangeState
from risks.filtersets import (
    ActionFilterSet,
    ChangeRequestFilterSet,
    DecisionFilterSet,
    IssueFilterSet,
    RiskFilterSet,
)
from risks.forms import (
    ActionForm,
    ChangeApproveForm,
    ChangeRejectForm,
    ChangeRequestForm,
    DecisionForm,
    DecisionTakeForm,
    IssueForm,
    IssueResolveForm,
    RiskCloseForm,
    RiskEscalateForm,
    RiskForm,
    RiskOccurredForm,
    RiskPolicyForm,
    StepForm,
)
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from risks.tables import (
    ActionTable,
    ChangeRequestTable,
    DecisionTable,
    IssueTable,
    RiskTable,
    heat_map_links,
    schedule_change,
    signed_amount,
)

# Query parameters that page or sort a list rather than filter it.
NOT_FILTERS = frozenset({"page", "sort", "per_page", "basis"})


# --- lists --------------------------------------------------------------------------------


class RaidListView(ObjectListView):
    """A list of the RAID log or of change requests. Opened without any filter, it shows
    what is still in play (``default_filters``): the filters say so, and "any" shows all.
    Its table is given today and the escalation threshold, read once per request."""

    template_name = "risks/raid_list.html"
    default_filters: dict[str, list[str]] = {}

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.default_filters and not set(self.request.GET) - NOT_FILTERS:
            data = self.request.GET.copy()
            for name, values in self.default_filters.items():
                data.setlist(name, values)
            kwargs["data"] = data
        return kwargs

    @property
    def policy(self) -> RiskPolicy:
        if not hasattr(self, "_policy"):
            self._policy = RiskPolicy.get()
        return self._policy

    def get_table_kwargs(self):
        return {"threshold": self.policy.escalation_threshold, "today": timezone.localdate()}


class RiskListView(RaidListView):
    """Risks, with the 5 × 5 heat map of the same filtered risks above the table
    (``?basis=residual`` for the residual one). Filtered by a portfolio, it is that
    portfolio's heat map."""

    model = Risk
    filterset_class = RiskFilterSet
    table_class = RiskTable
    create_url_name = "risks:risk_create"
    create_label = gettext_lazy("New risk")
    results_template_name = "risks/risk_list_results.html"
    default_filters = {"live": ["true"]}

    def get_queryset(self):
        return selectors.risk_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        residual = self.request.GET.get("basis") == "residual"
        threshold = self.policy.escalation_threshold
        grid = selectors.heat_map(self.object_list, residual=residual, threshold=threshold)
        data = self.filterset.data
        query = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        path = self.request.path
        context["heat_map"] = heat_map_links(grid, url=path, query=query)
        context["threshold"] = threshold
        toggle = query.copy()
        toggle.pop("page", None)
        toggle.pop("basis", None)
        context["inherent_url"] = f"{path}?{toggle.urlencode()}"
        toggle["basis"] = "residual"
        context["residual_url"] = f"{path}?{toggle.urlencode()}"
        if residual:
            context["unassessed_count"] = self.object_list.filter(
                residual_probability__isnull=True
            ).count()
        return context


class IssueListView(RaidListView):
    model = Issue
    filterset_class = IssueFilterSet
    table_class = IssueTable
    create_url_name = "risks:issue_create"
    create_label = gettext_lazy("New issue")
    default_filters = {"status": ["open"]}

    def get_queryset(self):
        return selectors.issue_list()


class ActionListView(RaidListView):
    model = Action
    filterset_class = ActionFilterSet
    table_class = ActionTable
    create_url_name = "risks:action_create"
    create_label = gettext_lazy("New action")
    default_filters = {"pending": ["true"]}

    def get_queryset(self):
        return selectors.action_list()


class DecisionListView(RaidListView):
    model = Decision
    filterset_class = DecisionFilterSet
    table_class = DecisionTable
    create_url_name = "risks:decision_create"
    create_label = gettext_lazy("Request a decision")
    default_filters = {"state": ["requested"]}

    def get_queryset(self):
        return selectors.decision_list()


class ChangeRequestListView(RaidListView):
    model = ChangeRequest
    filterset_class = ChangeRequestFilterSet
    table_class = ChangeRequestTable
    create_url_name = "risks:change_create"
    create_label = gettext_lazy("New change request")

    def get_queryset(self):
        return selectors.change_request_list()

    def get_table_kwargs(self):
        return {}


# --- details ------------------------------------------------------------------------------


class RaidDetailView(ObjectDetailView):
    """One record, its history, its links, and the workflow steps the user may take now."""

    edit_url_name: str

    def get_steps(self) -> tuple[type["StepView"], ...]:
        return ()

    def edit_refusal(self, obj) -> str | None:
        """Why the record may no longer be edited (its state), or None."""
        return None

    def get_context_data(self, *, bound_step=None, **kwargs):
        context = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        context["title"] = str(obj)
        context["can_change"] = context["can_change"] and self.edit_refusal(obj) is None
        context["edit_url"] = reverse(self.edit_url_name, args=[obj.pk])
        context["today"] = timezone.localdate()
        overdue = getattr(obj, "overdue", None)
        context["is_overdue"] = overdue(context["today"]) if overdue else False
        bound_class, bound_form = bound_step or (None, None)
        context["steps"] = [
            step.entry(obj, user, form=bound_form if step is bound_class else None)
            for step in self.get_steps()
            if step.offered(user, obj)
        ]
        return context

    def add_url(self, model, url_name: str, **params) -> str | None:
        """The link adding a ``model`` entry in this record's scope (prefilled with
        ``params``), if the user may add one there."""
        obj = self.object
        if not can(self.request.user, "add", model, parent=obj.scope):
            return None
        query = QueryDict(mutable=True)
        query[obj.level] = str(obj.scope.pk)
        query.update(params)
        return f"{reverse(url_name)}?{query.urlencode()}"


class RiskDetailView(RaidDetailView):
    model = Risk
    template_name = "risks/risk_detail.html"
    edit_url_name = "risks:risk_edit"

    def get_queryset(self):
        return selectors.risk_list().select_related("closed_by")

    def get_steps(self):
        return (RiskEscalateView, RiskCloseView, RiskOccurredView)

    def edit_refusal(self, obj):
        return risk_edit_refusal(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = self.object
        threshold = RiskPolicy.get().escalation_threshold
        context["threshold"] = threshold
        context["band"] = selectors.score_band(risk.score, threshold)
        context["residual_band"] = selectors.score_band(risk.residual_score, threshold)
        context["is_proposed"] = risk.proposed_for_escalation(threshold)
        context["is_review_overdue"] = risk.review_overdue(context["today"])
        context["issues"] = list(risk.issues.all())
        context["actions"] = list(risk.actions.select_related("owner"))
        context["decisions"] = list(risk.decisions.all())
        context["add_action_url"] = self.add_url(
            Action, "risks:action_create", origin=ActionOrigin.RISK, risk=risk.pk
        )
        context["add_decision_url"] = self.add_url(Decision, "risks:decision_create", risk=risk.pk)
        return context


class IssueDetailView(RaidDetailView):
    model = Issue
    template_name = "risks/issue_detail.html"
    edit_url_name = "risks:issue_edit"

    def get_queryset(self):
        return selectors.issue_list()

    def get_steps(self):
        return (IssueResolveView,)

    def edit_refusal(self, obj):
        return issue_edit_refusal(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issue = self.object
        context["actions"] = list(issue.actions.select_related("owner"))
        context["decisions"] = list(issue.decisions.all())
        context["add_action_url"] = self.add_url(
            Action, "risks:action_create", origin=ActionOrigin.ISSUE, issue=issue.pk
        )
        context["add_decision_url"] = self.add_url(
            Decision, "risks:decision_create", issue=issue.pk
        )
        return context


class ActionDetailView(RaidDetailView):
    model = Action
    template_name = "risks/action_detail.html"
    edit_url_name = "risks:action_edit"

    def get_queryset(self):
        return selectors.action_list()


class DecisionDetailView(RaidDetailView):
    model = Decision
    template_name = "risks/decision_detail.html"
    edit_url_name = "risks:decision_edit"

    def get_queryset(self):
        return selectors.decision_list()

    def get_steps(self):
        return (DecisionTakeView, DecisionWithdrawView)

    def edit_refusal(self, obj):
        return decision_edit_refusal(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = self.object
        context["actions"] = list(decision.actions.select_related("owner"))
        context["add_action_url"] = self.add_url(
            Action, "risks:action_create", origin=ActionOrigin.DECISION, decision=decision.pk
        )
        return context


class ChangeRequestDetailView(RaidDetailView):
    model = ChangeRequest
    template_name = "risks/change_detail.html"
    edit_url_name = "risks:change_edit"

    def get_queryset(self):
        return selectors.change_request_list()

    def get_steps(self):
        return (
            ChangeSubmitView,
            ChangeApproveView,
            ChangeRejectView,
            ChangeImplementView,
            ChangeWithdrawView,
        )

    def edit_refusal(self, obj):
        return change_edit_refusal(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = self.object
        context["capex_delta"] = signed_amount(change.cost_delta_capex)
        context["opex_delta"] = signed_amount(change.cost_delta_opex)
        context["schedule_change"] = schedule_change(change)
        if change.baseline_after_id:
            context["baselines"] = [
                (_("Before"), change.baseline_before),
                (_("After"), change.baseline_after),
            ]
        elif change.state in (ChangeState.DRAFT, ChangeState.SUBMITTED):
            # What the deciders would move: the baseline today and once this is approved.
            project = change.project
            context["baseline_preview"] = [
                (_("Now"), project.baseline()),
                (_("If approved"), {**project.baseline(), **change.new_baseline(project)}),
            ]
            context["baseline_problems"] = list(change.baseline_problems(project).values())
        return context


# --- workflow steps -----------------------------------------------------------------------


class StepView(RuleRequiredMixin, View):
    """One workflow step of a record: a POST calling :meth:`perform` (its service).

    ``permission_action`` is the rules' action the step needs on the record ("change", or
    "decide" for approving a change or taking a decision); :meth:`state_allows` says whether
    the record's state offers the step, to show its button (the service has the last word).
    """

    http_method_names = ["post"]
    detail_view: type[RaidDetailView]
    name: str
    label = ""
    form_class: type[StepForm] = StepForm
    # The main step of the record in its state: shown first and highlighted.
    primary = False

    def get_rules_model(self):
        return self.detail_view.model

    @classmethod
    def state_allows(cls, obj) -> bool:
        return True

    @classmethod
    def offered(cls, user, obj) -> bool:
        return cls.state_allows(obj) and can(user, cls.permission_action, obj)

    @classmethod
    def url(cls, obj) -> str:
        return reverse(f"risks:{cls.name}", args=[obj.pk])

    @classmethod
    def entry(cls, obj, user, form=None) -> dict:
        """What the record's page needs to offer the step: its label, URL and form."""
        return {
            "name": cls.name,
            "label": cls.label,
            "url": cls.url(obj),
            "form": form or cls.form_class(prefix=cls.name, user=user),
            "primary": cls.primary,
        }

    def post(self, request, *args, **kwargs):
        obj = get_object_or_404(self.detail_view().get_queryset(), pk=kwargs["pk"])
        if not can(request.user, "view", obj) or not can(request.user, self.permission_action, obj):
            raise PermissionDenied
        form = self.form_class(request.POST, prefix=self.name, user=request.user)
        if form.is_valid():
            try:
                result = self.perform(obj, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(obj.get_absolute_url())
            except ValidationError as error:
                error_map(form, error)
            else:
                messages.success(request, self.done_message(obj))
                return HttpResponseRedirect(self.get_success_url(obj, result))
        return self.render_with(obj, form)

    def perform(self, obj, *, actor, **data):
        raise NotImplementedError

    def done_message(self, obj) -> str:
        return _("%(object)s: %(step)s done.") % {"object": obj, "step": str(self.label).lower()}

    def get_success_url(self, obj, result) -> str:
        return obj.get_absolute_url()

    def render_with(self, obj, form):
        """The record's page again, with this step's form and the errors next to its fields."""
        view = self.detail_view()
        view.setup(self.request, pk=obj.pk)
        view.object = obj
        context = view.get_context_data(object=obj, bound_step=(type(self), form))
        return TemplateResponse(self.request, view.template_name, context)


class RiskStepView(StepView):
    permission_action = "change"

    detail_view = RiskDetailView

    @classmethod
    def state_allows(cls, obj):
        return obj.is_live


class RiskEscalateView(RiskStepView):
    """Put a live risk on the steering committee's agenda."""

    name = "risk_escalate"
    label = gettext_lazy("Escalate")
    form_class = RiskEscalateForm

    @classmethod
    def state_allows(cls, obj):
        return obj.is_live and not obj.is_escalated

    def perform(self, obj, *, actor, escalation_note=""):
        return services.risk_escalate(obj, actor=actor, note=escalation_note)

    def done_message(self, obj):
        return _("%(risk)s escalated to the steering committee.") % {"risk": obj.reference}


class RiskCloseView(RiskStepView):
    name = "risk_close"
    label = gettext_lazy("Close")
    form_class = RiskCloseForm

    def perform(self, obj, *, actor, closure_note=""):
        return services.risk_close(obj, actor=actor, note=closure_note)

    def done_message(self, obj):
        return _("%(risk)s closed.") % {"risk": obj.reference}


class RiskOccurredView(RiskStepView):
    """Mark a live risk occurred; by default the issue it becomes opens at once, and the
    page that follows is that issue's."""

    name = "risk_occurred"
    label = gettext_lazy("Mark occurred")
    form_class = RiskOccurredForm

    def perform(self, obj, *, actor, closure_note="", raise_issue=False):
        return services.risk_mark_occurred(
            obj, actor=actor, note=closure_note, raise_issue=raise_issue
        )

    def done_message(self, obj):
        return _("%(risk)s marked occurred.") % {"risk": obj.reference}

    def get_success_url(self, obj, result):
        _risk, issue = result
        return (issue or obj).get_absolute_url()


class IssueResolveView(StepView):
    name = "issue_resolve"
    label = gettext_lazy("Resolve")
    permission_action = "change"
    form_class = IssueResolveForm
    primary = True

    detail_view = IssueDetailView

    @classmethod
    def state_allows(cls, obj):
        return obj.is_open

    def perform(self, obj, *, actor, resolution=""):
        return services.issue_resolve(obj, actor=actor, resolution=resolution)

    def done_message(self, obj):
        return _("%(issue)s resolved.") % {"issue": obj.reference}


class DecisionStepView(StepView):
    detail_view = DecisionDetailView

    @classmethod
    def state_allows(cls, obj):
        return obj.is_pending


class DecisionTakeView(DecisionStepView):
    """Record the decision taken: by a PMO manager or an executive only."""

    name = "decision_take"
    label = gettext_lazy("Record the decision")
    permission_action = "decide"
    form_class = DecisionTakeForm
    primary = True

    def perform(self, obj, *, actor, outcome="", decided_by=None, decided_on=None, committee=""):
        return services.decision_take(
            obj,
            actor=actor,
            outcome=outcome,
            decided_by=decided_by,
            decided_on=decided_on,
            committee=committee,
        )

    def done_message(self, obj):
        return _("%(decision)s taken.") % {"decision": obj.reference}


class DecisionWithdrawView(DecisionStepView):
    name = "decision_withdraw"
    label = gettext_lazy("Withdraw")
    permission_action = "change"

    def perform(self, obj, *, actor):
        return services.decision_withdraw(obj, actor=actor)

    def done_message(self, obj):
        return _("%(decision)s withdrawn.") % {"decision": obj.reference}


class ChangeStepView(StepView):
    permission_action = "change"
    # The states the step starts from.
    from_states: tuple[str, ...] = ()

    detail_view = ChangeRequestDetailView

    @classmethod
    def state_allows(cls, obj):
        return obj.state in cls.from_states


class ChangeSubmitView(ChangeStepView):
    name = "change_submit"
    label = gettext_lazy("Submit for decision")
    from_states = (ChangeState.DRAFT,)
    primary = True

    def perform(self, obj, *, actor):
        return services.change_request_submit(obj, actor=actor)

    def done_message(self, obj):
        return _("%(change)s submitted for decision.") % {"change": obj.reference}


class ChangeApproveView(ChangeStepView):
    """Approve a submitted change: the project's baseline moves in the same step."""

    name = "change_approve"
    label = gettext_lazy("Approve")
    permission_action = "decide"
    form_class = ChangeApproveForm
    from_states = (ChangeState.SUBMITTED,)
    primary = True

    def perform(self, obj, *, actor, decision_reason=""):
        return services.change_request_approve(obj, actor=actor, reason=decision_reason)

    def done_message(self, obj):
        return _("%(change)s approved: the project's baseline has moved.") % {
            "change": obj.reference
        }


class ChangeRejectView(ChangeStepView):
    name = "change_reject"
    label = gettext_lazy("Reject")
    permission_action = "decide"
    form_class = ChangeRejectForm
    from_states = (ChangeState.SUBMITTED,)

    def perform(self, obj, *, actor, decision_reason=""):
        return services.change_request_reject(obj, actor=actor, reason=decision_reason)

    def done_message(self, obj):
        return _("%(change)s rejected.") % {"change": obj.reference}


class ChangeImplementView(ChangeStepView):
    name = "change_implement"
    label = gettext_lazy("Mark implemented")
    from_states = (ChangeState.APPROVED,)
    primary = True

    def perform(self, obj, *, actor):
        return services.change_request_implement(obj, actor=actor)

    def done_message(self, obj):
        return _("%(change)s implemented.") % {"change": obj.reference}


class ChangeWithdrawView(ChangeStepView):
    name = "change_withdraw"
    label = gettext_lazy("Withdraw")
    from_states = (ChangeState.DRAFT, ChangeState.SUBMITTED)

    def perform(self, obj, *, actor):
        return services.change_request_withdraw(obj, actor=actor)

    def done_message(self, obj):
        return _("%(change)s withdrawn.") % {"change": obj.reference}


# --- forms --------------------------------------------------------------------------------


def risk_edit_refusal(risk: Risk) -> str | None:
    if risk.is_live:
        return None
    return _("This risk is %(status)s: it is kept as it was.") % {
        "status": risk.get_status_display().lower()
    }


def issue_edit_refusal(issue: Issue) -> str | None:
    return None if issue.is_open else _("This issue is resolved: it is kept as it was.")


def decision_edit_refusal(decision: Decision) -> str | None:
    if decision.is_pending:
        return None
    return _("This decision is %(state)s: it is never changed.") % {
        "state": decision.get_state_display().lower()
    }


def change_edit_refusal(change: ChangeRequest) -> str | None:
    if change.state == ChangeState.DRAFT:
        return None
    return str(services.STEP_REFUSALS["edit"]) % {"state": change.get_state_display().lower()}


class RaidEditView(ObjectEditView):
    """Create or edit a RAID entry or a change request. A record its state keeps as it is
    (a closed risk, a submitted change...) is not opened: its page says why."""

    parent_field = "project"
    detail_view: type[RaidDetailView]

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def refusal(self):
        if "pk" not in self.kwargs:
            return None
        obj = self.get_object()
        reason = self.detail_view().edit_refusal(obj)
        if reason is None:
            return None
        messages.error(self.request, reason)
        return HttpResponseRedirect(obj.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.request.GET.get("project", "")
        if self.object is None and not context["cancel_url"] and project.isdigit():
            context["cancel_url"] = reverse("projects:project_detail", args=[int(project)])
        return context


class RiskEditView(RaidEditView):
    model = Risk
    form_class = RiskForm
    detail_view = RiskDetailView
    create_service = services.risk_create
    create_title = gettext_lazy("New risk")
    update_service = services.risk_update


class IssueEditView(RaidEditView):
    model = Issue
    form_class = IssueForm
    detail_view = IssueDetailView
    create_service = services.issue_create
    create_title = gettext_lazy("New issue")
    update_service = services.issue_update


class ActionEditView(RaidEditView):
    model = Action
    form_class = ActionForm
    detail_view = ActionDetailView
    create_service = services.action_create
    create_title = gettext_lazy("New action")
    update_service = services.action_update


class DecisionEditView(RaidEditView):
    model = Decision
    form_class = DecisionForm
    detail_view = DecisionDetailView
    create_service = services.decision_create
    create_title = gettext_lazy("Request a decision")
    update_service = services.decision_update


class ChangeRequestEditView(RaidEditView):
    model = ChangeRequest
    form_class = ChangeRequestForm
    detail_view = ChangeRequestDetailView
    create_service = services.change_request_create
    create_title = gettext_lazy("New change request")
    update_service = services.change_request_update


# --- risk policy --------------------------------------------------------------------------


class RiskPolicyView(SettingsView):
    """From which score a live risk is proposed for escalation: the PMO's setting."""

    model = RiskPolicy
    form_class = RiskPolicyForm
    template_name = "risks/risk_policy.html"
    update_service = services.risk_policy_update
    success_message = gettext_lazy("Risk policy saved.")
    success_url_name = "risks:risk_policy"
    title = gettext_lazy("Risk policy")
    context_object_name = "policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposed_count"] = selectors.escalation_proposals(
            threshold=context["policy"].escalation_threshold
        ).count()
        return context
