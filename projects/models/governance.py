"""Governance of a project's life: the request that starts it (launch note), the stage gates
it passes from phase to phase, and the closure report that ends it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.history import audit_trail
from pmo.models import TimeStampedModel
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import GateDecision, ObjectivesMet, Phase, RequestState
from projects.models.project import Project

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class ProjectRequest(TimeStampedModel):
    """A request for a new project (the launch note): what it is for, its stakes, a rough
    budget and FTE, the benefits expected and the objectives it serves. Filed by a project
    manager or a sponsor, reviewed by the PMO: accepted, it becomes a project in the idea
    phase; the request stays, linked to it."""

    title = models.CharField(_("title"), max_length=200)
    portfolio = models.ForeignKey(
        Portfolio, verbose_name=_("portfolio"), on_delete=models.PROTECT, related_name="requests"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="sponsored_requests",
        null=True,
        blank=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="project_requests",
        editable=False,
    )
    objectives = models.TextField(_("objectives"), help_text=_("What the project must achieve."))
    scope = models.TextField(_("scope"), help_text=_("What is in, and what is out."))
    stakes = models.TextField(_("stakes"), blank=True, help_text=_("Why now; what if not."))
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
    capex_estimate = models.DecimalField(_("rough CAPEX"), default=Decimal("0"), **MONEY)
    opex_estimate = models.DecimalField(_("rough OPEX"), default=Decimal("0"), **MONEY)
    fte_estimate = models.DecimalField(
        _("rough FTE"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Average FTE over the project."),
    )
    strategic_objectives = models.ManyToManyField(
        StrategicObjective,
        verbose_name=_("strategic objectives"),
        related_name="requests",
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState, default=RequestState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    project = models.OneToOneField(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="request",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("project request")
        verbose_name_plural = _("project requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class GateTemplate(TimeStampedModel):
    """The gate that ends a phase, set by the PMO: its name and checklist (one item a line),
    applied to every project leaving that phase."""

    phase = models.CharField(
        _("phase it ends"),
        max_length=10,
        choices=[(p.value, p.label) for p in Phase if p not in (Phase.CLOSED, Phase.CANCELLED)],
        unique=True,
    )
    name = models.CharField(_("name"), max_length=100)
    checklist = models.JSONField(
        _("checklist"),
        default=list,
        blank=True,
        help_text=_("The items a review checks, in order."),
    )

    class Meta:
        verbose_name = _("gate template")
        verbose_name_plural = _("gate templates")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class GateReview(TimeStampedModel):
    """A project's passage at a gate: the checklist as found (each item checked or not, with
    its evidence link), and the decision of an authorised approver, with its conditions and
    comments. A passing decision moves the project to the next phase in the same transaction;
    reviews are never edited: a recycled gate is reviewed again."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="gate_reviews"
    )
    from_phase = models.CharField(_("from phase"), max_length=10, choices=Phase)
    to_phase = models.CharField(_("to phase"), max_length=10, choices=Phase)
    gate_name = models.CharField(_("gate"), max_length=100)
    checklist = models.JSONField(
        _("checklist"),
        default=list,
        blank=True,
        help_text=_("The template's items, each with checked and evidence."),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=GateDecision)
    conditions = models.TextField(_("conditions"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"))

    history = audit_trail()

    class Meta:
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        ordering = ["project", "decided_on", "pk"]
        indexes = [models.Index(fields=["project", "decided_on"], name="gate_review_project")]

    def __str__(self):
        return f"{self.project.code} · {self.gate_name}: {self.get_decision_display()}"


class ClosureReport(TimeStampedModel):
    """How a project ended: objectives met or not, the scope delivered, final cost and dates
    against the baseline (frozen when the last gate approves it), and what is handed over.
    Written in the closing phase; the gate out of closing approves it."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="closure"
    )
    objectives_met = models.CharField(_("objectives met"), max_length=10, choices=ObjectivesMet)
    objectives_comment = models.TextField(_("on the objectives"), blank=True)
    scope_delivered = models.TextField(_("scope delivered"))
    handover = models.TextField(
        _("handover"), blank=True, help_text=_("What is handed over, to whom.")
    )
    final_capex = models.DecimalField(_("final CAPEX"), null=True, blank=True, **MONEY)
    final_opex = models.DecimalField(_("final OPEX"), null=True, blank=True, **MONEY)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("closure report")
        verbose_name_plural = _("closure reports")
        ordering = ["-created_at"]

    def __str__(self):
        return str(_("Closure of %(project)s") % {"project": self.project.code})
