"""The alerts section of the project page; the Copil packs section of the project and
portfolio pages."""

from django.http import QueryDict
from django.urls import reverse

from portfolio.panels import portfolio_panels
from projects import panels
from reporting.alerts import alert_list, message
from reporting.views_packs import pack_panel_context

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


# --- Copil packs: the latest packs of the page's scope and Generate now --------------------


@panels.register("copil_packs", template_name="reporting/panels/copil_packs.html", order=90)
def project_copil_packs_panel(request, project) -> dict:
    """The project's latest flash reports and, for who may ask for one, Generate now. One
    query."""
    return pack_panel_context(request, project)


@portfolio_panels.register(
    "copil_packs", template_name="reporting/panels/copil_packs.html", order=90
)
def portfolio_copil_packs_panel(request, portfolio) -> dict:
    """The portfolio's latest Copil packs and, for who may ask for one, Generate now."""
    return pack_panel_context(request, portfolio)
