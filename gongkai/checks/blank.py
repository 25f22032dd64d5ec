"""空白栏目: a column × 发布主体 page with no document (single-veto in inspections, docs/domain.md).

A page is legitimately empty only when the catalog marks it 暂无 with a reason; the core's column template then
shows "暂无信息：<reason>". Pages that always have content are skipped: 指南 (generated from the 指南 data),
依申请公开 (shows how to apply), parents (they show their subcolumns) and 单页 columns with a 正文.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..model import Catalog, Column, Document, Organization
from ..errors import Problem

ALWAYS_FILLED = ("指南", "依申请公开")


def _catalog_file(column: Column) -> tuple[str, int | None]:
    file, _, line = column.source.rpartition(":")
    return (file, int(line)) if line.isdigit() else (column.source or "catalog/columns.yml", None)


def check_blank(catalog: Catalog, documents: Iterable[Document]) -> list[Problem]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for doc in documents:
        for col_id in doc.column_ids:
            counts[(col_id, doc.publisher_id)] += 1
    findings = []
    for org in catalog.organizations.values():
        for column in catalog.columns_for(org):
            if column.kind in ALWAYS_FILLED or any(c.applies(org) for c in column.children):
                continue
            if column.kind == "单页" and column.body.strip():
                continue
            file, line = _catalog_file(column)
            has = counts[(column.id, org.id)]
            reason = column.empty_reasons.get(org.id)
            if has and reason:
                findings.append(Problem(
                    file, f"栏目“{column.name}”（{org.name}）标为暂无，但已有 {has} 条信息", line=line,
                    field=f"栏目 {column.id} · 暂无 · {org.id}", check="blank", severity="warning",
                    fix="删去该发布主体的“暂无”原因，页面已有内容"))
            elif not has and not reason:
                findings.append(Problem(
                    file, f"空白栏目：“{column.name}”（{org.name}）没有任何信息", line=line,
                    field=f"栏目 {column.id}", check="blank", severity="error",
                    fix=f"发布该栏目的信息，或在 {file} 栏目 {column.id} 下写“暂无:”，"
                        f"加一行“{org.id}: 暂无内容的原因”（页面将显示该原因）"))
    return findings


def empty_pages(catalog: Catalog, documents: Iterable[Document]) -> list[tuple[Column, Organization]]:
    """Column × 发布主体 pages that are empty and marked 暂无 (their page must show the reason)."""
    filled = {(c, d.publisher_id) for d in documents for c in d.column_ids}
    return [(col, org) for org in catalog.organizations.values() for col in catalog.columns_for(org)
            if org.id in col.empty_reasons and (col.id, org.id) not in filled]
