"""Table of the overrun alerts."""

import django_tables2 as tables
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.tables import NUMBER_ATTRS, BaseTable, MoneyColumn
from projects.models import OverrunAlert


class OverrunPercentColumn(tables.Column):
    """How far the estimate passes the budget, in % of it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(accessor="overrun_percent", empty_values=(), orderable=False, **kwargs)

    def render(self, value):
        if value is None:
            return "—"
        shown = formats.number_format(value, 1, use_l10n=True)
        return format_html('<span class="slip-late">+{}&nbsp;%</span>', shown)


class AlertStateColumn(tables.Column):
    """Open, or the day it was cleared."""

    def __init__(self, **kwargs):
        super().__init__(accessor="closed_at", empty_values=(), **kwargs)

    def render(self, value, record):
        if record.is_open:
            return format_html(
                '<span class="badge alert-open">{}</span>', pgettext_lazy("overrun alert", "Open")
            )
        return format_html(
            '<span class="badge alert-closed">{}</span>',
            _("Cleared on %(date)s")
            % {"date": formats.date_format(record.closed_at, "SHORT_DATE_FORMAT")},
        )


class CostRatingColumn(tables.Column):
    """The Cost rating the project declared when the alert was last refreshed."""

    def render(self, value, record):
        # ``value`` is the choice's label: the CSS class wants the stored rating.
        return format_html(
            '<span class="rating rating-{}">{}</span>',
            record.cost_rating,
            record.get_cost_rating_display(),
        )


class UnflaggedColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(empty_values=(), **kwargs)

    def render(self, value):
        if not value:
            return ""
        return format_html(
            '<span class="badge flag-unflagged">{}</span>',
            pgettext_lazy("overrun alert", "Unflagged"),
        )


class OverrunAlertTable(BaseTable):
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url(),
        accessor="project__code",
        order_by=("project__code",),
        verbose_name=_("Project"),
    )
    name = tables.Column(accessor="project__name", verbose_name=_("Name"))
    portfolio = tables.Column(
        accessor="project__portfolio",
        linkify=lambda record: record.project.portfolio.get_absolute_url(),
        order_by=("project__portfolio__name",),
        verbose_name=_("Portfolio"),
    )
    project_manager = tables.Column(
        accessor="project__project_manager",
        order_by=("project__project_manager__last_name", "project__project_manager__first_name"),
        verbose_name=_("Project manager"),
    )
    budget = MoneyColumn(places=0)
    eac = MoneyColumn(places=0)
    overrun_percent = OverrunPercentColumn(verbose_name=_("Overrun"))
    eac_basis = tables.Column()
    cost_rating = CostRatingColumn()
    unflagged = UnflaggedColumn()
    opened_at = tables.DateColumn(short=True)
    state = AlertStateColumn(verbose_name=_("State"))
    notified_at = tables.DateColumn(short=True)

    class Meta(BaseTable.Meta):
        model = OverrunAlert
        fields = [
            "project",
            "name",
            "portfolio",
            "project_manager",
            "budget",
            "eac",
            "overrun_percent",
            "eac_basis",
            "cost_rating",
            "unflagged",
            "opened_at",
            "state",
            "notified_at",
        ]
