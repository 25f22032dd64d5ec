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


class ClockReads:
    """How a build read its instant: what the replay of an unchanged build (gongkai/plugins/catalog/replay.py)
    must find the same. Its date is always part of the build's inputs; beyond the date, a comparison with another
    instant (a 征集's close) is recorded with its answer, and any other read (the hour, a difference, a text)
    makes the build depend on the exact instant."""

    def __init__(self):
        self.comparisons: set[tuple[str, str, bool]] = set()  # (operator, the other instant, the answer)
        self.exact = False


COMPARE = {"<": dt.datetime.__lt__, "<=": dt.datetime.__le__, ">": dt.datetime.__gt__, ">=": dt.datetime.__ge__,
           "==": dt.datetime.__eq__, "!=": dt.datetime.__ne__}


def answer(op: str, now: dt.datetime, other: str) -> bool:
    """What the comparison ``now <op> other`` recorded by a build (other: ISO text) answers at ``now``."""
    return COMPARE[op](now, dt.datetime.fromisoformat(other))


def unrecorded(instant: dt.datetime) -> dt.datetime:
    """The plain datetime of ``instant``, read without recording anything: a build comparing itself with the
    last one is not reading its clock (``datetime.isoformat`` asks the zone for its offset, which reads the
    instant's hour)."""
    reads = instant.__dict__.get("_reads") if isinstance(instant, Instant) else None
    if reads is not None:
        instant._reads = None
    try:
        return dt.datetime.fromisoformat(dt.datetime.isoformat(instant))
    finally:
        if reads is not None:
            instant._reads = reads


def _compare(op: str):
    plain = COMPARE[op]

    def compare(self, other):
        answer = plain(self, other)
        if answer is not NotImplemented:
            reads = self.__dict__.get("_reads")
            if reads is not None:
                if isinstance(other, dt.datetime) and other.tzinfo is not None:
                    reads.comparisons.add((op, other.isoformat(), answer))
                else:
                    reads.exact = True
        return answer
    return compare


def _exact(name: str, base=dt.datetime):
    plain = getattr(base, name)

    def read(self, *args, **kwargs):
        reads = self.__dict__.get("_reads")
        if reads is not None:
            reads.exact = True
        return plain(self, *args, **kwargs)
    read.__name__ = name
    return read


def _exact_attribute(name: str):
    descriptor = getattr(dt.datetime, name)

    def read(self):
        reads = self.__dict__.get("_reads")
        if reads is not None:
            reads.exact = True
        return descriptor.__get__(self)
    return property(read)


class Instant(dt.datetime):
    """The build's instant, recording how it is read (``ClockReads``). Its date and what is coarser (year, month,
    day, weekday) are free; comparisons are recorded with their answers; anything finer is an exact read. Python
    asks a subclass first when it is on the right of a comparison, so ``deadline > now`` is recorded too."""

    def __new__(cls, *args, **kwargs):
        if args and isinstance(args[0], dt.datetime):  # Instant(moment, reads): the build's instant
            moment, reads = args[0], (args[1] if len(args) > 1 else None)
            self = super().__new__(cls, moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                   moment.second, moment.microsecond, moment.tzinfo, fold=moment.fold)
        else:  # what datetime's own methods make (arithmetic, replace, unpickling): records nothing
            self, reads = super().__new__(cls, *args, **kwargs), None
        self._reads = reads
        return self

    def date(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    __lt__, __le__, __gt__, __ge__ = _compare("<"), _compare("<="), _compare(">"), _compare(">=")
    __eq__, __ne__ = _compare("=="), _compare("!=")
    hour, minute, second, microsecond = (_exact_attribute(n) for n in ("hour", "minute", "second", "microsecond"))
    for _name in ("__hash__", "__add__", "__radd__", "__sub__", "__rsub__", "__str__", "__format__", "__repr__",
                  "__reduce__", "__reduce_ex__", "isoformat", "strftime", "ctime", "timestamp", "time", "timetz",
                  "timetuple", "utctimetuple", "astimezone", "replace", "utcoffset", "dst", "tzname"):
        locals()[_name] = _exact(_name)
    del _name


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
            return cls(Instant(dt.datetime.now(zone), ClockReads()), zone)
        when = parse_when(override, zone)
        if when is None:
            raise ValueError(f"“{override}”无法识别，应写成 2026-11-23 或 2026-11-23 17:00")
        return cls(Instant(when[0], ClockReads()), zone)

    @property
    def reads(self) -> ClockReads | None:
        """How this build read its instant (None for a clock made from a plain datetime)."""
        return self.now.__dict__.get("_reads") if isinstance(self.now, Instant) else None
