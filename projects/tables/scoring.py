"""Table of a portfolio's saved scenarios."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import NUMBER_ATTRS, BaseTable, FteColumn, MoneyColumn
from projects.models import Scenario


class ScenarioTable(BaseTable):
    name = tables.Column(linkify=lambda record: scenario_url(record))
    capex_envelope = MoneyColumn(places=0)
    opex_envelope = MoneyColumn(places=0)
    fte_capacity = FteColumn()
    selected = tables.Column(
        verbose_name=_("Selected"), accessor="result", orderable=False, attrs=NUMBER_ATTRS
    )
    created_by = tables.Column(verbose_name=_("Created by"))
    updated_at = tables.DateTimeColumn(verbose_name=_("Computed"), short=True)

    class Meta(BaseTable.Meta):
        model = Scenario
        fields = [
            "name",
            "capex_envelope",
            "opex_envelope",
            "fte_capacity",
            "selected",
            "created_by",
            "updated_at",
        ]

    def render_selected(self, value):
        totals = (value or {}).get("totals", {})
        return format_html("{} / {}", totals.get("selected", 0), totals.get("projects", 0))


def scenario_url(scenario) -> str:
    return reverse("projects:scenario_detail", args=[scenario.portfolio_id, scenario.pk])
