"""Filters of projects, milestones and weekly statuses, for pages and API."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import (
    ACTIVE_PHASES,
    Axis,
    MilestoneStatus,
    Phase,
    Rating,
    ReportState,
    Weather,
)
from projects.models import Milestone, Project, StatusReport


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description")
    portfolio = django_filters.ModelMultipleChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme")
    )
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices, label=_("Phase"))
    project_manager = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Project manager")
    )
    sponsor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Sponsor")
    )
    objective = django_filters.ModelChoiceFilter(
        field_name="objectives",
        queryset=StrategicObjective.objects.all(),
        label=_("Strategic objective"),
    )
    active = django_filters.BooleanFilter(method="filter_active", label=_("Active"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My projects"))
    baseline_end_after = django_filters.DateFilter(
        field_name="baseline_end", lookup_expr="gte", label=_("Baseline end from")
    )
    baseline_end_before = django_filters.DateFilter(
        field_name="baseline_end", lookup_expr="lte", label=_("Baseline end to")
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "portfolio",
            "programme",
            "phase",
            "project_manager",
            "sponsor",
            "objective",
            "active",
            "mine",
        ]

    def filter_active(self, queryset, name, value):
        condition = Q(phase__in=ACTIVE_PHASES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(Q(project_manager=user) | Q(sponsor=user))


class MilestoneFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "project__code", "project__name")
    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    is_gate = django_filters.BooleanFilter(label=_("Stage gate"))
    status = django_filters.ChoiceFilter(
        choices=MilestoneStatus.choices, method="filter_status", label=_("Status")
    )
    due_after = django_filters.DateFilter(
        field_name="baseline_date", lookup_expr="gte", label=_("Baseline from")
    )
    due_before = django_filters.DateFilter(
        field_name="baseline_date", lookup_expr="lte", label=_("Baseline to")
    )

    class Meta:
        model = Milestone
        fields = ["q", "project", "portfolio", "programme", "is_gate", "status"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        open_ = queryset.filter(actual_date__isnull=True)
        expected_before_today = Q(forecast_date__lt=today) | Q(
            forecast_date__isnull=True, baseline_date__lt=today
        )
        if value == MilestoneStatus.DONE:
            return queryset.filter(actual_date__isnull=False)
        if value == MilestoneStatus.OVERDUE:
            return open_.filter(expected_before_today)
        if value == MilestoneStatus.SLIPPED:
            return open_.exclude(expected_before_today).filter(forecast_date__gt=F("baseline_date"))
        if value == MilestoneStatus.ON_TRACK:
            return open_.exclude(expected_before_today).exclude(
                forecast_date__gt=F("baseline_date")
            )
        return queryset


class StatusReportFilterSet(BaseFilterSet):
    search_fields = (
        "project__code",
        "project__name",
        "quality_comment",
        "cost_comment",
        "delay_comment",
        "risk_comment",
    )
    project = django_filters.ModelMultipleChoiceFilter(
        queryset=Project.objects.all(), label=_("Project")
    )
    portfolio = django_filters.ModelMultipleChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        field_name="project__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    week = django_filters.DateFilter(label=_("Week"))
    week_after = django_filters.DateFilter(
        field_name="week", lookup_expr="gte", label=_("Week from")
    )
    week_before = django_filters.DateFilter(
        field_name="week", lookup_expr="lte", label=_("Week to")
    )
    state = django_filters.MultipleChoiceFilter(choices=ReportState.choices, label=_("State"))
    weather = django_filters.MultipleChoiceFilter(choices=Weather.choices, label=_("Weather"))
    quality_rating = django_filters.MultipleChoiceFilter(
        choices=Rating.choices, label=Axis.QUALITY.label
    )
    cost_rating = django_filters.MultipleChoiceFilter(choices=Rating.choices, label=Axis.COST.label)
    delay_rating = django_filters.MultipleChoiceFilter(
        choices=Rating.choices, label=Axis.DELAY.label
    )
    risk_rating = django_filters.MultipleChoiceFilter(choices=Rating.choices, label=Axis.RISK.label)
    author = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Author")
    )
    current = django_filters.BooleanFilter(method="filter_current", label=_("Current"))

    class Meta:
        model = StatusReport
        fields = [
            "q",
            "project",
            "portfolio",
            "programme",
            "week",
            "week_after",
            "week_before",
            "state",
            "weather",
            "quality_rating",
            "cost_rating",
            "delay_rating",
            "risk_rating",
            "author",
            "current",
        ]

    def filter_current(self, queryset, name, value):
        # The week's status is its submitted revision; drafts and superseded ones are not.
        condition = Q(state=ReportState.SUBMITTED)
        return queryset.filter(condition) if value else queryset.exclude(condition)
