"""解读与征集 findings, when the gongkai/interaction plugin is configured (it is not required).

That plugin reports its own errors through the core; here its public API (docs/interaction.md) gives the
findings: 行政规范性文件 without 解读 (info). 征集 closed too long without 反馈 is reported by that plugin itself,
through the core, on the build's one clock.
"""

from __future__ import annotations

from ..errors import Problem


def check_interaction(interaction) -> list[Problem]:
    if interaction is None:
        return []
    findings = []
    for doc in interaction.missing_interpretation:
        file, _ = doc.where()
        findings.append(Problem(file, f"行政规范性文件“{doc.title}”没有政策解读", check="interaction",
                                severity="info", url=doc.url or None,
                                fix=f"如需解读，用 gongkai new 解读 {doc.index_number} 新建解读，或在解读文件的元数据中写"
                                    f"“原文: {doc.index_number}”（放入政策解读栏目）"))
    return findings
