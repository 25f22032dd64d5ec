"""Settings of the 年报 plugin (``- gongkai/reports`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...config_options import KeyedItems, MonthDay
from ...model import ORG_KINDS

from ...reports.validate import DEFAULT_DEADLINES


class ReportsConfig(Config):
    enabled = c.Type(bool, default=True)

    # Folder below docs_dir holding one YAML file per report: <reports_dir>/<发布主体 id>/<年度>.yml.
    reports_dir = c.Type(str, default="reports")

    # Last day (MM-DD of the following year) to publish the report on a year, per 发布主体 type (条例第四十九条).
    # 乡镇（街道） follow the 人民政府 date by default; a province that sets another date changes it here.
    deadlines = KeyedItems(MonthDay(), ORG_KINDS, "发布主体类型", default=dict(DEFAULT_DEADLINES))

    # Report years missing between an 发布主体's first and last report are reported (as warnings).
    check_gaps = c.Type(bool, default=True)
