"""The RAID log (risks, issues, actions, decisions) and change control.

Nothing here is ever deleted: a risk is closed or marked occurred, an issue resolved, an
action done or cancelled, a decision taken or withdrawn, a change request decided or
withdrawn; each step keeps who did it and when.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.history import audit_trail
from pmo.models import SettingsModel, TimeStampedModel
from portfolio.models import Portfolio, Programme
from projects.models import BaselineRevision, Project
from risks.choices import (
    LIVE_RISK_STATUSES,
    PENDING_ACTION_STATUSES,
    ActionOrigin,
    ActionStatus,
    ChangeState,
    DecisionState,
    IssueStatus,
    Level,
    RiskCategory,
    RiskResponse,
    RiskStatus,
    Severity,
)

SCALE = (1, 2, 3, 4, 5)
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def scale_field(label, *, null=False, help_text=""):
    return models.PositiveSmallIntegerField(
        label, validators=SCALE_VALIDATORS, null=null, blank=null, help_text=help_text
    )


def step_actor_field(label):
    """Who took a workflow step (set by the services, never by a form)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )


def step_time_field(label):
    """When a workflow step was taken (set by the services, never by a form)."""
    return models.DateTimeField(label, null=True, blank=True, editable=False)


def _one_scope_condition() -> models.Q:
    return (
        models.Q(project__isnull=False, programme__isnull=True, portfolio__isnull=True)
        | models.Q(project__isnull=True, programme__isnull=False, portfolio__isnull=True)
        | models.Q(project__isnull=True, programme__isnull=True, portfolio__isnull=False)
    )


