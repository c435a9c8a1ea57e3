"""Choices of the projects app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """Life-cycle phase of a project, in order.

    idea: a request not yet framed; framing: scope and case being written; planning: the
    baseline is being set; execution: delivering against the baseline; closing: handing over
    and learning; closed: finished; cancelled: stopped before its end.
    """

    IDEA = "idea", _("Idea")
    FRAMING = "framing", _("Framing")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Phases in which a project is live: it reports weekly and weighs on the portfolio.
ACTIVE_PHASES = (Phase.FRAMING, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)
# Phases after which a project's record is frozen for everyone but the PMO.
ENDED_PHASES = (Phase.CLOSED, Phase.CANCELLED)
# From these phases on a project must have a baseline to be measured against.
BASELINED_PHASES = (Phase.EXECUTION, Phase.CLOSING, Phase.CLOSED)


class MilestoneStatus(models.TextChoices):
    """Where a milestone stands today, derived from its dates."""

    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    SLIPPED = "slipped", _("Slipped")
    ON_TRACK = "on_track", _("On track")
