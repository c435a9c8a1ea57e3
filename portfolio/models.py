"""Strategy and structure: strategic objectives, portfolios and their programmes."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.models import CodedModel, code_validator


class StrategicObjective(CodedModel):
    """An axis of the company strategy that projects contribute to, weighted in scoring."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("Short unique reference, e.g. OBJ-1."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Relative importance in the strategy, from 0 to 100."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="objective_code_unique_ci"),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("portfolio:objective_detail", args=[self.pk])


class Portfolio(CodedModel):
    """A set of programmes and projects governed together and owned by a PMO manager."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("Short unique reference, e.g. DSI."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_portfolios",
        help_text=_("The PMO manager accountable for it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="portfolio_code_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:portfolio_detail", args=[self.pk])


class Programme(CodedModel):
    """Projects of one portfolio that deliver one outcome together."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("Short unique reference, e.g. PRG-ERP."),
    )
    name = models.CharField(_("name"), max_length=200)
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme director"),
        on_delete=models.PROTECT,
        related_name="directed_programmes",
        null=True,
        blank=True,
    )
    outcome = models.TextField(
        _("expected outcome"),
        blank=True,
        help_text=_("What the programme's projects deliver together."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["portfolio__name", "name"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="programme_code_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:programme_detail", args=[self.pk])
