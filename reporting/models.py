"""What the reporting app writes: the PMO's health thresholds, alerts and their
acknowledgements, the record of the weekly digests sent, and the Copil packs: each
portfolio's look, the schedules and every generation (run) with its PDF and frozen data."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.history import audit_trail
from pmo.models import SettingsModel, TimeStampedModel
from portfolio.models import Portfolio, Programme, Resource
from projects.models import Project
from reporting.choices import (
    AlertKind,
    AlertSeverity,
    Confidentiality,
    ReportKind,
    ReportSection,
    RunState,
)

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


# ------------------------------------------------------------------------------
# Copil packs
# ------------------------------------------------------------------------------
colour_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Give a colour as # and six hexadecimal digits, like #1f4e79.")
)
LOGO_MAX_BYTES = 1024 * 1024


# What each kind of logo starts with: an .exe renamed logo.png is not a logo.
LOGO_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def validate_logo_content(file) -> None:
    """A PNG or JPEG logo starts as one; an SVG logo is XML text whose root is <svg>."""
    if not file:
        return
    extension = file.name.rsplit(".", 1)[-1].lower()
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(2048)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode()
    if extension in LOGO_SIGNATURES:
        valid = head.startswith(LOGO_SIGNATURES[extension])
    else:
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        valid = b"\x00" not in head and b"<svg" in text[:2048] and text[:1] == b"<"
    if not valid:
        raise ValidationError(_("This file is not a %(kind)s image.") % {"kind": extension.upper()})


def validate_logo_size(file) -> None:
    if file and file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("A logo may weigh 1 MB at most."))


def default_sections() -> list[str]:
    return list(ReportSection.values)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ReportLook(TimeStampedModel):
    """How a portfolio's packs look, set by the PMO: title, logo, accent colour, the marking
    and which sections appear. Programme packs and project flashes take their portfolio's."""

    portfolio = models.OneToOneField(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.CASCADE,
        related_name="report_look",
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_('On the cover, above the scope; "Steering committee" when empty.'),
    )
    logo = models.FileField(
        _("logo"),
        upload_to="report-logos/",
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg", "svg"]),
            validate_logo_size,
            validate_logo_content,
        ],
        help_text=_("PNG, JPEG or SVG, 1 MB at most; on the cover and every page header."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1f4e79",
        validators=[colour_validator],
        help_text=_("Titles, rules and the cover band."),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality,
        default=Confidentiality.INTERNAL,
        help_text=_("Printed on the cover and in every footer."),
    )
    footer = models.CharField(
        _("footer text"),
        max_length=120,
        blank=True,
        help_text=_("For example the issuing department; in every footer."),
    )
    sections = models.JSONField(
        _("sections"),
        default=default_sections,
        blank=True,
        help_text=_("The parts of the pack that appear; the cover always does."),
    )

    class Meta:
        verbose_name = _("pack look")
        verbose_name_plural = _("pack looks")
        ordering = ["portfolio__name"]

    def __str__(self):
        return str(_("Look of the packs of %(portfolio)s") % {"portfolio": self.portfolio})

    def clean(self):
        super().clean()
        sections = self.sections or []
        if not isinstance(sections, list) or any(s not in ReportSection.values for s in sections):
            raise ValidationError({"sections": _("Choose sections from the list.")})


