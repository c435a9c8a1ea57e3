"""Tables of staffing: the allocation list."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable, fte
from projects.models import Allocation


class ResourceColumn(tables.Column):
    """The resource, linking to its page; flagged when no longer active."""

    def render(self, record):
        resource = record.resource
        inactive = ""
        if not resource.is_active:
            inactive = format_html(' <span class="badge flag-inactive">{}</span>', _("inactive"))
        return format_html(
            '<a href="{}">{}</a>{}', resource.get_absolute_url(), resource.name, inactive
        )


class AllocationTable(BaseTable):
    """Allocations; the month links to the allocation's edit page when the user may change
    it (``can_change(record)``), the project to its staffing grid."""

    month = tables.Column(verbose_name=_("Month"), order_by=("month",))
    resource = ResourceColumn(order_by=("resource__name",))
    project = tables.Column(order_by=("project__code",))
    fte = tables.Column(verbose_name=_("FTE"), attrs={"td": {"class": "num"}})
    source = tables.Column()
    note = tables.Column()

    class Meta(BaseTable.Meta):
        model = Allocation
        fields = ["month", "resource", "project", "fte", "source", "note"]

    def __init__(self, *args, can_change=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_change = can_change or (lambda record: False)

    def render_month(self, value, record):
        shown = value.strftime("%Y-%m")
        if self.can_change(record):
            return format_html(
                '<a href="{}">{}</a>', reverse("projects:allocation_edit", args=[record.pk]), shown
            )
        return shown

    def render_project(self, value, record):
        project = record.project
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("projects:project_staffing", args=[project.pk]),
            project.name,
            project.code,
        )

    def render_fte(self, value):
        return fte(value)
