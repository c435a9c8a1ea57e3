"""Tables of the portfolio structure."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable
from portfolio.models import Portfolio, Programme, StrategicObjective


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
