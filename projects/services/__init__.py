"""Writes of projects, milestones and weekly status reports."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pmo.exceptions import StaleWriteError, WorkflowError
from pmo.history import records_actor
from pmo.services import model_create, model_update
from portfolio.models import StrategicObjective
from projects.choices import ReportState
from projects.models import (
    BASELINE_FIELDS,
    STATUS_CONTENT_FIELDS,
    BaselineRevision,
    Milestone,
    Project,
    ProjectObjective,
    ReportingCalendar,
    StatusReport,
)
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


def _has_baseline(project: Project) -> bool:
    return any(getattr(project, field) for field in BASELINE_FIELDS)


def _record_baseline(project: Project, *, actor, reason: str) -> BaselineRevision:
    """Record the project's baseline as it now stands as its next revision."""
    last = project.baseline_revisions.order_by("-number").values_list("number", flat=True)
    revision = BaselineRevision(
        project=project,
        number=(last.first() or 0) + 1,
        reason=reason,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        **project.baseline(),
    )
    revision.full_clean()
    revision.save()
    return revision


def current_baseline_revision(project: Project, *, actor) -> BaselineRevision:
    """The revision matching the project's baseline now, recorded first if there is none
    (a project baselined before revisions were kept)."""
    revision = project.baseline_revisions.order_by("-number").first()
    if revision is None or any(
        getattr(revision, field) != getattr(project, field) for field in BASELINE_FIELDS
    ):
        revision = _record_baseline(project, actor=actor, reason=_("Baseline as found"))
    return revision


@transaction.atomic
def baseline_record_if_changed(project: Project, *, actor) -> BaselineRevision | None:
    """Record the project's baseline when it differs from its last revision (a write that
    did not go through project_update, such as the admin's); returns the new revision."""
    if not _has_baseline(project):
        return None
    last = project.baseline_revisions.order_by("-number").first()
    if last is not None and all(
        getattr(last, field) == getattr(project, field) for field in BASELINE_FIELDS
    ):
        return None
    reason = _("Baseline changed by the PMO") if last is not None else _("Initial baseline")
    return _record_baseline(project, actor=actor, reason=reason)


@records_actor
@transaction.atomic
def project_create(*, actor=None, objectives=None, **data) -> Project:
    """Create a project (a PMO manager's act), with its contributions to objectives and, when
    it has one, the first revision of its baseline."""
    _refuse_reserved(actor, Project, None, data)
    project = model_create(model=Project, data=data)
    if objectives:
        project_set_objectives(project, contributions=objectives)
    if _has_baseline(project):
        _record_baseline(project, actor=actor, reason=_("Initial baseline"))
    return project


