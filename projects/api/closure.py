"""API of closure reports: ``closure-reports`` (``?project=``, ``?portfolio=``), written by
the project's manager or the PMO while the project is closing and the report not approved
(409 otherwise). The final figures and the approval are read-only: the gate out of closing
sets them.
"""

from rest_framework import serializers

from pmo.api.viewsets import ServiceModelViewSet
from projects.filtersets.intake import ClosureReportFilterSet
from projects.models import ClosureReport
from projects.selectors.intake import closure_report_list
from projects.services import closure as services


class ClosureReportSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = ClosureReport
        fields = [
            "id",
            "project",
            "project_code",
            "objectives_met",
            "objectives_comment",
            "scope_delivered",
            "handover",
            "final_capex",
            "final_opex",
            "actual_start",
            "actual_end",
            "written_by",
            "approved_by",
            "approved_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "final_capex",
            "final_opex",
            "actual_start",
            "actual_end",
            "written_by",
            "approved_by",
            "approved_on",
            "created_at",
            "updated_at",
        ]


class ClosureReportViewSet(ServiceModelViewSet):
    """Closure reports, newest first; one per project (a second is a 400 on ``project``)."""

    queryset = closure_report_list()
    serializer_class = ClosureReportSerializer
    filterset_class = ClosureReportFilterSet
    parent_field = "project"
    create_service = services.closure_report_create
    update_service = services.closure_report_update
    ordering_fields = ["created_at", "approved_on", "project__code"]
