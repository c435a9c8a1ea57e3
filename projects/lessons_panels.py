"""The lessons panels of the project page: the lessons learned on the project, and, for a
project in idea, framing or planning, the lessons of other projects suggested to it."""

from django.urls import reverse
from django.utils.http import urlencode

from pmo.rules import can
from projects import panels as project_panels
from projects.choices import SuggestionState
from projects.models import Lesson, LessonFeedback
from projects.selectors.lessons import lesson_list, suggested_lessons
from projects.services.lessons import SUGGESTION_PHASES

# Lessons of the project listed on its page; the library lists them all.
PANEL_LESSONS = 10


@project_panels.register("lessons", template_name="projects/lessons/panel_lessons.html", order=70)
def lessons_panel(request, project) -> dict:
    """The project's own lessons, newest first, and a button to capture one for those who
    may."""
    lessons = list(lesson_list().filter(project=project)[: PANEL_LESSONS + 1])
    create_url = None
    if can(request.user, "add", Lesson, parent=project):
        create_url = "{}?{}".format(
            reverse("projects:lesson_create"),
            urlencode({"project": project.pk, "next": project.get_absolute_url()}),
        )
    return {
        "lessons": lessons[:PANEL_LESSONS],
        "more": len(lessons) > PANEL_LESSONS,
        "library_url": f"{reverse('projects:lesson_list')}?project={project.pk}",
        "create_url": create_url,
    }


@project_panels.register(
    "suggested_lessons", template_name="projects/lessons/panel_suggested.html", order=71
)
def suggested_lessons_panel(request, project) -> dict:
    """Lessons of similar projects, best first, with what the project already made of them;
    Applied / Not relevant buttons for the project's manager and the PMO."""
    if project.phase not in SUGGESTION_PHASES:
        return {"shown": False}
    return {
        "shown": True,
        "project_id": project.pk,
        "suggestions": suggested_lessons(project),
        "can_answer": can(request.user, "add", LessonFeedback, parent=project),
        "states": SuggestionState,
    }
