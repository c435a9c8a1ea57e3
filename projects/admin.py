from django.contrib import admin

from pmo.admin import RulesAdmin
from projects.models import Milestone, Project, ProjectObjective


class ProjectObjectiveInline(admin.TabularInline):
    model = ProjectObjective
    extra = 0
    autocomplete_fields = ["objective"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "is_gate", "baseline_date", "forecast_date", "actual_date"]


@admin.register(Project)
class ProjectAdmin(RulesAdmin):
    list_display = ["code", "name", "portfolio", "programme", "project_manager", "phase"]
    list_filter = ["phase", "portfolio"]
    search_fields = ["code", "name"]
    list_select_related = ["portfolio", "programme", "project_manager"]
    inlines = [ProjectObjectiveInline, MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(RulesAdmin):
    list_display = ["name", "project", "is_gate", "baseline_date", "forecast_date", "actual_date"]
    list_filter = ["is_gate"]
    search_fields = ["name", "project__code"]
    list_select_related = ["project"]
