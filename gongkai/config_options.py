"""Typed settings for gongkai's plugins, in the style of ``mkdocs.config.config_options``.

Each option checks one kind of value written in mkdocs.yml and says in Chinese what was expected, so a wrong
setting stops the build at load time with MkDocs' own "Config value …" message instead of failing later.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .checks.freshness import parse_limit
from .clock import parse_when
from .search.sites import SiteError, parse_sites

PERIOD_RE = re.compile(r"^\s*(\d+)\s*(个)?\s*(日|天|工作日)\s*$")
MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Period(c.BaseConfigOption):
    """A minimum period: "30日" / "30天" (calendar days), "7个工作日", a positive number of days, or null / 0 / 无
    for none. Validates to ``(days, workdays)`` or None."""

    def run_validation(self, value):
        if value in (None, 0, "", "无"):
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value, False
        match = PERIOD_RE.match(str(value))
        if not match or int(match.group(1)) <= 0:
            raise ValidationError(f"“{value}”无法识别，应写成“30日”“7个工作日”或 null（不限）")
        return int(match.group(1)), match.group(3) == "工作日"


class Limit(c.BaseConfigOption):
    """A gap such as "14天", "2周", "6个月", "1年" (or a number of days); kept as written."""

    def __init__(self, default=None):
        super().__init__()
        self.default = default

    def run_validation(self, value):
        if value is None:
            value = self.default
        try:
            parse_limit(value)  # the checks' own reading of a gap: one owner
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return value


class MonthDay(c.BaseConfigOption):
    """A day of the year as "MM-DD", e.g. "01-31"."""

    def run_validation(self, value):
        if not MONTH_DAY_RE.match(str(value)):
            raise ValidationError(f"“{value}”应写成“MM-DD”，例如 \"01-31\"")
        return str(value)


class TimeZone(c.Type):
    """An IANA time zone name such as Asia/Shanghai."""

    def __init__(self, default: str):
        super().__init__(str, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"“{value}”不是有效的时区名，例如 Asia/Shanghai") from None
        return value


class Instant(c.BaseConfigOption):
    """A day or an instant: "2026-11-23" or "2026-11-23 17:00" (in the site's time zone); kept as written."""

    def run_validation(self, value):
        if parse_when(value, ZoneInfo("UTC")) is None:
            raise ValidationError(f"“{value}”无法识别，应写成 2026-11-23 或 2026-11-23 17:00")
        return str(value)


class KeyedItems(c.BaseConfigOption):
    """A mapping whose keys are among ``keys`` (征集类型, 发布主体类型, check names …), each value one option."""

    def __init__(self, option_type: c.BaseConfigOption, keys, what: str, default=None):
        super().__init__()
        self.option_type, self.keys, self.what, self.default = option_type, tuple(keys), what, default

    def run_validation(self, value):
        if value is None:
            value = self.default if self.default is not None else {}
        if not isinstance(value, dict):
            raise ValidationError(f"应为“{self.what}: 值”的映射")
        validated = {}
        for key, item in value.items():
            if key not in self.keys:
                raise ValidationError(f"{key}: 不是{self.what}，应为：{' / '.join(self.keys)}")
            try:
                validated[key] = self.option_type.run_validation(item)
            except ValidationError as exc:
                raise ValidationError(f"{key}: {exc}") from None
        return validated


class SiteList(c.BaseConfigOption):
    """Other gongkai sites to search together with this one: a list of ``{名称: …, 地址: …}``
    (``gongkai.search.sites``). Validates to a list of ``OtherSite``."""

    def run_validation(self, value):
        try:
            return parse_sites(value)
        except SiteError as exc:
            raise ValidationError(str(exc)) from None
