"""Tables of the Copil packs (runs) and of the report schedules."""

import django_tables2 as tables
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import NUMBER_ATTRS, BaseTable
from reporting import cron
from reporting.choices import ReportKind, RunState
from reporting.models import ReportRun, ReportSchedule

# The badge of each state, in the colours the product already gives such states: grey to
# do, blue under way, green done, red failed.
STATE_BADGE = {
    RunState.QUEUED: "state-to_do",
    RunState.RUNNING: "state-draft",
    RunState.SUCCEEDED: "state-submitted",
    RunState.FAILED: "state-late",
}


def state_badge(run) -> str:
    """The run's state as a badge; a failed one carries its error in its tooltip."""
    if run.state == RunState.FAILED and run.error:
        return format_html(
            '<span class="badge {}" title="{}">{}</span>',
            STATE_BADGE.get(run.state, ""),
            run.error,
            run.get_state_display(),
        )
    return format_html(
        '<span class="badge {}">{}</span>', STATE_BADGE.get(run.state, ""), run.get_state_display()
    )


def made_by(run) -> str:
    """The schedule that made the run, or who asked for it."""
    if run.schedule_id:
        return run.schedule.name
    return str(run.requested_by) if run.requested_by_id else "—"


def _moment(value) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


class ScopeColumn(tables.Column):
    """The portfolio, programme or project the pack covers, linked to its pack."""

    def __init__(self, **kwargs):
        super().__init__(
            empty_values=(),
            order_by=("portfolio__name", "programme__name", "project__code"),
            **kwargs,
        )

    def render(self, record):
        if record.kind == ReportKind.PORTFOLIO_PACK:
            return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.scope)
        # A programme's or a project's pack: its portfolio under it, to read the list by it.
        return format_html(
            '<a href="{}">{}</a><br><small class="muted">{}</small>',
            record.get_absolute_url(),
            record.scope,
            record.portfolio.name,
        )


class PackTable(BaseTable):
    """The packs, newest first: what, as of when, in which language, how it went, and the
    PDF one click away."""

    scope = ScopeColumn(verbose_name=_("Scope"))
    kind = tables.Column(verbose_name=_("Kind"))
    as_of = tables.DateColumn(verbose_name=_("As of"), format="SHORT_DATE_FORMAT")
    language = tables.Column(verbose_name=_("Language"))
    state = tables.Column(verbose_name=_("State"))
    page_count = tables.Column(verbose_name=_("Pages"), attrs=NUMBER_ATTRS)
    file_size = tables.Column(verbose_name=_("Size"), attrs=NUMBER_ATTRS)
    made_by = tables.Column(
        verbose_name=_("Made by"),
        empty_values=(),
        order_by=("schedule__name", "requested_by__last_name"),
    )
    created_at = tables.Column(verbose_name=_("Asked at"))
    download = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = ReportRun
        fields = [
            "scope",
            "kind",
            "as_of",
            "language",
            "state",
            "page_count",
            "file_size",
            "made_by",
            "created_at",
            "download",
        ]
        row_attrs = {"class": lambda record: f"pack-row pack-{record.state}"}

    def render_language(self, value):
        return value.upper()

    def render_state(self, record):
        return state_badge(record)

    def render_file_size(self, value):
        return filesizeformat(value)

    def render_made_by(self, record):
        return made_by(record)

    def render_created_at(self, value):
        return _moment(value)

    def render_download(self, record):
        if record.state != RunState.SUCCEEDED or not record.pdf:
            return ""
        return format_html(
            '<a class="button small" href="{}" download>{}</a>',
            reverse("reporting:pack_pdf", args=[record.pk]),
            _("PDF"),
        )


class ScheduleTable(BaseTable):
    """The schedules: what pack of which scope, when in words and next, for how many."""

    name = tables.Column(linkify=True, verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    scope = tables.Column(
        empty_values=(),
        order_by=("portfolio__name", "programme__name", "project__code"),
        verbose_name=_("Scope"),
    )
    cron = tables.Column(verbose_name=_("When"))
    next_run = tables.Column(empty_values=(), orderable=False, verbose_name=_("Next pack"))
    language = tables.Column(verbose_name=_("Language"))
    recipient_count = tables.Column(verbose_name=_("Recipients"), attrs=NUMBER_ATTRS)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))
    last_state = tables.Column(verbose_name=_("Last pack"))

    class Meta(BaseTable.Meta):
        model = ReportSchedule
        fields = [
            "name",
            "kind",
            "scope",
            "cron",
            "next_run",
            "language",
            "recipient_count",
            "is_active",
            "last_state",
        ]

    def render_scope(self, record):
        return record.scope

    def render_cron(self, record):
        return format_html(
            '{}<br><small class="muted"><code>{}</code> · {}</small>',
            cron.describe(record.cron, translation.get_language() or "en"),
            record.cron,
            record.time_zone,
        )

    def render_next_run(self, record):
        if not record.is_active:
            return "—"
        try:
            moment = cron.next_occurrence(record.cron, record.time_zone, timezone.now())
        except ValueError:
            return "—"
        return _moment(moment)

    def render_language(self, value):
        return value.upper()

    def render_last_state(self, record):
        if not record.last_state:
            return "—"
        return format_html(
            '<span class="badge {}">{}</span>',
            STATE_BADGE.get(record.last_state, ""),
            RunState(record.last_state).label,
        )
