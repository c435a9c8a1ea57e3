"""Filters of the alerts, for the alerts page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio
from projects.models import Project
from reporting.choices import AlertKind, AlertSeverity
from reporting.models import Alert

STATE_CHOICES = (
    ("open", pgettext_lazy("alert", "Open")),
    ("resolved", pgettext_lazy("alert", "Resolved")),
    ("all", pgettext_lazy("alert", "All")),
)


class AlertFilterSet(BaseFilterSet):
    """Alerts by kind, severity, portfolio, project, state and acknowledgement. Without a
    state, only the open alerts: what is still to look at."""

    search_fields = ("project__code", "project__name", "resource__name", "key")
    kind = django_filters.MultipleChoiceFilter(choices=AlertKind.choices, label=_("Kind"))
    severity = django_filters.MultipleChoiceFilter(
        choices=AlertSeverity.choices, label=_("Severity")
    )
    portfolio = django_filters.ModelMultipleChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    project = django_filters.ModelMultipleChoiceFilter(
        queryset=Project.objects.all(), label=_("Project")
    )
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", empty_label=None, label=_("State")
    )
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Acknowledged"),
    )

    class Meta:
        model = Alert
        fields = ["q", "kind", "severity", "portfolio", "project", "state", "acknowledged"]

    def filter_state(self, queryset, name, value):
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(resolved_at__isnull=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # No state asked (or an unknown one, already refused by the form): the open ones.
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(resolved_at__isnull=True)
        return queryset
