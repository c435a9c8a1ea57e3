"""The table of gate reviews across the portfolio."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.tables import BaseTable
from projects.choices import GateDecision
from projects.models import GateReview
from projects.selectors.gates import checklist_done
from projects.tables.finance import ProjectCodeColumn

# The colours of a decision's badge, borrowed from the alerts' (green, amber, red, grey).
DECISION_CLASSES = {
    GateDecision.GO: "alert-resolved",
    GateDecision.GO_WITH_CONDITIONS: "alert-medium",
    GateDecision.NO_GO: "alert-open",
    GateDecision.RECYCLE: "alert-low",
}


def decision_badge(review: GateReview) -> str:
    return format_html(
        '<span class="badge gate-{} {}">{}</span>',
        review.decision,
        DECISION_CLASSES.get(review.decision, ""),
        review.get_decision_display(),
    )


class GateReviewTable(BaseTable):
    decided_on = tables.DateColumn(verbose_name=_("Date"), short=True)
    project = ProjectCodeColumn()
    gate_name = tables.Column()
    phases = tables.Column(verbose_name=_("From → to"), accessor="pk", orderable=False)
    decision = tables.Column()
    checklist = tables.Column(verbose_name=_("Checklist"), orderable=False)
    decided_by = tables.Column()
    conditions = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = GateReview
        fields = [
            "decided_on",
            "project",
            "gate_name",
            "phases",
            "decision",
            "checklist",
            "decided_by",
            "conditions",
        ]

    def render_phases(self, record):
        return format_html(
            "{} → {}", record.get_from_phase_display(), record.get_to_phase_display()
        )

    def render_decision(self, record):
        return decision_badge(record)

    def render_checklist(self, record):
        done, total = checklist_done(record.checklist)
        return f"{done}/{total}"

    def render_decided_by(self, value):
        return value.get_full_name() or value.get_username()
