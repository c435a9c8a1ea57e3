"""The Copil packs in the API: ``reports`` (the runs: ask for a pack, follow its state,
download its PDF, retry a failed one) and ``report-schedules`` (what beat generates, when,
for whom). Reads through the filter sets of the pages, writes through the services."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from portfolio.models import Portfolio, Programme
from projects.models import Project
from reporting import cron
from reporting.choices import ReportKind, RunState
from reporting.filtersets import ReportRunFilterSet, ReportScheduleFilterSet
from reporting.models import ReportRun, ReportSchedule
from reporting.services.reports import (
    QUEUE_UNAVAILABLE,
    report_run_request,
    report_run_retry,
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
)
from risks.api.views import BAD_CONTENT, FORBIDDEN, WRONG_STATE

SCOPE_FIELDS = ("portfolio", "programme", "project")
# The field naming the scope of each kind of pack; the portfolio follows from it.
SCOPE_FIELD = {
    ReportKind.PORTFOLIO_PACK: "portfolio",
    ReportKind.PROGRAMME_PACK: "programme",
    ReportKind.PROJECT_FLASH: "project",
}
# What a pack's scope is, in ``scope.type`` (named in the schema as PackScopeTypeEnum).
SCOPE_TYPES = [
    ("portfolio", _("Portfolio")),
    ("programme", _("Programme")),
    ("project", _("Project")),
]
NOT_FOUND = OpenApiResponse(description="No such pack, or its PDF is not made yet.")


# --- runs ----------------------------------------------------------------------------------


class ScopeSerializer(serializers.Serializer):
    """What a pack covers, named: no second request to show "Portfolio DIGITAL"."""

    type = serializers.ChoiceField(choices=SCOPE_TYPES)
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()

    def to_representation(self, report):
        scope = report.scope
        return {
            "type": SCOPE_FIELD[report.kind],
            "id": scope.pk,
            "code": scope.code,
            "name": scope.name,
        }


class ReportRunSerializer(serializers.ModelSerializer):
    """A run as listed: its scope, state and file facts, never its frozen data."""

    scope = ScopeSerializer(source="*", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "kind",
            "portfolio",
            "programme",
            "project",
            "scope",
            "language",
            "as_of",
            "state",
            "planned_for",
            "schedule",
            "requested_by",
            "attempts",
            "started_at",
            "finished_at",
            "duration_ms",
            "page_count",
            "file_size",
            "sha256",
            "error",
            "created_at",
            "pdf_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, run):
        """Where to download the PDF once the run succeeded; null before."""
        if run.state != RunState.SUCCEEDED:
            return None
        path = reverse("reportrun-pdf", args=[run.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReportRunDetailSerializer(ReportRunSerializer):
    """A run read alone with its frozen data, when ``?include=snapshot`` asks for it."""

    # Not read-only, so the schema does not mark it required: it is there only when asked.
    # This serializer only answers; nothing is ever written through it.
    snapshot = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_(
            "The frozen data the PDF shows; only with ?include=snapshot, null until the run "
            "succeeded."
        ),
    )

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "snapshot"]
        read_only_fields = ReportRunSerializer.Meta.fields


class ReportRunAcceptedSerializer(ReportRunSerializer):
    """A run just queued (asked for, or retried), and whether the queue took it: when it was
    unavailable the run is saved all the same, queued, and is generated once it is back."""

    queue_available = serializers.SerializerMethodField(
        help_text=_(
            "False when the report queue was unavailable: the run is saved, queued, and is "
            "generated as soon as the queue is back."
        )
    )
    detail = serializers.SerializerMethodField(
        help_text=_("Why the run is not being generated yet; null when the queue took it.")
    )

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "queue_available", "detail"]
        read_only_fields = fields

    def get_queue_available(self, run) -> bool:
        return not getattr(run, "queue_unavailable", False)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_detail(self, run):
        if getattr(run, "queue_unavailable", False):
            return str(QUEUE_UNAVAILABLE)
        return None


class ScopeFieldsSerializer(serializers.Serializer):
    """The programme and project a pack may be about, by id (the portfolio is each one's)."""

    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a programme pack."),
    )
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a project flash report."),
    )


class ReportRunRequestSerializer(ScopeFieldsSerializer):
    """What to generate: the kind, the id of its scope and the language."""

    kind = serializers.ChoiceField(choices=ReportKind.choices)
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a portfolio pack."),
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language of the pack; the request's language when left out."),
    )


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client ask ``Accept: application/pdf``; the file itself bypasses rendering."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # An error answered to a client that asked for a PDF: say why, as JSON text.
        return renderers.JSONRenderer().render(data)


class ReportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Copil packs, newest first: generated on schedule or asked for here (202, then follow
    the run until it succeeded or failed), each PDF at ``reports/{id}/pdf/``."""

    token_scope = TokenScope.REPORTS
    queryset = ReportRun.objects.select_related("portfolio", "programme", "project")
    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilterSet
    ordering_fields = ["created_at", "as_of", "finished_at", "state", "kind"]

    @property
    def rules_action(self):
        # Whether this user may ask for a pack of this scope, or retry this run, depends on
        # the scope and on the run: the services ask and refuse with 403. Up front, the
        # question is only whether they see packs at all (a project manager asks for the
        # flash of their project without being allowed to add packs in general).
        if self.action in ("create", "retry"):
            return "view"
        return None

    @cached_property
    def include_snapshot(self) -> bool:
        return self.action == "retrieve" and "snapshot" in self.request.query_params.getlist(
            "include"
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.include_snapshot:
            # The frozen data of a 200-project pack weighs megabytes: lists never read it.
            queryset = queryset.defer("snapshot")
        return queryset

    def get_serializer_class(self):
        if self.include_snapshot:
            return ReportRunDetailSerializer
        return super().get_serializer_class()

    def _accepted(self, run) -> Response:
        read_back = self.get_queryset().get(pk=run.pk)
        read_back.queue_unavailable = getattr(run, "queue_unavailable", False)
        data = ReportRunAcceptedSerializer(read_back, context=self.get_serializer_context()).data
        location = self.request.build_absolute_uri(reverse("reportrun-detail", args=[run.pk]))
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "include",
                OpenApiTypes.STR,
                enum=["snapshot"],
                description=str(_("snapshot: add the frozen data the PDF shows.")),
            )
        ],
        responses={200: ReportRunDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def retrieve(self, request, *args, **kwargs):
        """A pack's state: queued, running, succeeded (with its PDF's URL) or failed (with
        the error)."""
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=ReportRunRequestSerializer,
        responses={202: ReportRunAcceptedSerializer, 400: BAD_CONTENT, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        """Ask for a pack: 202 with the queued run (its URL in ``Location``); a worker makes
        it. Asked again while the same pack is still queued or running, the same run. With
        the report queue unavailable, still 202: the run is saved, queued, with
        ``queue_available`` false and a ``detail``, and is generated once the queue is back."""
        body = ReportRunRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        with transaction.atomic():
            run = report_run_request(
                actor=request.user,
                kind=values["kind"],
                portfolio=values.get("portfolio"),
                programme=values.get("programme"),
                project=values.get("project"),
                language=values.get("language")
                or getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            )
        return self._accepted(run)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=str(_("The PDF, as an attachment."))
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        """Download a pack's PDF; 404 until it succeeded."""
        run = self.get_object()
        if run.state != RunState.SUCCEEDED or not run.pdf:
            raise Http404
        return FileResponse(
            run.pdf.open("rb"),
            as_attachment=True,
            filename=run.file_name(),
            content_type="application/pdf",
        )

    @extend_schema(
        request=None,
        responses={
            202: ReportRunAcceptedSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: WRONG_STATE,
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed pack again (a PMO manager, or whoever asked for it); 409 unless it
        failed."""
        with transaction.atomic():
            run = report_run_retry(actor=request.user, run=self.get_object())
        return self._accepted(run)


# --- schedules -------------------------------------------------------------------------------


class ReportScheduleSerializer(ScopeFieldsSerializer, serializers.ModelSerializer):
    """A schedule: its scope, cron (in words and its next firing), language and recipients."""

    recipients = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text=_("Ids of the users who get the pack by email."),
    )
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a portfolio pack; for the others, the portfolio of their scope."),
    )
    cron_description = serializers.SerializerMethodField()
    next_run_at = serializers.SerializerMethodField()

    class Meta:
        model = ReportSchedule
        fields = [
            "id",
            "name",
            "kind",
            "portfolio",
            "programme",
            "project",
            "cron",
            "cron_description",
            "next_run_at",
            "time_zone",
            "language",
            "recipients",
            "extra_recipients",
            "attach_pdf",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_cron_description(self, schedule) -> str:
        """The cron expression in words, in the request's language."""
        return cron.describe(schedule.cron, translation.get_language() or settings.LANGUAGE_CODE)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_run_at(self, schedule):
        """When beat fires it next, in its time zone (null when it never will)."""
        try:
            return serializers.DateTimeField().to_representation(
                cron.next_occurrence(schedule.cron, schedule.time_zone, timezone.now())
            )
        except (ValueError, KeyError):
            return None

    def validate_cron(self, value):
        try:
            cron.parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error
        return " ".join(value.split())

    def validate(self, attrs):
        # The scope is the field the kind names; the portfolio follows from it, the other
        # fields are cleared (a schedule turned from flash to portfolio pack forgets its
        # project).
        current = {
            name: getattr(self.instance, name) if self.instance is not None else None
            for name in ("kind", *SCOPE_FIELDS)
        }
        kind = attrs.get("kind", current["kind"])
        field = SCOPE_FIELD.get(kind)
        if field is None:
            return attrs
        scope = attrs.get(field, current[field])
        if scope is None:
            raise serializers.ValidationError({field: _("Choose what the pack is about.")})
        if field != "portfolio":
            attrs["portfolio"] = scope.portfolio
        for other in SCOPE_FIELDS:
            if other not in (field, "portfolio"):
                attrs[other] = None
        if field != "portfolio":
            attrs[field] = scope
        return attrs


class ReportScheduleViewSet(mixins.DestroyModelMixin, ServiceModelViewSet):
    """Report schedules: which pack beat generates, on which cron in which time zone, in which
    language, sent to whom. PMO managers set them; executives read them."""

    queryset = ReportSchedule.objects.select_related(
        "portfolio", "programme", "project"
    ).prefetch_related("recipients")
    serializer_class = ReportScheduleSerializer
    filterset_class = ReportScheduleFilterSet
    ordering_fields = ["name", "created_at", "updated_at", "kind"]

    @staticmethod
    def _split(validated_data: dict) -> tuple[dict, list | None]:
        data = dict(validated_data)
        recipients = data.pop("recipients", None)
        return data, recipients

    def perform_create(self, serializer):
        data, recipients = self._split(serializer.validated_data)
        schedule = report_schedule_create(
            actor=self.request.user, data=data, recipients=recipients or []
        )
        serializer.instance = self.get_queryset().get(pk=schedule.pk)

    def perform_update(self, serializer):
        data, recipients = self._split(serializer.validated_data)
        schedule = report_schedule_update(
            actor=self.request.user, schedule=serializer.instance, data=data, recipients=recipients
        )
        serializer.instance = self.get_queryset().get(pk=schedule.pk)

    def perform_destroy(self, instance):
        report_schedule_delete(actor=self.request.user, schedule=instance)
