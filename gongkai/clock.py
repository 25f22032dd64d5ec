"""The one clock of a build: every date-dependent status and finding is made for the same instant."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# 2026-11-30, 2026-11-30 17:00, 2026/11/30 17:00:00, 2026年11月30日 17时, 2026年11月30日17:00
WHEN_RE = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
                     r"(?:[\sT]*(\d{1,2})\s*(?:[:：时])\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2})\s*秒?)?\s*分?)?\s*$")
ENV = "GONGKAI_AS_OF"


def parse_when(value, tz: ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """A date or date-time in ``tz``: (aware datetime, whether a time was given); None if unreadable."""
    if isinstance(value, dt.datetime):
        moment = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
        return moment, True
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tz), False
    match = WHEN_RE.match(str(value))
    if not match:
        return None
    y, m, d, hh, mm, ss = match.groups()
    try:
        day = dt.date(int(y), int(m), int(d))
        if hh is None:
            return dt.datetime.combine(day, dt.time(), tz), False
        hour, minute, second = int(hh), int(mm or 0), int(ss or 0)
        if hour == 24 and not (minute or second):  # "24:00" is the end of the day
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz), True
        clock = dt.time(hour, minute, second)
    except ValueError:
        return None
    return dt.datetime.combine(day, clock, tz), True


@dataclass(frozen=True)
class Clock:
    """The build's "now" in the site's time zone; ``as_of`` is its date."""

    now: dt.datetime
    zone: ZoneInfo

    @property
    def as_of(self) -> dt.date:
        return self.now.date()

    @classmethod
    def make(cls, zone: ZoneInfo, override=None) -> "Clock":
        """The real clock, or the instant ``override`` (setting, else $GONGKAI_AS_OF) names; ValueError if unreadable."""
        override = override or os.environ.get(ENV) or None
        if override is None:
            return cls(dt.datetime.now(zone), zone)
        when = parse_when(override, zone)
        if when is None:
            raise ValueError(f"“{override}”无法识别，应写成 2026-11-23 或 2026-11-23 17:00")
        return cls(when[0], zone)
