"""The dashboard's summary band: loaded by HTMX above the dashboard grid (a fragment), or on
its own as a page (the link the dashboard offers without JavaScript).

Every role reads it. It takes the dashboard's GET filters and applies those that choose
projects (portfolio, programme, phase, project manager, search); the others (ratings,
attention, sort) shape the grid only and are ignored here. A value that does not fit is
ignored too, as if it had not been given.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from pmo.filtersets import BaseFilterSet
from pmo.roles import has_any_role
from portfolio.models import Portfolio, Programme
from projects.choices import ACTIVE_PHASES, Phase
from projects.models import Project
from reporting import compliance
from reporting.summary import summary_band

# The dashboard's filters that choose the projects summed up.
SUMMARY_FILTERS = ("portfolio", "programme", "phase", "project_manager", "q")


class SummaryFilterSet(BaseFilterSet):
    """The dashboard's project filters, as the summary band applies them."""

    search_fields = ("code", "name")
    # A project has one portfolio and one programme: no duplicate rows to take out.
    portfolio = django_filters.ModelMultipleChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio"), distinct=False
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme"), distinct=False
    )
    # Any phase is accepted: a phase that is not active chooses nothing, as on the grid.
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices, label=_("Phase"))
    project_manager = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label=_("Project manager")
    )

    class Meta:
        model = Project
        fields = list(SUMMARY_FILTERS)


def summary_projects(query: QueryDict) -> QuerySet[Project]:
    """The active projects chosen by the dashboard filters of ``query`` (invalid ones
    ignored)."""
    data = QueryDict(mutable=True)
    for key in SUMMARY_FILTERS:
        values = [value for value in query.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
    filterset = SummaryFilterSet(
        data or None, queryset=Project.objects.filter(phase__in=ACTIVE_PHASES)
    )
    return filterset.qs


class DashboardSummaryView(LoginRequiredMixin, TemplateView):
    """The summary band of the dashboard's projects: a fragment for HTMX, a page otherwise."""

    fragment_template_name = "reporting/dashboard/summary.html"
    template_name = "reporting/summary_page.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return [self.fragment_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        context["summary"] = summary_band(summary_projects(query))
        context["filters_query"] = query.urlencode()
        context["is_filtered"] = any(query.getlist(key) for key in SUMMARY_FILTERS)
        context["compliance_url"] = (
            reverse("reporting:compliance")
            if compliance.can_view_compliance(self.request.user)
            else None
        )
        try:
            context["dashboard_url"] = reverse("reporting:dashboard")
        except NoReverseMatch:  # the dashboard page comes with its own change
            context["dashboard_url"] = None
        return context
