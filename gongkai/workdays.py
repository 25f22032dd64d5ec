"""Working days (工作日) on the Chinese calendar: statutory holidays and 调休 workdays.

Backed by the maintained ``chinesecalendar`` package, which carries the State Council's holiday
arrangements; version 1.11.0 covers 2004–2026. Dates outside the covered years fall back to Monday–Friday,
and ``covered()`` lets callers say so in their findings instead of pretending to be exact.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

_HOLIDAYS = chinese_calendar.holidays
_WORKDAYS = chinese_calendar.workdays  # 调休: weekend days that are working days
FIRST_YEAR = min(_HOLIDAYS).year
LAST_YEAR = max(_HOLIDAYS).year


def covered(day: dt.date) -> bool:
    """Whether the calendar knows that year's holiday arrangement."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


@lru_cache(maxsize=65536)
def is_workday(day: dt.date) -> bool:
    if covered(day):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date n working days after ``start`` (the start day itself is not counted).

    This is how 条例 periods such as "20个工作日内" are counted: the last day on which the act is on time.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
