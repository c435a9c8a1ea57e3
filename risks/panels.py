"""The RAID log and change control sections of the project page."""

from django.urls import reverse

from pmo.rules import can
from projects import panels
from risks import selectors
from risks.models import Action, ChangeRequest, Decision, Issue, Risk


def _add_url(name: str, project) -> str:
    return reverse(name) + f"?project={project.pk}"


@panels.register("raid", template_name="risks/panels/raid.html", order=50)
def raid_panel(request, project) -> dict:
    """Live risks and the heat map, open issues, pending actions and decisions."""
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
    return {"raid": selectors.project_raid(project), "raid_add_urls": add}


@panels.register("changes", template_name="risks/panels/changes.html", order=60)
def changes_panel(request, project) -> dict:
    """Every change request of the project, newest first, with its effect on the baseline."""
    changes = list(selectors.change_request_list().filter(project=project))
    add_url = None
    if can(request.user, "add", ChangeRequest, parent=project):
        add_url = _add_url("risks:change_create", project)
    return {"change_requests": changes, "change_add_url": add_url}