class ScopedReport(models.Model):
    """Abstract base of what names a pack's scope: its kind and the portfolio, programme or
    project it covers (the portfolio is kept for every kind, to list packs by portfolio)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind)
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        abstract = True

    @property
    def scope(self):
        """The portfolio, programme or project the pack covers."""
        if self.kind == ReportKind.PROJECT_FLASH:
            return self.project
        if self.kind == ReportKind.PROGRAMME_PACK:
            return self.programme
        return self.portfolio

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == ReportKind.PROGRAMME_PACK and not self.programme_id:
            errors["programme"] = _("A programme pack needs its programme.")
        if self.kind == ReportKind.PROJECT_FLASH and not self.project_id:
            errors["project"] = _("A project flash report needs its project.")
        if errors:
            raise ValidationError(errors)
        # The portfolio follows the scope: a programme's or a project's own.
        if self.kind == ReportKind.PROGRAMME_PACK:
            self.portfolio_id = self.programme.portfolio_id
            self.project = None
        elif self.kind == ReportKind.PROJECT_FLASH:
            self.portfolio_id = self.project.portfolio_id
            self.programme = None
        else:
            self.programme = None
            self.project = None
        if not self.portfolio_id:
            raise ValidationError({"portfolio": _("A portfolio pack needs its portfolio.")})


class ReportSchedule(ScopedReport, TimeStampedModel):
    """A pack generated on a schedule and sent to its recipients: set up by PMO managers,
    fired by Celery beat from the periodic task it keeps in step (cron in its time zone)."""

    name = models.CharField(_("name"), max_length=120)
    cron = models.CharField(
        _("cron expression"),
        max_length=100,
        default="0 7 * * 1",
        help_text=_(
            'Minute, hour, day of month, month and day of week, as in cron: "0 7 * * 1" '
            "is every Monday at 07:00."
        ),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default=settings.TIME_ZONE
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipients"),
        related_name="report_subscriptions",
        blank=True,
    )
    extra_recipients = models.TextField(
        _("other recipients"),
        blank=True,
        help_text=_("Email addresses outside Pilotage, one per line."),
    )
    attach_pdf = models.BooleanField(
        _("attach the PDF"),
        default=False,
        help_text=_("Besides the link, when the file is small enough for email."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        verbose_name=_("periodic task"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reporting:schedule_detail", args=[self.pk])

    def clean(self):
        super().clean()
        from reporting import cron

        errors = {}
        try:
            cron.parse(self.cron)
        except ValueError as error:
            errors["cron"] = str(error)
        try:
            cron.extra_emails(self.extra_recipients)
        except ValueError as error:
            errors["extra_recipients"] = str(error)
        if errors:
            raise ValidationError(errors)


def report_upload_to(run: "ReportRun", filename: str) -> str:
    return f"reports/{run.created_at:%Y/%m}/{filename}"


class ReportRun(ScopedReport, TimeStampedModel):
    """One generation of a pack, on schedule or on demand: queued, running, then succeeded
    with its PDF (pages, SHA-256, duration) or failed with its error.

    ``snapshot`` is the frozen data the PDF shows: editing a status afterwards changes
    neither. A scheduled run is unique per schedule and planned time, so a task delivered
    twice makes one PDF.
    """

    schedule = models.ForeignKey(
        ReportSchedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        related_name="runs",
        null=True,
        blank=True,
    )
    planned_for = models.DateTimeField(
        _("planned for"),
        null=True,
        blank=True,
        help_text=_("The time the schedule fired for; empty for a pack asked on demand."),
    )
    as_of = models.DateField(_("as of"), help_text=_("The date the pack's situation is at."))
    state = models.CharField(_("state"), max_length=10, choices=RunState, default=RunState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    file_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    snapshot = models.JSONField(_("frozen data"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Copil pack")
        verbose_name_plural = _("Copil packs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "planned_for"],
                condition=models.Q(planned_for__isnull=False),
                name="report_run_once_per_planned_time",
            ),
        ]
        indexes = [
            models.Index(fields=["portfolio", "-created_at"], name="report_run_portfolio"),
            models.Index(fields=["state", "-created_at"], name="report_run_state"),
        ]

    def __str__(self):
        return str(
            _("%(kind)s — %(scope)s, %(date)s")
            % {"kind": self.get_kind_display(), "scope": self.scope, "date": self.as_of}
        )

    def get_absolute_url(self):
        return reverse("reporting:pack_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.SUCCEEDED, RunState.FAILED)

    def file_name(self) -> str:
        """The download's name: kind, scope code and date (``copil-DIGITAL-2026-11-23.pdf``)."""
        prefix = {
            ReportKind.PORTFOLIO_PACK: "copil",
            ReportKind.PROGRAMME_PACK: "copil-programme",
            ReportKind.PROJECT_FLASH: "flash",
        }[self.kind]
        return f"{prefix}-{self.scope.code}-{self.as_of.isoformat()}.pdf"
