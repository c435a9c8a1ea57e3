"""Writes of lessons learned (REX) and of what project managers make of the lessons suggested
to their projects.

A lesson is captured on a project by its manager or by the PMO, at a stage gate of that
project, at closure or along the way; its tags are free words, kept lowercased so that
"Fournisseur" and "fournisseur " are one tag. Lessons stay when their project closes: past
closure only the PMO writes them (``manages()`` is false for an ended project).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.exceptions import WorkflowError
from pmo.rules import can
from pmo.services import model_create, model_update
from projects.choices import LessonSource, Phase
from projects.models import Lesson, LessonFeedback, LessonTag, Milestone, Project

# The phases a project is offered lessons of other projects in: before it commits to a plan.
SUGGESTION_PHASES = (Phase.IDEA, Phase.FRAMING, Phase.PLANNING)
TAG_MAX_LENGTH = LessonTag._meta.get_field("name").max_length
# The fields of a lesson a service sets from its caller (tags aside, which are rows).
LESSON_FIELDS = (
    "project",
    "source",
    "gate",
    "knowledge_area",
    "polarity",
    "title",
    "what_happened",
    "recommendation",
)


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


def tag_names(tags) -> list[str]:
    """The tag names in ``tags`` (a comma-separated string or a list of strings): trimmed,
    lowercased, without blanks nor repeats, in the order given. A name above the tag's
    length is refused on ``tags``."""
    if tags is None:
        return []
    words = tags.split(",") if isinstance(tags, str) else list(tags)
    names: list[str] = []
    for word in words:
        name = " ".join(str(word).split()).lower()
        if not name or name in names:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": _("A tag has at most %(limit)s characters: “%(tag)s”.")
                    % {"limit": TAG_MAX_LENGTH, "tag": name}
                }
            )
        names.append(name)
    return names


def _check_gate(*, project: Project, source: str, gate: Milestone | None) -> None:
    """A gate is named for a lesson captured at a gate, and only then; it is a stage gate of
    the lesson's own project."""
    if source == LessonSource.GATE:
        if gate is None:
            raise ValidationError({"gate": _("Choose the gate the lesson was captured at.")})
        if gate.project_id != project.pk:
            raise ValidationError({"gate": _("This gate is not one of the project's.")})
        if not gate.is_gate:
            raise ValidationError({"gate": _("This milestone is not a stage gate.")})
    elif gate is not None:
        raise ValidationError({"gate": _("A gate is given only for a lesson captured at a gate.")})


def _set_tags(lesson: Lesson, names: list[str]) -> None:
    tags = [LessonTag.objects.get_or_create(name=name)[0] for name in names]
    lesson.tags.set(tags)


@transaction.atomic
def lesson_create(*, actor, project: Project, tags=None, **data) -> Lesson:
    """Capture a lesson on ``project`` (its manager, or the PMO), with its tags.

    ``tags`` is a comma-separated string or a list of words; each becomes a tag, created the
    first time it is used. ``source`` says when it was captured; ``gate`` is required for,
    and only for, a lesson captured at a gate, and is a gate of ``project``.
    """
    _require(actor, "add", Lesson, parent=project)
    data = {name: value for name, value in data.items() if name in LESSON_FIELDS}
    data.setdefault("source", LessonSource.ONGOING)
    names = tag_names(tags)
    _check_gate(project=project, source=data["source"], gate=data.get("gate"))
    lesson = model_create(model=Lesson, data={**data, "project": project, "author": actor})
    _set_tags(lesson, names)
    return lesson


@transaction.atomic
def lesson_update(lesson: Lesson, *, actor, tags=None, **data) -> Lesson:
    """Change a lesson (its author while they manage its project, or the PMO). A lesson stays
    on its project; ``tags``, when given, replace its tags."""
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _require(actor, "change", locked)
    data = {name: value for name, value in data.items() if name in LESSON_FIELDS}
    project = data.pop("project", locked.project)
    if project.pk != locked.project_id:
        raise ValidationError({"project": _("A lesson stays on the project it was learned on.")})
    names = tag_names(tags) if tags is not None else None
    _check_gate(
        project=locked.project,
        source=data.get("source", locked.source),
        gate=data.get("gate", locked.gate),
    )
    locked, _changed = model_update(instance=locked, data=data)
    if names is not None:
        _set_tags(locked, names)
    return locked


@transaction.atomic
def lesson_delete(lesson: Lesson, *, actor) -> None:
    """Delete a lesson (PMO only), with the feedback given on it."""
    _require(actor, "delete", lesson)
    lesson.delete()


@transaction.atomic
def lesson_feedback_set(
    *, actor, project: Project, lesson: Lesson, state: str, note: str = ""
) -> tuple[LessonFeedback, bool]:
    """Record what ``project``'s manager (or the PMO) made of ``lesson`` suggested to it:
    applied, or not relevant (``note`` says why). One answer per project and lesson: a second
    call replaces the first. Returns the feedback and whether it was created.

    Suggestions are for projects in idea, framing or planning (409 otherwise); a lesson of
    the project itself is not a suggestion (400).
    """
    _require(actor, "add", LessonFeedback, parent=project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.phase not in SUGGESTION_PHASES:
        raise WorkflowError(
            _("Lessons are suggested to projects in idea, framing or planning only.")
        )
    if lesson.project_id == project.pk:
        raise ValidationError({"lesson": _("This lesson is the project's own, not a suggestion.")})
    data = {"state": state, "note": (note or "").strip(), "decided_by": actor}
    feedback = LessonFeedback.objects.filter(project=project, lesson=lesson).first()
    if feedback is None:
        feedback = model_create(
            model=LessonFeedback, data={**data, "project": project, "lesson": lesson}
        )
        return feedback, True
    feedback, _changed = model_update(instance=feedback, data=data)
    return feedback, False
