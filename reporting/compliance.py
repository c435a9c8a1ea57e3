"""Reporting compliance: who submitted the weekly status on time, late or not at all.

For one week (a Monday) and optionally one portfolio: every active project with its
punctuality, grouped by project manager; and per manager and in total, the on-time rate over
the 4, 13 and 52 weeks ending with that week. Reads only, in a constant number of queries:
the calendar, the projects, and one aggregate of the first submission of each (project, week)
over the 52 weeks, whatever the number of projects and weeks.

Without a history of phases, two simplifications hold, both visible on the page:

- the projects counted are those active *now* (framing to closing), under their *current*
  project manager and portfolio, for past weeks as well;
- for the rates, a project is expected to report from the week it starts (the earlier of its
  forecast and baseline start, whichever is known), or if it has no start date from the week
  of its first submitted status, or if it never submitted one from the week it was created.
  A week it did submit is always counted, so that a rate never exceeds 100 %. The week's own
  list shows every active project: one in framing whose start is still ahead is asked to
  report already, it is just not held to it in the rates.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.roles import oversees_portfolio
from portfolio.models import Portfolio
from projects import status, weeks
from projects.choices import ACTIVE_PHASES, ReportState, WeekState
from projects.models import Project, ReportingCalendar, StatusReport

# The on-time rates shown, in weeks ending with the chosen one.
RATE_WINDOWS = (4, 13, 52)
SUBMITTED_STATES = (ReportState.SUBMITTED, ReportState.SUPERSEDED)


class Punctuality(models.TextChoices):
    """How a project kept a week's deadline. on_time: first submitted at or before it; late:
    first submitted after it; missing: nothing submitted and the deadline passed; pending:
    nothing submitted yet, the deadline still ahead (neither counted nor blamed)."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")
    PENDING = "pending", _("Not due yet")


PUNCTUALITY = {
    WeekState.SUBMITTED: Punctuality.ON_TIME,
    WeekState.SUBMITTED_LATE: Punctuality.LATE,
    WeekState.LATE: Punctuality.MISSING,
    WeekState.NOT_REPORTED: Punctuality.MISSING,
    WeekState.TO_DO: Punctuality.PENDING,
    WeekState.DRAFT: Punctuality.PENDING,
}


def can_view_compliance(user) -> bool:
    """PMO managers and executives read the compliance page; nobody else does."""
    return oversees_portfolio(user)


def latest_week(now: datetime.datetime | None = None) -> datetime.date:
    """The current week in the site's time zone: the latest one compliance can be asked of."""
    return weeks.current_week(weeks.zone(), now)


def default_week(
    *, now: datetime.datetime | None = None, calendar: ReportingCalendar | None = None
) -> datetime.date:
    """The last week whose deadline has passed, in the site's time zone: the current week
    once its deadline is behind, the previous one before (when this week is still open, its
    picture would be mostly "not due yet")."""
    now = now or timezone.now()
    calendar = calendar or ReportingCalendar.get()
    site_tz = weeks.zone()
    this_week = weeks.current_week(site_tz, now)
    if now < calendar.deadline(this_week, site_tz):
        return this_week - weeks.ONE_WEEK
    return this_week


@dataclass
class Rate:
    """On-time weeks over expected weeks for a span of ``weeks`` weeks."""

    weeks: int
    on_time: int = 0
    expected: int = 0

    @property
    def percent(self) -> int | None:
        """Rounded percentage; None when nothing was expected."""
        if not self.expected:
            return None
        return round(100 * self.on_time / self.expected)


def _new_rates() -> list[Rate]:
    return [Rate(weeks=count) for count in RATE_WINDOWS]


@dataclass
class Tally:
    """Counts of a week's punctualities."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0

    def add(self, punctuality: str) -> None:
        setattr(self, punctuality, getattr(self, punctuality) + 1)

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing + self.pending

    @property
    def due(self) -> int:
        """The projects whose deadline has passed or who submitted: what the rate is over."""
        return self.on_time + self.late + self.missing

    @property
    def percent(self) -> int | None:
        if not self.due:
            return None
        return round(100 * self.on_time / self.due)


@dataclass
class ProjectWeek:
    """One project in the chosen week."""

    project: Project
    state: str
    punctuality: str
    deadline: datetime.datetime
    first_submitted_at: datetime.datetime | None

    @property
    def punctuality_label(self) -> str:
        return Punctuality(self.punctuality).label

    @property
    def state_label(self) -> str:
        return WeekState(self.state).label


@dataclass
class ManagerCompliance:
    """A project manager's projects in the chosen week, and their on-time rates."""

    manager: object  # the user, or None for active projects without a manager
    projects: list[ProjectWeek] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    rates: list[Rate] = field(default_factory=_new_rates)


@dataclass
class WeekCompliance:
    """The compliance of one week (and portfolio): by manager, in total, and the
    exceptions (late and missing) to chase."""

    week: datetime.date
    portfolio: Portfolio | None
    deadline: datetime.datetime
    managers: list[ManagerCompliance]
    tally: Tally
    rates: list[Rate]

    @property
    def exceptions(self) -> list[ProjectWeek]:
        """The late and missing projects, missing first, then by code."""
        rows = [
            row
            for line in self.managers
            for row in line.projects
            if row.punctuality in (Punctuality.MISSING, Punctuality.LATE)
        ]
        return sorted(rows, key=lambda r: (r.punctuality != Punctuality.MISSING, r.project.code))


