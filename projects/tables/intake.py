"""The table of project requests."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable, MoneyColumn
from projects.models import ProjectRequest


def state_badge(request: ProjectRequest) -> str:
    return format_html(
        '<span class="badge request-{}">{}</span>', request.state, request.get_state_display()
    )


class ProjectRequestTable(BaseTable):
    title = tables.Column(
        linkify=lambda record: reverse("projects:request_detail", args=[record.pk])
    )
    portfolio = tables.Column(order_by=("portfolio__code",))
    programme = tables.Column(order_by=("programme__code",))
    requested_by = tables.Column()
    state = tables.Column()
    capex_estimate = MoneyColumn(places=0)
    opex_estimate = MoneyColumn(places=0)
    project = tables.Column(
        verbose_name=_("Project"),
        order_by=("project__code",),
        linkify=lambda record: record.project.get_absolute_url() if record.project else None,
    )
    created_at = tables.DateColumn(verbose_name=_("Filed"), short=True)

    class Meta(BaseTable.Meta):
        model = ProjectRequest
        fields = [
            "title",
            "portfolio",
            "programme",
            "requested_by",
            "state",
            "capex_estimate",
            "opex_estimate",
            "project",
            "created_at",
        ]

    def render_state(self, record):
        return state_badge(record)

    def render_portfolio(self, record):
        return record.portfolio.code

    def render_programme(self, record):
        return record.programme.code

    def render_project(self, record):
        return record.project.code
