"""栏目不更新 and 首页不更新: each column's newest 发布日期 against its 更新类别 (docs/domain.md).

Counted across the site, as inspections do: a column is stale when no 发布主体 published in it (or below it)
within the limit of its update class. Only the most specific stale columns are reported: when a parent is stale,
its subcolumns are stale too, and the editor has to fill the subcolumns.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from ..model import Catalog, Column, Document
from .blank import _catalog_file
from ..errors import Problem

DEFAULT_LIMITS = {"动态要闻": "2周", "通知公告政策文件": "6个月", "长期": "1年"}
LIMIT_RE = re.compile(r"^\s*(\d+)\s*(个)?\s*(天|日|周|星期|月|年)\s*$")


def parse_limit(text) -> tuple[int, str]:
    """"2周" → (14, 'days'), "6个月" → (6, 'months'), "1年" → (12, 'months'), 30 → (30, 'days')."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text, "days"
    m = LIMIT_RE.match(str(text))
    if not m:
        raise ValueError(f"“{text}”无法识别，应写成“14天”“2周”“6个月”或“1年”")
    n, unit = int(m.group(1)), m.group(3)
    return {"天": (n, "days"), "日": (n, "days"), "周": (7 * n, "days"), "星期": (7 * n, "days"),
            "月": (n, "months"), "年": (12 * n, "months")}[unit]


def subtract(day: dt.date, limit: tuple[int, str]) -> dt.date:
    """The oldest 发布日期 that is still fresh on ``day``."""
    n, unit = limit
    if unit == "days":
        return day - dt.timedelta(days=n)
    month = day.month - n
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in range(day.day, 0, -1):  # 31 August − 6 months → 28/29 February
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def check_freshness(catalog: Catalog, documents: Iterable[Document], as_of: dt.date,
                    limits: dict[str, str] | None = None) -> list[Problem]:
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    parsed = {k: parse_limit(v) for k, v in limits.items()}
    newest: dict[str, dt.date] = {}
    for doc in documents:
        if doc.published > as_of:  # not yet published on the day the check is made for
            continue
        for col_id in doc.column_ids:
            column = catalog.columns.get(col_id)
            for c in column.lineage if column else ():
                if c.id not in newest or newest[c.id] < doc.published:
                    newest[c.id] = doc.published
    findings: list[Problem] = []

    def _stale_fix(update_class: str) -> str:
        if update_class == "长期":  # already the longest class: only 无 or a new document clears it
            return ("及时发布该栏目的新信息（长期类栏目也须在规定期限内更新）；若该栏目确实不再产生新信息，"
                    "把“更新类别”改为“无”")
        return "及时发布该栏目的新信息；若该栏目按规定不需定期更新，把“更新类别”改为“长期”或“无”"

    def visit(column: Column) -> bool:
        reported_below = False
        for child in column.children:
            reported_below |= visit(child)
        limit = parsed.get(column.update_class)
        if limit is None or not column.lists_documents or reported_below or column.id not in newest:
            return reported_below  # no class, or no document at all (that is the 空白栏目 check's finding)
        oldest_fresh = subtract(as_of, limit)
        last = newest[column.id]
        if last >= oldest_fresh:
            return False
        file, line = _catalog_file(column)
        findings.append(Problem(
            file, f"栏目不更新：“{column.name}”（更新类别 {column.update_class}，要求 {limits[column.update_class]}内有更新）"
                  f"最近一次发布在 {last}，截至 {as_of} 已 {(as_of - last).days} 天", line=line,
            field=f"栏目 {column.id} · 更新类别", check="stale", severity="warning",
            fix=_stale_fix(column.update_class)))
        return True

    for root in catalog.roots:
        visit(root)
    return findings


def check_home(documents: Iterable[Document], as_of: dt.date, limit: str = "2周",
               home: str = "content/index.md") -> list[Problem]:
    """首页不更新: the newest document the home page lists (the newest on the site) against ``limit``."""
    dates = [d.published for d in documents if d.published <= as_of]
    if not dates:
        return [Problem(home, "首页没有任何信息", check="home", severity="warning", fix="发布信息")]
    last = max(dates)
    if last >= subtract(as_of, parse_limit(limit)):
        return []
    return [Problem(home, f"首页不更新：全站最近一次发布在 {last}，截至 {as_of} 已 {(as_of - last).days} 天"
                          f"（要求 {limit}内有更新）", check="home", severity="warning",
                    fix="发布新的信息；首页“最新信息”列出全站最新发布的文件")]
