"""API of staffing: allocations (read, write, bulk upsert) and the capacity heat map."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from portfolio.models import Resource
from projects.choices import EntrySource
from projects.filtersets.staffing import AllocationFilterSet
from projects.forms.staffing import MAX_MONTHS, CapacityFilterForm
from projects.models import Allocation, Project
from projects.selectors import capacity
from projects.services import staffing as services

MONTH_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}(-01)?$",
    "example": "2026-03",
    "description": "A month: YYYY-MM, or its first day YYYY-MM-01. Answered as YYYY-MM-01.",
}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    """A month, read as YYYY-MM or YYYY-MM-01 (any other day is refused), written as its
    first day."""

    def to_internal_value(self, data):
        try:
            return services.parse_month(data)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None

    def to_representation(self, value):
        return value.isoformat()


class AllocationSerializer(serializers.ModelSerializer):
    """The FTE of a resource on a project in a month. Created through the API, it is marked
    as coming from an integration."""

    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all())
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    project_code = serializers.CharField(source="project.code", read_only=True)
    month = MonthField()

    class Meta:
        model = Allocation
        fields = [
            "id",
            "resource",
            "resource_name",
            "project",
            "project_code",
            "month",
            "fte",
            "note",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]
        # One allocation per resource, project and month is the service's to check: it says
        # so on the month, where DRF's derived validator would answer a bare non-field error.
        validators = []


def allocation_create_from_api(*, actor, **data) -> Allocation:
    """An allocation written through the API came from an integration."""
    return services.allocation_create(actor=actor, source=EntrySource.INTEGRATION, **data)


# --- bulk upsert: documentation only (rows are read by the service, not by DRF) ------------


class AllocationBulkRowSerializer(serializers.Serializer):
    resource = serializers.IntegerField(help_text=gettext_lazy("The resource's id."))
    project = serializers.IntegerField(
        required=False, help_text=gettext_lazy("The project's id (or give project_code).")
    )
    project_code = serializers.CharField(
        required=False, help_text=gettext_lazy("The project's code, when its id is not given.")
    )
    month = MonthField()
    fte = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=999,
        help_text=gettext_lazy("FTE from 0 to 999, two decimals at most; 0 keeps the row at 0."),
    )
    note = serializers.CharField(
        required=False, max_length=200, help_text=gettext_lazy("Replaces the note when given.")
    )


class AllocationBulkSerializer(serializers.Serializer):
    rows = AllocationBulkRowSerializer(many=True, max_length=services.BULK_MAX_ROWS)


class AllocationBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    detail = serializers.CharField(
        required=False, help_text=gettext_lazy("Said when nothing changed.")
    )


BULK_REFUSED = OpenApiResponse(
    description=(
        "The batch is refused whole and nothing is saved. `rows` maps the index of each bad "
        'row (from 0, as a string) to its fields\' messages: `{"detail": "...", "rows": '
        '{"3": {"month": ["A month is identified by its first day."]}}}`. A batch that is '
        'not a list, empty or above 10,000 rows answers `{"rows": ["..."]}`.'
    )
)


# --- capacity: documentation only (built without serializers: thousands of cells) ---------


class CapacityCellSerializer(serializers.Serializer):
    month = serializers.DateField()
    capacity = serializers.DecimalField(max_digits=12, decimal_places=2)
    allocated = serializers.DecimalField(max_digits=12, decimal_places=2)
    on_portfolio = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=gettext_lazy("The part planned on the portfolio filtered on, else null."),
    )
    load = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy("Allocated / capacity in whole percent; null without capacity."),
    )
    over = serializers.BooleanField()
    over_count = serializers.IntegerField(
        help_text=gettext_lazy("Resources over their own capacity this month.")
    )


class CapacityRowSerializer(serializers.Serializer):
    resource = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("The resource's id; null for a team row.")
    )
    label = serializers.CharField()
    team = serializers.CharField()
    skill = serializers.CharField(allow_null=True)
    members = serializers.IntegerField()
    is_active = serializers.BooleanField()
    cells = CapacityCellSerializer(many=True)


class CapacityGridSerializer(serializers.Serializer):
    first_month = serializers.DateField()
    months = serializers.ListField(child=serializers.DateField())
    group_by = serializers.ChoiceField(choices=["resource", "team"])
    portfolio = serializers.IntegerField(allow_null=True)
    rows = CapacityRowSerializer(many=True)
    totals = CapacityCellSerializer(many=True)


def _fte(value) -> str | None:
    # The text DRF's DecimalField would give: two places, never a float.
    return None if value is None else f"{value:.2f}"


def _cell(cell) -> dict:
    return {
        "month": cell.month.isoformat(),
        "capacity": _fte(cell.capacity),
        "allocated": _fte(cell.allocated),
        "on_portfolio": _fte(cell.on_portfolio),
        "load": None if cell.load is None else int(cell.load),
        "over": cell.over,
        "over_count": cell.over_count or int(cell.over),
    }


def capacity_data(grid: dict) -> dict:
    """The heat map of :func:`capacity.capacity_grid` as JSON-ready data."""
    return {
        "first_month": grid["first_month"].isoformat(),
        "months": [month.isoformat() for month in grid["months"]],
        "group_by": grid["group_by"],
        "portfolio": grid["portfolio"].pk if grid["portfolio"] else None,
        "rows": [
            {
                "resource": row.resource.pk if row.resource else None,
                "label": row.label,
                "team": row.team,
                "skill": row.resource.skill if row.resource else None,
                "members": row.members,
                "is_active": row.is_active,
                "cells": [_cell(cell) for cell in row.cells],
            }
            for row in grid["rows"]
        ],
        "totals": [_cell(cell) for cell in grid["totals"]],
    }


class AllocationViewSet(ServiceModelViewSet):
    """Allocations: the FTE of a resource on a project per month, one row per resource,
    project and month. The PMO and integrations write anywhere, a project manager on the
    projects they manage; ``bulk/`` upserts a batch, ``capacity/`` reads the heat map."""

    token_scope = TokenScope.ALLOCATIONS
    queryset = capacity.allocation_list()
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    parent_field = "project"
    create_service = allocation_create_from_api
    update_service = services.allocation_update
    ordering_fields = ["month", "fte", "project__code", "resource__name", "updated_at"]
    # Set per action: a batch asks "import", the heat map "view".
    rules_action: str | None = None

    @extend_schema(
        request=AllocationBulkSerializer,
        responses={
            201: AllocationBulkResultSerializer,
            200: OpenApiResponse(
                AllocationBulkResultSerializer,
                description="Nothing changed: every row was already stored as sent.",
            ),
            400: BULK_REFUSED,
            403: OpenApiResponse(description="Only the PMO and integrations import."),
        },
        examples=[
            OpenApiExample(
                "Two months of one resource",
                value={
                    "rows": [
                        {"resource": 12, "project": 40, "month": "2026-03", "fte": "0.50"},
                        {"resource": 12, "project_code": "ERP-2", "month": "2026-04", "fte": 1},
                    ]
                },
                request_only=True,
            )
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        rules_action="import",
        filter_backends=[],
        pagination_class=None,
    )
    def bulk(self, request):
        """Create or update up to 10,000 allocations keyed on (resource, project, month), all
        or nothing. Each row names a resource (id), a project (id, or ``project_code``), a
        month (YYYY-MM or YYYY-MM-01) and an ``fte``; a ``note`` is optional. Sending the same
        batch again changes nothing and answers 200 saying so; otherwise 201 with how many
        rows were created, updated and left unchanged."""
        data = request.data
        if isinstance(data, dict):
            if "rows" not in data:
                raise ValidationError({"rows": [_("This field is required.")]})
            data = data["rows"]
        result = services.allocations_bulk_upsert(actor=request.user, rows=data)
        if result["created"] or result["updated"]:
            return Response(result, status=status.HTTP_201_CREATED)
        detail = _("Nothing changed: every row was already stored as sent.")
        return Response({**result, "detail": detail}, status=status.HTTP_200_OK)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "first_month",
                {"type": "string", "pattern": r"^\d{4}-\d{2}(-01)?$"},
                description="The first month shown (YYYY-MM); this month by default.",
            ),
            OpenApiParameter(
                "months",
                OpenApiTypes.INT,
                description=f"How many months, 1 to {MAX_MONTHS}; 12 by default.",
            ),
            OpenApiParameter(
                "portfolio",
                OpenApiTypes.INT,
                description="Its pool and whoever is planned on its projects.",
            ),
            OpenApiParameter("team", OpenApiTypes.STR),
            OpenApiParameter("skill", OpenApiTypes.STR),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=["resource", "team"]),
            OpenApiParameter("over_only", OpenApiTypes.BOOL),
        ],
        responses={
            200: CapacityGridSerializer,
            400: OpenApiResponse(description="A filter is invalid; each bad one is named."),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        rules_action="view",
        filter_backends=[],
        pagination_class=None,
    )
    def capacity(self, request):
        """The capacity heat map: resources (or teams) × months, each cell its capacity,
        allocated FTE, load (whole percent, null without capacity) and over flag, and the
        totals per month. Load counts all of a resource's allocations; with ``portfolio``,
        ``on_portfolio`` gives the part planned on it."""
        form = CapacityFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    field: [error["message"] for error in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        query = form.query()
        grid = capacity.capacity_grid(
            first_month=query["first_month"],
            months=query["months"],
            resources_qs=capacity.resource_pool(team=query["team"], skill=query["skill"]),
            portfolio=query["portfolio"],
            group_by=query["group_by"],
            over_only=query["over_only"],
        )
        return Response(capacity_data(grid))
