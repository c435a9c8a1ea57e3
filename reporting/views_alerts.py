"""The alerts page, acknowledging an alert, and the health thresholds' settings page."""

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pmo.exceptions import ApplicationError
from pmo.rules import can
from pmo.views import ObjectListView, RuleRequiredMixin, SettingsView
from reporting import services
from reporting.alerts import alert_list
from reporting.filtersets import AlertFilterSet
from reporting.forms_health import HealthPolicyForm
from reporting.models import Alert, HealthPolicy
from reporting.tables import AlertTable

NOTE_MAX_LENGTH = 1000


class AlertListView(ObjectListView):
    """What the PMO should look at: the open alerts by default, high first, then newest.
    Everyone with a role reads; PMO managers acknowledge. Alerts are raised and resolved by
    the hourly refresh, never by hand."""

    model = Alert
    filterset_class = AlertFilterSet
    table_class = AlertTable
    title = gettext_lazy("Alerts")

    def get_queryset(self):
        return alert_list()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # Bound even without a query string, so that the default state (open) applies.
        if kwargs.get("data") is None:
            kwargs["data"] = QueryDict()
        return kwargs

    def get_table_kwargs(self):
        if can(self.request.user, "acknowledge", Alert):
            return {}
        return {"exclude": ("acknowledge",)}


class AlertAcknowledgeView(RuleRequiredMixin, View):
    """POST: acknowledge an alert with an optional note, then back to the page it was
    acknowledged from, with a message saying it was, or why not."""

    http_method_names = ["post"]
    model = Alert
    permission_action = "acknowledge"

    def post(self, request, pk):
        alert = get_object_or_404(Alert, pk=pk)
        note = request.POST.get("note", "").strip()
        if len(note) > NOTE_MAX_LENGTH:
            messages.error(
                request,
                _("The note is too long: %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH},
            )
            return HttpResponseRedirect(self._back())
        try:
            services.alert_acknowledge(alert, actor=request.user, note=note)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Alert acknowledged."))
        return HttpResponseRedirect(self._back())

    def _back(self) -> str:
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("reporting:alert_list")


class HealthPolicyView(SettingsView):
    """From when Cost, Delay and Risk are computed amber or red: the PMO's thresholds."""

    model = HealthPolicy
    form_class = HealthPolicyForm
    template_name = "reporting/health_policy.html"
    update_service = services.health_policy_update
    success_message = gettext_lazy("Health thresholds saved.")
    success_url_name = "reporting:health_policy"
    title = gettext_lazy("Health thresholds")
    context_object_name = "policy"
