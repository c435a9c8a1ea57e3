"""API representations of projects and milestones (validation only; services write)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from pmo.roles import Role
from portfolio.api.serializers import UserSummarySerializer
from portfolio.forms import users_with_role
from projects.choices import MilestoneStatus
from projects.models import Milestone, Project, ProjectObjective


class ProjectObjectiveSerializer(serializers.ModelSerializer):
    objective_code = serializers.CharField(source="objective.code", read_only=True)

    class Meta:
        model = ProjectObjective
        fields = ["objective", "objective_code", "contribution"]


class ProjectSerializer(serializers.ModelSerializer):
    project_manager = serializers.PrimaryKeyRelatedField(
        queryset=users_with_role(Role.PROJECT_MANAGER), allow_null=True, required=False
    )
    sponsor = serializers.PrimaryKeyRelatedField(
        queryset=users_with_role(Role.EXECUTIVE, Role.PMO_MANAGER),
        allow_null=True,
        required=False,
    )
    portfolio_code = serializers.CharField(source="portfolio.code", read_only=True)
    # No default: on a partial update DRF would skip a defaulted field, so a PATCH answer
    # would lack the key; allow_null answers None for a project outside any programme.
    programme_code = serializers.CharField(source="programme.code", read_only=True, allow_null=True)
    project_manager_detail = UserSummarySerializer(source="project_manager", read_only=True)
    sponsor_detail = UserSummarySerializer(source="sponsor", read_only=True)
    objectives = ProjectObjectiveSerializer(many=True, source="contributions", required=False)
    schedule_slip_days = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "description",
            "portfolio",
            "portfolio_code",
            "programme",
            "programme_code",
            "sponsor",
            "sponsor_detail",
            "project_manager",
            "project_manager_detail",
            "phase",
            "baseline_start",
            "baseline_end",
            "forecast_start",
            "forecast_end",
            "schedule_slip_days",
            "objectives",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        if "contributions" in attrs:
            contributions = {}
            for row in attrs.pop("contributions"):
                objective = row["objective"]
                if objective in contributions:
                    raise serializers.ValidationError(
                        {
                            "objectives": _("Objective %(code)s is listed twice.")
                            % {"code": objective.code}
                        }
                    )
                contributions[objective] = row.get("contribution", 2)
            attrs["objectives"] = contributions
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    status = serializers.SerializerMethodField()
    slip_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "project_code",
            "name",
            "description",
            "is_gate",
            "baseline_date",
            "forecast_date",
            "actual_date",
            "slip_days",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_status(self, obj) -> MilestoneStatus:
        return obj.status()
