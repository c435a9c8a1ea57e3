"""API of the RAID log (risks, issues, actions, decisions) and change requests."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from risks import selectors, services
from risks.api.serializers import (
    ActionSerializer,
    ChangeApprovalSerializer,
    ChangeRejectionSerializer,
    ChangeRequestSerializer,
    DecisionSerializer,
    DecisionTakingSerializer,
    IssueResolutionSerializer,
    IssueSerializer,
    RiskClosureSerializer,
    RiskEscalationSerializer,
    RiskOccurredSerializer,
    RiskOccurrenceSerializer,
    RiskSerializer,
)
from risks.filtersets import (
    ActionFilterSet,
    ChangeRequestFilterSet,
    DecisionFilterSet,
    IssueFilterSet,
    RiskFilterSet,
)
from risks.models import RiskPolicy

BAD_CONTENT = OpenApiResponse(description="A field is invalid; each bad field is named.")
FORBIDDEN = OpenApiResponse(description="The caller may not take this step on this record.")
WRONG_STATE = OpenApiResponse(
    description="The record's state does not allow this step; `detail` says why."
)


def step_responses(serializer_class=None, *, bad_content=True):
    """The answers of a workflow step: the record read back, or why it was refused."""
    responses = {200: serializer_class, 403: FORBIDDEN, 409: WRONG_STATE}
    if bad_content:
        responses[400] = BAD_CONTENT
    return responses


class WorkflowViewSet(ServiceModelViewSet):
    """A viewset whose records also move through steps of their own (POST on one record),
    each answering the record read back through the viewset's queryset."""

    # Set per action: a step asks "change" (or "decide") on the record, not "add".
    rules_action: str | None = None

    @cached_property
    def today(self):
        return timezone.localdate()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.today}

    def _body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _read_back(self, record):
        instance = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_200_OK)


