"""Reads of projects, milestones and statuses, joined so that a list costs the same at any size."""

import datetime
from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from pmo.rules import can
from projects import status, weeks
from projects.choices import ACTIVE_PHASES, ReportState
from projects.models import (
    Milestone,
    Project,
    ProjectObjective,
    ReportingCalendar,
    StatusReport,
)


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related(
        "portfolio", "programme", "project_manager", "sponsor", "last_status"
    )


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


CURRENT_STATES = (ReportState.SUBMITTED,)


def status_report_list() -> QuerySet[StatusReport]:
    return StatusReport.objects.select_related(
        "project", "project__portfolio", "project__programme", "author", "submitted_by"
    )


def previous_submitted(project: Project, week: datetime.date) -> StatusReport | None:
    """The week's status most recently submitted before ``week`` (what a new one starts from)."""
    return (
        StatusReport.objects.filter(project=project, week__lt=week, state=ReportState.SUBMITTED)
        .order_by("-week")
        .first()
    )


def status_history(project: Project) -> list[StatusReport]:
    """Every revision of every week, newest week first, latest revision first."""
    return list(
        StatusReport.objects.filter(project=project)
        .select_related("author", "submitted_by")
        .order_by("-week", "-revision")
    )


def status_timeline(
    project: Project, *, count: int = 13, now: datetime.datetime | None = None
) -> list[dict]:
    """The last ``count`` weeks of ``project``, oldest first, in two queries.

    Each week: its Monday, the submitted status or None ("not reported", never carried
    over), the :class:`WeekState` and the trend of weather and axes against the previous
    submitted week.
    """
    now = now or timezone.now()
    calendar = ReportingCalendar.get()
    last_week = weeks.current_week(project.tz, now)
    mondays = weeks.weeks_back(last_week, count)
    revisions = defaultdict(list)
    for report in StatusReport.objects.filter(
        project=project, week__gte=mondays[0], week__lte=last_week
    ):
        revisions[report.week].append(report)
    previous = previous_submitted(project, mondays[0])
    timeline = []
    for monday in mondays:
        week_reports = revisions.get(monday, [])
        current = next((r for r in week_reports if r.state == ReportState.SUBMITTED), None)
        timeline.append(
            {
                "week": monday,
                "report": current,
                "state": status.week_state(
                    project=project, week=monday, reports=week_reports, calendar=calendar, now=now
                ),
                "trends": status.axis_trends(current, previous),
                "revisions": len(week_reports),
            }
        )
        previous = current or previous
    return timeline


def my_week(user, *, now: datetime.datetime | None = None) -> list[dict]:
    """The active projects ``user`` manages, each with this week's state, in three queries."""
    now = now or timezone.now()
    calendar = ReportingCalendar.get()
    projects = list(
        project_list().filter(project_manager=user, phase__in=ACTIVE_PHASES).order_by("code")
    )
    this_weeks = {p.pk: weeks.current_week(p.tz, now) for p in projects}
    reports = defaultdict(list)
    for report in StatusReport.objects.filter(
        project__in=projects, week__in=set(this_weeks.values())
    ):
        if report.week == this_weeks[report.project_id]:
            reports[report.project_id].append(report)
    rows = []
    for project in projects:
        week = this_weeks[project.pk]
        week_reports = reports.get(project.pk, [])
        rows.append(
            {
                "project": project,
                "week": week,
                "deadline": calendar.deadline(week, project.tz),
                "state": status.week_state(
                    project=project, week=week, reports=week_reports, calendar=calendar, now=now
                ),
                "draft": next((r for r in week_reports if r.is_draft), None),
                "submitted": next(
                    (r for r in week_reports if r.state == ReportState.SUBMITTED), None
                ),
                "last_status": project.last_status,
            }
        )
    return rows
