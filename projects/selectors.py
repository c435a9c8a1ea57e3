"""Reads of projects and milestones, joined so that a list costs the same at any size."""

from django.db.models import Prefetch, QuerySet

from pmo.rules import can
from projects.models import Milestone, Project, ProjectObjective


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related("portfolio", "programme", "project_manager", "sponsor")


def project_detail() -> QuerySet[Project]:
    return project_list().prefetch_related(
        Prefetch(
            "contributions",
            queryset=ProjectObjective.objects.select_related("objective").order_by(
                "-contribution", "objective__code"
            ),
        ),
    )


def milestone_list() -> QuerySet[Milestone]:
    return Milestone.objects.select_related(
        "project", "project__portfolio", "project__project_manager"
    )


def projects_open_to_milestones(user) -> QuerySet[Project]:
    """The projects ``user`` may add milestones to, as the rules say (forms and admin)."""
    allowed = [
        project.pk
        for project in Project.objects.only("pk", "phase", "project_manager_id")
        if can(user, "add", Milestone, parent=project)
    ]
    return project_list().filter(pk__in=allowed)