class ScopedEntry(TimeStampedModel):
    """Abstract base of a RAID entry held on exactly one of a project, a programme or a
    portfolio (the programme and portfolio of a project entry are the project's own, read
    through it, so that they never go stale)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        null=True,
        blank=True,
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        null=True,
        blank=True,
        help_text=_("For an entry of the programme as a whole, instead of a project."),
    )
    portfolio = models.ForeignKey(
        Portfolio,
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        null=True,
        blank=True,
        help_text=_("For an entry of the portfolio as a whole, instead of a project."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    # A short reference shown everywhere and the page of one entry; set per model.
    reference_prefix = ""
    detail_url_name = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.reference} · {self.title}"

    def get_absolute_url(self):
        return reverse(self.detail_url_name, args=[self.pk])

    def clean(self):
        scopes = [s for s in (self.project_id, self.programme_id, self.portfolio_id) if s]
        if len(scopes) != 1:
            raise ValidationError(
                {"project": _("Choose exactly one of a project, a programme or a portfolio.")}
            )

    @property
    def reference(self) -> str:
        return f"{self.reference_prefix}-{self.pk if self.pk else '?'}"

    @property
    def level(self) -> str:
        if self.project_id:
            return Level.PROJECT
        if self.programme_id:
            return Level.PROGRAMME
        return Level.PORTFOLIO

    def get_level_display(self) -> str:
        return Level(self.level).label

    @property
    def scope(self):
        """The project, programme or portfolio the entry is held on."""
        return self.project or self.programme or self.portfolio

    @property
    def scope_portfolio(self) -> Portfolio:
        if self.project_id:
            return self.project.portfolio
        if self.programme_id:
            return self.programme.portfolio
        return self.portfolio


def scope_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=_one_scope_condition(), name=name)


class RiskPolicy(SettingsModel):
    """The PMO's risk settings (one row): from which score a risk is proposed for escalation
    to the steering committee."""

    escalation_threshold = models.PositiveSmallIntegerField(
        _("escalation threshold"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text=_(
            "A live risk whose score (probability × impact) reaches this is proposed for "
            "the steering committee's agenda."
        ),
    )

    class Meta:
        verbose_name = _("risk policy")
        verbose_name_plural = _("risk policy")
        ordering = ["pk"]

    def __str__(self):
        return str(
            _("Risks escalated from a score of %(threshold)s")
            % {"threshold": self.escalation_threshold}
        )


class Risk(ScopedEntry):
    """A threat to a project, programme or portfolio: probability and impact on 1–5, the
    response chosen, and the residual probability and impact once it is in place."""

    reference_prefix = "R"
    detail_url_name = "risks:risk_detail"

    category = models.CharField(
        _("category"), max_length=20, choices=RiskCategory, default=RiskCategory.OTHER
    )
    probability = scale_field(_("probability"), help_text=_("1 (rare) to 5 (almost certain)."))
    impact = scale_field(_("impact"), help_text=_("1 (negligible) to 5 (severe)."))
    score = models.GeneratedField(
        expression=models.F("probability") * models.F("impact"),
        output_field=models.PositiveSmallIntegerField(_("score")),
        db_persist=True,
        verbose_name=_("score"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_risks",
        null=True,
        blank=True,
    )
    response = models.CharField(
        _("response"), max_length=10, choices=RiskResponse, default=RiskResponse.REDUCE
    )
    mitigation = models.TextField(
        _("mitigation"), blank=True, help_text=_("What is done to carry out the response.")
    )
    residual_probability = scale_field(
        _("residual probability"), null=True, help_text=_("Once the response is in place.")
    )
    residual_impact = scale_field(
        _("residual impact"), null=True, help_text=_("Once the response is in place.")
    )
    residual_score = models.GeneratedField(
        expression=models.F("residual_probability") * models.F("residual_impact"),
        output_field=models.PositiveSmallIntegerField(_("residual score"), null=True),
        db_persist=True,
        verbose_name=_("residual score"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RiskStatus,
        default=RiskStatus.OPEN,
        help_text=_("Closing a risk or marking it occurred are steps of their own."),
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    escalated_at = step_time_field(_("escalated at"))
    escalated_by = step_actor_field(_("escalated by"))
    escalation_note = models.TextField(_("escalation note"), blank=True, editable=False)
    closed_at = step_time_field(_("closed at"))
    closed_by = step_actor_field(_("closed by"))
    closure_note = models.TextField(_("closure note"), blank=True, editable=False)

    history = audit_trail()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-score", "pk"]
        constraints = [
            scope_constraint("risk_one_scope"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=1, probability__lte=5)
                & models.Q(impact__gte=1, impact__lte=5),
                name="risk_scale_1_to_5",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(residual_probability__isnull=True)
                    | models.Q(residual_probability__gte=1, residual_probability__lte=5)
                )
                & (
                    models.Q(residual_impact__isnull=True)
                    | models.Q(residual_impact__gte=1, residual_impact__lte=5)
                ),
                name="risk_residual_scale_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["status", "score"], name="risk_status_score")]

    def clean(self):
        super().clean()
        errors = {}
        if (self.residual_probability is None) != (self.residual_impact is None):
            field = "residual_impact" if self.residual_impact is None else "residual_probability"
            errors[field] = _("Give both the residual probability and impact, or neither.")
        for residual, inherent in (
            ("residual_probability", "probability"),
            ("residual_impact", "impact"),
        ):
            value, ceiling = getattr(self, residual), getattr(self, inherent)
            if value is not None and ceiling is not None and value > ceiling:
                errors[residual] = _("The residual value cannot exceed the inherent one.")
        if errors:
            raise ValidationError(errors)

    @property
    def current_score(self) -> int | None:
        """P × I from the fields in hand (the stored score is the database's, after save)."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_RISK_STATUSES

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_live and self.next_review_date and self.next_review_date < today)

    def proposed_for_escalation(self, threshold: int) -> bool:
        score = self.current_score
        return bool(self.is_live and not self.is_escalated and score and score >= threshold)


