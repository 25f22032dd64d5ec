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
    "baobiao": "网站年度报表", "golive": "上线准备",
    "input": "数据格式",
    "build": "构建",  # MkDocs' own warnings, reported by `gongkai check`  # problems the core and the feature plugins found while loading
}


@dataclass
class Finding(Problem):
    """A check's finding: where (file, line, field), what, how to fix, severity, and which check (``check``)."""

    check: str = ""
    url: str | None = None  # the page on the built site where it shows, when known
    todo: bool = False  # 上线前待办: an error once the site is live (gongkai.checks.golive)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and (k != "todo" or v)}


# 单项否决 lines of the national inspection indicators (《政府网站与政务新媒体检查指标》, 国办秘函〔2019〕19号,
# docs/domain.md): at this many findings of a check the whole site fails. 首页不更新 fails at one.
VETO_LINES = (("stale", "栏目不更新", 5), ("blank", "空白栏目", 5), ("home", "首页不更新", 1))


@dataclass
class VetoDistance:
    """How far the site is from one 单项否决 line."""

    check: str
    name: str
    count: int
    threshold: int

    @property
    def reached(self) -> bool:
        return self.count >= self.threshold

    def __str__(self) -> str:
        if self.threshold == 1:
            return f"{self.name}：{'已触及否决线（单项否决）' if self.reached else '未触及否决线'}"
        state = "已达到，单项否决" if self.reached else f"还差 {self.threshold - self.count} 个"
        return f"{self.name} {self.count} 个（否决线 {self.threshold} 个，{state}）"


def veto_distances(findings: Iterable[Finding]) -> list[VetoDistance]:
    """The count of each vetoed finding against its line; 空白栏目 counts the empty pages, not the 暂无 notes."""
    findings = list(findings)
    out = []
    for check, name, threshold in VETO_LINES:
        count = sum(1 for f in findings if f.check == check and (check != "blank" or f.message.startswith("空白栏目")))
        out.append(VetoDistance(check, name, count, threshold))
    return out


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
