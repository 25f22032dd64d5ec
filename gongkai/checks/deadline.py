"""公开时限: a document published later than its column's 公开时限 after its 成文日期 (条例第二十六条).

The rule comes from the 公开事项 rows of the document's main column (or its nearest ancestor with rows):
their ``workdays``, the working-day rule the catalog loader reads from the 公开时限 text (its one owner). When a
column's rows name only other kinds of period ("每年3月底前", "按季度", "实时", "长期公开") no working-day
rule applies and the document is not checked; with no rows at all the statutory 20 working days apply.
Working days follow the Chinese calendar (``gongkai.workdays``: holidays and 调休).
"""

from __future__ import annotations

from typing import Iterable

from .. import workdays
from ..model import Catalog, Column, Document
from ..errors import Problem

DEFAULT_WORKDAYS = 20


def column_rule(column: Column, default: int = DEFAULT_WORKDAYS) -> tuple[int | None, str]:
    """(working days or None, where the rule comes from) for documents of ``column``."""
    for c in reversed(column.lineage):
        if not c.items:
            continue
        days = [item.workdays for item in c.items if item.workdays is not None]
        if days:
            # Rows of one column may differ; the longest limit avoids reporting a document against the wrong row.
            return max(days), f"栏目“{c.name}”公开时限"
        return None, f"栏目“{c.name}”的公开时限不是工作日时限"
    return default, "条例第二十六条（默认）"


def check_deadlines(catalog: Catalog, documents: Iterable[Document],
                    default_workdays: int = DEFAULT_WORKDAYS) -> list[Problem]:
    findings = []
    # A site's documents share a few columns and, over a few years, a thousand 成文日期: each rule and each last
    # day is worked out once (both depend on nothing else).
    rules: dict[str, tuple[int | None, str]] = {}
    last_days: dict[tuple, object] = {}
    for doc in documents:
        column = catalog.columns.get(doc.column_id)
        if column is None:
            continue
        rule = rules.get(doc.column_id)
        if rule is None:
            rule = rules[doc.column_id] = column_rule(column, default_workdays)
        limit, basis = rule
        if limit is None:
            continue
        last_day = last_days.get((doc.written, limit))
        if last_day is None:
            last_day = last_days[(doc.written, limit)] = workdays.add_workdays(doc.written, limit)
        if doc.published <= last_day:
            continue
        late = workdays.workdays_between(last_day, doc.published)
        exact = "" if workdays.covered(doc.published) else "（该年份节假日安排未知，按周一至周五计）"
        file, line = doc.where("发布日期")
        findings.append(Problem(
            file, f"超过公开时限：成文日期 {doc.written}，发布日期 {doc.published}，{basis}为 {limit} 个工作日"
                  f"（应不晚于 {last_day}），晚了 {late} 个工作日{exact}", line=line, field="发布日期",
            check="deadline", severity="warning", url=doc.url or None,
            fix="核对成文日期和发布日期；确属延迟发布的，记录原因，今后在公开时限内发布"))
    return findings
