"""API of budget lines and cost entries, with the bulk endpoint integrations push actuals to.

Serializers only validate (one entry at a time) or describe (the bulk batch, read by the
service without a serializer: 10,000 rows are checked in plain Python); services write.
"""

import codecs
import json
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from projects.choices import CostCategory, CostKind, EntrySource, Nature
from projects.filtersets.finance import (
    BudgetLineFilterSet,
    CostEntryFilterSet,
    budget_line_list,
    cost_entry_list,
)
from projects.models import BudgetLine, CostEntry
from projects.services import finance as services


class BudgetLineSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "project",
            "project_code",
            "fiscal_year",
            "nature",
            "category",
            "amount",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # One line per project, year, nature and category is the model's to say (the
        # service validates it), with its own message.
        validators = []


class CostEntrySerializer(serializers.ModelSerializer):
    """A commitment or an actual of a project. Created one at a time here; an integration
    pushes batches to ``cost-entries/bulk/``."""

    project_code = serializers.CharField(source="project.code", read_only=True)
    source = serializers.ChoiceField(
        choices=EntrySource.choices,
        default=EntrySource.MANUAL,
        help_text=gettext_lazy("Where the entry comes from; manual unless said otherwise."),
    )

    class Meta:
        model = CostEntry
        fields = [
            "id",
            "project",
            "project_code",
            "date",
            "kind",
            "nature",
            "category",
            "amount",
            "label",
            "supplier",
            "source",
            "external_reference",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]
        # A reference taken is the service's to say, on external_reference.
        validators = []


class BudgetLineViewSet(ServiceModelViewSet):
    """Budget lines: what a project may spend per fiscal year, nature (CAPEX, OPEX) and
    category. The PMO writes them; everyone with a role reads."""

    queryset = budget_line_list()
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilterSet
    parent_field = "project"
    create_service = services.budget_line_create
    update_service = services.budget_line_update


# --- bulk: documentation of the batch (rows are read by the service, not by DRF) ----------


class CostEntryBulkRowSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        required=False, help_text=gettext_lazy("The project's id (or give project_code).")
    )
    project_code = serializers.CharField(
        required=False, help_text=gettext_lazy("The project's code, when its id is not given.")
    )
    date = serializers.DateField(help_text=gettext_lazy("YYYY-MM-DD; an actual is never future."))
    kind = serializers.ChoiceField(choices=CostKind.choices, default=CostKind.ACTUAL)
    nature = serializers.ChoiceField(choices=Nature.choices)
    category = serializers.ChoiceField(choices=CostCategory.choices)
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text=gettext_lazy(
            "Not zero, two decimal places at most, below 10^12 either way; negative for a "
            'credit note or a reversal. A string ("1234.56") or a JSON number, read exactly.'
        ),
    )
    label = serializers.CharField(required=False, max_length=300)
    supplier = serializers.CharField(required=False, max_length=200)
    external_reference = serializers.CharField(
        max_length=100,
        help_text=gettext_lazy(
            "The entry's key in your system (invoice, ledger line). Sending it again with the "
            "same values records nothing; with other values, the row is refused."
        ),
    )


class CostEntryBatchSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=CostEntryBulkRowSerializer(),
        min_length=1,
        max_length=services.MAX_BATCH_SIZE,
        help_text=gettext_lazy(
            "1 to 10,000 entries. The body may also be the bare list of entries."
        ),
    )


class CostEntryBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField(
        help_text=gettext_lazy("Entries already recorded with the same values.")
    )
    detail = serializers.CharField(
        required=False, help_text=gettext_lazy("Said when nothing new was recorded.")
    )


BULK_REFUSED = OpenApiResponse(
    description=(
        "The batch is refused whole and nothing is recorded. `entries` maps the index of each "
        "bad entry (from 0, as a string) to its fields' messages: "
        '`{"entries": {"3": {"amount": ["An entry of zero records nothing."]}}}`. A body that '
        'is not a list, empty or above 10,000 entries answers `{"entries": ["..."]}`.'
    )
)


class DecimalJSONParser(JSONParser):
    """JSON whose numbers with a fraction are read as Decimal, never as float: 0.1 is
    exactly 0.10."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_float=Decimal,
                parse_constant=_refuse_constant,
            )
        except ValueError as error:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": error}) from error


def _refuse_constant(name):
    raise ValueError(_("%(name)s is not a number.") % {"name": name})


class CostEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cost entries: dated commitments and actuals of projects. Listed, read and created one
    at a time; never changed nor deleted (a correction is an entry of its own, negative to
    reverse one). Integrations push batches to ``bulk/``."""

    token_scope = TokenScope.ACTUALS
    queryset = cost_entry_list()
    serializer_class = CostEntrySerializer
    filterset_class = CostEntryFilterSet
    ordering_fields = ["date", "amount", "project__code", "created_at"]
    # Set on the bulk action: importing a batch asks "import", not "add".
    rules_action: str | None = None

    def perform_create(self, serializer):
        with transaction.atomic():
            entry = services.cost_entry_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=entry.pk)

    @extend_schema(
        request=CostEntryBatchSerializer,
        responses={
            201: CostEntryBulkResultSerializer,
            200: CostEntryBulkResultSerializer,
            400: BULK_REFUSED,
            403: OpenApiResponse(description="The caller may not import cost entries."),
        },
        examples=[
            OpenApiExample(
                "Two actuals",
                request_only=True,
                value={
                    "entries": [
                        {
                            "project_code": "PRJ-042",
                            "date": "2026-03-15",
                            "kind": "actual",
                            "nature": "capex",
                            "category": "external_services",
                            "amount": "12500.00",
                            "label": "Design workshop",
                            "supplier": "ACME Consulting",
                            "external_reference": "INV-2026-0042",
                        },
                        {
                            "project": 12,
                            "date": "2026-03-31",
                            "nature": "opex",
                            "category": "software",
                            "amount": "-300.00",
                            "external_reference": "CN-2026-0007",
                        },
                    ]
                },
            )
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk",
        rules_action="import",
        parser_classes=[DecimalJSONParser],
        filterset_class=None,
        pagination_class=None,
    )
    def bulk(self, request):
        """Record a batch of up to 10,000 cost entries, all or nothing, from an integration.

        The body is `{"entries": [...]}`; a bare list of entries is accepted too. Each entry
        names its project by `project` (id) or `project_code`. The batch is idempotent on
        `external_reference`: an entry already recorded with the same values is counted as
        unchanged (201 with what was created, or 200 when nothing new was), one recorded with
        other values is refused. Any invalid entry refuses the whole batch (400, each error
        under the entry's index and field) and nothing is recorded.
        """
        body = request.data
        if isinstance(body, dict):
            if "entries" not in body:
                raise ValidationError({"entries": [_("This field is required.")]})
            body = body["entries"]
        try:
            result = services.cost_entries_bulk_create(actor=request.user, entries=body)
        except services.BatchValidationError as error:
            raise ValidationError({"entries": error.by_row()}) from error
        answer = {"created": result.created, "unchanged": result.unchanged}
        if not result.created:
            answer["detail"] = ngettext(
                "Nothing new was recorded: the entry was already present.",
                "Nothing new was recorded: all %(count)s entries were already present.",
                result.unchanged,
            ) % {"count": result.unchanged}
            return Response(answer, status=status.HTTP_200_OK)
        return Response(answer, status=status.HTTP_201_CREATED)
