"""Settings of the checks plugin (``- gongkai/checks`` in mkdocs.yml). Defaults are the national thresholds
(site-rules.md); provinces tighten them."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...checks.freshness import DEFAULT_LIMITS


class ChecksConfig(Config):
    enabled = c.Type(bool, default=True)
    # Date the time-dependent checks are made for (YYYY-MM-DD); default today (or $GONGKAI_CHECK_AS_OF).
    as_of = c.Optional(c.Type(str))
    # 栏目不更新: the longest gap per 更新类别 ("14天", "2周", "6个月", "1年"); 无 is never checked.
    update_limits = c.Type(dict, default=dict(DEFAULT_LIMITS))
    # 首页不更新: the newest item on the site against this gap.
    home_limit = c.Type(str, default="2周")
    # 公开时限 where a column's 公开事项 name none (条例第二十六条: 20 working days).
    time_limit_workdays = c.Type(int, default=20)
    # 年报 deadlines (MM-DD of the following year) per 发布主体 type; default: the gongkai/reports plugin's
    # ``deadlines`` when it is configured, else 01-31 for 部门 and 03-31 for 政府 (条例第四十九条).
    report_deadlines = c.Optional(c.Type(dict))
    # Public numbers the 个人信息 check lets through (hotlines, published office mobiles …); the catalog's own
    # phones, faxes and 机构代码 are always allowed.
    allow = c.Type(list, default=[])
    # Checks to run: pii, blank, stale, home, deadline, links, nianbao, interaction, baobiao (政府网站工作年度报表).
    checks = c.Type(list, default=["pii", "blank", "stale", "home", "deadline", "links", "nianbao", "interaction",
                                   "baobiao"])
    # Re-grade a check's findings: {stale: error} makes 栏目不更新 fail the build.
    severity = c.Type(dict, default={})
    # Warnings fail the build too (they are logged at INFO otherwise; see docs/checks.md).
    fail_on_warnings = c.Type(bool, default=False)
    # Fetch external links (needs network: never in CI).
    check_external = c.Type(bool, default=False)
    external_timeout = c.Type(float, default=10.0)
    # Reports written after the build (paths relative to mkdocs.yml; keep them outside site_dir).
    report_json = c.Optional(c.Type(str))
    report_html = c.Optional(c.Type(str))
