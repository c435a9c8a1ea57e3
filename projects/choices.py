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


class Weather(models.TextChoices):
    """The project manager's overall feeling about the project this week, best to worst."""

    SUNNY = "sunny", _("Sunny")
    CLOUDY = "cloudy", _("Cloudy")
    RAINY = "rainy", _("Rainy")
    STORMY = "stormy", _("Stormy")


class Rating(models.TextChoices):
    """A QCDR axis rating. green: on plan; amber: at risk, under control; red: off plan,
    needs a recovery plan."""

    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


# Worse is higher: trends compare these ranks.
RATING_RANK = {Rating.GREEN: 0, Rating.AMBER: 1, Rating.RED: 2}
WEATHER_RANK = {Weather.SUNNY: 0, Weather.CLOUDY: 1, Weather.RAINY: 2, Weather.STORMY: 3}


class Axis(models.TextChoices):
    """The four axes of a weekly status: Quality, Cost, Delay (schedule), Risk."""

    QUALITY = "quality", _("Quality")
    COST = "cost", _("Cost")
    DELAY = "delay", _("Delay")
    RISK = "risk", _("Risk")


class ReportState(models.TextChoices):
    """Life of one revision of a weekly status.

    draft: being written, editable by its project's manager; submitted: the week's record,
    never edited again; superseded: a submitted revision replaced by a later amendment, kept.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SUPERSEDED = "superseded", _("Superseded")


class WeekState(models.TextChoices):
    """Where a project stands for one week's status, seen from the calendar.

    to_do: nothing yet, before the deadline; draft: started, not submitted, before the
    deadline; late: not submitted after the deadline (draft or not); submitted: on time;
    submitted_late: submitted after the deadline; not_reported: a past week never reported.
    """

    TO_DO = "to_do", _("To do")
    DRAFT = "draft", _("Draft")
    LATE = "late", _("Late")
    SUBMITTED = "submitted", _("Submitted")
    SUBMITTED_LATE = "submitted_late", _("Submitted late")
    NOT_REPORTED = "not_reported", _("Not reported")


class Trend(models.TextChoices):
    """An axis against the previous submitted week."""

    BETTER = "better", _("Better")
    SAME = "same", _("Same")
    WORSE = "worse", _("Worse")


class Nature(models.TextChoices):
    """The accounting nature of money: capex, investment that builds an asset (capitalised);
    opex, operating spending (expensed in the year)."""

    CAPEX = "capex", _("CAPEX")
    OPEX = "opex", _("OPEX")


class CostCategory(models.TextChoices):
    """What money is spent on."""

    INTERNAL_LABOUR = "internal_labour", _("Internal labour")
    EXTERNAL_SERVICES = "external_services", _("External services")
    SOFTWARE = "software", _("Software")
    HARDWARE = "hardware", _("Hardware")
    OTHER = "other", _("Other")


class CostKind(models.TextChoices):
    """commitment: money engaged but not yet spent (a purchase order); actual: money spent
    (an invoice booked, time charged)."""

    COMMITMENT = "commitment", _("Commitment")
    ACTUAL = "actual", _("Actual")


class EntrySource(models.TextChoices):
    """Where a cost entry or an allocation came from: typed in a page, pushed by an
    integration through the API, or imported from a file."""

    MANUAL = "manual", _("Manual")
    INTEGRATION = "integration", _("Integration")
    IMPORT = "import", _("Import")


class EacBasis(models.TextChoices):
    """How an estimate at completion was reached: reported, actuals plus the estimate to
    complete of the latest status; performance, the budget divided by the cost performance
    index, when no estimate to complete was reported."""

    REPORTED = "reported", _("Actuals + estimate to complete")
    PERFORMANCE = "performance", _("Budget / CPI")


class ScenarioChoice(models.TextChoices):
    """The PMO's choice for a project in a cut-line scenario: forced in, or out."""

    IN = "in", _("Forced in")
    OUT = "out", _("Forced out")


class KnowledgeArea(models.TextChoices):
    """The knowledge area a lesson learned is about (PMBOK's ten)."""

    INTEGRATION = "integration", _("Integration")
    SCOPE = "scope", _("Scope")
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    QUALITY = "quality", _("Quality")
    RESOURCES = "resources", _("Resources")
    COMMUNICATION = "communication", _("Communication")
    RISK = "risk", _("Risk")
    PROCUREMENT = "procurement", _("Procurement")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")


class LessonPolarity(models.TextChoices):
    """Whether a lesson is something to repeat or to avoid."""

    POSITIVE = "positive", _("Positive: to repeat")
    NEGATIVE = "negative", _("Negative: to avoid")


class LessonSource(models.TextChoices):
    """When a lesson was captured: at a stage gate, at closure, or along the way."""

    GATE = "gate", _("At a gate")
    CLOSURE = "closure", _("At closure")
    ONGOING = "ongoing", _("Along the way")


class SuggestionState(models.TextChoices):
    """What the project manager made of a lesson suggested to their project."""

    APPLIED = "applied", _("Applied")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class RequestState(models.TextChoices):
    """Where a project request (launch note) stands: drafted by its author, submitted to the
    PMO, then accepted (it became a project, in the idea phase) or rejected; withdrawn by its
    author before a decision."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GateDecision(models.TextChoices):
    """The decision of a gate review.

    go: the project moves to the next phase; go_with_conditions: it moves, with conditions
    recorded; no_go: it stops there (cancelled); recycle: it stays in its phase to rework what
    the gate found lacking, and comes back to the gate.
    """

    GO = "go", _("Go")
    GO_WITH_CONDITIONS = "go_with_conditions", _("Go with conditions")
    NO_GO = "no_go", _("No-go")
    RECYCLE = "recycle", _("Recycle")


PASSING_DECISIONS = (GateDecision.GO, GateDecision.GO_WITH_CONDITIONS)


class ObjectivesMet(models.TextChoices):
    """Whether a closed project met its objectives."""

    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
