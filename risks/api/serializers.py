"""API representations of the RAID log and change requests (validation only; services
write)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.api.serializers import UserSummarySerializer
from projects.models import BaselineRevision, Project
from risks.choices import Level, Severity
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from risks.selectors import score_band

User = get_user_model()

# The colour bands of a risk score (risks.selectors.score_band).
BANDS = [
    ("critical", _("Critical")),
    ("high", _("High")),
    ("medium", _("Medium")),
    ("low", _("Low")),
    ("none", _("None")),
]

SCOPE_FIELDS = [
    "level",
    "project",
    "project_code",
    "programme",
    "programme_code",
    "portfolio",
    "portfolio_code",
    "scope_portfolio_code",
]


def active_users():
    return User.objects.filter(is_active=True)


class ContextMixin:
    """Reads the day, and the risk policy, that the viewset put in the context once per
    request (so that a list does not read the policy, nor the clock, once per row)."""

    @property
    def today(self):
        return self.context.get("today") or timezone.localdate()

    @property
    def escalation_threshold(self) -> int:
        policy = self.context.get("risk_policy")
        return (policy if policy is not None else RiskPolicy.get()).escalation_threshold


class ScopedEntrySerializer(ContextMixin, serializers.ModelSerializer):
    """What risks, issues, actions and decisions share: a reference and where they are held
    (exactly one of ``project``, ``programme`` and ``portfolio``, else 400 on ``project``)."""

    reference = serializers.CharField(read_only=True)
    level = serializers.ChoiceField(
        choices=Level.choices,
        read_only=True,
        help_text=_("Whether the entry is held on a project, a programme or a portfolio."),
    )
    # No default: on a partial update DRF would skip a defaulted field, so a PATCH answer
    # would lack the key; allow_null answers None for the scopes the entry is not held on.
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True)
    programme_code = serializers.CharField(source="programme.code", read_only=True, allow_null=True)
    portfolio_code = serializers.CharField(source="portfolio.code", read_only=True, allow_null=True)
    scope_portfolio_code = serializers.CharField(
        source="scope_portfolio.code",
        read_only=True,
        help_text=_("The portfolio the entry belongs to, whatever its level."),
    )


class RiskSerializer(ScopedEntrySerializer):
    """A risk, its scores and colour band. Closing it, marking it occurred and escalating it
    are actions of their own; ``status`` is written only between open and mitigating."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), allow_null=True, required=False
    )
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    score = serializers.IntegerField(
        read_only=True, help_text=_("Probability × impact, computed by the database.")
    )
    residual_score = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Residual probability × residual impact, when both are given."),
    )
    band = serializers.SerializerMethodField(
        help_text=_("The colour of the score: critical from the escalation threshold.")
    )
    proposed_for_escalation = serializers.SerializerMethodField(
        help_text=_("Live, not escalated, and scored at or above the escalation threshold.")
    )
    review_overdue = serializers.SerializerMethodField(
        help_text=_("Live and its next review date is past.")
    )
    escalated_by_detail = UserSummarySerializer(source="escalated_by", read_only=True)
    closed_by_detail = UserSummarySerializer(source="closed_by", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            *SCOPE_FIELDS,
            "title",
            "description",
            "category",
            "probability",
            "impact",
            "score",
            "band",
            "owner",
            "owner_detail",
            "response",
            "mitigation",
            "residual_probability",
            "residual_impact",
            "residual_score",
            "status",
            "next_review_date",
            "review_overdue",
            "proposed_for_escalation",
            "escalated_at",
            "escalated_by",
            "escalated_by_detail",
            "escalation_note",
            "closed_at",
            "closed_by",
            "closed_by_detail",
            "closure_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.ChoiceField(choices=BANDS))
    def get_band(self, risk) -> str:
        return score_band(risk.score, self.escalation_threshold)

    def get_proposed_for_escalation(self, risk) -> bool:
        return risk.proposed_for_escalation(self.escalation_threshold)

    def get_review_overdue(self, risk) -> bool:
        return risk.review_overdue(self.today)


class IssueSerializer(ScopedEntrySerializer):
    """An issue. Resolving it is an action of its own, which sets ``resolution``."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), allow_null=True, required=False
    )
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("Open and its target date is past."))
    resolved_by_detail = UserSummarySerializer(source="resolved_by", read_only=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "reference",
            *SCOPE_FIELDS,
            "title",
            "description",
            "severity",
            "owner",
            "owner_detail",
            "target_date",
            "overdue",
            "status",
            "resolution",
            "resolved_at",
            "resolved_by",
            "resolved_by_detail",
            "risk",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["resolution", "created_at", "updated_at"]

    def get_overdue(self, issue) -> bool:
        return issue.overdue(self.today)


class ActionSerializer(ScopedEntrySerializer):
    """An action, who owns it, when it is due and what it came out of (the ``risk``,
    ``issue`` or ``decision`` matching ``origin``, or the ``meeting``)."""

    owner = serializers.PrimaryKeyRelatedField(queryset=active_users())
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Open or in progress, and its due date is past.")
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            *SCOPE_FIELDS,
            "title",
            "description",
            "owner",
            "owner_detail",
            "due_date",
            "status",
            "overdue",
            "completed_at",
            "origin",
            "risk",
            "issue",
            "decision",
            "meeting",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_overdue(self, action) -> bool:
        return action.overdue(self.today)


class DecisionSerializer(ScopedEntrySerializer):
    """A decision requested by the caller; taking or withdrawing it are actions of their
    own, which set the outcome and who recorded it."""

    requested_by_detail = UserSummarySerializer(source="requested_by", read_only=True)
    decided_by_detail = UserSummarySerializer(source="decided_by", read_only=True)
    recorded_by_detail = UserSummarySerializer(source="recorded_by", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Still requested, and the date it is needed by is past.")
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            *SCOPE_FIELDS,
            "title",
            "description",
            "context",
            "options",
            "needed_by",
            "overdue",
            "risk",
            "issue",
            "state",
            "requested_by",
            "requested_by_detail",
            "outcome",
            "decided_by",
            "decided_by_detail",
            "decided_on",
            "committee",
            "recorded_by",
            "recorded_by_detail",
            "recorded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_overdue(self, decision) -> bool:
        return decision.overdue(self.today)


class BaselineSummarySerializer(serializers.ModelSerializer):
    """One revision of a project's baseline, as a change request moved it."""

    class Meta:
        model = BaselineRevision
        fields = ["number", "baseline_start", "baseline_end", "budget_capex", "budget_opex"]
        read_only_fields = fields


class ChangeRequestSerializer(serializers.ModelSerializer):
    """A change request on a project; writing creates or changes a draft. Submitting,
    deciding, implementing and withdrawing are actions of their own."""

    reference = serializers.CharField(read_only=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    project_code = serializers.CharField(source="project.code", read_only=True)
    total_cost_delta = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        read_only=True,
        help_text=_("The CAPEX and OPEX changes together."),
    )
    requested_by_detail = UserSummarySerializer(source="requested_by", read_only=True)
    submitted_by_detail = UserSummarySerializer(source="submitted_by", read_only=True)
    decided_by_detail = UserSummarySerializer(source="decided_by", read_only=True)
    implemented_by_detail = UserSummarySerializer(source="implemented_by", read_only=True)
    withdrawn_by_detail = UserSummarySerializer(source="withdrawn_by", read_only=True)
    baseline_before = BaselineSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The project's baseline just before approval; null until approved."),
    )
    baseline_after = BaselineSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The project's baseline the approval set; null until approved."),
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reference",
            "project",
            "project_code",
            "title",
            "description",
            "state",
            "cost_delta_capex",
            "cost_delta_opex",
            "total_cost_delta",
            "new_end_date",
            "schedule_delta_days",
            "scope_impact",
            "quality_impact",
            "requested_by",
            "requested_by_detail",
            "submitted_at",
            "submitted_by",
            "submitted_by_detail",
            "decided_at",
            "decided_by",
            "decided_by_detail",
            "decision_reason",
            "implemented_at",
            "implemented_by",
            "implemented_by_detail",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_by_detail",
            "baseline_before",
            "baseline_after",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


