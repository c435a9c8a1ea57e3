"""The RAID log and change control sections of the project page."""

from django.http import QueryDict
from django.urls import reverse

from pmo.rules import can
from projects import panels
from risks import selectors
from risks.models import Action, ChangeRequest, Decision, Issue, Risk
from risks.tables import heat_map_links, schedule_change, signed_amount


def _add_url(name: str, project) -> str:
    return reverse(name) + f"?project={project.pk}"


def _list_url(name: str, project, **filters) -> str:
    query = QueryDict(mutable=True)
    query["project"] = str(project.pk)
    for key, value in filters.items():
        query[key] = value
    return f"{reverse(name)}?{query.urlencode()}"


@panels.register("raid", template_name="risks/panels/raid.html", order=50)
def raid_panel(request, project) -> dict:
    """Live risks and the heat maps, open issues, pending actions and decisions; each part
    links to the RAID list filtered the same way."""
    user = request.user
    add = {}
    for key, model, url_name in (
        ("risk", Risk, "risks:risk_create"),
        ("issue", Issue, "risks:issue_create"),
        ("action", Action, "risks:action_create"),
        ("decision", Decision, "risks:decision_create"),
    ):
        if can(user, "add", model, parent=project):
            add[key] = _add_url(url_name, project)
    raid = selectors.project_raid(project)
    live = QueryDict(mutable=True)
    live.update({"project": str(project.pk), "live": "true"})
    risk_list = reverse("risks:risk_list")
    heat_map_links(raid["heat_map"], url=risk_list, query=live)
    residual = live.copy()
    residual["basis"] = "residual"
    heat_map_links(raid["residual_heat_map"], url=risk_list, query=residual)
    raid["unassessed_count"] = raid["heat_map"]["total"] - raid["residual_heat_map"]["total"]
    see_all = {
        "risks": _list_url("risks:risk_list", project, live="true"),
        "issues": _list_url("risks:issue_list", project, status="open"),
        "actions": _list_url("risks:action_list", project, pending="true"),
        "decisions": _list_url("risks:decision_list", project, state="requested"),
    }
    return {"raid": raid, "raid_add_urls": add, "raid_list_urls": see_all}


@panels.register("changes", template_name="risks/panels/changes.html", order=60)
def changes_panel(request, project) -> dict:
    """Every change request of the project, newest first, with its effect on the baseline."""
    changes = list(selectors.change_request_list().filter(project=project))
    for change in changes:
        change.capex_label = signed_amount(change.cost_delta_capex)
        change.opex_label = signed_amount(change.cost_delta_opex)
        change.schedule_label = schedule_change(change)
    add_url = None
    if can(request.user, "add", ChangeRequest, parent=project):
        add_url = _add_url("risks:change_create", project)
    return {
        "change_requests": changes,
        "change_add_url": add_url,
        "change_list_url": _list_url("risks:change_list", project),
    }
