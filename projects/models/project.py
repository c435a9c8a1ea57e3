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

from pmo.history import audit_trail
from pmo.models import CodedModel, TimeStampedModel, code_validator
from portfolio.choices import Contribution
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects import weeks
from projects.choices import (
    ACTIVE_PHASES,
    BASELINED_PHASES,
    MilestoneStatus,
    Phase,
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

    history = audit_trail()

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
    weight = models.PositiveSmallIntegerField(
        _("value weight"),
        default=0,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Share of the project's value planned to be earned at this milestone. When "
            "milestones carry weights, the planned value follows them; otherwise it grows "
            "evenly from the baseline start to the baseline end."
        ),
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project__code", "baseline_date", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:milestone_detail", args=[self.pk])

    def clean(self):
        if self.weight is None:  # left empty in a form: no weight
            self.weight = 0
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
