from django.contrib import admin

from pmo.admin import RulesAdmin
from projects import services
from projects.models import (
    BaselineRevision,
    Milestone,
    Project,
    ProjectObjective,
    ReportingCalendar,
    StatusNotification,
    StatusReport,
)
from projects.rules import reserved_fields
from projects.selectors import projects_open_to_milestones


class ProjectObjectiveInline(admin.TabularInline):
    model = ProjectObjective
    extra = 0
    autocomplete_fields = ["objective"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "is_gate", "baseline_date", "forecast_date", "actual_date", "weight"]

    def get_readonly_fields(self, request, obj=None):
        return sorted(reserved_fields(request.user, Milestone) & set(self.fields))

    def has_add_permission(self, request, obj=None):
        # A new milestone needs the baseline date that a read-only column would leave out.
        return not self.get_readonly_fields(request, obj) and super().has_add_permission(
            request, obj
        )


@admin.register(Project)
class ProjectAdmin(RulesAdmin):
    list_display = ["code", "name", "portfolio", "programme", "project_manager", "phase"]
    list_filter = ["phase", "portfolio"]
    search_fields = ["code", "name"]
    list_select_related = ["portfolio", "programme", "project_manager"]
    inlines = [ProjectObjectiveInline, MilestoneInline]

    def get_readonly_fields(self, request, obj=None):
        # The same fields as on the pages: the PMO's to set, everyone else's to read.
        return sorted(reserved_fields(request.user, Project))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A baseline set or moved here is recorded like one moved from the pages.
        services.baseline_record_if_changed(obj, actor=request.user)


@admin.register(BaselineRevision)
class BaselineRevisionAdmin(RulesAdmin):
    """The history of projects' baselines; written by the services only."""

    list_display = [
        "project",
        "number",
        "baseline_start",
        "baseline_end",
        "budget_capex",
        "budget_opex",
        "reason",
        "recorded_by",
        "recorded_at",
    ]
    search_fields = ["project__code", "reason"]
    list_select_related = ["project", "recorded_by"]


@admin.register(Milestone)
class MilestoneAdmin(RulesAdmin):
    list_display = ["name", "project", "is_gate", "baseline_date", "forecast_date", "actual_date"]
    list_filter = ["is_gate"]
    search_fields = ["name", "project__code"]
    list_select_related = ["project"]

    def get_readonly_fields(self, request, obj=None):
        # Whoever may add a milestone sets its project and baseline; only the PMO moves them.
        return sorted(reserved_fields(request.user, Milestone)) if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = projects_open_to_milestones(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StatusReport)
class StatusReportAdmin(RulesAdmin):
    """Statuses are filed through the pages and the API, which keep the workflow; the admin
    only reads them (a submitted status is never edited)."""

    list_display = ["project", "week", "revision", "state", "weather", "author", "submitted_at"]
    list_filter = ["state", "weather", "week"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project", "author"]
    date_hierarchy = "week"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(RulesAdmin):
    list_display = ["__str__", "reminder_hours"]


@admin.register(StatusNotification)
class StatusNotificationAdmin(RulesAdmin):
    """The record of status emails sent; read-only: it is what keeps them from going twice."""

    list_display = ["week", "kind", "recipient", "sent_at"]
    list_filter = ["kind", "week"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
