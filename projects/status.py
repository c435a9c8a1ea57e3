"""What a week's status means: its state against the deadline, and trends between weeks."""

import datetime

from django.utils import timezone

from projects.choices import RATING_RANK, WEATHER_RANK, Axis, ReportState, Trend, WeekState
from projects.models import Project, ReportingCalendar, StatusReport


def trend(now_rank: int | None, before_rank: int | None) -> str | None:
    """Better, same or worse; None when either side is unknown (not reported)."""
    if now_rank is None or before_rank is None:
        return None
    if now_rank < before_rank:
        return Trend.BETTER
    if now_rank > before_rank:
        return Trend.WORSE
    return Trend.SAME


def axis_trends(current: StatusReport | None, previous: StatusReport | None) -> dict:
    """Trend of the weather and of each QCDR axis from ``previous`` to ``current``."""
    if current is None or previous is None:
        return {"weather": None, **dict.fromkeys(Axis.values)}
    trends = {"weather": trend(WEATHER_RANK[current.weather], WEATHER_RANK[previous.weather])}
    for axis in Axis.values:
        trends[axis] = trend(
            RATING_RANK[getattr(current, f"{axis}_rating")],
            RATING_RANK[getattr(previous, f"{axis}_rating")],
        )
    return trends


def week_state(
    *,
    project: Project,
    week: datetime.date,
    reports: list[StatusReport],
    calendar: ReportingCalendar,
    now: datetime.datetime | None = None,
) -> str:
    """The :class:`WeekState` of ``project`` for ``week`` given that week's revisions.

    Submitted on time or late is judged on the first submission of the week (an amendment
    afterwards does not make a punctual report late).
    """
    now = now or timezone.now()
    due = calendar.deadline(week, project.tz)
    submissions = [
        r.submitted_at
        for r in reports
        if r.state in (ReportState.SUBMITTED, ReportState.SUPERSEDED) and r.submitted_at
    ]
    if submissions:
        return WeekState.SUBMITTED if min(submissions) <= due else WeekState.SUBMITTED_LATE
    if now > due:
        # A week long gone with nothing submitted is "not reported"; this week's is "late".
        this_week_ends = datetime.datetime.combine(
            week + datetime.timedelta(days=7), datetime.time(0, 0), tzinfo=project.tz
        )
        return WeekState.LATE if now < this_week_ends else WeekState.NOT_REPORTED
    if any(r.state == ReportState.DRAFT for r in reports):
        return WeekState.DRAFT
    return WeekState.TO_DO
