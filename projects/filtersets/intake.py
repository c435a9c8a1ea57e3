"""Filters of project requests and of closure reports, shared by the pages and the API."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme
from projects.choices import RequestState
from projects.models import ClosureReport, Project, ProjectRequest


class ProjectRequestFilterSet(BaseFilterSet):
    search_fields = ("title", "objectives", "scope", "project__code")
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("State"))
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.order_by("code"), label=_("Portfolio")
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("Programme")
    )
    requested_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(project_requests__isnull=False).distinct(),
        label=_("Requested by"),
    )

    class Meta:
        model = ProjectRequest
        fields = ["q", "state", "portfolio", "programme", "requested_by"]


class ClosureReportFilterSet(BaseFilterSet):
    search_fields = ("project__code", "project__name", "scope_delivered")
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("code"), label=_("Project")
    )
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    approved = django_filters.BooleanFilter(
        field_name="approved_on", lookup_expr="isnull", exclude=True, label=_("Approved")
    )

    class Meta:
        model = ClosureReport
        fields = ["q", "project", "portfolio", "approved"]