@records_actor
@transaction.atomic
def project_update(project: Project, *, actor=None, objectives=None, **data) -> Project:
    """Change a project; the row is locked so that two editors do not interleave. A change of
    the baseline is recorded as a new baseline revision. The phase is not changed here
    (400 on ``phase``): it moves through a gate review."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    # The phase moves only through a gate review (projects.services.gates), which records
    # who decided and why; posting the phase unchanged is fine.
    if "phase" in data and data["phase"] != locked.phase:
        raise ValidationError({"phase": _("The phase changes through a gate review.")})
    _refuse_reserved(actor, Project, locked, data)
    had_baseline = _has_baseline(locked)
    # A form posts the baseline unchanged with every edit: only a real move is recorded.
    moves_baseline = any(
        data[field] != getattr(locked, field) for field in set(BASELINE_FIELDS) & data.keys()
    )
    if had_baseline and moves_baseline:
        current_baseline_revision(locked, actor=actor)
    locked, changed = model_update(instance=locked, data=data)
    if objectives is not None:
        project_set_objectives(locked, contributions=objectives)
    if set(BASELINE_FIELDS) & set(changed):
        reason = _("Baseline changed by the PMO") if had_baseline else _("Initial baseline")
        _record_baseline(locked, actor=actor, reason=reason)
    return locked


@records_actor
@transaction.atomic
def project_rebaseline(
    project: Project, *, actor, reason: str, **changes
) -> tuple[BaselineRevision, BaselineRevision]:
    """Move a project's baseline (dates, budget by nature) and record it; returns the
    revisions before and after. The project row is locked, so two rebaselines in flight
    apply one after the other, each on the other's result.

    Used by change control: the caller has decided the change, this only applies it.
    """
    unknown = set(changes) - set(BASELINE_FIELDS)
    if unknown:
        raise ValueError(f"Not baseline fields: {sorted(unknown)}")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    before = current_baseline_revision(locked, actor=actor)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=[*changes, "updated_at"])
    after = _record_baseline(locked, actor=actor, reason=reason)
    return before, after


@records_actor
@transaction.atomic
def milestone_create(*, actor=None, **data) -> Milestone:
    """Add a milestone to a project."""
    return model_create(model=Milestone, data=data)


@records_actor
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


def _week_taken_error(project: Project, week) -> ValidationError | None:
    """Why a new status for ``week`` cannot start, if it cannot."""
    states = set(
        StatusReport.objects.filter(
            project=project, week=week, state__in=[ReportState.DRAFT, ReportState.SUBMITTED]
        ).values_list("state", flat=True)
    )
    if ReportState.DRAFT in states:
        return ValidationError({"week": _("This week already has a draft: continue it.")})
    if ReportState.SUBMITTED in states:
        return ValidationError(
            {"week": _("This week's status is already submitted: amend it instead.")}
        )
    return None


@records_actor
@transaction.atomic
def status_report_create(*, actor, project: Project, week, **content) -> StatusReport:
    """Start the status of ``week`` as a draft (one per project and week)."""
    # One writer per project at a time: two tabs creating the same week cannot both pass.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    error = _week_taken_error(project, week)
    if error is not None:
        raise error
    return model_create(
        model=StatusReport,
        data={"project": project, "week": week, "author": actor, **content},
    )


def _stale_draft_error(draft: StatusReport) -> StaleWriteError:
    """Who saved ``draft`` last and when, for the writer whose save came from an older one."""
    last = draft.history.select_related("history_user").order_by("-history_id").first()
    who = (last.history_user if last and last.history_user else draft.author).display_name
    when = timezone.localtime(last.history_date if last else draft.updated_at)
    return StaleWriteError(
        _(
            "%(who)s saved this draft at %(time)s, after you opened it. Your changes were not "
            "saved: compare them with the saved draft, then save again."
        )
        % {"who": who, "time": formats.date_format(when, "SHORT_DATETIME_FORMAT")},
        extra={"version": draft.version},
    )


@records_actor
@transaction.atomic
def status_report_update(
    report: StatusReport, *, actor=None, version: int | None = None, **content
) -> StatusReport:
    """Change a draft. A submitted status is never edited: it is amended (409 otherwise).

    ``version`` is the draft's version the writer started from: when someone saved the draft
    since, the save is refused (409, saying who and when) rather than silently overwriting
    theirs. Every save that changes something moves the version on.
    """
    locked = StatusReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.DRAFT:
        raise WorkflowError(_("A submitted status is never edited: amend it instead."))
    if version is not None and version != locked.version:
        raise _stale_draft_error(locked)
    for field in ("project", "week"):
        value = content.pop(field, None)
        if value is not None and value != getattr(locked, field):
            raise ValidationError({field: _("A status stays on its project and week.")})
    changes = {name: value for name, value in content.items() if getattr(locked, name) != value}
    if changes:
        changes["version"] = locked.version + 1
    return model_update(instance=locked, data=changes)[0]


@records_actor
@transaction.atomic
def status_report_submit(report: StatusReport, *, actor) -> StatusReport:
    """Submit a draft: it becomes the week's status, superseding an earlier revision.

    Everything a submitted status must say is checked here; on any error nothing changes.
    """
    locked = StatusReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.DRAFT:
        raise WorkflowError(
            _("Only a draft can be submitted; this status is %(state)s.")
            % {"state": locked.get_state_display().lower()}
        )
    project = Project.objects.select_for_update().get(pk=locked.project_id)
    previous = (
        StatusReport.objects.select_for_update()
        .filter(project=project, week=locked.week, state=ReportState.SUBMITTED)
        .first()
    )
    if previous is not None:
        previous.state = ReportState.SUPERSEDED
        previous.save(update_fields=["state", "updated_at"])
    locked.state = ReportState.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.full_clean()
    locked.save()
    last = project.last_status
    if last is None or last.week <= locked.week:
        project.last_status = locked
        project.save(update_fields=["last_status", "updated_at"])
    return locked


@records_actor
@transaction.atomic
def status_report_amend(report: StatusReport, *, actor, reason: str) -> StatusReport:
    """Open an amendment of a submitted status: a new draft revision with its reason.

    The submitted revision stays the week's status until the amendment is submitted.
    """
    locked = StatusReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.SUBMITTED:
        raise WorkflowError(_("Only the submitted status of a week can be amended."))
    if not (reason or "").strip():
        raise ValidationError({"amendment_reason": _("Say why the submitted status is amended.")})
    if StatusReport.objects.filter(
        project_id=locked.project_id, week=locked.week, state=ReportState.DRAFT
    ).exists():
        raise WorkflowError(_("An amendment of this week is already in progress."))
    last_revision = (
        StatusReport.objects.filter(project_id=locked.project_id, week=locked.week)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    amendment = StatusReport(
        project_id=locked.project_id,
        week=locked.week,
        revision=last_revision + 1,
        author=actor,
        amendment_reason=reason.strip(),
        **{field: getattr(locked, field) for field in STATUS_CONTENT_FIELDS},
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def reporting_calendar_update(*, actor, **data) -> ReportingCalendar:
    """Set when weekly statuses are due and when reminders go out (the PMO's one calendar).

    The single row is created on the first save (with the defaults, then changed here, so a
    refused change leaves nothing behind) and locked while it changes.
    """
    calendar = ReportingCalendar.objects.select_for_update().order_by("pk").first()
    if calendar is None:
        calendar = ReportingCalendar.objects.create()
    return model_update(instance=calendar, data=data)[0]
