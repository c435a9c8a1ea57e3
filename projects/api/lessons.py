"""API of lessons learned: the library (``lessons``, with ``?q=`` search and the page's
filters), the lessons suggested to a project (``lessons/suggested/?project=ID``) and what
project managers made of them (``lesson-feedback``, an upsert).

Serializers validate; the services in :mod:`projects.services.lessons` write.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.exceptions import WorkflowError
from projects.filtersets.lessons import LessonFeedbackFilterSet, LessonFilterSet
from projects.models import Lesson, LessonFeedback, Project
from projects.selectors.lessons import lesson_feedback_list, lesson_list, suggested_lessons
from projects.services import lessons as services

# Suggestions one call returns at most.
MAX_SUGGESTIONS = 50


class TagNamesField(serializers.ListField):
    """A lesson's tags as a list of names; written as a list of words (each trimmed and
    lowercased, created the first time it is used)."""

    child = serializers.CharField(max_length=50, allow_blank=True)

    def to_representation(self, data):
        return [tag.name for tag in data.all()]


class LessonSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    tags = TagNamesField(
        required=False,
        help_text=gettext_lazy('Tag names, e.g. ["data migration", "vendor"].'),
    )

    class Meta:
        model = Lesson
        fields = [
            "id",
            "project",
            "project_code",
            "source",
            "gate",
            "knowledge_area",
            "polarity",
            "title",
            "what_happened",
            "recommendation",
            "tags",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author", "created_at", "updated_at"]


class FeedbackBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonFeedback
        fields = ["id", "state", "note", "decided_by", "updated_at"]


class SuggestionSerializer(serializers.Serializer):
    lesson = LessonSerializer()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    feedback = FeedbackBriefSerializer(allow_null=True)


class LessonViewSet(mixins.DestroyModelMixin, ServiceModelViewSet):
    """Lessons learned, newest first (best match first with ``q``). The project's manager or
    the PMO adds; the author while they manage the project, or the PMO, edits; the PMO
    deletes."""

    queryset = lesson_list()
    serializer_class = LessonSerializer
    filterset_class = LessonFilterSet
    parent_field = "project"
    create_service = services.lesson_create
    update_service = services.lesson_update
    ordering_fields = ["created_at", "title", "knowledge_area", "project__code"]

    def perform_destroy(self, instance):
        with transaction.atomic():
            services.lesson_delete(instance, actor=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "project",
                OpenApiTypes.INT,
                required=True,
                description="The project (in idea, framing or planning) to suggest lessons to.",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="At most this many (10; up to 50)."
            ),
        ],
        responses={
            200: SuggestionSerializer(many=True),
            400: OpenApiResponse(description="No project, or not a number."),
            409: OpenApiResponse(description="The project is past planning."),
        },
    )
    @action(detail=False, methods=["get"], url_path="suggested", filterset_class=None)
    def suggested(self, request):
        """Lessons of other projects suggested to ``project``, best first, with their score,
        why, and the feedback already given (see ``suggested_lessons`` for the scoring)."""
        value = request.query_params.get("project", "")
        if not value.isdigit():
            raise ValidationError({"project": [_("Give the project's id.")]})
        project = get_object_or_404(Project, pk=int(value))
        if project.phase not in services.SUGGESTION_PHASES:
            raise WorkflowError(
                _("Lessons are suggested to projects in idea, framing or planning only.")
            )
        limit = request.query_params.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_SUGGESTIONS:
            raise ValidationError({"limit": [_("A number from 1 to 50.")]})
        suggestions = suggested_lessons(project, limit=int(limit))
        return Response(SuggestionSerializer(suggestions, many=True).data)


class LessonFeedbackSerializer(serializers.ModelSerializer):
    """What a project made of a lesson suggested to it. Posting for a project and lesson
    already answered replaces the answer (200); a new one is created (201)."""

    project_code = serializers.CharField(source="project.code", read_only=True)
    lesson_title = serializers.CharField(source="lesson.title", read_only=True)

    class Meta:
        model = LessonFeedback
        fields = [
            "id",
            "project",
            "project_code",
            "lesson",
            "lesson_title",
            "state",
            "note",
            "decided_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["decided_by", "created_at", "updated_at"]
        # One answer per project and lesson: the service replaces it, it is no error.
        validators = []


class LessonFeedbackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Feedback on suggested lessons, by project. POST is an upsert on (project, lesson), by
    the project's manager or the PMO; 409 for a project past planning, 400 for a lesson of
    the project itself."""

    queryset = lesson_feedback_list()
    serializer_class = LessonFeedbackSerializer
    filterset_class = LessonFeedbackFilterSet
    ordering_fields = ["updated_at", "project__code", "state"]

    @extend_schema(responses={201: LessonFeedbackSerializer, 200: LessonFeedbackSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            feedback, created = services.lesson_feedback_set(
                actor=request.user, **serializer.validated_data
            )
        data = self.get_serializer(self.get_queryset().get(pk=feedback.pk)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
