"""API of stage gates: ``gate-reviews`` (list with the page's filters, read, and create =
review the gate the project faces now) and ``gate-templates`` (read; the PMO updates a
gate's name and checklist).

A review is never changed: there is no update nor delete. Creating one may answer 400 (a go
with an item unchecked, a go with conditions without them, an item not on the gate), 403
(not a PMO manager nor an executive) or 409 (an ended project, no closure report to leave
closing).
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from portfolio.api.serializers import UserSummarySerializer
from projects.choices import GateDecision
from projects.filtersets.gates import GateReviewFilterSet
from projects.models import GateReview, GateTemplate, Project
from projects.selectors.gates import (
    GATE_PHASE_CHOICES,
    checklist_done,
    gate_review_list,
    gate_template_list,
)
from projects.services import gates as services


class ChecklistRowSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    checked = serializers.BooleanField(default=False)
    evidence = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class GateReviewSerializer(serializers.ModelSerializer):
    """A gate review as recorded; ``checklist_done`` is [checked, items]."""

    project_code = serializers.CharField(source="project.code", read_only=True)
    checklist = ChecklistRowSerializer(many=True, read_only=True)
    checklist_done = serializers.SerializerMethodField()
    decided_by_detail = UserSummarySerializer(source="decided_by", read_only=True)

    class Meta:
        model = GateReview
        fields = [
            "id",
            "project",
            "project_code",
            "gate_name",
            "from_phase",
            "to_phase",
            "checklist",
            "checklist_done",
            "decision",
            "conditions",
            "comments",
            "decided_by",
            "decided_by_detail",
            "decided_on",
            "created_at",
        ]
        read_only_fields = fields

    def get_checklist_done(self, obj) -> list[int]:
        return list(checklist_done(obj.checklist))


class GateReviewCreateSerializer(serializers.Serializer):
    """Review the gate of ``project``'s current phase. ``checklist``: the gate's items (by
    their text), each checked or not with an evidence link; an item left out is unchecked.
    ``decided_on``: today when left out."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    decision = serializers.ChoiceField(choices=GateDecision.choices)
    checklist = ChecklistRowSerializer(many=True, required=False, default=list)
    conditions = serializers.CharField(allow_blank=True, required=False, default="")
    comments = serializers.CharField(allow_blank=True, required=False, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class GateReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Gate reviews, newest first. POST records a review and applies its decision to the
    project's phase (PMO managers and executives)."""

    queryset = gate_review_list()
    serializer_class = GateReviewSerializer
    filterset_class = GateReviewFilterSet
    ordering_fields = ["decided_on", "project__code", "decision"]

    def get_serializer_class(self):
        if self.action == "create":
            return GateReviewCreateSerializer
        return GateReviewSerializer

    @extend_schema(
        request=GateReviewCreateSerializer,
        responses={
            201: GateReviewSerializer,
            400: OpenApiResponse(description="The decision's rules are not met."),
            403: OpenApiResponse(description="Not a PMO manager nor an executive."),
            409: OpenApiResponse(description="The project has ended, or lacks its closure report."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            review = services.gate_review_record(actor=request.user, **serializer.validated_data)
        data = GateReviewSerializer(self.get_queryset().get(pk=review.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class GateTemplateSerializer(serializers.ModelSerializer):
    """A gate: the phase it ends, its name and checklist (a list of items)."""

    phase = serializers.ChoiceField(choices=GATE_PHASE_CHOICES, read_only=True)
    checklist = serializers.ListField(child=serializers.CharField(allow_blank=True))

    class Meta:
        model = GateTemplate
        fields = ["id", "phase", "name", "checklist", "updated_at"]
        read_only_fields = ["id", "phase", "updated_at"]


class GateTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The gate of each phase; the PMO changes a gate's name and checklist (blank items are
    dropped; at least one item)."""

    queryset = gate_template_list()
    serializer_class = GateTemplateSerializer
    filterset_class = None
    ordering_fields = ["pk", "phase", "name"]

    def perform_update(self, serializer):
        data = serializer.validated_data
        with transaction.atomic():
            template = services.gate_template_update(
                serializer.instance,
                actor=self.request.user,
                name=data.get("name", serializer.instance.name),
                checklist=data.get("checklist", serializer.instance.checklist),
            )
        serializer.instance = template
