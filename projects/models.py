"""Projects, their contribution to strategic objectives, and their milestones."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.models import CodedModel, TimeStampedModel, code_validator
from portfolio.choices import Contribution
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import ACTIVE_PHASES, BASELINED_PHASES, MilestoneStatus, Phase


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
    objectives = models.ManyToManyField(
        StrategicObjective,
        verbose_name=_("strategic objectives"),
        through="ProjectObjective",
        related_name="projects",
        blank=True,
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
    def schedule_slip_days(self) -> int | None:
        """Days the forecast end lies after the baseline end (negative: ahead); None if unknown."""
        if self.baseline_end and self.forecast_end:
            return (self.forecast_end - self.baseline_end).days
        return None


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
