"""API of project requests (launch notes): ``project-requests``, read as the rules allow (a
request one may not see answers 404), filed and edited through the services, and moved by
the actions ``submit``, ``withdraw``, ``accept`` and ``reject`` (409 when the request's state
does not allow the step).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.roles import Role
from portfolio.models import StrategicObjective
from projects.filtersets.intake import ProjectRequestFilterSet
from projects.models import Project, ProjectRequest
from projects.selectors.intake import request_list_for
from projects.services import intake as services


class LaunchNoteSerializer(serializers.ModelSerializer):
    strategic_objectives = serializers.PrimaryKeyRelatedField(
        many=True, queryset=StrategicObjective.objects.all(), required=False
    )
    project_code = serializers.CharField(
        source="project.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ProjectRequest
        fields = [
            "id",
            "title",
            "portfolio",
            "programme",
            "sponsor",
            "requested_by",
            "objectives",
            "scope",
            "stakes",
            "expected_benefits",
            "capex_estimate",
            "opex_estimate",
            "fte_estimate",
            "strategic_objectives",
            "state",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "project",
            "project_code",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "requested_by",
            "state",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "project",
            "created_at",
            "updated_at",
        ]


class RequestAcceptSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=Project._meta.get_field("code").max_length,
        help_text=_("The new project's code: short, unique, e.g. PRJ-042."),
    )
    project_manager = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(groups__name=Role.PROJECT_MANAGER),
        required=False,
        allow_null=True,
        help_text=_("By default the requester, if they are a project manager."),
    )
    review_note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestRejectSerializer(serializers.Serializer):
    review_note = serializers.CharField(help_text=_("Why the request is rejected."))


STEP_RESPONSES = {
    200: LaunchNoteSerializer,
    403: OpenApiResponse(description="Not the request's author, or not the PMO."),
    404: OpenApiResponse(description="No such request, or one the user may not see."),
    409: OpenApiResponse(description="The request's state does not allow this step."),
}


class ProjectRequestViewSet(ServiceModelViewSet):
    """Project requests, newest first. PMO managers and executives see all of them, others
    those they filed or sponsor. A project manager, an executive or the PMO files one (a
    draft); its author edits it while a draft, the PMO while a draft or submitted."""

    queryset = ProjectRequest.objects.all()
    serializer_class = LaunchNoteSerializer
    filterset_class = ProjectRequestFilterSet
    create_service = services.request_create
    update_service = services.request_update
    ordering_fields = ["created_at", "title", "state", "submitted_at"]
    # Set per action (submit, review...): the rule RulePermission asks instead of the method's.
    rules_action: str | None = None

    def get_queryset(self):
        return request_list_for(self.request.user)

    def _step(self, request, function, **data):
        instance = self.get_object()
        with transaction.atomic():
            function(instance, actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], rules_action="submit")
    def submit(self, request, pk=None):
        """Put a draft request to the PMO (its author)."""
        return self._step(request, services.request_submit)

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], rules_action="withdraw")
    def withdraw(self, request, pk=None):
        """Withdraw a draft or submitted request (its author)."""
        return self._step(request, services.request_withdraw)

    @extend_schema(request=RequestAcceptSerializer, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], rules_action="review")
    def accept(self, request, pk=None):
        """Accept a submitted request (PMO): it becomes a project in the idea phase, with
        ``code``; the answer is the request, linked to its ``project``."""
        serializer = RequestAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step(request, services.request_accept, **serializer.validated_data)

    @extend_schema(request=RequestRejectSerializer, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], rules_action="review")
    def reject(self, request, pk=None):
        """Reject a submitted request (PMO), saying why."""
        serializer = RequestRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step(request, services.request_reject, **serializer.validated_data)
