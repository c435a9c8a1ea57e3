"""Cron expressions of report schedules: read as beat reads them, described, walked back."""

import datetime
import zoneinfo

import pytest

from reporting import cron

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_parse_gives_the_fields_of_beats_crontab():
    assert cron.parse("0 7 * * 1").fields == {
        "minute": "0",
        "hour": "7",
        "day_of_month": "*",
        "month_of_year": "*",
        "day_of_week": "1",
    }


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 7 * *", "five fields"),
        ("", "five fields"),
        ("61 7 * * 1", "cron expression Pilotage can read"),
        ("0 7 31 2 *", "cron expression Pilotage can read"),
        ("x 7 * * 1", "cron expression Pilotage can read"),
    ],
)
def test_parse_refuses_what_beat_could_not_read(expression, message):
    with pytest.raises(ValueError, match=message):
        cron.parse(expression)


def test_describe_says_it_in_the_readers_language():
    assert cron.describe("0 7 * * 1", "en") == "At 07:00, only on Monday"
    assert cron.describe("0 7 * * 1", "fr") == "À 07:00, uniquement le lundi"
    assert "janvier" in cron.describe("30 8 1 1 *", "fr")


def test_describe_shows_an_unreadable_expression_as_written():
    assert cron.describe("nonsense", "en") == "nonsense"


def test_latest_occurrence_is_the_last_firing_at_or_before_now_in_the_zone():
    # Saturday 21 November 2026, 10:00 UTC: the last Monday 07:00 in Paris was the 16th.
    now = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=datetime.UTC)
    assert cron.latest_occurrence("0 7 * * 1", "Europe/Paris", now) == datetime.datetime(
        2026, 11, 16, 7, 0, tzinfo=PARIS
    )


def test_latest_occurrence_includes_the_minute_itself():
    now = datetime.datetime(2026, 11, 16, 7, 0, 42, tzinfo=PARIS)
    assert cron.latest_occurrence("0 7 * * 1", "Europe/Paris", now) == datetime.datetime(
        2026, 11, 16, 7, 0, tzinfo=PARIS
    )


def test_two_deliveries_a_few_seconds_apart_name_the_same_occurrence():
    first = datetime.datetime(2026, 11, 16, 7, 0, 1, tzinfo=PARIS)
    second = first + datetime.timedelta(seconds=50)
    assert cron.latest_occurrence("0 7 * * 1", "Europe/Paris", first) == cron.latest_occurrence(
        "0 7 * * 1", "Europe/Paris", second
    )


def test_the_time_zone_decides_the_day():
    # 23:30 UTC on Sunday is already Monday 08:30 in Tokyo.
    now = datetime.datetime(2026, 11, 15, 23, 30, tzinfo=datetime.UTC)
    latest = cron.latest_occurrence("0 8 * * 1", "Asia/Tokyo", now)
    assert latest.date() == datetime.date(2026, 11, 16)


def test_next_occurrence_is_strictly_after_now():
    now = datetime.datetime(2026, 11, 16, 7, 0, tzinfo=PARIS)
    assert cron.next_occurrence("0 7 * * 1", "Europe/Paris", now) == datetime.datetime(
        2026, 11, 23, 7, 0, tzinfo=PARIS
    )


def test_extra_emails_reads_lines_commas_and_semicolons_once_each():
    assert cron.extra_emails("a@example.com\nb@example.com, a@example.com; c@example.org") == [
        "a@example.com",
        "b@example.com",
        "c@example.org",
    ]


def test_extra_emails_names_the_first_wrong_address():
    with pytest.raises(ValueError, match="not-an-address is not an email address"):
        cron.extra_emails("a@example.com\nnot-an-address")
