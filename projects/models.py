"""Projects, their contribution to strategic objectives, and their milestones."""

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.models import CodedModel, TimeStampedModel, code_validator
from portfolio.choices import Contribution
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects import weeks
from projects.choices import (
    ACTIVE_PHASES,
    BASELINED_PHASES,
    Axis,
    MilestoneStatus,
    Phase,
    Rating,
    ReportState,
    Weather,
)


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Project(CodedModel):
    """A project of a portfolio, optionally in one of its programmes, with a baseline."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("Short unique reference, e.g. PRJ-042."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("portfolio"), on_delete=models.PROTECT, related_name="projects"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
        help_text=_("Optional; must belong to the project's portfolio."),
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="sponsored_projects",
        null=True,
        blank=True,
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        related_name="managed_projects",
        null=True,
        blank=True,
        help_text=_("Required once the project is past the idea phase."),
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase, default=Phase.IDEA)
    baseline_start = models.DateField(_("baseline start"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline end"), null=True, blank=True)
    forecast_start = models.DateField(_("forecast start"), null=True, blank=True)
    forecast_end = models.DateField(_("forecast end"), null=True, blank=True)
    budget_capex = models.DecimalField(
        _("baseline budget, CAPEX"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Authorised investment spending; changed by approved change requests."),
    )
    budget_opex = models.DecimalField(
        _("baseline budget, OPEX"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Authorised operating spending; changed by approved change requests."),
    )
    objectives = models.ManyToManyField(
        StrategicObjective,
        verbose_name=_("strategic objectives"),
        through="ProjectObjective",
        related_name="projects",
        blank=True,
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Paris",
        help_text=_("Weeks and reporting deadlines are counted in this time zone."),
    )
    last_status = models.ForeignKey(
        "StatusReport",
        verbose_name=_("latest submitted status"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kept by the status services so that lists need no query per project."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="project_code_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(baseline_end__gte=models.F("baseline_start"))
                | models.Q(baseline_start__isnull=True)
                | models.Q(baseline_end__isnull=True),
                name="project_baseline_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(forecast_end__gte=models.F("forecast_start"))
                | models.Q(forecast_start__isnull=True)
                | models.Q(forecast_end__isnull=True),
                name="project_forecast_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_capex__gte=0, budget_opex__gte=0),
                name="project_budget_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if (
            self.programme_id
            and self.portfolio_id
            and self.programme.portfolio_id != self.portfolio_id
        ):
            errors["programme"] = _("This programme belongs to another portfolio.")
        if self.baseline_start and self.baseline_end and self.baseline_end < self.baseline_start:
            errors["baseline_end"] = _("The baseline end cannot be before its start.")
        if self.forecast_start and self.forecast_end and self.forecast_end < self.forecast_start:
            errors["forecast_end"] = _("The forecast end cannot be before its start.")
        if self.phase in ACTIVE_PHASES and not self.project_manager_id:
            errors["project_manager"] = _("A project past the idea phase needs a project manager.")
        if self.phase in BASELINED_PHASES:
            for field in ("baseline_start", "baseline_end"):
                if getattr(self, field) is None:
                    errors[field] = _("A project in execution or later needs a baseline.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.phase in ACTIVE_PHASES

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return weeks.zone(self.time_zone)

    @property
    def budget_total(self) -> Decimal:
        """The baseline budget, CAPEX and OPEX together (the budget at completion)."""
        return (self.budget_capex or Decimal("0")) + (self.budget_opex or Decimal("0"))

    def baseline(self) -> dict:
        """The baseline as it stands: the values a rebaseline records before and after."""
        return {field: getattr(self, field) for field in BASELINE_FIELDS}

    @property
    def schedule_slip_days(self) -> int | None:
        """Days the forecast end lies after the baseline end (negative: ahead); None if unknown."""
        if self.baseline_end and self.forecast_end:
            return (self.forecast_end - self.baseline_end).days
        return None


# What a project is measured against; set by the PMO, moved by approved change requests, and
# every change of it recorded as a BaselineRevision.
BASELINE_FIELDS = ("baseline_start", "baseline_end", "budget_capex", "budget_opex")


class BaselineRevision(models.Model):
    """One state of a project's baseline, kept for ever: the first one when the project was
    baselined, then one per change (a PMO edit or an approved change request)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="baseline_revisions",
    )
    number = models.PositiveIntegerField(_("revision"))
    baseline_start = models.DateField(_("baseline start"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline end"), null=True, blank=True)
    budget_capex = models.DecimalField(_("baseline budget, CAPEX"), max_digits=14, decimal_places=2)
    budget_opex = models.DecimalField(_("baseline budget, OPEX"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("baseline revision")
        verbose_name_plural = _("baseline revisions")
        ordering = ["project__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="baseline_revision_number_unique"
            ),
        ]

    def __str__(self):
        return str(
            _("%(code)s baseline, revision %(number)s")
            % {"code": self.project.code, "number": self.number}
        )

    @property
    def budget_total(self) -> Decimal:
        return self.budget_capex + self.budget_opex


class ProjectObjective(models.Model):
    """How much a project contributes to one strategic objective."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    objective = models.ForeignKey(
        StrategicObjective,
        verbose_name=_("strategic objective"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    contribution = models.PositiveSmallIntegerField(
        _("contribution"), choices=Contribution, default=Contribution.MEDIUM
    )

    class Meta:
        verbose_name = _("contribution to an objective")
        verbose_name_plural = _("contributions to objectives")
        ordering = ["project", "objective__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "objective"], name="project_objective_unique"
            ),
        ]

    def __str__(self):
        return f"{self.project.code} → {self.objective.code} ({self.get_contribution_display()})"


class Milestone(TimeStampedModel):
    """A dated step of a project: baseline, forecast and actual dates; maybe a stage gate."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_gate = models.BooleanField(
        _("stage gate"),
        default=False,
        help_text=_("A decision point at the end of a phase."),
    )
    baseline_date = models.DateField(_("baseline date"))
    forecast_date = models.DateField(
        _("forecast date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while it matches the baseline."),
    )
    actual_date = models.DateField(
        _("actual date"), null=True, blank=True, help_text=_("When it was reached.")
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project__code", "baseline_date", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:milestone_detail", args=[self.pk])

    def clean(self):
        if self.actual_date and self.actual_date > timezone.localdate():
            raise ValidationError(
                {"actual_date": _("A milestone cannot be reached in the future.")}
            )

    @property
    def expected_date(self) -> datetime.date:
        """The date it is expected (or was reached) on."""
        return self.actual_date or self.forecast_date or self.baseline_date

    @property
    def slip_days(self) -> int:
        """Days between the baseline and the expected date (negative: ahead)."""
        return (self.expected_date - self.baseline_date).days

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.actual_date:
            return MilestoneStatus.DONE
        if self.expected_date < today:
            return MilestoneStatus.OVERDUE
        if self.slip_days > 0:
            return MilestoneStatus.SLIPPED
        return MilestoneStatus.ON_TRACK

    def get_status_display(self) -> str:
        return MilestoneStatus(self.status()).label


class ReportingCalendar(TimeStampedModel):
    """When weekly statuses are due (one row, set by the PMO): a weekday and a time, counted
    in each project's time zone, and how long before it reminders go out."""

    due_weekday = models.PositiveSmallIntegerField(
        _("due day"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        default=4,
    )
    due_time = models.TimeField(_("due time"), default=datetime.time(12, 0))
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(144)],
        help_text=_(
            "Project managers with a report still missing are reminded this long "
            "before the deadline."
        ),
    )

    class Meta:
        verbose_name = _("reporting calendar")
        verbose_name_plural = _("reporting calendar")
        ordering = ["pk"]

    def __str__(self):
        return str(
            _("Weekly status due %(day)s at %(time)s")
            % {"day": self.get_due_weekday_display(), "time": self.due_time.strftime("%H:%M")}
        )

    @classmethod
    def get(cls) -> "ReportingCalendar":
        """The calendar in force (the defaults until the PMO saves one)."""
        return cls.objects.order_by("pk").first() or cls()

    def deadline(self, week: datetime.date, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
        return weeks.deadline(week, weekday=self.due_weekday, at=self.due_time, tz=tz)

    def reminder_time(self, week: datetime.date, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
        return self.deadline(week, tz) - datetime.timedelta(hours=self.reminder_hours)


# The content of a status: what a project manager writes, copied into an amendment,
# prefilled from last week and exposed by the API.
STATUS_CONTENT_FIELDS = (
    "weather",
    "quality_rating",
    "quality_comment",
    "cost_rating",
    "cost_comment",
    "delay_rating",
    "delay_comment",
    "risk_rating",
    "risk_comment",
    "recovery_plan",
    "recovery_target_date",
    "progress",
    "achievements",
    "next_steps",
    "attention_points",
    "decisions_requested",
    "estimate_to_complete",
)


def rating_field(label):
    return models.CharField(label, max_length=10, choices=Rating, default=Rating.GREEN)


class StatusReport(TimeStampedModel):
    """One revision of a project's weekly status (QCDR, weather, progress, forecast).

    A week has at most one draft and one submitted revision at a time. A submitted revision is
    never edited: an amendment is a new revision (with its reason) which, once submitted,
    supersedes the earlier one; both are kept.
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the reported week."))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ReportState,
        default=ReportState.DRAFT,
        editable=False,
    )
    weather = models.CharField(_("weather"), max_length=10, choices=Weather)
    quality_rating = rating_field(_("quality"))
    quality_comment = models.TextField(_("quality comment"), blank=True)
    cost_rating = rating_field(_("cost"))
    cost_comment = models.TextField(_("cost comment"), blank=True)
    delay_rating = rating_field(_("delay"))
    delay_comment = models.TextField(_("delay comment"), blank=True)
    risk_rating = rating_field(_("risk"))
    risk_comment = models.TextField(_("risk comment"), blank=True)
    recovery_plan = models.TextField(
        _("recovery plan"), blank=True, help_text=_("Required when an axis is red.")
    )
    recovery_target_date = models.DateField(_("recovery target date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    achievements = models.TextField(_("achievements"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    attention_points = models.TextField(_("points of attention"), blank=True)
    decisions_requested = models.TextField(_("decisions requested"), blank=True)
    estimate_to_complete = models.DecimalField(
        _("estimate to complete"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Money still to spend to finish the project (for the cost forecast)."),
    )
    amendment_reason = models.TextField(
        _("amendment reason"),
        blank=True,
        help_text=_("Why a submitted status is being corrected."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["project__code", "-week", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "week", "revision"], name="status_report_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["project", "week"],
                condition=models.Q(state=ReportState.DRAFT),
                name="status_report_one_draft_per_week",
                violation_error_message=_("This week already has a draft."),
            ),
            models.UniqueConstraint(
                fields=["project", "week"],
                condition=models.Q(state=ReportState.SUBMITTED),
                name="status_report_one_submitted_per_week",
                violation_error_message=_("This week already has a submitted status."),
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="status_report_progress_max_100"
            ),
        ]
        indexes = [models.Index(fields=["week", "state"], name="status_report_week_state")]

    def __str__(self):
        if self.revision > 1:
            return str(
                _("%(code)s, week of %(week)s (revision %(revision)s)")
                % {
                    "code": self.project.code,
                    "week": self.week.isoformat(),
                    "revision": self.revision,
                }
            )
        return str(
            _("%(code)s, week of %(week)s")
            % {"code": self.project.code, "week": self.week.isoformat()}
        )

    def get_absolute_url(self):
        return reverse("projects:status_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.week and not weeks.is_monday(self.week):
            errors["week"] = _("A reporting week is identified by its Monday.")
        elif self.week and self.project_id:
            this_week = weeks.current_week(self.project.tz)
            if self.week > this_week:
                errors["week"] = _("A status cannot be filed for a week that has not started.")
        if self.state == ReportState.DRAFT:
            # A draft may be incomplete; what a submitted status must say is checked on submit.
            if errors:
                raise ValidationError(errors)
            return
        for axis in Axis.values:
            rating = getattr(self, f"{axis}_rating")
            if rating != Rating.GREEN and not getattr(self, f"{axis}_comment").strip():
                errors[f"{axis}_comment"] = _("Say why when the rating is not green.")
        if self.red_axes:
            if not self.recovery_plan.strip():
                errors["recovery_plan"] = _("A red axis needs a recovery plan.")
            if not self.recovery_target_date:
                errors["recovery_target_date"] = _("A recovery plan needs a target date.")
        if self.revision > 1 and not self.amendment_reason.strip():
            errors["amendment_reason"] = _("Say why the submitted status is amended.")
        if errors:
            raise ValidationError(errors)

    @property
    def red_axes(self) -> list[str]:
        return [axis for axis in Axis.values if getattr(self, f"{axis}_rating") == Rating.RED]

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT

    def ratings(self) -> dict[str, str]:
        """Each axis and its rating, in QCDR order."""
        return {axis: getattr(self, f"{axis}_rating") for axis in Axis.values}


class StatusNotification(models.Model):
    """The record of one weekly status email sent to one person.

    Its unique (kind, week, recipient) makes sending idempotent: the row is created in the
    same transaction as the email is sent, so a re-run (or a concurrent run of the same task)
    finds it and sends nothing, while a send that failed leaves no row and is retried.
    """

    class Kind(models.TextChoices):
        """reminder: to a project manager whose status is still missing before the deadline;
        late_summary: to a PMO manager, the projects late after it."""

        REMINDER = "reminder", _("Status reminder")
        LATE_SUMMARY = "late_summary", _("Late-status summary")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    week = models.DateField(_("week"), help_text=_("The Monday of the week it was about."))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="status_notifications",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("status notification")
        verbose_name_plural = _("status notifications")
        ordering = ["-week", "kind", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "week", "recipient"], name="status_notification_once"
            ),
        ]

    def __str__(self):
        return str(
            _("%(kind)s to %(recipient)s, week of %(week)s")
            % {
                "kind": self.get_kind_display(),
                "recipient": self.recipient,
                "week": self.week.isoformat(),
            }
        )
