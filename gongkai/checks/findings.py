"""Finding: one result of a check, an ``errors.Problem`` with the check that made it."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Iterable

from ..errors import Problem

# Most severe first; "info" is listed in the reports but never fails anything.
SEVERITIES = ("error", "warning", "info")
LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
CHECK_LABELS = {
    "pii": "个人信息", "blank": "空白栏目", "stale": "栏目不更新", "home": "首页不更新", "deadline": "公开时限",
    "links": "链接", "external": "外部链接", "nianbao": "年报", "interaction": "解读与征集",
    "baobiao": "网站年度报表",
    "input": "数据格式",
    "build": "构建",  # MkDocs' own warnings, reported by `gongkai check`  # problems the core and the feature plugins found while loading
}


@dataclass
class Finding(Problem):
    """A check's finding: where (file, line, field), what, how to fix, severity, and which check (``check``)."""

    check: str = ""
    url: str | None = None  # the page on the built site where it shows, when known

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def apply_severities(findings: Iterable[Finding], overrides: dict[str, str]) -> list[Finding]:
    """Re-grade findings by check name (a province may make 栏目不更新 an error, say)."""
    out = []
    for f in findings:
        if f.check in overrides:
            f.severity = overrides[f.check]
        out.append(f)
    return out


def summarize(findings: Iterable[Finding]) -> Counter:
    return Counter(f.severity for f in findings)


def sort_key(f: Finding):
    return (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9, f.check, f.file, f.line or 0)
