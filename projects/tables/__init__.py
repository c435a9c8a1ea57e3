"""Tables of projects and milestones."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable
from projects.models import Milestone, Project


class PhaseColumn(tables.Column):
    def render(self, value, record):
        return format_html(
            '<span class="badge phase-{}">{}</span>', record.phase, record.get_phase_display()
        )


class SlipColumn(tables.Column):
    """Schedule slip in days, signed and coloured."""

    def render(self, value):
        if value is None:
            return "—"
        css = "slip-late" if value > 0 else "slip-ok"
        return format_html('<span class="{}">{}</span>', css, f"{value:+d}")


class ProjectTable(BaseTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    portfolio = tables.Column(linkify=True, order_by=("portfolio__name",))
    programme = tables.Column(linkify=True, order_by=("programme__name",))
    project_manager = tables.Column(
        order_by=("project_manager__last_name", "project_manager__first_name")
    )
    phase = PhaseColumn()
    baseline_end = tables.DateColumn(short=True)
    forecast_end = tables.DateColumn(short=True)
    schedule_slip_days = SlipColumn(verbose_name=_("Slip (days)"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Project
        fields = [
            "code",
            "name",
            "portfolio",
            "programme",
            "project_manager",
            "phase",
            "baseline_end",
            "forecast_end",
            "schedule_slip_days",
        ]


class MilestoneStatusColumn(tables.Column):
    def render(self, value, record):
        status = record.status()
        return format_html(
            '<span class="badge ms-{}">{}</span>', status, record.get_status_display()
        )


class MilestoneTable(BaseTable):
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url(),
        order_by=("project__code",),
        accessor="project__code",
    )
    name = tables.Column(linkify=True)
    is_gate = tables.BooleanColumn()
    baseline_date = tables.DateColumn(short=True)
    forecast_date = tables.DateColumn(short=True)
    actual_date = tables.DateColumn(short=True)
    slip_days = SlipColumn(verbose_name=_("Slip (days)"), orderable=False)
    status = MilestoneStatusColumn(verbose_name=_("Status"), empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = [
            "project",
            "name",
            "is_gate",
            "baseline_date",
            "forecast_date",
            "actual_date",
            "slip_days",
            "status",
        ]
