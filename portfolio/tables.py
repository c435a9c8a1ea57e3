"""Tables of the portfolio structure, the resource pool and the envelopes."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.tables import BaseTable, FteColumn, MoneyColumn, money
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    StrategicObjective,
)


class StrategicObjectiveTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    weight = tables.Column(verbose_name=_("Weight (%)"))
    project_count = tables.Column(verbose_name=_("Projects"), orderable=True)
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = StrategicObjective
        fields = ["code", "name", "weight", "project_count", "is_active"]


class PortfolioTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    owner = tables.Column(order_by=("owner__last_name", "owner__first_name"))
    programme_count = tables.Column(verbose_name=_("Programmes"))
    project_count = tables.Column(verbose_name=_("Projects"))
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Portfolio
        fields = ["code", "name", "owner", "programme_count", "project_count", "is_active"]


class ProgrammeTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    portfolio = tables.Column(linkify=True, order_by=("portfolio__name",))
    director = tables.Column(order_by=("director__last_name", "director__first_name"))
    project_count = tables.Column(verbose_name=_("Projects"))
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Programme
        fields = ["code", "name", "portfolio", "director", "project_count", "is_active"]


# --- resource pool and envelopes ----------------------------------------------------------


class TotalledMoneyColumn(MoneyColumn):
    """An amount with the column's total in the footer, from the table's ``totals``."""

    def render_footer(self, bound_column, table):
        totals = getattr(table, "totals", None)
        if not totals or bound_column.name not in totals:
            return ""
        return money(totals[bound_column.name])


class PoolColumn(tables.Column):
    """The portfolio whose capacity a resource counts in, or "shared"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Pool"))
        kwargs.setdefault("order_by", ("portfolio__name",))
        super().__init__(accessor="portfolio", empty_values=(), **kwargs)

    def render(self, value):
        if value is None:
            return format_html('<span class="muted">{}</span>', pgettext_lazy("resource", "Shared"))
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value.code)


class ResourceTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    skill = tables.Column(verbose_name=_("Role or skill"))
    team = tables.Column()
    pool = PoolColumn()
    capacity_fte = FteColumn(verbose_name=_("Usual FTE"))
    capacity_this_month = FteColumn(verbose_name=_("FTE this month"))
    daily_rate = MoneyColumn(verbose_name=_("Daily rate"))
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Resource
        fields = [
            "name",
            "kind",
            "skill",
            "team",
            "pool",
            "capacity_fte",
            "capacity_this_month",
            "daily_rate",
            "is_active",
        ]


class PortfolioEnvelopeTable(BaseTable):
    """Envelopes, each fiscal year shown as the finance policy names it, with their total
    in the footer (``totals``: CAPEX, OPEX and total of every filtered envelope, not only
    of the page shown)."""

    portfolio = tables.Column(
        linkify=lambda record: record.portfolio.get_absolute_url(),
        order_by=("portfolio__name",),
        footer=_("Total"),
    )
    fiscal_year = tables.Column(verbose_name=_("Fiscal year"))
    capex = TotalledMoneyColumn(verbose_name=_("CAPEX"))
    opex = TotalledMoneyColumn(verbose_name=_("OPEX"))
    total = TotalledMoneyColumn(verbose_name=_("Total"), order_by=("amount_total",))
    note = tables.Column()
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = PortfolioEnvelope
        fields = ["portfolio", "fiscal_year", "capex", "opex", "total", "note", "edit"]

    def __init__(self, *args, policy: FinancePolicy, totals=None, can_change=False, **kwargs):
        self.policy = policy
        self.totals = totals
        super().__init__(*args, **kwargs)
        if not can_change:
            self.columns.hide("edit")

    def render_fiscal_year(self, value):
        return self.policy.fiscal_year_label(value)

    def render_edit(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("portfolio:envelope_edit", args=[record.pk]), _("Edit")
        )
