"""Choices of the reporting app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    """What an alert is about.

    unflagged_overrun: the estimate at completion passes the budget beyond the tolerance while
    the project's latest Cost rating is green; late_report: this week's status is late, or a
    past week was never reported; red_without_recovery: an axis is red and its recovery plan's
    target date is past (or there is none); slipped_milestone: a milestone is overdue or
    forecast after its baseline date; overdue_action: an action past its due date and not done;
    over_allocation: a resource planned above its capacity in a month; escalated_risk: a risk
    escalated to the steering committee and no decision taken on its project since;
    health_gap: the declared rating of an axis differs from the computed one by a level or more.
    """

    UNFLAGGED_OVERRUN = "unflagged_overrun", _("Unflagged overrun")
    LATE_REPORT = "late_report", _("Late or missing report")
    RED_WITHOUT_RECOVERY = "red_without_recovery", _("Red without a recovery plan")
    SLIPPED_MILESTONE = "slipped_milestone", _("Slipped milestone")
    OVERDUE_ACTION = "overdue_action", _("Overdue action")
    OVER_ALLOCATION = "over_allocation", _("Over-allocated resource")
    ESCALATED_RISK = "escalated_risk", _("Escalated risk without a decision")
    HEALTH_GAP = "health_gap", _("Declared and computed health disagree")


class AlertSeverity(models.TextChoices):
    """How much an alert weighs: high first on every list."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {AlertSeverity.HIGH: 0, AlertSeverity.MEDIUM: 1, AlertSeverity.LOW: 2}


class ReportKind(models.TextChoices):
    """What a Copil pack covers.

    portfolio_pack: a portfolio, one page per project; programme_pack: the same for the
    projects of a programme; project_flash: one project in one or two pages.
    """

    PORTFOLIO_PACK = "portfolio_pack", _("Portfolio Copil pack")
    PROGRAMME_PACK = "programme_pack", _("Programme pack")
    PROJECT_FLASH = "project_flash", _("Project flash report")


class RunState(models.TextChoices):
    """Where a generation stands: queued, then running, then succeeded (the PDF is kept) or
    failed (the error is kept and the run may be retried)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ReportSection(models.TextChoices):
    """The parts of a pack the PMO may leave out; the cover is always there."""

    SUMMARY = "summary", _("Executive summary")
    PROJECT_PAGES = "project_pages", _("One page per project")
    FINANCE = "finance", _("Budget and costs")
    RESOURCES = "resources", _("FTE demand and capacity")
    RISKS = "risks", _("Top risks")
    AWAITING = "awaiting", _("Change requests and decisions awaiting the committee")
    HEAT_MAP = "heat_map", _("Appendix: risk heat map")
    DECISION_LOG = "decision_log", _("Appendix: decision log")


class Confidentiality(models.TextChoices):
    """The marking printed on the cover and every footer of a pack."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    RESTRICTED = "restricted", _("Restricted")
