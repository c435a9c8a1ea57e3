"""API representations of the portfolio structure, the resource pool and the envelopes
(validation only; services write)."""

import contextlib

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


class UserSummarySerializer(serializers.ModelSerializer):
    """A person as shown inside another record."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "display_name"]
        read_only_fields = fields

    def bind(self, field_name, parent):
        # Shown for an optional person (a sponsor, who decided): null there, and the schema
        # must say so, wherever it is nested.
        super().bind(field_name, parent)
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is not None and "." not in self.source:
            with contextlib.suppress(FieldDoesNotExist):
                self.allow_null = model._meta.get_field(self.source).null


class StrategicObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicObjective
        fields = [
            "id",
            "code",
            "name",
            "description",
            "weight",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class PortfolioSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    owner_detail = UserSummarySerializer(source="owner", read_only=True)

    class Meta:
        model = Portfolio
        fields = [
            "id",
            "code",
            "name",
            "description",
            "owner",
            "owner_detail",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ProgrammeSerializer(serializers.ModelSerializer):
    portfolio_code = serializers.CharField(source="portfolio.code", read_only=True)
    director_detail = UserSummarySerializer(source="director", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "portfolio",
            "portfolio_code",
            "director",
            "director_detail",
            "outcome",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


# --- resource pool ------------------------------------------------------------------------


class MonthField(serializers.DateField):
    """A month, written as its first day (YYYY-MM-01); read from YYYY-MM as well as from a
    date, which must then be the first day of its month (else 400 on the field)."""

    default_error_messages = {
        "invalid": _("Give a month as YYYY-MM or as its first day, YYYY-MM-01."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("A month: YYYY-MM-01 (YYYY-MM is accepted too)."))
        # ISO 8601 out, not strftime: "%Y" writes the year 590 as "590", not a date.
        super().__init__(format="iso-8601", input_formats=["%Y-%m", "iso-8601"], **kwargs)


class CapacityOverrideSerializer(serializers.ModelSerializer):
    """A month in which a resource has another capacity than usual, inside the resource."""

    month = MonthField(read_only=True)

    class Meta:
        model = ResourceCapacity
        fields = ["id", "month", "fte", "reason"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    """A person or a team of the pool. ``capacity_overrides`` lists the overrides of the
    next twelve months, this one included (all of them: ``resource-capacities`` filtered by
    resource); ``capacity_this_month`` is this month's FTE, override applied."""

    portfolio_code = serializers.CharField(source="portfolio.code", read_only=True, allow_null=True)
    user_detail = UserSummarySerializer(source="user", read_only=True)
    capacity_this_month = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    capacity_overrides = CapacityOverrideSerializer(
        source="upcoming_overrides", many=True, read_only=True
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "name",
            "kind",
            "user",
            "user_detail",
            "skill",
            "team",
            "portfolio",
            "portfolio_code",
            "capacity_fte",
            "daily_rate",
            "is_active",
            "capacity_this_month",
            "capacity_overrides",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ResourceCapacitySerializer(serializers.ModelSerializer):
    """A month's capacity of a resource. POST is an upsert on (resource, month): it creates
    the month's override (201) or replaces its FTE and reason (200). An override keeps its
    resource and month: PUT/PATCH change its FTE and reason only (400 on a move)."""

    month = MonthField()
    resource_name = serializers.CharField(source="resource.name", read_only=True)

    class Meta:
        model = ResourceCapacity
        fields = ["id", "resource", "resource_name", "month", "fte", "reason"]
        # (resource, month) is the upsert's key, not a duplicate to refuse.
        validators = []


# --- envelopes ----------------------------------------------------------------------------


class PortfolioEnvelopeSerializer(serializers.ModelSerializer):
    """What a portfolio may spend in a fiscal year. ``fiscal_year_label`` names the year as
    the finance policy does ("2026", or "2026/27" for a year starting in April)."""

    portfolio_code = serializers.CharField(source="portfolio.code", read_only=True)
    fiscal_year_label = serializers.SerializerMethodField()
    total = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)

    class Meta:
        model = PortfolioEnvelope
        fields = [
            "id",
            "portfolio",
            "portfolio_code",
            "fiscal_year",
            "fiscal_year_label",
            "capex",
            "opex",
            "total",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # A second envelope of a portfolio for a year is refused by the service, on
        # ``fiscal_year``, rather than here on the pair.
        validators = []

    @extend_schema_field(serializers.CharField())
    def get_fiscal_year_label(self, envelope) -> str:
        policy = self.context.get("finance_policy") or FinancePolicy.get()
        return policy.fiscal_year_label(envelope.fiscal_year)
