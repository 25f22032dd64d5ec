"""Plugin settings are typed: a wrong value in mkdocs.yml is refused at load time with a message, never later."""

from __future__ import annotations

import pytest

from gongkai.plugins.catalog.config import CatalogConfig
from gongkai.plugins.checks.config import ChecksConfig
from gongkai.plugins.interaction.config import InteractionConfig
from gongkai.plugins.reports.config import ReportsConfig


def errors_of(config_class, values: dict) -> str:
    config = config_class()
    config.load_dict(values)
    errors, _ = config.validate()
    return "\n".join(f"{key}: {error}" for key, error in errors)


@pytest.mark.parametrize("config_class, values, message", [
    (CatalogConfig, {"timezone": "Asia/Beijing"}, "timezone: “Asia/Beijing”不是有效的时区名，例如 Asia/Shanghai"),
    (CatalogConfig, {"as_of": "2026-13-01"}, "as_of: “2026-13-01”无法识别，应写成 2026-11-23 或 2026-11-23 17:00"),
    (InteractionConfig, {"min_periods": {"重大行政决策": "三十天"}}, "min_periods: 重大行政决策: “三十天”无法识别"),
    (InteractionConfig, {"min_periods": {"重大行政决策": "0个工作日"}}, "min_periods: 重大行政决策: “0个工作日”无法识别"),
    (InteractionConfig, {"min_periods": ["30日"]}, "min_periods: 应为“征集类型: 值”的映射"),
    (ReportsConfig, {"deadlines": {"政府部门": "1-31"}}, "deadlines: 政府部门: “1-31”应写成“MM-DD”"),
    (ReportsConfig, {"deadlines": {"部门": "01-31"}}, "deadlines: 部门: 不是发布主体类型，应为：人民政府 / 政府部门"),
    (ChecksConfig, {"checks": ["pii", "spelling"]}, "checks: "),
    (ChecksConfig, {"severity": {"stale": "fatal"}}, "severity: stale: "),
    (ChecksConfig, {"severity": {"freshness": "error"}}, "severity: freshness: 不是检查项，应为：pii / blank"),
    (ChecksConfig, {"update_limits": {"动态要闻": "两周"}}, "update_limits: 动态要闻: “两周”无法识别，应写成“14天”“2周”“6个月”或“1年”"),
    (ChecksConfig, {"update_limits": {"要闻": "2周"}}, "update_limits: 要闻: 不是更新类别"),
    (ChecksConfig, {"home_limit": "半个月"}, "home_limit: “半个月”无法识别"),
    (ChecksConfig, {"report_deadlines": {"人民政府": "03/31"}}, "report_deadlines: 人民政府: “03/31”应写成“MM-DD”"),
    (ChecksConfig, {"allow": "13800000000"}, "allow: "),
])
def test_a_wrong_setting_is_named(config_class, values, message):
    assert message in errors_of(config_class, values)


def test_good_settings_pass_and_keep_their_meaning():
    assert errors_of(CatalogConfig, {"timezone": "Asia/Urumqi", "as_of": "2026-11-23 17:00"}) == ""
    config = InteractionConfig()
    config.load_dict({"min_periods": {"行政规范性文件": "7个工作日", "其他": None, "规章": 30}})
    assert config.validate() == ([], [])
    assert config.min_periods == {"行政规范性文件": (7, True), "其他": None, "规章": (30, False)}
    assert errors_of(ChecksConfig, {"checks": ["pii", "links"], "severity": {"stale": "error"},
                                    "update_limits": {"长期": "1年", "动态要闻": 10}}) == ""
