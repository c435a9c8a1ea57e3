"""API representations of projects, milestones and weekly statuses (validation only;
services write)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from pmo.roles import Role
from portfolio.api.serializers import UserSummarySerializer
from portfolio.forms import users_with_role
from projects.choices import MilestoneStatus, Rating, ReportState, Weather
from projects.models import (
    STATUS_CONTENT_FIELDS,
    Milestone,
    Project,
    ProjectObjective,
    StatusReport,
)


class ProjectObjectiveSerializer(serializers.ModelSerializer):
    objective_code = serializers.CharField(source="objective.code", read_only=True)

    class Meta:
        model = ProjectObjective
        fields = ["objective", "objective_code", "contribution"]


class LastStatusSerializer(serializers.Serializer):
    """A project's latest submitted weekly status. Every field is null while the project has
    never reported: it is "not reported", never shown as green."""

    # Read from Project.last_status, which the project selectors join: no query per row.

    id = serializers.IntegerField(allow_null=True)
    week = serializers.DateField(
        allow_null=True, help_text=gettext_lazy("The Monday of the reported week.")
    )
    weather = serializers.ChoiceField(choices=Weather.choices, allow_null=True)
    quality_rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True)
    cost_rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True)
    delay_rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True)
    risk_rating = serializers.ChoiceField(choices=Rating.choices, allow_null=True)
    progress = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    age_days = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy(
            "Days from the reported week's Monday to today, in the project's time zone."
        ),
    )

    def to_representation(self, project):
        report = project.last_status
        if report is None:
            return dict.fromkeys(self.fields, None)
        data = {
            name: field.to_representation(getattr(report, name))
            for name, field in self.fields.items()
            if name != "age_days"
        }
        today = timezone.localtime(timezone.now(), project.tz).date()
        data["age_days"] = (today - report.week).days
        return data


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
    last_status = LastStatusSerializer(source="*", read_only=True)

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
            "budget_capex",
            "budget_opex",
            "time_zone",
            "schedule_slip_days",
            "objectives",
            "last_status",
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
            "weight",
            "slip_days",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_status(self, obj) -> MilestoneStatus:
        return obj.status()


class StatusReportSerializer(serializers.ModelSerializer):
    """One revision of a project's weekly status. Writing creates or changes a draft; submitting
    and amending are actions of their own."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    project_code = serializers.CharField(source="project.code", read_only=True)
    author_detail = UserSummarySerializer(source="author", read_only=True)
    submitted_by_detail = UserSummarySerializer(source="submitted_by", read_only=True)
    is_current = serializers.SerializerMethodField()
    # Optimistic locking of drafts: send back the version read; a draft saved by someone else
    # since is answered 409 (who and when) instead of being overwritten. Left out: no check.
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        help_text=gettext_lazy(
            "The draft's version this change starts from; 409 when the draft was saved since."
        ),
    )

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "project",
            "project_code",
            "week",
            "revision",
            "state",
            "is_current",
            *STATUS_CONTENT_FIELDS,
            "amendment_reason",
            "version",
            "author",
            "author_detail",
            "submitted_at",
            "submitted_by",
            "submitted_by_detail",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "revision",
            "state",
            "author",
            "submitted_at",
            "submitted_by",
            "created_at",
            "updated_at",
        ]
        # One draft and one submitted revision per week are the service's to check: it names
        # the week and says what to do (continue the draft, amend), where DRF's validators
        # derived from the constraints would answer a bare non-field error.
        validators = []

    def get_is_current(self, obj) -> bool:
        """Whether this revision is the week's status (submitted and not superseded)."""
        return obj.state == ReportState.SUBMITTED

    def validate(self, attrs):
        # A new draft starts at version 1 whatever is sent.
        if self.instance is None:
            attrs.pop("version", None)
        return attrs

    def validate_amendment_reason(self, value):
        # The reason belongs to an amendment (opened by the amend action); a first revision
        # has nothing to amend.
        if value.strip() and (self.instance is None or self.instance.revision == 1):
            raise serializers.ValidationError(
                _("Only an amendment of a submitted status has a reason.")
            )
        return value


class StatusAmendmentSerializer(serializers.Serializer):
    """Why a submitted status is amended."""

    # Blank is let through so that the service answers with its own message.
    amendment_reason = serializers.CharField(allow_blank=True, trim_whitespace=False)
