"""Reporting weeks: a week is its Monday in the project's time zone; deadlines are aware."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from projects import weeks

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC
NOON = datetime.time(12, 0)


def at(*args, tz=PARIS) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


# --- week_of ----------------------------------------------------------------------------


def test_sunday_2330_in_paris_belongs_to_that_week():
    sunday_night = at(2026, 3, 15, 23, 30)

    assert weeks.week_of(sunday_night, PARIS) == D(2026, 3, 9)


def test_sunday_2330_in_paris_is_already_the_next_week_in_tokyo():
    # Monday 07:30 in Tokyo: the same moment is in another week there.
    sunday_night = at(2026, 3, 15, 23, 30)

    assert weeks.week_of(sunday_night, TOKYO) == D(2026, 3, 16)


def test_monday_0030_in_paris_is_the_next_week_while_utc_is_still_sunday():
    monday_early = at(2026, 3, 16, 0, 30)

    assert monday_early.astimezone(UTC).date() == D(2026, 3, 15)
    assert weeks.week_of(monday_early, PARIS) == D(2026, 3, 16)
    assert weeks.week_of(monday_early, UTC) == D(2026, 3, 9)


def test_monday_0030_in_paris_in_summer_is_the_next_week_while_utc_is_still_sunday():
    # Paris is UTC+2 in summer: 22:30 on Sunday in UTC.
    monday_early = at(2026, 6, 15, 0, 30)

    assert monday_early.astimezone(UTC) == at(2026, 6, 14, 22, 30, tz=UTC)
    assert weeks.week_of(monday_early, PARIS) == D(2026, 6, 15)
    assert weeks.week_of(monday_early, UTC) == D(2026, 6, 8)


def test_a_moment_given_in_utc_is_counted_in_the_zone_asked_for():
    # Sunday 23:00 UTC is Monday 00:00 in Paris (winter) and Sunday evening in New York.
    moment = at(2026, 3, 8, 23, 0, tz=UTC)

    assert weeks.week_of(moment, PARIS) == D(2026, 3, 9)
    assert weeks.week_of(moment, NEW_YORK) == D(2026, 3, 2)


def test_the_week_of_any_day_is_a_monday():
    for hour in range(0, 24 * 7, 5):
        moment = at(2026, 3, 9, tz=UTC) + datetime.timedelta(hours=hour)
        for tz in (PARIS, TOKYO, NEW_YORK):
            assert weeks.is_monday(weeks.week_of(moment, tz))


# --- current_week -----------------------------------------------------------------------


def test_current_week_is_the_week_of_the_moment_given():
    now = at(2026, 3, 12, 16, 0)

    assert weeks.current_week(PARIS, now) == D(2026, 3, 9)
    assert weeks.current_week(TOKYO, at(2026, 3, 15, 20, 0)) == D(2026, 3, 16)


def test_current_week_without_a_moment_is_this_week_by_the_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 3, 15, 23, 30))

    assert weeks.current_week(PARIS) == D(2026, 3, 9)
    assert weeks.current_week(TOKYO) == D(2026, 3, 16)


# --- deadline ---------------------------------------------------------------------------


def test_the_deadline_is_friday_noon_in_paris_and_aware():
    due = weeks.deadline(D(2026, 3, 9), weekday=4, at=NOON, tz=PARIS)

    assert due == at(2026, 3, 13, 12, 0)
    assert timezone.is_aware(due)
    assert due.astimezone(UTC) == at(2026, 3, 13, 11, 0, tz=UTC)


def test_the_deadline_follows_summer_time():
    winter = weeks.deadline(D(2026, 3, 23), weekday=4, at=NOON, tz=PARIS)
    # Clocks went forward on Sunday 29 March 2026: the next Friday noon is an hour earlier
    # in UTC.
    summer = weeks.deadline(D(2026, 3, 30), weekday=4, at=NOON, tz=PARIS)

    assert winter.astimezone(UTC) == at(2026, 3, 27, 11, 0, tz=UTC)
    assert summer.astimezone(UTC) == at(2026, 4, 3, 10, 0, tz=UTC)


def test_the_deadline_is_in_the_project_time_zone():
    paris = weeks.deadline(D(2026, 3, 9), weekday=4, at=NOON, tz=PARIS)
    new_york = weeks.deadline(D(2026, 3, 9), weekday=4, at=NOON, tz=NEW_YORK)

    assert new_york.astimezone(UTC) == at(2026, 3, 13, 16, 0, tz=UTC)
    assert new_york - paris == datetime.timedelta(hours=5)


def test_the_deadline_may_be_another_day_and_time():
    due = weeks.deadline(D(2026, 3, 9), weekday=3, at=datetime.time(17, 30), tz=PARIS)

    assert due == at(2026, 3, 12, 17, 30)


# --- weeks_back, monday_of, is_monday, zone ---------------------------------------------


def test_weeks_back_lists_mondays_oldest_first_ending_with_the_last():
    assert weeks.weeks_back(D(2026, 3, 23), 3) == [D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)]


def test_weeks_back_of_one_week_is_that_week():
    assert weeks.weeks_back(D(2026, 3, 23), 1) == [D(2026, 3, 23)]


def test_weeks_back_crosses_the_new_year():
    assert weeks.weeks_back(D(2027, 1, 4), 3) == [D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 4)]


def test_weeks_back_of_26_weeks_spans_half_a_year_of_mondays():
    mondays = weeks.weeks_back(D(2026, 11, 16), 26)

    assert len(mondays) == 26
    assert mondays[-1] - mondays[0] == datetime.timedelta(weeks=25)
    assert all(weeks.is_monday(monday) for monday in mondays)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (D(2026, 3, 9), D(2026, 3, 9)),
        (D(2026, 3, 11), D(2026, 3, 9)),
        (D(2026, 3, 15), D(2026, 3, 9)),
        (D(2027, 1, 1), D(2026, 12, 28)),
    ],
)
def test_monday_of_a_day_is_the_monday_of_its_iso_week(day, monday):
    assert weeks.monday_of(day) == monday


@pytest.mark.parametrize("offset", range(7))
def test_is_monday_only_on_mondays(offset):
    day = D(2026, 3, 9) + datetime.timedelta(days=offset)

    assert weeks.is_monday(day) is (offset == 0)


def test_zone_defaults_to_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"

    assert weeks.zone() == PARIS
    assert weeks.zone("Asia/Tokyo") == TOKYO
