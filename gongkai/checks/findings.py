"""The checks' view of the one ``Problem`` pipeline: the 单项否决 lines, and the older names of its parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .. import errors
from ..errors import CHECK_LABELS, LABELS, SEVERITIES, Problem, SeverityPolicy, sort_key

__all__ = ["CHECK_LABELS", "LABELS", "SEVERITIES", "Finding", "VETO_LINES", "VetoDistance", "apply_severities",
           "sort_key", "summarize", "veto_distances"]

# One record for every problem (gongkai.errors.Problem); ``Finding`` is its older name, kept for imports.
Finding = Problem


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
    """Re-grade findings by check name (a province may make 栏目不更新 an error, say): the policy's ``severity`` rule."""
    policy = SeverityPolicy(overrides=overrides)
    return [policy.override(f) for f in findings]


def summarize(findings: Iterable[Finding]):
    return errors.count(findings)