class RiskViewSet(WorkflowViewSet):
    """Risks of projects, programmes and portfolios, with their scores, colour band and
    whether they are proposed for escalation to the steering committee."""

    token_scope = TokenScope.RAID
    queryset = selectors.risk_list()
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet
    create_service = services.risk_create
    update_service = services.risk_update

    @cached_property
    def risk_policy(self):
        # Read once per request, and only once a risk is shown: drawing the schema builds
        # serializers without a database to read from.
        return SimpleLazyObject(RiskPolicy.get)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "risk_policy": self.risk_policy}

    @extend_schema(request=RiskEscalationSerializer, responses=step_responses(RiskSerializer))
    @action(detail=True, methods=["post"], rules_action="change")
    def escalate(self, request, pk=None):
        """Put a live risk on the steering committee's agenda, with an optional note."""
        body = self._body(RiskEscalationSerializer)
        risk = services.risk_escalate(self.get_object(), actor=request.user, note=body["note"])
        return self._read_back(risk)

    @extend_schema(request=RiskClosureSerializer, responses=step_responses(RiskSerializer))
    @action(detail=True, methods=["post"], rules_action="change")
    def close(self, request, pk=None):
        """Close a live risk that no longer threatens, saying why; it is kept."""
        body = self._body(RiskClosureSerializer)
        risk = services.risk_close(self.get_object(), actor=request.user, note=body["note"])
        return self._read_back(risk)

    @extend_schema(
        request=RiskOccurrenceSerializer, responses=step_responses(RiskOccurredSerializer)
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def occurred(self, request, pk=None):
        """Record that a live risk happened and, unless told otherwise, open the issue it has
        become (same scope and owner, severity from the risk's impact unless given)."""
        body = self._body(RiskOccurrenceSerializer)
        risk, issue = services.risk_mark_occurred(
            self.get_object(),
            actor=request.user,
            note=body["note"],
            raise_issue=body["raise_issue"],
            severity=body.get("severity"),
        )
        read_back = self.get_queryset().get(pk=risk.pk)
        risk_data = self.get_serializer(read_back).data
        return Response(
            {"risk": risk_data, "issue": issue.pk if issue is not None else None},
            status=status.HTTP_200_OK,
        )


class IssueViewSet(WorkflowViewSet):
    """Issues of projects, programmes and portfolios: problems happening now."""

    token_scope = TokenScope.RAID
    queryset = selectors.issue_list()
    serializer_class = IssueSerializer
    filterset_class = IssueFilterSet
    create_service = services.issue_create
    update_service = services.issue_update

    @extend_schema(request=IssueResolutionSerializer, responses=step_responses(IssueSerializer))
    @action(detail=True, methods=["post"], rules_action="change")
    def resolve(self, request, pk=None):
        """Resolve an open issue, saying how."""
        body = self._body(IssueResolutionSerializer)
        issue = services.issue_resolve(
            self.get_object(), actor=request.user, resolution=body["resolution"]
        )
        return self._read_back(issue)


class ActionViewSet(WorkflowViewSet):
    """Actions: who does what by when, and what it came out of. Their status is written
    directly; done and cancelled are stamped with when."""

    token_scope = TokenScope.RAID
    queryset = selectors.action_list()
    serializer_class = ActionSerializer
    filterset_class = ActionFilterSet
    create_service = services.action_create
    update_service = services.action_update


class DecisionViewSet(WorkflowViewSet):
    """Decisions requested by projects, programmes and portfolios; a PMO manager or an
    executive records them as taken. A taken or withdrawn decision is never changed."""

    token_scope = TokenScope.RAID
    queryset = selectors.decision_list()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    create_service = services.decision_create
    update_service = services.decision_update

    @extend_schema(request=DecisionTakingSerializer, responses=step_responses(DecisionSerializer))
    @action(detail=True, methods=["post"], rules_action="decide")
    def take(self, request, pk=None):
        """Record a requested decision as taken: the outcome, who decided (a PMO manager or
        an executive, by default the caller), when (by default today) and in which steering
        committee."""
        body = self._body(DecisionTakingSerializer)
        decision = services.decision_take(
            self.get_object(),
            actor=request.user,
            outcome=body["outcome"],
            decided_by=body.get("decided_by"),
            decided_on=body.get("decided_on"),
            committee=body["committee"],
        )
        return self._read_back(decision)

    @extend_schema(request=None, responses=step_responses(DecisionSerializer, bad_content=False))
    @action(detail=True, methods=["post"], rules_action="change")
    def withdraw(self, request, pk=None):
        """Withdraw a requested decision that is no longer needed."""
        decision = services.decision_withdraw(self.get_object(), actor=request.user)
        return self._read_back(decision)


class ChangeRequestViewSet(WorkflowViewSet):
    """Change requests of projects: drafted, submitted, approved or rejected by a PMO manager
    or an executive (approval moves the project's baseline), then implemented; withdrawn
    before a decision. Writing creates or changes a draft."""

    queryset = selectors.change_request_list()
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilterSet
    create_service = services.change_request_create
    update_service = services.change_request_update

    @extend_schema(request=None, responses=step_responses(ChangeRequestSerializer))
    @action(detail=True, methods=["post"], rules_action="change")
    def submit(self, request, pk=None):
        """Put a draft to the decision makers: it must say what it changes, and its deltas
        must apply to the project's baseline."""
        change = services.change_request_submit(self.get_object(), actor=request.user)
        return self._read_back(change)

    @extend_schema(
        request=None, responses=step_responses(ChangeRequestSerializer, bad_content=False)
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def withdraw(self, request, pk=None):
        """Withdraw a draft or submitted change request."""
        change = services.change_request_withdraw(self.get_object(), actor=request.user)
        return self._read_back(change)

    @extend_schema(
        request=ChangeApprovalSerializer, responses=step_responses(ChangeRequestSerializer)
    )
    @action(detail=True, methods=["post"], rules_action="decide")
    def approve(self, request, pk=None):
        """Approve a submitted change request: its deltas move the project's baseline in the
        same step, and the baseline before and after are kept on the request."""
        body = self._body(ChangeApprovalSerializer)
        change = services.change_request_approve(
            self.get_object(), actor=request.user, reason=body["reason"]
        )
        return self._read_back(change)

    @extend_schema(
        request=ChangeRejectionSerializer, responses=step_responses(ChangeRequestSerializer)
    )
    @action(detail=True, methods=["post"], rules_action="decide")
    def reject(self, request, pk=None):
        """Reject a submitted change request, saying why; the baseline does not move."""
        body = self._body(ChangeRejectionSerializer)
        change = services.change_request_reject(
            self.get_object(), actor=request.user, reason=body["reason"]
        )
        return self._read_back(change)

    @extend_schema(
        request=None, responses=step_responses(ChangeRequestSerializer, bad_content=False)
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def implement(self, request, pk=None):
        """Record that an approved change has been carried out."""
        change = services.change_request_implement(self.get_object(), actor=request.user)
        return self._read_back(change)
