"""Strategy and structure: strategic objectives, portfolios and their programmes, their
yearly envelopes, the finance policy, and the resource pool."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo import months
from pmo.models import CodedModel, SettingsModel, TimeStampedModel, code_validator
from portfolio.choices import MONTH_CHOICES, ResourceKind

ZERO = Decimal("0")
fiscal_year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


def money_field(label, **options):
    """An amount of money: Decimal with two places, never a float, never negative unless the
    caller says otherwise."""
    options.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(label, max_digits=14, decimal_places=2, **options)


def fte_field(label, **options):
    """A number of full-time equivalents (FTE, ETP in French), to the hundredth."""
    return models.DecimalField(label, max_digits=6, decimal_places=2, **options)


def month_validator(value: datetime.date):
    if value and not months.is_month_start(value):
        raise ValidationError(_("A month is identified by its first day."), code="month_start")


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


class FinancePolicy(SettingsModel):
    """The PMO's finance settings (one row): when the fiscal year starts and how far an
    estimate at completion may exceed the budget before it is an overrun."""

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in"),
        choices=MONTH_CHOICES,
        default=1,
        help_text=_("A fiscal year is named after the calendar year it starts in."),
    )
    overrun_tolerance = models.DecimalField(
        _("overrun tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "An estimate at completion above the budget by more than this is an overrun alert."
        ),
    )

    class Meta:
        verbose_name = _("finance policy")
        verbose_name_plural = _("finance policy")
        ordering = ["pk"]

    def __str__(self):
        return str(
            _("Overrun beyond %(tolerance)s%% of the budget")
            % {"tolerance": self.overrun_tolerance.normalize()}
        )

    def fiscal_year(self, day: datetime.date) -> int:
        return months.fiscal_year(day, self.fiscal_year_start_month)

    def fiscal_year_bounds(self, year: int) -> tuple[datetime.date, datetime.date]:
        return months.fiscal_year_bounds(year, self.fiscal_year_start_month)

    def fiscal_year_label(self, year: int) -> str:
        return months.fiscal_year_label(year, self.fiscal_year_start_month)

    def overrun_threshold(self, budget: Decimal) -> Decimal:
        """The estimate at completion above which ``budget`` is overrun."""
        return (budget * (1 + self.overrun_tolerance / 100)).quantize(Decimal("0.01"))


class PortfolioEnvelope(TimeStampedModel):
    """What a portfolio may spend in one fiscal year, CAPEX and OPEX, set by the PMO."""

    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="envelopes",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=fiscal_year_validators
    )
    capex = money_field(_("CAPEX envelope"), default=ZERO)
    opex = money_field(_("OPEX envelope"), default=ZERO)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("portfolio envelope")
        verbose_name_plural = _("portfolio envelopes")
        ordering = ["portfolio__name", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "fiscal_year"],
                name="portfolio_envelope_unique_year",
                violation_error_message=_("This portfolio already has an envelope for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(capex__gte=0, opex__gte=0),
                name="portfolio_envelope_not_negative",
            ),
        ]

    def __str__(self):
        return str(
            _("%(portfolio)s, fiscal year %(year)s")
            % {"portfolio": self.portfolio, "year": self.fiscal_year}
        )

    @property
    def total(self) -> Decimal:
        return self.capex + self.opex


class Resource(TimeStampedModel):
    """A person or a team of the resource pool: what they do, how much of their time the
    portfolio can plan (FTE per month, overridden month by month) and what a day costs."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ResourceKind, default=ResourceKind.PERSON
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="resource",
        null=True,
        blank=True,
        help_text=_("The person's account, when they have one."),
    )
    skill = models.CharField(
        _("role or skill"),
        max_length=100,
        help_text=_("What they are planned for, e.g. business analyst, Java developer."),
    )
    team = models.CharField(_("team"), max_length=100, blank=True)
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("pool"),
        on_delete=models.PROTECT,
        related_name="resources",
        null=True,
        blank=True,
        help_text=_("The portfolio whose capacity this resource counts in; empty if shared."),
    )
    capacity_fte = fte_field(
        _("capacity (FTE)"),
        default=Decimal("1"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("999"))],
        help_text=_(
            "Full-time equivalents available in a usual month: 1 for a full-time person, "
            "0.8 for four days a week, the headcount for a team."
        ),
    )
    daily_rate = money_field(
        _("daily cost rate"),
        default=ZERO,
        help_text=_("What one day of work costs, for labour cost estimates."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_fte__gte=0, daily_rate__gte=0),
                name="resource_capacity_rate_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portfolio:resource_detail", args=[self.pk])

    def capacity_in(self, month: datetime.date, overrides: dict | None = None) -> Decimal:
        """The FTE available in ``month``: its override if there is one, else the default.

        ``overrides`` maps months to FTE (read once for many resources); without it the
        prefetched or stored overrides are read.
        """
        if overrides is None:
            overrides = {o.month: o.fte for o in self.capacity_overrides.all()}
        return overrides.get(months.month_start(month), self.capacity_fte)


class ResourceCapacity(models.Model):
    """A month in which a resource has another capacity than usual (holidays, part time,
    arrival or departure)."""

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="capacity_overrides",
    )
    month = models.DateField(
        _("month"), validators=[month_validator], help_text=_("The first day of the month.")
    )
    fte = fte_field(
        _("capacity (FTE)"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("999"))],
    )
    reason = models.CharField(
        _("reason"), max_length=200, blank=True, help_text=_("Holidays, part time, training...")
    )

    class Meta:
        verbose_name = _("monthly capacity")
        verbose_name_plural = _("monthly capacities")
        ordering = ["resource__name", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "month"],
                name="resource_capacity_unique_month",
                violation_error_message=_("This month already has a capacity for this resource."),
            ),
            models.CheckConstraint(
                condition=models.Q(fte__gte=0), name="resource_capacity_not_negative"
            ),
        ]

    def __str__(self):
        return str(
            _("%(resource)s: %(fte)s FTE in %(month)s")
            % {"resource": self.resource, "fte": self.fte, "month": self.month.strftime("%Y-%m")}
        )


class ScoringCriterion(TimeStampedModel):
    """A criterion the projects of a portfolio are scored against (strategic fit, value,
    risk, urgency...), with its weight: the active criteria of a portfolio weigh 100 % in
    all, which the service that saves them checks as a whole.

    A project scores 0 to 5 on each; where ``higher_is_better`` is off (risk, complexity), a
    high score counts against the project in its weighted score.
    """

    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.CASCADE,
        related_name="scoring_criteria",
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What a 0 and a 5 mean, for the scorers.")
    )
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The active criteria of a portfolio weigh 100 % in all."),
    )
    higher_is_better = models.BooleanField(
        _("higher is better"),
        default=True,
        help_text=_("Off for a criterion such as risk: a high score then lowers the rank."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["portfolio", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "name"], name="scoring_criterion_unique_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight} %)"
