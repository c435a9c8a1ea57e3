from django.contrib import admin

from pmo.admin import RulesAdmin
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


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


@admin.register(PortfolioEnvelope)
class PortfolioEnvelopeAdmin(RulesAdmin):
    list_display = ["portfolio", "fiscal_year", "capex", "opex", "note"]
    list_filter = ["fiscal_year", "portfolio"]
    list_select_related = ["portfolio"]


@admin.register(FinancePolicy)
class FinancePolicyAdmin(RulesAdmin):
    list_display = ["__str__", "fiscal_year_start_month", "overrun_tolerance"]


@admin.register(Resource)
class ResourceAdmin(RulesAdmin):
    list_display = ["name", "kind", "skill", "team", "portfolio", "capacity_fte", "is_active"]
    search_fields = ["name", "skill", "team"]
    list_filter = ["kind", "portfolio", "is_active"]
    list_select_related = ["portfolio"]
    raw_id_fields = ["user"]


@admin.register(ResourceCapacity)
class ResourceCapacityAdmin(RulesAdmin):
    list_display = ["resource", "month", "fte", "reason"]
    search_fields = ["resource__name", "reason"]
    date_hierarchy = "month"
    list_select_related = ["resource"]
    raw_id_fields = ["resource"]
