"""What changed names since the previous release (0.1.0), in one place: the loaders accept the old name with a
warning that names the new one, and ``gongkai upgrade`` (gongkai/upgrade.py) rewrites it. docs/upgrading.md lists
the same table for site owners.

An old name keeps working for at least one minor version: accepted in 0.2.x and 0.3.x, removed at the earliest in
0.4.0. A deprecation is a warning, never an error: a site that built with the previous version still builds, with
``--strict`` too, and the build says what to run. These warnings are of the kind ``upgrade``, which the severity
policy never fails (gongkai.errors.SeverityPolicy), not even with the checks' ``fail_on_warnings``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

SINCE = "0.2.0"
REMOVED_IN = "0.4.0"
RUN = "在 mkdocs.yml 所在目录运行 gongkai upgrade 自动改写，加 --dry-run 可先查看改动"


def fix(extra: str = "") -> str:
    return f"{RUN}{extra}；旧写法 {REMOVED_IN} 之前仍可使用"


# ---- 统计表 (reports on 2008–2018): four rows of 依申请公开情况 gained 数, as the published 统计表 prints them ----

TONGJIBIAO_GROUP = "依申请公开情况"
TONGJIBIAO_ROWS = {
    "不属于本行政机关公开": "不属于本行政机关公开数",
    "申请信息不存在": "申请信息不存在数",
    "告知作出更改补充": "告知作出更改补充数",
    "告知通过其他途径办理": "告知通过其他途径办理数",
}


def tongjibiao_row(old: str) -> str:
    return (f"指标名“{old}”已更名为“{TONGJIBIAO_ROWS[old]}”（与原统计表所印一致），本次仍按新名称读取、"
            "数字照常发布")


# ---- 政府网站工作年度报表 data (wzbb/<年度>.yml): a key named as the published form names it --------------------

SITEREPORT_KEYS = {("安全防护", "是否明确网站安全责任人"): ("安全防护", "是否明确网站安全负责人")}


def sitereport_key(old: tuple[str, str]) -> str:
    return f"“{old[1]}”已更名为“{SITEREPORT_KEYS[old][1]}”（与国家报表所印一致），本次仍按新名称读取"


# ---- plugin options in mkdocs.yml -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedOption:
    """A plugin option that moved to another plugin (or another name)."""

    plugin: str
    option: str
    new_plugin: str
    new_option: str
    meaning: str

    @property
    def old(self) -> str:
        return f"{self.plugin} 的 {self.option}"

    @property
    def new(self) -> str:
        return f"{self.new_plugin} 的 {self.new_option}"


# The build's one clock moved to the core (gongkai/catalog): as_of and timezone.
MOVED_OPTIONS = (
    MovedOption("gongkai/interaction", "today", "gongkai/catalog", "as_of", "构建所按的日期"),
    MovedOption("gongkai/interaction", "timezone", "gongkai/catalog", "timezone", "时区"),
    MovedOption("gongkai/checks", "as_of", "gongkai/catalog", "as_of", "检查所按的日期"),
)

# ---- environment variables --------------------------------------------------------------------------------------

RENAMED_ENV = {"GONGKAI_TODAY": "GONGKAI_AS_OF", "GONGKAI_CHECK_AS_OF": "GONGKAI_AS_OF"}

# ---- ids -------------------------------------------------------------------------------------------------------
# Ids that start with a digit (2024zt) were accepted by 0.1.0, refused by the first 0.2.0 drafts and are accepted
# again for good: an id is part of every published address (xxgk/<发布主体>/<栏目>/), which must not change.


def line_of_option(config_file: str | None, plugin: str, option: str) -> int | None:
    """The line of ``option:`` under ``plugin`` in mkdocs.yml (for the message), or None."""
    if not config_file:
        return None
    try:
        lines = Path(config_file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    from .upgrade import plugin_block  # the one reader of plugin blocks in mkdocs.yml

    block = plugin_block(lines, plugin)
    if block is None:
        return None
    for i in range(block.start + 1, block.end):
        if re.match(rf"^\s*{re.escape(option)}\s*:", lines[i]):
            return i + 1
    return None


def clock_settings(config, as_of, timezone: str, default_timezone: str) -> tuple[object, str, list[Problem]]:
    """The core's (as_of, timezone) with the previous release's settings taken in where the new ones are unset:
    gongkai/interaction's ``today`` and ``timezone``, gongkai/checks' ``as_of``, $GONGKAI_TODAY and
    $GONGKAI_CHECK_AS_OF. Each old one found is a warning naming the new one."""
    problems: list[Problem] = []
    source = {"as_of": "gongkai/catalog 的 as_of", "timezone": "gongkai/catalog 的 timezone"}  # who set each
    config_file = config.get("config_file_path")
    display = Path(config_file).name if config_file else "mkdocs.yml"
    for moved in MOVED_OPTIONS:
        plugin = config.plugins.get(moved.plugin) if config.plugins else None
        value = plugin.config.get(moved.option) if plugin is not None else None
        if value is None:
            continue
        new_value = as_of if moved.new_option == "as_of" else (
            timezone if timezone != default_timezone else None)
        used = new_value is None
        if used and moved.new_option == "as_of":
            as_of = value
        elif used:
            timezone = str(value)
        if used:
            source[moved.new_option] = moved.old
        effect = "本次仍按它构建" if used else f"本次以 {source[moved.new_option]} 为准，它不起作用"
        problems.append(Problem(
            display, f"{moved.plugin} 的选项 {moved.option}（{moved.meaning}）已移到 {moved.new}：{effect}",
            line=line_of_option(config_file, moved.plugin, moved.option), field=None,
            fix=fix(f"，或手工改为在 - {moved.new_plugin}: 下写 {moved.new_option}: {value}"), severity="warning",
            check="upgrade"))
    new_env = os.environ.get("GONGKAI_AS_OF")
    for old, new in RENAMED_ENV.items():
        value = os.environ.get(old)
        if not value:
            continue
        used = as_of is None and not new_env
        if used:
            as_of, source["as_of"] = value, f"${old}"
        effect = "本次仍按它构建" if used else f"本次以 {'$GONGKAI_AS_OF' if new_env else source['as_of']} 为准，它不起作用"
        problems.append(Problem(
            "环境变量", f"${old}={value} 已更名为 ${new}：{effect}", field=old,
            fix=f"把 CI 配置或命令中的 {old} 改为 {new}：运行 gongkai upgrade 会改写 .github/workflows、.gitlab-ci.yml "
                f"和 Makefile 中的写法；旧名 {REMOVED_IN} 之前仍可使用", severity="warning", check="upgrade"))
    return as_of, timezone, problems


# ---- the core's API: cache declarations that recording replaced (issue 20) -----------------------------------

CACHE_DECLARATIONS = {
    "relate": "页面显示的其他文件（原文、解读、反馈）",
    "fingerprint": "页面显示的构建时数值（征集状态、订阅列表）",
}
_declared: set[str] = set()


def cache_declaration(name: str) -> None:
    """``core.relate`` / ``core.fingerprint`` (0.2.0) do nothing since the build cache records what each page reads
    while it renders; a plugin or hook that still calls them keeps working, with one message per build process."""
    if name in _declared:
        return
    _declared.add(name)
    import logging
    logging.getLogger("mkdocs.plugins.gongkai").info(
        f"core.{name}() 已不再需要，调用不起作用：{CACHE_DECLARATIONS[name]}由构建缓存在页面渲染时自动记录"
        f"（见 docs/architecture.md“构建缓存”）；请删去这一调用，{REMOVED_IN} 起将移除")
