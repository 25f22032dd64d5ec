"""解读与征集 findings, when the gongkai/interaction plugin is configured (it is not required).

That plugin reports its own errors through the core; here its public API (docs/interaction.md) gives the
findings as of the check date: 征集 closed too long without 反馈, and 行政规范性文件 without 解读 (info).
"""

from __future__ import annotations

import datetime as dt

from .findings import Finding


def check_interaction(interaction, as_of: dt.date) -> list[Finding]:
    if interaction is None:
        return []
    findings = []
    overdue_days = getattr(getattr(interaction, "settings", None), "overdue_days", 30)
    for c in interaction.overdue(as_of):
        doc = c.document
        file, line = doc.where("征集")
        findings.append(Finding(
            file, f"意见征集“{doc.title}”已于 {c.last_day} 结束，{(as_of - c.last_day).days} 天仍未公布反馈"
                  f"（超过 {overdue_days} 天）", line=line, field="反馈", check="interaction", severity="warning",
            url=doc.url or None, fix="发布意见收集和采纳情况（反馈）"))
    for doc in getattr(interaction, "missing_interpretation", []):
        file, _ = doc.where()
        findings.append(Finding(file, f"行政规范性文件“{doc.title}”没有政策解读", check="interaction",
                                severity="info", url=doc.url or None, fix="如需解读，发布解读并写明“解读: 原文索引号”"))
    return findings
