"""Weekly status reports, the reporting calendar and the emails sent about them."""

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.history import audit_trail
from pmo.models import SettingsModel, TimeStampedModel
from projects import weeks
from projects.choices import Axis, Rating, ReportState, Weather
from projects.models.project import Project


class ReportingCalendar(SettingsModel):
    """When weekly statuses are due (one row, set by the PMO): a weekday and a time, counted
    in each project's time zone, and how long before it reminders go out."""

    due_weekday = models.PositiveSmallIntegerField(
        _("due day"),
        choices=[
            (0, pgettext_lazy("weekday", "Monday")),
            (1, pgettext_lazy("weekday", "Tuesday")),
            (2, pgettext_lazy("weekday", "Wednesday")),
            (3, pgettext_lazy("weekday", "Thursday")),
            (4, pgettext_lazy("weekday", "Friday")),
            (5, pgettext_lazy("weekday", "Saturday")),
            (6, pgettext_lazy("weekday", "Sunday")),
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
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves of a draft, so that a save over a newer one is refused."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    history = audit_trail()

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