def week_compliance(
    *,
    week: datetime.date | None = None,
    portfolio: Portfolio | None = None,
    now: datetime.datetime | None = None,
) -> WeekCompliance:
    """The compliance of ``week`` (a Monday; default :func:`default_week`) for the active
    projects of ``portfolio`` (default all), judged at ``now``. Three queries."""
    now = now or timezone.now()
    calendar = ReportingCalendar.get()
    week = week or default_week(now=now, calendar=calendar)
    window = weeks.weeks_back(week, max(RATE_WINDOWS))
    projects = _projects(portfolio)
    firsts = _first_submissions(portfolio, window[0], week)

    lines: dict[int | None, ManagerCompliance] = {}
    total = Tally()
    total_rates = _new_rates()
    for project in projects:
        line = lines.get(project.project_manager_id)
        if line is None:
            line = lines[project.project_manager_id] = ManagerCompliance(project.project_manager)
        first = firsts.get((project.pk, week))
        state = week_state(project, week, first, calendar, now)
        row = ProjectWeek(
            project=project,
            state=state,
            punctuality=PUNCTUALITY[state],
            deadline=timezone.localtime(calendar.deadline(week, project.tz), project.tz),
            first_submitted_at=first,
        )
        line.projects.append(row)
        line.tally.add(row.punctuality)
        total.add(row.punctuality)
        _count_rates(project, window, firsts, calendar, now, rate_lists=(line.rates, total_rates))

    managers = sorted(
        lines.values(),
        key=lambda line: (
            line.manager is None,
            str(line.manager).casefold() if line.manager else "",
        ),
    )
    site_tz = weeks.zone()
    return WeekCompliance(
        week=week,
        portfolio=portfolio,
        deadline=timezone.localtime(calendar.deadline(week, site_tz), site_tz),
        managers=managers,
        tally=total,
        rates=total_rates,
    )


def _projects(portfolio: Portfolio | None) -> list[Project]:
    """The active projects (of ``portfolio``), each with the week of its first submitted
    status, in one query."""
    first_report_week = (
        StatusReport.objects.filter(project=OuterRef("pk"), state__in=SUBMITTED_STATES)
        .order_by("week")
        .values("week")[:1]
    )
    projects = (
        Project.objects.filter(phase__in=ACTIVE_PHASES)
        .select_related("project_manager", "portfolio")
        .annotate(first_report_week=Subquery(first_report_week))
        .order_by("code")
    )
    if portfolio is not None:
        projects = projects.filter(portfolio=portfolio)
    return list(projects)


def _first_submissions(
    portfolio: Portfolio | None, first_week: datetime.date, last_week: datetime.date
) -> dict[tuple[int, datetime.date], datetime.datetime]:
    """When each (project, week) from ``first_week`` to ``last_week`` was first submitted,
    in one aggregate query: what punctuality is judged on (amendments come later)."""
    rows = StatusReport.objects.filter(
        project__phase__in=ACTIVE_PHASES,
        week__gte=first_week,
        week__lte=last_week,
        state__in=SUBMITTED_STATES,
    )
    if portfolio is not None:
        rows = rows.filter(project__portfolio=portfolio)
    return {
        (row["project_id"], row["week"]): row["first"]
        for row in rows.values("project_id", "week").annotate(first=Min("submitted_at")).order_by()
        if row["first"] is not None
    }


def week_state(project, week, first_submitted_at, calendar, now) -> str:
    """Where ``project`` stands for ``week`` as of ``now`` (a WeekState), from the moment its
    status of that week was first submitted (None: never). Read in bulk by the callers."""
    # status.week_state reads the revisions' state and submission time: the first submission stands
    # for them all, as it alone decides punctuality.
    reports = (
        [StatusReport(state=ReportState.SUBMITTED, submitted_at=first_submitted_at)]
        if first_submitted_at
        else []
    )
    return status.week_state(
        project=project, week=week, reports=reports, calendar=calendar, now=now
    )


def expected_from(project: Project) -> datetime.date:
    """The Monday of the first week ``project`` is held to report (see the module's note).

    Needs the ``first_report_week`` annotation of :func:`_projects`.
    """
    starts = [day for day in (project.forecast_start, project.baseline_start) if day]
    if starts:
        return weeks.monday_of(min(starts))
    if project.first_report_week:
        return project.first_report_week
    return weeks.week_of(project.created_at, project.tz)


def _count_rates(project, window, firsts, calendar, now, *, rate_lists) -> None:
    """Add ``project``'s expected and on-time weeks of ``window`` to each list of rates."""
    start = expected_from(project)
    last = len(window) - 1
    for index, monday in enumerate(window):
        first = firsts.get((project.pk, monday))
        if monday < start and first is None:
            continue
        punctuality = PUNCTUALITY[week_state(project, monday, first, calendar, now)]
        if punctuality == Punctuality.PENDING:
            continue
        age = last - index  # 0 for the chosen week
        for rates in rate_lists:
            for rate in rates:
                if age < rate.weeks:
                    rate.expected += 1
                    rate.on_time += punctuality == Punctuality.ON_TIME
