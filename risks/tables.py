"""Tables of the RAID log and change requests.

A RAID table is built with the day it is read on and the PMO's escalation threshold, both
read once per request: the score bands, the overdue flags and the escalation proposals of
every row are worked out from them and the row itself, never from another query.
"""

from decimal import Decimal

import django_tables2 as tables
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pmo.tables import BaseTable
from risks import selectors
from risks.models import Action, ChangeRequest, Decision, Issue, Risk


def short_date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def score_badge(score, threshold: int):
    """A score as a badge coloured by its band (critical from the escalation threshold)."""
    if score is None:
        return "—"
    band = selectors.score_band(score, threshold)
    return format_html('<span class="badge score band-{}">{}</span>', band, score)


def signed_amount(value: Decimal | None) -> str:
    """A money delta with its sign and grouped thousands; "—" when nothing moves."""
    if not value:
        return "—"
    shown = formats.number_format(abs(value), 0, use_l10n=True, force_grouping=True)
    return f"+{shown}" if value > 0 else f"-{shown}"


def schedule_change(change: ChangeRequest) -> str:
    """What a change request does to the baseline end: a new date or a number of days."""
    if change.new_end_date:
        return str(_("End on %(date)s") % {"date": short_date(change.new_end_date)})
    if change.schedule_delta_days:
        days = change.schedule_delta_days
        return ngettext("%(days)s day", "%(days)s days", abs(days)) % {"days": f"{days:+d}"}
    return "—"


def heat_map_links(grid: dict, *, url: str, query: QueryDict) -> dict:
    """``grid`` (:func:`selectors.heat_map`) with, on each non-empty cell, the link to the
    risk list at ``url`` filtered by ``query`` and that cell's probability and impact."""
    base = query.copy()
    base.pop("page", None)
    for row in grid["rows"]:
        for cell in row["cells"]:
            if not cell["count"]:
                cell["url"] = None
                continue
            cell_query = base.copy()
            cell_query[grid["probability_field"]] = str(cell["probability"])
            cell_query[grid["impact_field"]] = str(cell["impact"])
            cell["url"] = f"{url}?{cell_query.urlencode()}"
    return grid