# --- bodies of the workflow steps ---------------------------------------------------------
# A text the service requires is let through blank or missing, so that the service answers
# 400 with its own message under its own key (e.g. ``decision_reason``).


class RiskEscalationSerializer(serializers.Serializer):
    """Putting a live risk on the steering committee's agenda."""

    note = serializers.CharField(
        default="", allow_blank=True, help_text=_("Why it goes to the steering committee.")
    )


class RiskClosureSerializer(serializers.Serializer):
    """Closing a live risk that no longer threatens."""

    note = serializers.CharField(
        default="",
        allow_blank=True,
        help_text=_("Why the risk is closed. Required: without it, 400 on closure_note."),
    )


class RiskOccurrenceSerializer(serializers.Serializer):
    """Recording that a live risk happened, and opening the issue it has become."""

    note = serializers.CharField(default="", allow_blank=True, help_text=_("What happened."))
    raise_issue = serializers.BooleanField(
        default=True, help_text=_("Open an issue from the risk in the same step.")
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        allow_null=True,
        help_text=_("The issue's severity; by default from the risk's impact."),
    )


class RiskOccurredSerializer(serializers.Serializer):
    """The answer to marking a risk occurred: the risk read back, and the issue opened from
    it."""

    risk = RiskSerializer(read_only=True)
    issue = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The id of the issue opened from the risk; null when none was."),
    )


class IssueResolutionSerializer(serializers.Serializer):
    """Resolving an open issue."""

    resolution = serializers.CharField(
        default="",
        allow_blank=True,
        help_text=_("How the issue was resolved. Required: without it, 400 on resolution."),
    )


class DecisionTakingSerializer(serializers.Serializer):
    """Recording a requested decision as taken."""

    outcome = serializers.CharField(
        default="",
        allow_blank=True,
        help_text=_("What was decided. Required: without it, 400 on outcome."),
    )
    decided_by = serializers.PrimaryKeyRelatedField(
        queryset=active_users(),
        required=False,
        allow_null=True,
        help_text=_("A PMO manager or an executive; by default the caller."),
    )
    decided_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("By default today; never in the future.")
    )
    committee = serializers.CharField(
        default="",
        allow_blank=True,
        max_length=200,
        help_text=_("The steering committee it was taken in, if any."),
    )


class ChangeApprovalSerializer(serializers.Serializer):
    """Approving a submitted change request."""

    reason = serializers.CharField(
        default="", allow_blank=True, help_text=_("Why it is approved (optional).")
    )


class ChangeRejectionSerializer(serializers.Serializer):
    """Rejecting a submitted change request."""

    reason = serializers.CharField(
        default="",
        allow_blank=True,
        help_text=_("Why it is rejected. Required: without it, 400 on decision_reason."),
    )
