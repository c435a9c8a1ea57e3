"""Who works on a project: FTE of a resource of the pool, month by month."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.history import audit_trail
from pmo.models import TimeStampedModel
from portfolio.models import Resource, fte_field, month_validator
from projects.choices import EntrySource
from projects.models.project import Project


class Allocation(TimeStampedModel):
    """The FTE of one resource planned on one project in one month (one row per resource,
    project and month; an integration upserts on that triple)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="allocations"
    )
    month = models.DateField(
        _("month"), validators=[month_validator], help_text=_("The first day of the month.")
    )
    fte = fte_field(
        _("FTE"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999"))],
        help_text=_("Full-time equivalents planned in the month (0.5 for half of the time)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=EntrySource, default=EntrySource.MANUAL
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["project__code", "resource__name", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "project", "month"],
                name="allocation_unique_month",
                violation_error_message=_(
                    "This resource already has an allocation on this project in this month."
                ),
            ),
            models.CheckConstraint(condition=models.Q(fte__gte=0), name="allocation_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "resource"], name="allocation_month_resource")]

    def __str__(self):
        return str(
            _("%(resource)s on %(code)s, %(month)s: %(fte)s FTE")
            % {
                "resource": self.resource,
                "code": self.project.code,
                "month": self.month.strftime("%Y-%m"),
                "fte": self.fte,
            }
        )
