"""Admin of the RAID log and change control, following the same rules as the pages.

The workflow's own fields (who closed, decided, when...) are read-only here: they are set by
the steps of the pages and the API. A record its state keeps as it is (a closed risk, a
taken decision, a submitted change...) is read-only too.
"""

from django.contrib import admin

from pmo.admin import RulesAdmin
from risks.choices import ChangeState
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy

SCOPE_RELATED = ["project", "programme", "portfolio"]


class RaidAdmin(RulesAdmin):
    """Base of the RAID admins: workflow fields read-only, final records not editable."""

    workflow_fields: tuple[str, ...] = ()
    search_fields = ["title", "description", "project__code", "project__name"]
    list_select_related = SCOPE_RELATED

    def get_readonly_fields(self, request, obj=None):
        return ["created_at", "updated_at", *self.workflow_fields]

    def is_editable(self, obj) -> bool:
        return True

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.is_editable(obj):
            return False
        return super().has_change_permission(request, obj)


@admin.register(Risk)
class RiskAdmin(RaidAdmin):
    list_display = ["reference", "title", "project", "probability", "impact", "score", "status"]
    list_filter = ["status", "category", "response"]
    workflow_fields = (
        "score",
        "residual_score",
        "status",
        "escalated_at",
        "escalated_by",
        "escalation_note",
        "closed_at",
        "closed_by",
        "closure_note",
    )

    def is_editable(self, obj):
        return obj.is_live


@admin.register(Issue)
class IssueAdmin(RaidAdmin):
    list_display = ["reference", "title", "project", "severity", "status", "target_date"]
    list_filter = ["status", "severity"]
    workflow_fields = ("status", "resolution", "resolved_at", "resolved_by")

    def is_editable(self, obj):
        return obj.is_open


@admin.register(Action)
class ActionAdmin(RaidAdmin):
    list_display = ["reference", "title", "project", "owner", "due_date", "status"]
    list_filter = ["status", "origin"]
    list_select_related = [*SCOPE_RELATED, "owner"]
    workflow_fields = ("completed_at",)


@admin.register(Decision)
class DecisionAdmin(RaidAdmin):
    list_display = ["reference", "title", "project", "needed_by", "state", "decided_on"]
    list_filter = ["state"]
    workflow_fields = (
        "requested_by",
        "state",
        "outcome",
        "decided_by",
        "decided_on",
        "committee",
        "recorded_by",
        "recorded_at",
    )

    def is_editable(self, obj):
        return obj.is_pending

    def has_add_permission(self, request):
        # A decision is requested by someone: the pages and the API record who.
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(RaidAdmin):
    list_display = ["reference", "title", "project", "state", "cost_delta_capex", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["project", "decided_by"]
    workflow_fields = (
        "requested_by",
        "state",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "decision_reason",
        "implemented_at",
        "implemented_by",
        "withdrawn_at",
        "withdrawn_by",
        "baseline_before",
        "baseline_after",
    )

    def is_editable(self, obj):
        return obj.state == ChangeState.DRAFT

    def has_add_permission(self, request):
        # A change request is drafted by someone: the pages and the API record who.
        return False


@admin.register(RiskPolicy)
class RiskPolicyAdmin(RulesAdmin):
    list_display = ["__str__", "updated_at"]