class RaidTable(BaseTable):
    """Base of the RAID tables: knows today and the escalation threshold."""

    def __init__(self, *args, threshold: int = 15, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.threshold = threshold
        self.today = today or timezone.localdate()


class ReferenceColumn(tables.Column):
    """The record's reference (R-12), linking to it; sorted by creation."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Ref."))
        super().__init__(accessor="pk", linkify=True, order_by=("pk",), **kwargs)

    def render(self, record):
        return record.reference


class ScopeColumn(tables.Column):
    """Where an entry is held: the project's code, else the programme or the portfolio."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Scope"))
        super().__init__(
            accessor="project",
            empty_values=(),
            order_by=("project__code", "programme__name", "portfolio__name"),
            **kwargs,
        )

    def render(self, record):
        if record.project_id:
            project = record.project
            return format_html(
                '<a href="{}" title="{}">{}</a>',
                project.get_absolute_url(),
                project.name,
                project.code,
            )
        scope = record.scope
        return format_html(
            '<a href="{}">{}</a> <span class="muted">({})</span>',
            scope.get_absolute_url(),
            scope,
            record.get_level_display().lower(),
        )


class BadgeColumn(tables.Column):
    """A choice shown as a badge whose class names the value (``raid-open``...)."""

    def __init__(self, *, css_prefix="raid", **kwargs):
        self.css_prefix = css_prefix
        super().__init__(**kwargs)

    def render(self, record, bound_column):
        # The value given to render() is the label; the class wants the stored value.
        name = bound_column.accessor
        label = getattr(record, f"get_{name}_display")()
        return format_html(
            '<span class="badge {}-{}">{}</span>', self.css_prefix, getattr(record, name), label
        )


class DueColumn(tables.Column):
    """A date that can be past due: flagged when ``record.<overdue>(today)`` says so."""

    def __init__(self, *, overdue: str, **kwargs):
        self.overdue = overdue
        super().__init__(**kwargs)

    def render(self, value, record, table):
        if getattr(record, self.overdue)(table.today):
            return format_html(
                '<span class="overdue" title="{}">{} <span class="badge flag-overdue">{}</span>'
                "</span>",
                _("Overdue"),
                short_date(value),
                _("overdue"),
            )
        return short_date(value)


class ScoreColumn(tables.Column):
    def render(self, value, table):
        return score_badge(value, table.threshold)


class EscalationColumn(tables.Column):
    """Escalated to the steering committee, or proposed for it (score at the threshold)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Escalation"))
        super().__init__(accessor="escalated_at", empty_values=(), **kwargs)

    def render(self, record, table):
        if record.is_escalated:
            return format_html('<span class="badge flag-escalated">{}</span>', _("Escalated"))
        if record.proposed_for_escalation(table.threshold):
            return format_html('<span class="badge flag-proposed">{}</span>', _("Proposed"))
        return ""


class PersonColumn(tables.Column):
    def __init__(self, accessor, **kwargs):
        kwargs.setdefault("order_by", (f"{accessor}__last_name", f"{accessor}__first_name"))
        super().__init__(accessor=accessor, **kwargs)


class RiskTable(RaidTable):
    reference = ReferenceColumn()
    title = tables.Column(linkify=True)
    scope = ScopeColumn()
    category = tables.Column()
    probability = tables.Column(verbose_name=_("P"), attrs={"th": {"title": _("Probability")}})
    impact = tables.Column(verbose_name=_("I"), attrs={"th": {"title": _("Impact")}})
    score = ScoreColumn()
    residual_score = ScoreColumn(verbose_name=_("Residual"))
    owner = PersonColumn("owner")
    status = BadgeColumn()
    next_review_date = DueColumn(overdue="review_overdue")
    escalation = EscalationColumn()

    class Meta(BaseTable.Meta):
        model = Risk
        fields = [
            "reference",
            "title",
            "scope",
            "category",
            "probability",
            "impact",
            "score",
            "residual_score",
            "owner",
            "status",
            "next_review_date",
            "escalation",
        ]


class IssueTable(RaidTable):
    reference = ReferenceColumn()
    title = tables.Column(linkify=True)
    scope = ScopeColumn()
    severity = BadgeColumn(css_prefix="severity")
    owner = PersonColumn("owner")
    target_date = DueColumn(overdue="overdue")
    status = BadgeColumn()

    class Meta(BaseTable.Meta):
        model = Issue
        fields = ["reference", "title", "scope", "severity", "owner", "target_date", "status"]


class OriginColumn(tables.Column):
    """What the action came out of, linking to the risk, issue or decision."""

    def __init__(self, **kwargs):
        super().__init__(accessor="origin", **kwargs)

    def render(self, value, record):
        source = record.origin_object
        if source is not None:
            return format_html(
                '{} <a href="{}">{}</a>',
                record.get_origin_display(),
                source.get_absolute_url(),
                source.reference,
            )
        if record.meeting:
            return format_html("{} · {}", record.get_origin_display(), record.meeting)
        return record.get_origin_display()


class ActionTable(RaidTable):
    reference = ReferenceColumn()
    title = tables.Column(linkify=True)
    scope = ScopeColumn()
    owner = PersonColumn("owner")
    due_date = DueColumn(overdue="overdue")
    status = BadgeColumn()
    origin = OriginColumn()

    class Meta(BaseTable.Meta):
        model = Action
        fields = ["reference", "title", "scope", "owner", "due_date", "status", "origin"]


class DecisionTable(RaidTable):
    reference = ReferenceColumn()
    title = tables.Column(linkify=True)
    scope = ScopeColumn()
    needed_by = DueColumn(overdue="overdue")
    state = BadgeColumn()
    decided_by = PersonColumn("decided_by")
    decided_on = tables.DateColumn(short=True)

    class Meta(BaseTable.Meta):
        model = Decision
        fields = [
            "reference",
            "title",
            "scope",
            "needed_by",
            "state",
            "decided_by",
            "decided_on",
        ]


class AmountColumn(tables.Column):
    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(**kwargs)

    def render(self, value):
        return signed_amount(value)


class ScheduleColumn(tables.Column):
    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Schedule"))
        super().__init__(
            accessor="schedule_delta_days",
            empty_values=(),
            order_by=("new_end_date", "schedule_delta_days"),
            **kwargs,
        )

    def render(self, record):
        return schedule_change(record)


class ChangeRequestTable(BaseTable):
    reference = ReferenceColumn()
    title = tables.Column(linkify=True)
    project = tables.Column(
        linkify=lambda record: record.project.get_absolute_url(),
        accessor="project__code",
        order_by=("project__code",),
    )
    state = BadgeColumn()
    cost_delta_capex = AmountColumn(verbose_name=_("CAPEX"))
    cost_delta_opex = AmountColumn(verbose_name=_("OPEX"))
    schedule = ScheduleColumn()
    requested_by = PersonColumn("requested_by")
    decided_by = PersonColumn("decided_by")

    class Meta(BaseTable.Meta):
        model = ChangeRequest
        fields = [
            "reference",
            "title",
            "project",
            "state",
            "cost_delta_capex",
            "cost_delta_opex",
            "schedule",
            "requested_by",
            "decided_by",
        ]
