"""Tables of budget lines and cost entries."""

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo import months
from pmo.tables import BaseTable, MoneyColumn, money
from projects.models import BudgetLine, CostEntry


class ProjectCodeColumn(tables.Column):
    """The row's project by its code, linking to the project, its name on hover."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Project"))
        super().__init__(accessor="project", order_by=("project__code",), **kwargs)

    def render(self, value):
        return format_html(
            '<a href="{}" title="{}">{}</a>', value.get_absolute_url(), value.name, value.code
        )


class BudgetLineTable(BaseTable):
    """Budget lines; the footer sums the lines the filters kept (``total``, all pages)."""

    project = ProjectCodeColumn(footer=_("Total"))
    fiscal_year = tables.Column()
    nature = tables.Column()
    category = tables.Column()
    amount = MoneyColumn(footer=lambda table: money(table.total))
    note = tables.Column()
    edit = tables.Column(
        verbose_name="",
        accessor="pk",
        orderable=False,
        linkify=lambda record: reverse("projects:budgetline_edit", args=[record.pk]),
    )

    class Meta(BaseTable.Meta):
        model = BudgetLine
        fields = ["project", "fiscal_year", "nature", "category", "amount", "note", "edit"]

    def __init__(self, *args, total: Decimal = Decimal("0.00"), start_month: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.total = total
        self.start_month = start_month

    def render_fiscal_year(self, value):
        return months.fiscal_year_label(value, self.start_month)

    def render_edit(self):
        return _("Edit")


class CostKindColumn(tables.Column):
    def render(self, value, record):
        return format_html(
            '<span class="badge cost-{}">{}</span>', record.kind, record.get_kind_display()
        )


class CostEntryTable(BaseTable):
    date = tables.DateColumn(
        short=True,
        linkify=lambda record: reverse("projects:costentry_detail", args=[record.pk]),
    )
    project = ProjectCodeColumn()
    kind = CostKindColumn()
    nature = tables.Column()
    category = tables.Column()
    amount = MoneyColumn()
    label = tables.Column()
    supplier = tables.Column()
    source = tables.Column()
    external_reference = tables.Column(verbose_name=_("Reference"))

    class Meta(BaseTable.Meta):
        model = CostEntry
        fields = [
            "date",
            "project",
            "kind",
            "nature",
            "category",
            "amount",
            "label",
            "supplier",
            "source",
            "external_reference",
        ]
