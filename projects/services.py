"""Writes of projects and milestones."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.services import model_create, model_update
from portfolio.models import StrategicObjective
from projects.models import Milestone, Project, ProjectObjective
from projects.rules import reserved_fields


def _refuse_reserved(actor, model, instance, data: dict) -> None:
    """Raise PermissionDenied when ``actor`` would change a field reserved to the PMO."""
    if actor is None:
        return
    touched = sorted(
        field
        for field in reserved_fields(actor, model) & data.keys()
        if instance is None or getattr(instance, field) != data[field]
    )
    if touched:
        raise PermissionDenied(
            _("Only a PMO manager may set: %(fields)s.") % {"fields": ", ".join(touched)}
        )


@transaction.atomic
def project_set_objectives(
    project: Project, *, contributions: dict[StrategicObjective, int]
) -> None:
    """Replace the project's contributions to strategic objectives with ``contributions``."""
    project.contributions.exclude(objective__in=list(contributions)).delete()
    existing = {c.objective_id: c for c in project.contributions.all()}
    for objective, level in contributions.items():
        row = existing.get(objective.pk)
        if row is None:
            row = ProjectObjective(project=project, objective=objective, contribution=level)
        elif row.contribution == level:
            continue
        row.contribution = level
        row.full_clean()
        row.save()


@transaction.atomic
def project_create(*, actor=None, objectives=None, **data) -> Project:
    """Create a project (a PMO manager's act), with its contributions to objectives."""
    _refuse_reserved(actor, Project, None, data)
    project = model_create(model=Project, data=data)
    if objectives:
        project_set_objectives(project, contributions=objectives)
    return project


@transaction.atomic
def project_update(project: Project, *, actor=None, objectives=None, **data) -> Project:
    """Change a project; the row is locked so that two editors do not interleave."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _refuse_reserved(actor, Project, locked, data)
    locked, _changed = model_update(instance=locked, data=data)
    if objectives is not None:
        project_set_objectives(locked, contributions=objectives)
    return locked


@transaction.atomic
def milestone_create(*, actor=None, **data) -> Milestone:
    """Add a milestone to a project."""
    return model_create(model=Milestone, data=data)


@transaction.atomic
def milestone_update(milestone: Milestone, *, actor=None, **data) -> Milestone:
    """Change a milestone: forecast and actual dates by its project's manager, baseline by the
    PMO; a milestone never moves to another project."""
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    project = data.get("project")
    if project is not None and project.pk != locked.project_id:
        raise ValidationError({"project": _("A milestone stays in its project.")})
    _refuse_reserved(actor, Milestone, locked, data)
    return model_update(instance=locked, data=data)[0]
