"""Filters of scoring criteria, project scores and scenarios, for pages and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, ScoringCriterion
from projects.models import Project, ProjectScore, Scenario


class ScoringCriterionFilterSet(BaseFilterSet):
    search_fields = ("name", "description")

    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )

    class Meta:
        model = ScoringCriterion
        fields = ["portfolio", "is_active", "higher_is_better"]


class ProjectScoreFilterSet(BaseFilterSet):
    search_fields = ("project__code", "project__name", "criterion__name", "comment")

    project = django_filters.ModelChoiceFilter(queryset=Project.objects.all(), label=_("Project"))
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    criterion = django_filters.ModelChoiceFilter(
        queryset=ScoringCriterion.objects.all(), label=_("Criterion")
    )

    class Meta:
        model = ProjectScore
        fields = ["project", "portfolio", "criterion"]


class ScenarioFilterSet(BaseFilterSet):
    search_fields = ("name", "description")

    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )

    class Meta:
        model = Scenario
        fields = ["portfolio"]
