"""The alerts section of the project page."""

from django.http import QueryDict
from django.urls import reverse

from projects import panels
from reporting.alerts import alert_list, message

# The panel shows this many; the link opens them all.
ALERTS_SHOWN = 10


@panels.register("alerts", template_name="reporting/panels/alerts.html", order=20)
def alerts_panel(request, project) -> dict:
    """The project's open alerts, high first, with a link to the alerts page filtered on
    the project. Two queries."""
    rows = list(alert_list().filter(project=project, resolved_at__isnull=True)[: ALERTS_SHOWN + 1])
    query = QueryDict(mutable=True)
    query["project"] = str(project.pk)
    return {
        "alerts": [{"alert": alert, "message": message(alert)} for alert in rows[:ALERTS_SHOWN]],
        "alerts_more": len(rows) > ALERTS_SHOWN,
        "alerts_url": f"{reverse('reporting:alert_list')}?{query.urlencode()}",
    }
