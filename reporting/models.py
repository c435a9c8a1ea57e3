"""What the reporting app writes: the PMO's health thresholds, alerts and their
acknowledgements, and the record of the weekly digests sent."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.models import SettingsModel, TimeStampedModel
from portfolio.models import Portfolio, Resource
from projects.models import Project
from reporting.choices import AlertKind, AlertSeverity

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))]


class HealthPolicy(SettingsModel):
    """The PMO's thresholds of computed health (one row): from when Cost, Delay and Risk are
    computed amber or red, to set beside what each project declares."""

    cost_amber_percent = models.DecimalField(
        _("cost amber above (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        validators=PERCENT,
        help_text=_("Estimate at completion above the budget by more than this: amber."),
    )
    cost_red_percent = models.DecimalField(
        _("cost red above (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=PERCENT,
        help_text=_("Estimate at completion above the budget by more than this: red."),
    )
    delay_amber_days = models.PositiveSmallIntegerField(
        _("delay amber from (days)"),
        default=15,
        help_text=_("Forecast end this many days or more after the baseline end: amber."),
    )
    delay_red_days = models.PositiveSmallIntegerField(
        _("delay red from (days)"),
        default=45,
        help_text=_("Forecast end this many days or more after the baseline end: red."),
    )
    overdue_milestones_amber = models.PositiveSmallIntegerField(
        _("overdue milestones for amber"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("This many milestones overdue or more: at least amber on Delay."),
    )
    overdue_milestones_red = models.PositiveSmallIntegerField(
        _("overdue milestones for red"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("This many milestones overdue or more: red on Delay."),
    )
    risk_amber_score = models.PositiveSmallIntegerField(
        _("risk amber from score"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text=_("The highest score of the project's live risks from this: amber."),
    )
    risk_red_score = models.PositiveSmallIntegerField(
        _("risk red from score"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text=_("The highest score of the project's live risks from this: red."),
    )

    class Meta:
        verbose_name = _("health policy")
        verbose_name_plural = _("health policy")
        ordering = ["pk"]

    def __str__(self):
        return str(_("Computed health thresholds"))

    # Each pair of thresholds: (amber field, red field); red may not start before amber.
    PAIRS = (
        ("cost_amber_percent", "cost_red_percent"),
        ("delay_amber_days", "delay_red_days"),
        ("overdue_milestones_amber", "overdue_milestones_red"),
        ("risk_amber_score", "risk_red_score"),
    )

    def clean(self):
        errors = {}
        for amber, red in self.PAIRS:
            low, high = getattr(self, amber), getattr(self, red)
            if low is not None and high is not None and high < low:
                errors[red] = _("Red cannot start before amber.")
        if errors:
            raise ValidationError(errors)


class Alert(TimeStampedModel):
    """Something the PMO should look at, from when it was first seen until it is no longer
    true (resolved); acknowledging it records who looked and when, and keeps it listed as
    acknowledged until it resolves.

    ``key`` names its subject (the kind and the record it is about, and the week or month it
    is for), so that a refresh finds the alert it raised before instead of raising it again;
    ``params`` holds what its message says, rendered in the reader's language.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind)
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity)
    key = models.CharField(_("key"), max_length=200, editable=False)
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-first_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_one_open_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["resolved_at", "kind"], name="alert_open_kind"),
            models.Index(fields=["project", "resolved_at"], name="alert_project_open"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.key})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class DigestNotification(models.Model):
    """The record of one weekly PMO digest sent to one person: created in the transaction
    that sends it, so that a re-run sends nothing twice and a failed send is retried."""

    week = models.DateField(_("week"), help_text=_("The Monday of the week it was about."))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="digest_notifications",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-week", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["week", "recipient"], name="digest_once_per_week"),
        ]

    def __str__(self):
        return str(
            _("Digest of the week of %(week)s to %(recipient)s")
            % {"week": self.week.isoformat(), "recipient": self.recipient}
        )
