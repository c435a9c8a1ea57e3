"""Table of the alerts."""

import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.tables import BaseTable
from reporting.alerts import message
from reporting.models import Alert

# The acknowledge button of an open alert not yet acknowledged, with an optional note.
ACKNOWLEDGE_FORM = (
    "{% load i18n %}{% if record.is_open and not record.is_acknowledged %}"
    '<form method="post" action="{% url \'reporting:alert_acknowledge\' record.pk %}" '
    'class="inline-form alert-ack">{% csrf_token %}'
    '<input type="hidden" name="next" value="{{ request.get_full_path }}">'
    '<input type="text" name="note" maxlength="1000" '
    "placeholder=\"{% translate 'Note (optional)' %}\" aria-label=\"{% translate 'Note' %}\">"
    '<button type="submit" class="button small">{% translate "Acknowledge" %}</button>'
    "</form>{% endif %}"
)


def _moment(value) -> str:
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


class SeverityColumn(tables.Column):
    """The severity as a coloured badge; sorted high first."""

    def __init__(self, **kwargs):
        super().__init__(order_by=("severity_rank",), **kwargs)

    def render(self, value, record):
        return format_html(
            '<span class="badge alert-{}">{}</span>', record.severity, record.get_severity_display()
        )


class MessageColumn(tables.Column):
    """What the alert says, in the reader's language, linked to what it is about."""

    def __init__(self, **kwargs):
        super().__init__(empty_values=(), orderable=False, **kwargs)

    def render(self, record):
        text = message(record)
        if record.url:
            return format_html('<a href="{}">{}</a>', record.url, text)
        return text


class StateColumn(tables.Column):
    """Open, or when it resolved."""

    def __init__(self, **kwargs):
        super().__init__(accessor="resolved_at", empty_values=(), **kwargs)

    def render(self, value, record):
        if record.is_open:
            return format_html(
                '<span class="badge alert-open">{}</span>', pgettext_lazy("alert", "Open")
            )
        return format_html(
            '<span class="badge alert-resolved">{}</span>',
            _("Resolved on %(date)s") % {"date": _moment(record.resolved_at)},
        )


class AcknowledgedColumn(tables.Column):
    """Who acknowledged it and when, with their note."""

    def __init__(self, **kwargs):
        super().__init__(accessor="acknowledged_at", empty_values=(), **kwargs)

    def render(self, value, record):
        if not record.is_acknowledged:
            return "—"
        if record.acknowledgement_note:
            return format_html(
                '{}<br><small class="muted">{}</small><br><small>{}</small>',
                record.acknowledged_by or "—",
                _moment(record.acknowledged_at),
                record.acknowledgement_note,
            )
        return format_html(
            '{}<br><small class="muted">{}</small>',
            record.acknowledged_by or "—",
            _moment(record.acknowledged_at),
        )


class MomentColumn(tables.Column):
    def render(self, value):
        return _moment(value)


class AlertTable(BaseTable):
    severity = SeverityColumn(verbose_name=_("Severity"))
    kind = tables.Column(verbose_name=_("Kind"))
    message = MessageColumn(verbose_name=_("Alert"))
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url(),
        accessor="project__code",
        order_by=("project__code",),
        verbose_name=_("Project"),
    )
    first_seen_at = MomentColumn(verbose_name=_("First seen"))
    last_seen_at = MomentColumn(verbose_name=_("Last seen"))
    state = StateColumn(verbose_name=_("State"))
    acknowledged = AcknowledgedColumn(verbose_name=_("Acknowledged"))
    acknowledge = tables.TemplateColumn(
        ACKNOWLEDGE_FORM, verbose_name="", orderable=False, empty_values=()
    )

    class Meta(BaseTable.Meta):
        model = Alert
        fields = [
            "severity",
            "kind",
            "message",
            "project",
            "first_seen_at",
            "last_seen_at",
            "state",
            "acknowledged",
            "acknowledge",
        ]
        row_attrs = {"class": lambda record: f"alert-row alert-row-{record.severity}"}
