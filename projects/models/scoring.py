"""Strategic alignment: each project's score against its portfolio's criteria, and the
cut-line scenarios the PMO saves (which never change a project)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.models import TimeStampedModel
from portfolio.models import Portfolio, ScoringCriterion
from projects.choices import ScenarioChoice
from projects.models.project import Project

SCORE_MAX = 5


class ProjectScore(TimeStampedModel):
    """A project's score, 0 to 5, against one criterion of its portfolio, with why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ScoringCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)],
        help_text=_("From 0 (not at all) to 5 (fully)."),
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("project score")
        verbose_name_plural = _("project scores")
        ordering = ["project", "criterion__position", "criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "criterion"], name="project_score_unique"),
        ]

    def __str__(self):
        return f"{self.project.code} · {self.criterion.name}: {self.score}"


class Scenario(TimeStampedModel):
    """A cut-line scenario of a portfolio: given an envelope (CAPEX, OPEX) and an FTE
    capacity, the projects that fit in rank order, with the PMO's forced choices.

    ``result`` freezes the ranking and the selection when the scenario is saved, so that two
    scenarios compare as they were; saving one changes no project.
    """

    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("portfolio"), on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capex_envelope = models.DecimalField(
        _("CAPEX envelope"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    opex_envelope = models.DecimalField(
        _("OPEX envelope"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fte_capacity = models.DecimalField(
        _("FTE capacity"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    result = models.JSONField(_("result"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["portfolio", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="scenario_unique_name"),
        ]

    def __str__(self):
        return self.name


class ScenarioChoiceRow(models.Model):
    """A project the PMO forces into a scenario, or out of it, whatever its rank."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="choices"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    choice = models.CharField(_("choice"), max_length=3, choices=ScenarioChoice)

    class Meta:
        verbose_name = _("forced choice")
        verbose_name_plural = _("forced choices")
        ordering = ["scenario", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "project"], name="scenario_choice_unique"),
        ]

    def __str__(self):
        return f"{self.project.code}: {self.get_choice_display()}"
