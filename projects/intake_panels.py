"""The governance panels of the project page: the launch note the project came from, and its
closure report with the final figures against the baseline."""

from django.urls import reverse

from pmo.rules import can
from projects import panels as project_panels
from projects.choices import Phase
from projects.models import ClosureReport, ProjectRequest
from projects.selectors.intake import closure_figures
from projects.views.closure import may_write_closure

# The phases in which the closure panel is shown even without a report.
CLOSURE_PHASES = (Phase.CLOSING, Phase.CLOSED)


@project_panels.register(
    "launch_note", template_name="projects/intake/panel_launch_note.html", order=5
)
def launch_note_panel(request, project) -> dict:
    """The request the project came from, for those who may see it."""
    launch_note = ProjectRequest.objects.filter(project=project).select_related("requested_by")
    launch_note = launch_note.first()
    if launch_note is None or not can(request.user, "view", launch_note):
        return {"shown": False}
    return {
        "shown": True,
        "launch_note": launch_note,
        "url": reverse("projects:request_detail", args=[launch_note.pk]),
    }


@project_panels.register("closure", template_name="projects/closure/panel_closure.html", order=90)
def closure_panel(request, project) -> dict:
    """The closure report (once the project is closing) and its figures: live until the
    report is approved, frozen after."""
    report = (
        ClosureReport.objects.filter(project=project)
        .select_related("approved_by", "written_by")
        .first()
    )
    if report is None and project.phase not in CLOSURE_PHASES:
        return {"shown": False}
    return {
        "shown": True,
        "report": report,
        "figures": closure_figures(project, report),
        "url": reverse("projects:closure_report", args=[project.pk]),
        "can_write": may_write_closure(request.user, project, report),
    }
