"""API of projects, milestones and weekly statuses."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from projects import selectors, services
from projects.api.finance_figures import FinanceQuerySerializer, ProjectFinanceSerializer
from projects.api.serializers import (
    MilestoneSerializer,
    ProjectSerializer,
    StatusAmendmentSerializer,
    StatusReportSerializer,
)
from projects.filtersets import MilestoneFilterSet, ProjectFilterSet, StatusReportFilterSet
from projects.selectors.finance import project_finance


class ProjectViewSet(ServiceModelViewSet):
    """Projects with their baseline, forecast, contributions to strategic objectives and latest
    submitted weekly status."""

    queryset = selectors.project_detail()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    create_service = services.project_create
    update_service = services.project_update

    @extend_schema(
        parameters=[FinanceQuerySerializer],
        responses={
            200: ProjectFinanceSerializer,
            400: OpenApiResponse(description="as_of is not a date (YYYY-MM-DD)."),
        },
    )
    @action(detail=True, methods=["get"])
    def finance(self, request, pk=None):
        """The project's money on ``as_of`` (today by default): budget, commitments and
        actuals by nature, estimate to complete and at completion with its basis,
        consumption, overrun, and the earned value figures. A figure that cannot be
        computed (no baseline, no progress reported, nothing spent) is null."""
        project = self.get_object()
        query = FinanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = project_finance(project, as_of=query.validated_data.get("as_of"))
        return Response(ProjectFinanceSerializer(figures).data)


class MilestoneViewSet(ServiceModelViewSet):
    """Milestones of projects: baseline, forecast and actual dates."""

    queryset = selectors.milestone_list()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    parent_field = "project"
    create_service = services.milestone_create
    update_service = services.milestone_update


BAD_CONTENT = OpenApiResponse(description="A field is invalid; each bad field is named.")
WRONG_STATE = OpenApiResponse(description="The report's state does not allow this step.")


class StatusReportViewSet(ServiceModelViewSet):
    """Weekly statuses of projects, every revision. Creating and changing work on drafts; a
    submitted status is never edited but amended (a new draft revision, then submitted)."""

    token_scope = TokenScope.STATUS
    queryset = selectors.status_report_list()
    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilterSet
    parent_field = "project"
    create_service = services.status_report_create
    update_service = services.status_report_update
    ordering_fields = ["week", "project__code", "submitted_at"]
    # Set per action: submitting and amending ask "change" on the report, not "add".
    rules_action: str | None = None

    def _read_back(self, report, status_code=status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(instance).data, status=status_code)

    @extend_schema(
        request=None,
        responses={200: StatusReportSerializer, 400: BAD_CONTENT, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def submit(self, request, pk=None):
        """Submit a draft: it becomes the week's status (superseding the revision it amends).
        Everything a submitted status must say is checked; on error nothing changes."""
        report = services.status_report_submit(self.get_object(), actor=request.user)
        return self._read_back(report)

    @extend_schema(
        request=StatusAmendmentSerializer,
        responses={201: StatusReportSerializer, 400: BAD_CONTENT, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def amend(self, request, pk=None):
        """Open an amendment of the week's submitted status: a new draft revision carrying its
        content and the reason. The submitted one stays current until the amendment is
        submitted."""
        report = self.get_object()
        serializer = StatusAmendmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = services.status_report_amend(
            report, actor=request.user, reason=serializer.validated_data["amendment_reason"]
        )
        return self._read_back(amendment, status.HTTP_201_CREATED)
