"""Cron expressions of report schedules: parsed as Celery beat reads them, described in the
reader's language, and walked back to the occurrence a fired task stands for.

Beat fires a schedule's task without saying for which planned time; the task takes the
latest occurrence at or before now, so that two deliveries of one firing name the same
planned time and make one run.
"""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass

from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _

# A yearly expression (one day of one month) is the rarest there is; a little more than a
# leap year back is always enough to find its latest occurrence.
SEARCH_DAYS = 370


@dataclass(frozen=True)
class Cron:
    """The five fields of a cron expression, as written and as the sets they stand for."""

    minute: str
    hour: str
    day_of_month: str
    month_of_year: str
    day_of_week: str
    schedule: crontab

    @property
    def fields(self) -> dict[str, str]:
        """The keyword arguments of django-celery-beat's ``CrontabSchedule``."""
        return {
            "minute": self.minute,
            "hour": self.hour,
            "day_of_month": self.day_of_month,
            "month_of_year": self.month_of_year,
            "day_of_week": self.day_of_week,
        }


def parse(expression: str) -> Cron:
    """The :class:`Cron` of ``expression``; ValueError with a readable message otherwise."""
    parts = (expression or "").split()
    if len(parts) != 5:
        raise ValueError(
            _(
                "Give five fields separated by spaces: minute, hour, day of month, month and "
                "day of week (for example 0 7 * * 1)."
            )
        )
    minute, hour, day_of_month, month_of_year, day_of_week = parts
    try:
        schedule = crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except Exception as error:  # celery raises ValueError or its own ParseException
        raise ValueError(
            _("This is not a cron expression Pilotage can read: %(error)s") % {"error": error}
        ) from error
    if not schedule.minute or not schedule.hour or not schedule.day_of_month:
        raise ValueError(_("This expression never fires."))
    return Cron(minute, hour, day_of_month, month_of_year, day_of_week, schedule)


def describe(expression: str, language: str) -> str:
    """``expression`` in words ("At 07:00, only on Monday"), or the expression itself."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.locale_code = {"fr": "fr_FR", "en": "en_US"}.get(language, "en_US")
    options.use_24hour_time_format = True
    try:
        text = ExpressionDescriptor(expression, options).get_description()
    except Exception:  # an unreadable expression is shown as written
        return expression
    # Its day and month names are the machine's (English); Django's say them in ours.
    with translation.override(language):
        for number, name in enumerate(calendar.day_name):
            text = text.replace(name, str(WEEKDAYS[number]).lower() if language == "fr" else name)
        for number in range(1, 13):
            local = str(MONTHS[number])
            text = text.replace(
                calendar.month_name[number], local.lower() if language == "fr" else local
            )
    return text


def _matches_day(cron: Cron, day: datetime.date) -> bool:
    # Celery counts days of week from Sunday = 0; Python's isoweekday has Sunday = 7.
    return (
        day.month in cron.schedule.month_of_year
        and day.day in cron.schedule.day_of_month
        and day.isoweekday() % 7 in cron.schedule.day_of_week
    )


def latest_occurrence(
    expression: str, time_zone: str, now: datetime.datetime
) -> datetime.datetime | None:
    """The latest time at or before ``now`` when ``expression`` fires in ``time_zone``
    (aware, in that zone), or None when it has not fired in the past year."""
    cron = parse(expression)
    zone = zoneinfo.ZoneInfo(time_zone)
    local = now.astimezone(zone)
    times = sorted(
        ((hour, minute) for hour in cron.schedule.hour for minute in cron.schedule.minute),
        reverse=True,
    )
    for back in range(SEARCH_DAYS):
        day = local.date() - datetime.timedelta(days=back)
        if not _matches_day(cron, day):
            continue
        for hour, minute in times:
            if back == 0 and (hour, minute) > (local.hour, local.minute):
                continue
            moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
            return moment
    return None


def next_occurrence(
    expression: str, time_zone: str, now: datetime.datetime
) -> datetime.datetime | None:
    """The next time after ``now`` when ``expression`` fires in ``time_zone``, or None."""
    cron = parse(expression)
    zone = zoneinfo.ZoneInfo(time_zone)
    local = now.astimezone(zone)
    times = sorted((hour, minute) for hour in cron.schedule.hour for minute in cron.schedule.minute)
    for ahead in range(SEARCH_DAYS):
        day = local.date() + datetime.timedelta(days=ahead)
        if not _matches_day(cron, day):
            continue
        for hour, minute in times:
            if ahead == 0 and (hour, minute) <= (local.hour, local.minute):
                continue
            return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
    return None


def extra_emails(text: str) -> list[str]:
    """The addresses of ``text``, one per line (commas and semicolons too); ValueError naming
    the first that is not an email address."""
    addresses = [part.strip() for part in text.replace(",", "\n").replace(";", "\n").split()]
    addresses = [address for address in addresses if address]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError as error:
            raise ValueError(
                _("%(address)s is not an email address.") % {"address": address}
            ) from error
    return list(dict.fromkeys(addresses))
