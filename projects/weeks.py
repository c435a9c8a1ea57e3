"""Reporting weeks: a week is identified by its Monday, in the project's time zone.

Every function takes ``now`` so that tests (and the compliance page, looking back) decide
which moment counts; none reads a clock it was not given except through ``timezone.now``.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

ONE_WEEK = datetime.timedelta(days=7)


def zone(name: str | None = None) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``, or the site's."""
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week holding ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def week_of(moment: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.date:
    """The Monday of the week ``moment`` (aware) falls in, as seen in ``tz``.

    Sunday 23:30 in Paris is still that week, even though it is Monday in UTC+2 and beyond.
    """
    return monday_of(timezone.localtime(moment, tz).date())


def current_week(tz: zoneinfo.ZoneInfo, now: datetime.datetime | None = None) -> datetime.date:
    return week_of(now or timezone.now(), tz)


def deadline(
    week: datetime.date, *, weekday: int, at: datetime.time, tz: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """The aware moment the status of ``week`` is due: its ``weekday`` (0 = Monday) at ``at``."""
    day = week + datetime.timedelta(days=weekday)
    return datetime.datetime.combine(day, at, tzinfo=tz)


def weeks_back(last: datetime.date, count: int) -> list[datetime.date]:
    """``count`` Mondays ending with ``last``, oldest first."""
    return [last - ONE_WEEK * (count - 1 - i) for i in range(count)]


def is_monday(day: datetime.date) -> bool:
    return day.weekday() == 0
