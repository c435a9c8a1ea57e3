"""Choices of the RAID log and change control."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """Where a RAID entry is held: on one project, a programme, or the portfolio as a whole."""

    PROJECT = "project", _("Project")
    PROGRAMME = "programme", _("Programme")
    PORTFOLIO = "portfolio", _("Portfolio")


class RiskCategory(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    SCHEDULE = "schedule", _("Schedule")
    FINANCIAL = "financial", _("Financial")
    RESOURCES = "resources", _("Resources")
    SCOPE = "scope", _("Scope")
    SUPPLIER = "supplier", _("Supplier")
    REGULATORY = "regulatory", _("Regulatory and legal")
    SECURITY = "security", _("Security")
    ORGANISATIONAL = "organisational", _("Organisational and change")
    OTHER = "other", _("Other")


class RiskResponse(models.TextChoices):
    """The strategy chosen for a threat: remove it, make it smaller, pass it on, or live
    with it."""

    AVOID = "avoid", _("Avoid")
    REDUCE = "reduce", _("Reduce")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", _("Accept")


class RiskStatus(models.TextChoices):
    """open: identified, no response under way; mitigating: the response is under way;
    closed: no longer a threat (kept); occurred: it happened (kept, often raised as an
    issue)."""

    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Mitigating")
    CLOSED = "closed", _("Closed")
    OCCURRED = "occurred", _("Occurred")


# Risks still threatening the project: they count in the heat map's "live" view, in the
# escalation proposals and in overdue reviews.
LIVE_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IssueStatus(models.TextChoices):
    """open: being dealt with; resolved: the resolution is in place (kept)."""

    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ActionStatus(models.TextChoices):
    """open: to do; in_progress: started; done: finished; cancelled: no longer needed."""

    OPEN = "open", pgettext_lazy("action status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


# Actions still expected: those past their due date are overdue.
PENDING_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionOrigin(models.TextChoices):
    """What an action came out of."""

    RISK = "risk", _("A risk")
    ISSUE = "issue", _("An issue")
    DECISION = "decision", _("A decision")
    MEETING = "meeting", _("A meeting")
    OTHER = "other", _("Other")


class DecisionState(models.TextChoices):
    """requested: put to the decision makers with its context and options; taken: decided
    (outcome, by whom, when), never overwritten; withdrawn: no longer needed."""

    REQUESTED = "requested", _("Requested")
    TAKEN = "taken", _("Taken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeState(models.TextChoices):
    """draft: being written; submitted: awaiting a decision; approved: decided yes, the
    baseline moved; rejected: decided no, with the reason; implemented: the approved change
    is done; withdrawn: dropped by its author before a decision."""

    DRAFT = "draft", pgettext_lazy("change request state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("change request state", "Submitted")
    APPROVED = "approved", pgettext_lazy("change request state", "Approved")
    REJECTED = "rejected", pgettext_lazy("change request state", "Rejected")
    IMPLEMENTED = "implemented", pgettext_lazy("change request state", "Implemented")
    WITHDRAWN = "withdrawn", pgettext_lazy("change request state", "Withdrawn")


# States in which a change request is still waiting for someone.
OPEN_CHANGE_STATES = (ChangeState.DRAFT, ChangeState.SUBMITTED, ChangeState.APPROVED)
