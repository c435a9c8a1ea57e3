"""The stage gates panel of the project page: every gate review of the project, and the gate
it faces now with a "Review the gate" button for approvers."""

from django.urls import reverse

from pmo.rules import can
from projects import panels as project_panels
from projects.models import GateReview
from projects.selectors.gates import checklist_done, gate_review_list, gate_template_for
from projects.tables.gates import DECISION_CLASSES


@project_panels.register("gates", template_name="projects/gates/panel.html", order=15)
def gates_panel(request, project) -> dict:
    """The project's gate reviews, newest first, each with its checklist done x/y."""
    reviews = list(gate_review_list().filter(project=project))
    gate = gate_template_for(project)
    review_url = None
    if gate is not None and can(request.user, "review", GateReview):
        review_url = reverse("projects:gate_review", args=[project.pk])
    return {
        "rows": [
            {
                "review": review,
                "done": checklist_done(review.checklist),
                "badge": DECISION_CLASSES.get(review.decision, ""),
            }
            for review in reviews
        ],
        "gate": gate,
        "review_url": review_url,
        "list_url": f"{reverse('projects:gatereview_list')}?project={project.pk}",
    }
