"""Filters of the alerts and the Copil packs, for the pages and the API."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio, Programme
from projects.models import Project
from reporting.choices import AlertKind, AlertSeverity, ReportKind, RunState
from reporting.models import Alert, ReportRun, ReportSchedule

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


class ReportRunFilterSet(BaseFilterSet):
    """Copil packs by kind, portfolio, programme, project, state, language, schedule and the
    date they are as of; the executives' page and the API's ``reports``."""

    search_fields = (
        "portfolio__code",
        "portfolio__name",
        "programme__code",
        "programme__name",
        "project__code",
        "project__name",
    )
    kind = django_filters.MultipleChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    portfolio = django_filters.ModelMultipleChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme")
    )
    project = django_filters.ModelMultipleChoiceFilter(
        queryset=Project.objects.all(), label=_("Project")
    )
    state = django_filters.MultipleChoiceFilter(choices=RunState.choices, label=_("State"))
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES, label=_("Language"))
    schedule = django_filters.ModelChoiceFilter(
        queryset=ReportSchedule.objects.all(), label=_("Schedule")
    )
    as_of_after = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", label=_("As of, from")
    )
    as_of_before = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", label=_("As of, until")
    )

    class Meta:
        model = ReportRun
        fields = [
            "q",
            "kind",
            "portfolio",
            "programme",
            "project",
            "state",
            "language",
            "schedule",
            "as_of_after",
            "as_of_before",
        ]


class ReportScheduleFilterSet(BaseFilterSet):
    """Report schedules by kind, portfolio, language and whether they are active."""

    search_fields = ("name", "portfolio__name", "programme__name", "project__name")
    kind = django_filters.MultipleChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    portfolio = django_filters.ModelMultipleChoiceFilter(
        queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES, label=_("Language"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = ReportSchedule
        fields = ["q", "kind", "portfolio", "language", "is_active"]
