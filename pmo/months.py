"""Calendar months and fiscal years: a month is identified by its first day.

Capacity, allocations and monthly figures are kept per month; budgets per fiscal year, which
starts on the first day of the month the PMO chose (January unless it says otherwise) and is
named after the calendar year it starts in (with an April start, FY 2026 runs from 1 April
2026 to 31 March 2027).
"""

import datetime
from collections.abc import Iterator


def month_start(day: datetime.date) -> datetime.date:
    """The first day of the month holding ``day``."""
    return day.replace(day=1)


def is_month_start(day: datetime.date) -> bool:
    return day.day == 1


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months(first: datetime.date, count: int) -> list[datetime.date]:
    """``count`` consecutive months from ``first``'s month."""
    start = month_start(first)
    return [add_months(start, offset) for offset in range(count)]


def months_between(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """Every month from ``first``'s to ``last``'s, both included."""
    month, end = month_start(first), month_start(last)
    while month <= end:
        yield month
        month = add_months(month, 1)


def fiscal_year(day: datetime.date, start_month: int = 1) -> int:
    """The fiscal year ``day`` falls in, named after the calendar year it starts in."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_bounds(year: int, start_month: int = 1) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of fiscal year ``year``."""
    first = datetime.date(year, start_month, 1)
    return first, add_months(first, 12) - datetime.timedelta(days=1)


def fiscal_year_label(year: int, start_month: int = 1) -> str:
    """ "2026" for a calendar fiscal year, "2026/27" for one straddling two years."""
    if start_month == 1:
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"
