"""Filters of the RAID log and change requests, one per model, for pages and API."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme
from projects.models import Project
from risks import selectors
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
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy


def yes_no(queryset, value: bool | None, condition: dict):
    """A yes/no filter: rows meeting ``condition``, rows not meeting it, or all (None)."""
    if value is None:
        return queryset
    return queryset.filter(**condition) if value else queryset.exclude(**condition)


SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ScopedFilterSet(BaseFilterSet):
    """Filters shared by the RAID entries: where they are held, who owns them."""

    search_fields = ("title", "description", "project__code", "project__name")
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(),
        method="filter_portfolio",
        label=_("Portfolio"),
        help_text=_("Entries of the portfolio, its programmes and its projects."),
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(),
        method="filter_programme",
        label=_("Programme"),
        help_text=_("Entries of the programme and its projects."),
    )
    level = django_filters.ChoiceFilter(
        choices=Level.choices, method="filter_level", label=_("Level")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Owner")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Mine"))

    def filter_portfolio(self, queryset, name, value):
        return queryset.filter(selectors.in_portfolio(value)) if value else queryset

    def filter_programme(self, queryset, name, value):
        return queryset.filter(selectors.in_programme(value)) if value else queryset

    def filter_level(self, queryset, name, value):
        if value == Level.PROJECT:
            return queryset.filter(project__isnull=False)
        if value == Level.PROGRAMME:
            return queryset.filter(programme__isnull=False)
        if value == Level.PORTFOLIO:
            return queryset.filter(portfolio__isnull=False)
        return queryset

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(owner=user)

    @property
    def today(self):
        return timezone.localdate()


class RiskFilterSet(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices, label=_("Status"))
    live = django_filters.BooleanFilter(method="filter_live", label=_("Live"))
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices, label=_("Category"))
    response = django_filters.ChoiceFilter(choices=RiskResponse.choices, label=_("Response"))
    score_min = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label=_("Score from")
    )
    score_max = django_filters.NumberFilter(
        field_name="score", lookup_expr="lte", label=_("Score to")
    )
    probability = django_filters.ChoiceFilter(choices=SCALE_CHOICES, label=_("Probability"))
    impact = django_filters.ChoiceFilter(choices=SCALE_CHOICES, label=_("Impact"))
    residual_probability = django_filters.ChoiceFilter(
        choices=SCALE_CHOICES, label=_("Residual probability")
    )
    residual_impact = django_filters.ChoiceFilter(choices=SCALE_CHOICES, label=_("Residual impact"))
    escalated = django_filters.BooleanFilter(
        field_name="escalated_at", lookup_expr="isnull", exclude=True, label=_("Escalated")
    )
    proposed = django_filters.BooleanFilter(
        method="filter_proposed", label=_("Proposed for escalation")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))

    class Meta:
        model = Risk
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "level",
            "status",
            "live",
            "category",
            "response",
            "owner",
            "mine",
            "score_min",
            "score_max",
            "probability",
            "impact",
            "residual_probability",
            "residual_impact",
            "escalated",
            "proposed",
            "overdue",
        ]

    def filter_live(self, queryset, name, value):
        return yes_no(queryset, value, {"status__in": LIVE_RISK_STATUSES})

    def filter_proposed(self, queryset, name, value):
        if value is None:
            return queryset
        proposals = selectors.escalation_proposals(
            threshold=RiskPolicy.get().escalation_threshold
        ).values("pk")
        return queryset.filter(pk__in=proposals) if value else queryset.exclude(pk__in=proposals)

    def filter_overdue(self, queryset, name, value):
        return yes_no(
            queryset, value, {"status__in": LIVE_RISK_STATUSES, "next_review_date__lt": self.today}
        )


class IssueFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices, label=_("Status"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    risk = django_filters.NumberFilter(field_name="risk", label=_("From risk"))

    class Meta:
        model = Issue
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "level",
            "status",
            "severity",
            "owner",
            "mine",
            "overdue",
            "risk",
        ]

    def filter_overdue(self, queryset, name, value):
        return yes_no(queryset, value, {"status": IssueStatus.OPEN, "target_date__lt": self.today})


class ActionFilterSet(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices, label=_("Status"))
    pending = django_filters.BooleanFilter(method="filter_pending", label=_("Pending"))
    origin = django_filters.ChoiceFilter(choices=ActionOrigin.choices, label=_("Origin"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due by")
    )
    risk = django_filters.NumberFilter(field_name="risk", label=_("From risk"))
    issue = django_filters.NumberFilter(field_name="issue", label=_("From issue"))
    decision = django_filters.NumberFilter(field_name="decision", label=_("From decision"))

    class Meta:
        model = Action
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "level",
            "status",
            "pending",
            "origin",
            "owner",
            "mine",
            "overdue",
            "due_before",
            "risk",
            "issue",
            "decision",
        ]

    def filter_pending(self, queryset, name, value):
        return yes_no(queryset, value, {"status__in": PENDING_ACTION_STATUSES})

    def filter_overdue(self, queryset, name, value):
        return yes_no(
            queryset, value, {"status__in": PENDING_ACTION_STATUSES, "due_date__lt": self.today}
        )


class DecisionFilterSet(ScopedFilterSet):
    search_fields = ("title", "context", "options", "outcome", "project__code", "project__name")
    # A decision has no owner: who asked and who decided stand in its place.
    owner = None
    mine = None
    state = django_filters.MultipleChoiceFilter(choices=DecisionState.choices, label=_("State"))
    requested_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Requested by")
    )
    decided_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Decided by")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    risk = django_filters.NumberFilter(field_name="risk", label=_("About risk"))

    class Meta:
        model = Decision
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "level",
            "state",
            "requested_by",
            "decided_by",
            "overdue",
            "risk",
        ]

    def filter_overdue(self, queryset, name, value):
        return yes_no(
            queryset, value, {"state": DecisionState.REQUESTED, "needed_by__lt": self.today}
        )


class ChangeRequestFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "project__code", "project__name")
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    state = django_filters.MultipleChoiceFilter(choices=ChangeState.choices, label=_("State"))
    requested_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Requested by")
    )
    decided_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Decided by")
    )
    awaiting_decision = django_filters.BooleanFilter(
        method="filter_awaiting", label=_("Awaiting a decision")
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "q",
            "portfolio",
            "programme",
            "project",
            "state",
            "requested_by",
            "decided_by",
            "awaiting_decision",
        ]

    def filter_awaiting(self, queryset, name, value):
        return yes_no(queryset, value, {"state": ChangeState.SUBMITTED})
