from django.contrib import admin

from pmo.admin import RulesAdmin
from portfolio.models import Portfolio, Programme, StrategicObjective


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(RulesAdmin):
    list_display = ["code", "name", "weight", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["is_active"]


@admin.register(Portfolio)
class PortfolioAdmin(RulesAdmin):
    list_display = ["code", "name", "owner", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["is_active"]
    list_select_related = ["owner"]


@admin.register(Programme)
class ProgrammeAdmin(RulesAdmin):
    list_display = ["code", "name", "portfolio", "director", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["portfolio", "is_active"]
    list_select_related = ["portfolio", "director"]
