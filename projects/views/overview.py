"""Finance overview pages: the overrun alerts of every project."""

from django.utils.translation import gettext_lazy as _

from pmo.views import ObjectListView
from projects.filtersets.alerts import OverrunAlertFilterSet
from projects.models import OverrunAlert
from projects.selectors.finance import overrun_alert_list
from projects.tables.alerts import OverrunAlertTable


class OverrunAlertListView(ObjectListView):
    """Projects whose estimate at completion passed, or passes, their budget beyond the
    tolerance: the open alerts first. Everyone with a role reads; the alerts are raised and
    cleared by the daily refresh, never by hand."""

    model = OverrunAlert
    filterset_class = OverrunAlertFilterSet
    table_class = OverrunAlertTable
    title = _("Budget overruns")

    def get_queryset(self):
        return overrun_alert_list()
