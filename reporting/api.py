"""The alerts in the API: a read-only list (the hourly refresh writes them) with the filters
of the alerts page, and ``POST alerts/{id}/acknowledge/`` for PMO managers."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from reporting import services
from reporting.alerts import alert_list, message
from reporting.filtersets import AlertFilterSet
from reporting.models import Alert
from risks.api.views import step_responses


class AlertSerializer(serializers.ModelSerializer):
    # Null for an alert on a resource or a portfolio: the schema says so (allow_null).
    project_code = serializers.CharField(
        source="project.code", read_only=True, default=None, allow_null=True
    )
    resource_name = serializers.CharField(
        source="resource.name", read_only=True, default=None, allow_null=True
    )
    message = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    acknowledged_by = serializers.StringRelatedField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "severity",
            "key",
            "message",
            "portfolio",
            "project",
            "project_code",
            "resource",
            "resource_name",
            "params",
            "url",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
            "is_open",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_note",
        ]
        read_only_fields = fields

    def get_message(self, alert) -> str:
        """What the alert says, in the request's language."""
        return message(alert)


class AcknowledgementSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What the PMO should look at, high first then newest; open ones unless ``?state=``
    says ``resolved`` or ``all``."""

    queryset = alert_list()
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    ordering_fields = ["first_seen_at", "last_seen_at", "severity_rank", "resolved_at"]
    rules_action: str | None = None

    @extend_schema(request=AcknowledgementSerializer, responses=step_responses(AlertSerializer))
    @action(detail=True, methods=["post"], rules_action="acknowledge")
    def acknowledge(self, request, pk=None):
        """Record that a PMO manager looked at an open alert, with an optional note."""
        body = AcknowledgementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = services.alert_acknowledge(
            self.get_object(), actor=request.user, note=body.validated_data["note"]
        )
        read_back = self.get_queryset().get(pk=alert.pk)
        return Response(self.get_serializer(read_back).data, status=status.HTTP_200_OK)


router = SimpleRouter()
router.register("alerts", AlertViewSet)

# The Copil packs and their schedules (imported here so that one router serves the app).
from reporting.api_packs import ReportRunViewSet, ReportScheduleViewSet  # noqa: E402

router.register("reports", ReportRunViewSet)
router.register("report-schedules", ReportScheduleViewSet)
