"""A project's money: budget lines per fiscal year, dated cost entries (commitments and
actuals) and the overrun alerts raised when the estimate at completion passes the budget."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.history import audit_trail
from pmo.models import TimeStampedModel
from portfolio.models import fiscal_year_validators, money_field
from projects.choices import CostCategory, CostKind, EacBasis, EntrySource, Nature, Rating
from projects.models.project import Project


class BudgetLine(TimeStampedModel):
    """What a project may spend in one fiscal year on one nature and category.

    The lines break the project's baseline budget down by year and category; the project
    page shows where their total and the baseline differ.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=fiscal_year_validators
    )
    nature = models.CharField(_("nature"), max_length=10, choices=Nature)
    category = models.CharField(_("category"), max_length=20, choices=CostCategory)
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = audit_trail()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project__code", "fiscal_year", "nature", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year", "nature", "category"],
                name="budget_line_unique",
                violation_error_message=_(
                    "This project already has a budget line for this year, nature and category."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_not_negative"
            ),
        ]

    def __str__(self):
        return str(
            _("%(code)s, FY %(year)s, %(nature)s, %(category)s")
            % {
                "code": self.project.code,
                "year": self.fiscal_year,
                "nature": self.get_nature_display(),
                "category": self.get_category_display(),
            }
        )


class CostEntry(TimeStampedModel):
    """A dated amount committed (a purchase order) or spent (an actual) on a project.

    Entries are never edited by an integration: one pushed again with the same source and
    external reference is recognised and not recorded twice. A correction is an entry of its
    own (a negative amount for a credit note or a reversal).
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="cost_entries"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=CostKind, default=CostKind.ACTUAL)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature)
    category = models.CharField(_("category"), max_length=20, choices=CostCategory)
    amount = money_field(
        _("amount"),
        validators=[],
        help_text=_("Negative for a credit note or a reversal."),
    )
    label = models.CharField(_("label"), max_length=300, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=EntrySource, default=EntrySource.MANUAL
    )
    external_reference = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "The entry's reference in the system it comes from (invoice, purchase order, "
            "ledger line); unique per source."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="cost_entry_unique_reference",
                violation_error_message=_("An entry with this reference is already recorded."),
            ),
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="cost_entry_amount_not_zero"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "kind", "date"], name="cost_entry_project_kind"),
            models.Index(fields=["date"], name="cost_entry_date"),
        ]

    def __str__(self):
        return str(
            _("%(code)s, %(kind)s of %(amount)s on %(date)s")
            % {
                "code": self.project.code,
                "kind": self.get_kind_display(),
                "amount": self.amount,
                "date": self.date.isoformat(),
            }
        )

    def clean(self):
        errors = {}
        if self.amount is not None and self.amount == 0:
            errors["amount"] = _("An entry of zero records nothing.")
        if (
            self.kind == CostKind.ACTUAL
            and isinstance(self.date, datetime.date)
            and self.date > timezone.localdate()
        ):
            errors["date"] = _("Money cannot have been spent in the future.")
        if errors:
            raise ValidationError(errors)


class OverrunAlert(TimeStampedModel):
    """A project whose estimate at completion passed its budget beyond the PMO's tolerance,
    from when it was first seen until it is back within it.

    *Unflagged* when the project's own latest Cost rating is green: the project does not say
    it, so the PMO managers are told (once, ``notified_at``).
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="overrun_alerts",
    )
    opened_at = models.DateTimeField(_("first seen"), default=timezone.now)
    closed_at = models.DateTimeField(
        _("cleared"),
        null=True,
        blank=True,
        help_text=_("When the estimate came back within the tolerance."),
    )
    budget = money_field(_("budget"))
    threshold = money_field(_("alert threshold"))
    eac = money_field(_("estimate at completion"), validators=[])
    eac_basis = models.CharField(_("estimated from"), max_length=12, choices=EacBasis)
    cost_rating = models.CharField(
        _("declared cost rating"), max_length=10, choices=Rating, blank=True
    )
    unflagged = models.BooleanField(
        _("unflagged"),
        default=False,
        help_text=_("The project's latest status says green on Cost."),
    )
    notified_at = models.DateTimeField(_("PMO told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("overrun alert")
        verbose_name_plural = _("overrun alerts")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(closed_at__isnull=True),
                name="overrun_alert_one_open_per_project",
            ),
        ]

    def __str__(self):
        return str(_("%(code)s over budget") % {"code": self.project.code})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def overrun(self) -> Decimal:
        """How much the estimate exceeds the budget."""
        return self.eac - self.budget

    @property
    def overrun_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.overrun * 100 / self.budget).quantize(Decimal("0.1"))