class Issue(ScopedEntry):
    """A problem happening now (often a risk that occurred), its severity and resolution."""

    reference_prefix = "I"
    detail_url_name = "risks:issue_detail"

    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity, default=Severity.MEDIUM
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_issues",
        null=True,
        blank=True,
    )
    target_date = models.DateField(
        _("target date"), null=True, blank=True, help_text=_("When it should be resolved.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus, default=IssueStatus.OPEN, editable=False
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = step_time_field(_("resolved at"))
    resolved_by = step_actor_field(_("resolved by"))
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk that occurred"),
        on_delete=models.PROTECT,
        related_name="issues",
        null=True,
        blank=True,
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["status", "-created_at", "pk"]
        constraints = [scope_constraint("issue_one_scope")]

    @property
    def is_open(self) -> bool:
        return self.status == IssueStatus.OPEN

    def overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_open and self.target_date and self.target_date < today)


class Decision(ScopedEntry):
    """A decision a project (or programme, portfolio) needs: requested with its context and
    options, then taken (outcome, by whom, when, maybe in which steering committee). A taken
    decision is never changed."""

    reference_prefix = "D"
    detail_url_name = "risks:decision_detail"

    context = models.TextField(_("context"), blank=True, help_text=_("Why it is needed now."))
    options = models.TextField(
        _("options"), blank=True, help_text=_("The options on the table, with their effects.")
    )
    needed_by = models.DateField(
        _("needed by"), null=True, blank=True, help_text=_("The date the decision is needed by.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="requested_decisions",
        editable=False,
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DecisionState,
        default=DecisionState.REQUESTED,
        editable=False,
    )
    outcome = models.TextField(_("outcome"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="decisions_taken",
        null=True,
        blank=True,
        editable=False,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    committee = models.CharField(
        _("steering committee"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The meeting it was taken in, if any."),
    )
    recorded_by = step_actor_field(_("recorded by"))
    recorded_at = step_time_field(_("recorded at"))
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk"),
        on_delete=models.PROTECT,
        related_name="decisions",
        null=True,
        blank=True,
        help_text=_("The escalated risk this decision is about, if any."),
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="decisions",
        null=True,
        blank=True,
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["state", "needed_by", "pk"]
        constraints = [
            scope_constraint("decision_one_scope"),
            models.CheckConstraint(
                condition=~models.Q(state=DecisionState.TAKEN)
                | models.Q(decided_on__isnull=False, decided_by__isnull=False),
                name="decision_taken_has_who_and_when",
            ),
        ]

    @property
    def is_pending(self) -> bool:
        return self.state == DecisionState.REQUESTED

    def overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_pending and self.needed_by and self.needed_by < today)


class Action(ScopedEntry):
    """Something someone must do by a date, and what it came out of."""

    reference_prefix = "A"
    detail_url_name = "risks:action_detail"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus, default=ActionStatus.OPEN
    )
    completed_at = step_time_field(_("completed at"))
    origin = models.CharField(
        _("origin"), max_length=10, choices=ActionOrigin, default=ActionOrigin.OTHER
    )
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk"),
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    meeting = models.CharField(
        _("meeting"),
        max_length=200,
        blank=True,
        help_text=_("The meeting it was agreed in, e.g. “Copil 12 March”."),
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        constraints = [scope_constraint("action_one_scope")]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due")]

    def clean(self):
        super().clean()
        errors = {}
        needed = {
            ActionOrigin.RISK: "risk",
            ActionOrigin.ISSUE: "issue",
            ActionOrigin.DECISION: "decision",
        }
        field = needed.get(self.origin)
        if field and not getattr(self, f"{field}_id"):
            errors[field] = _("Say which one the action comes from.")
        if self.origin == ActionOrigin.MEETING and not self.meeting.strip():
            errors["meeting"] = _("Say which meeting the action comes from.")
        for other in needed.values():
            if other != field and getattr(self, f"{other}_id"):
                errors[other] = _("Only the origin chosen is kept: clear this one.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_ACTION_STATUSES

    def overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.is_pending and self.due_date and self.due_date < today)

    @property
    def origin_object(self):
        return self.risk or self.issue or self.decision


class ChangeRequest(TimeStampedModel):
    """A change to a project's cost, schedule, scope or quality, put through control: drafted,
    submitted, approved or rejected by a PMO manager or an executive, then implemented.
    Approval moves the project's baseline in the same transaction and keeps the baseline
    revisions before and after."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("justification"), blank=True, help_text=_("What changes and why.")
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ChangeState, default=ChangeState.DRAFT, editable=False
    )
    cost_delta_capex = models.DecimalField(
        _("cost change, CAPEX"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Added to the CAPEX baseline budget on approval (negative to lower it)."),
    )
    cost_delta_opex = models.DecimalField(
        _("cost change, OPEX"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Added to the OPEX baseline budget on approval (negative to lower it)."),
    )
    new_end_date = models.DateField(
        _("new baseline end"),
        null=True,
        blank=True,
        help_text=_("The project's baseline end once approved; or give a number of days."),
    )
    schedule_delta_days = models.IntegerField(
        _("schedule change (days)"),
        null=True,
        blank=True,
        help_text=_("Days added to the baseline end on approval (negative to bring it forward)."),
    )
    scope_impact = models.TextField(_("impact on scope"), blank=True)
    quality_impact = models.TextField(_("impact on quality"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="requested_changes",
        editable=False,
    )
    submitted_at = step_time_field(_("submitted at"))
    submitted_by = step_actor_field(_("submitted by"))
    decided_at = step_time_field(_("decided at"))
    decided_by = step_actor_field(_("decided by"))
    decision_reason = models.TextField(
        _("decision reason"),
        blank=True,
        editable=False,
        help_text=_("Required for a rejection."),
    )
    implemented_at = step_time_field(_("implemented at"))
    implemented_by = step_actor_field(_("implemented by"))
    withdrawn_at = step_time_field(_("withdrawn at"))
    withdrawn_by = step_actor_field(_("withdrawn by"))
    baseline_before = models.ForeignKey(
        BaselineRevision,
        verbose_name=_("baseline before"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    baseline_after = models.ForeignKey(
        BaselineRevision,
        verbose_name=_("baseline after"),
        on_delete=models.PROTECT,
        related_name="change_requests",
        null=True,
        blank=True,
        editable=False,
    )

    history = audit_trail()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_end_date__isnull=True)
                | models.Q(schedule_delta_days__isnull=True),
                name="change_request_one_schedule_impact",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ChangeState.REJECTED) | ~models.Q(decision_reason=""),
                name="change_request_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "project"], name="change_request_state")]

    def __str__(self):
        return f"{self.reference} · {self.title}"

    def get_absolute_url(self):
        return reverse("risks:change_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CR-{self.pk}" if self.pk else "CR-?"

    def clean(self):
        errors = {}
        if self.new_end_date is not None and self.schedule_delta_days is not None:
            errors["schedule_delta_days"] = _(
                "Give either a new baseline end or a number of days, not both."
            )
        if self.schedule_delta_days == 0:
            errors["schedule_delta_days"] = _("Leave it empty when the schedule does not move.")
        if errors:
            raise ValidationError(errors)

    @property
    def total_cost_delta(self) -> Decimal:
        return (self.cost_delta_capex or Decimal("0")) + (self.cost_delta_opex or Decimal("0"))

    @property
    def has_impact(self) -> bool:
        return bool(
            self.cost_delta_capex
            or self.cost_delta_opex
            or self.new_end_date
            or self.schedule_delta_days
            or self.scope_impact.strip()
            or self.quality_impact.strip()
        )

    def new_baseline(self, project: Project) -> dict:
        """The baseline fields that approval changes on ``project``, with their new values."""
        changes = {}
        if self.cost_delta_capex:
            changes["budget_capex"] = project.budget_capex + self.cost_delta_capex
        if self.cost_delta_opex:
            changes["budget_opex"] = project.budget_opex + self.cost_delta_opex
        if self.new_end_date is not None:
            changes["baseline_end"] = self.new_end_date
        elif self.schedule_delta_days and project.baseline_end is not None:
            changes["baseline_end"] = project.baseline_end + datetime.timedelta(
                days=self.schedule_delta_days
            )
        return changes

    def baseline_problems(self, project: Project) -> dict[str, str]:
        """What would make applying this change to ``project``'s baseline impossible."""
        errors = {}
        if self.schedule_delta_days and project.baseline_end is None:
            errors["schedule_delta_days"] = _(
                "The project has no baseline end to move: give a new baseline end instead."
            )
        changes = self.new_baseline(project)
        if changes.get("budget_capex", 0) < 0:
            errors["cost_delta_capex"] = _("This would make the CAPEX budget negative.")
        if changes.get("budget_opex", 0) < 0:
            errors["cost_delta_opex"] = _("This would make the OPEX budget negative.")
        end = changes.get("baseline_end")
        if end is not None and project.baseline_start and end < project.baseline_start:
            field = "new_end_date" if self.new_end_date else "schedule_delta_days"
            errors[field] = _("The baseline end would fall before the baseline start.")
        return errors
