"""Settings of the checks plugin (``- gongkai/checks`` in mkdocs.yml). Defaults are the national thresholds
(docs/domain.md); provinces tighten them."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...checks.findings import SEVERITIES
from ...checks.freshness import DEFAULT_LIMITS
from ...config_options import KeyedItems, Limit, MonthDay
from ...model import ORG_KINDS, UPDATE_CLASSES

# Checks to run, by name.
ALL_CHECKS = ("pii", "blank", "stale", "home", "deadline", "links", "nianbao", "interaction", "baobiao", "golive")


class ChecksConfig(Config):
    enabled = c.Type(bool, default=True)
    # Whether the site is live (正式上线). While it is not (`gongkai init` writes live: false), 空白栏目 and what
    # init left 待填写 are 上线前待办 items (提示, listed in the build log and the reports); once it is, errors.
    live = c.Type(bool, default=True)
    # 栏目不更新: the longest gap per 更新类别 ("14天", "2周", "6个月", "1年"); 无 is never checked.
    update_limits = KeyedItems(Limit(), UPDATE_CLASSES, "更新类别", default=dict(DEFAULT_LIMITS))
    # 首页不更新: the newest item on the site against this gap.
    home_limit = Limit(default="2周")
    # 公开时限 where a column's 公开事项 name none (条例第二十六条: 20 working days).
    time_limit_workdays = c.Type(int, default=20)
    # 年报 deadlines (MM-DD of the following year) per 发布主体 type; default: the gongkai/reports plugin's
    # ``deadlines`` when it is configured, else 01-31 for 部门 and 03-31 for 政府 (条例第四十九条).
    report_deadlines = c.Optional(KeyedItems(MonthDay(), ORG_KINDS, "发布主体类型"))
    # Public numbers the 个人信息 check lets through (hotlines, published office mobiles …); the catalog's own
    # phones, faxes and 机构代码 are always allowed.
    allow = c.ListOfItems(c.Type(str), default=[])
    # Checks to run: pii, blank, stale, home, deadline, links, nianbao, interaction, baobiao (政府网站工作年度报表),
    # golive (上线准备: what gongkai init left 待填写).
    checks = c.ListOfItems(c.Choice(ALL_CHECKS), default=list(ALL_CHECKS))
    # Re-grade a check's findings: {stale: error} makes 栏目不更新 fail the build.
    severity = KeyedItems(c.Choice(SEVERITIES), ALL_CHECKS, "检查项", default={})
    # Warnings fail the build too (they are logged at INFO otherwise; see docs/checks.md).
    fail_on_warnings = c.Type(bool, default=False)
    # Deprecated in 0.2.0 (gongkai.deprecations): the core's as_of. Still read, with a warning, until 0.4.0.
    as_of = c.Optional(c.Type((str, dt.date)))
    # Fetch external links (needs network: never in CI).
    check_external = c.Type(bool, default=False)
    external_timeout = c.Type(float, default=10.0)
    # Reports written after the build (paths relative to mkdocs.yml; keep them outside site_dir).
    report_json = c.Optional(c.Type(str))
    report_html = c.Optional(c.Type(str))
    report_todo = c.Optional(c.Type(str))  # 上线前待办 as a Markdown checklist (readable in the Git host's web view)
