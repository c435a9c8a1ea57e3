"""API representations of the portfolio structure (validation only; services write)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from portfolio.models import Portfolio, Programme, StrategicObjective


class UserSummarySerializer(serializers.ModelSerializer):
    """A person as shown inside another record."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


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
