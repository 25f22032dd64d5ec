"""Problems: bad input and check results, one kind of record from every producer to every report.

Every part of gongkai that finds something wrong — the core's loaders, the feature plugins, the pre-publication
checks, MkDocs' own warnings — records a ``Problem`` (where, what was expected, how to fix it, how severe, which
check). ``SeverityPolicy`` decides once what each one counts as; ``gongkai.reporting.Reporter`` logs, counts and
fails the build on them (docs/architecture.md, "The Problem pipeline").
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable

# Most severe first; "info" is listed in the reports but never fails anything.
SEVERITIES = ("error", "warning", "info")
LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
# The kind of a problem (``Problem.check``): a check of gongkai/checks, or what else found it.
CHECK_LABELS = {
    "pii": "个人信息", "blank": "空白栏目", "stale": "栏目不更新", "home": "首页不更新", "deadline": "公开时限",
    "links": "链接", "external": "外部链接", "nianbao": "年报", "interaction": "解读与征集",
    "baobiao": "网站年度报表", "golive": "上线准备",
    "input": "数据格式",  # problems the core and the feature plugins found while loading
    "build": "构建",  # MkDocs' own warnings
    "upgrade": "升级",  # an old name still read (gongkai.deprecations): a warning that never fails a build
}
# Kinds whose errors and warnings are 上线前待办 items: 提示 while the site is not live (gongkai/checks `live`).
TODO_CHECKS = ("golive", "blank")
# Kinds whose warnings ``fail_on_warnings`` leaves alone: what loading found (as the previous release did: a
# site that built still builds), an old name still read (gongkai.deprecations), MkDocs' own (``--strict`` decides).
NOT_CHECKS = ("input", "upgrade", "build")


@dataclass
class Problem:
    """One problem, phrased for the editor who has to fix it: where (file, line, field), what was expected
    (``message``), how to fix it, how severe, and which check or loader found it (``check``)."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    fix: str | None = None
    severity: str = "error"  # error | warning | info
    check: str = "input"  # a key of CHECK_LABELS
    url: str | None = None  # the page on the built site where it shows, when known
    todo: bool = False  # 上线前待办: an error once the site is live (SeverityPolicy)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        text = f"{where}: " + (f"{self.field}: " if self.field else "") + self.message
        if self.fix:
            text += f"（修改方法：{self.fix}）"
        return text

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and (k != "todo" or v)}


class InputError(Exception):
    """Raised with every problem found, so an editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Problems:
    """Collects problems while loading, so that one bad file does not hide the next."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, message: str, *, line: int | None = None, field: str | None = None,
            fix: str | None = None, severity: str = "error", check: str = "input") -> None:
        self.items.append(Problem(file, message, line, field, fix, severity, check))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)


@dataclass
class SeverityPolicy:
    """What a problem counts as, decided once for the build log, its exit status and every report.

    - ``live`` (gongkai/checks): while a site is not live, the errors and warnings of 上线准备 and 空白栏目 are
      上线前待办 items (提示); once live they keep their severity. Either way they are marked ``todo``.
    - ``overrides`` (gongkai/checks ``severity``): a check's problems re-graded by its name; wins over ``live``.
    - ``strict``: MkDocs' own warnings (``check == "build"``) are errors in a ``--strict`` build and in
      ``gongkai check`` (which answers for the CI's strict build), warnings otherwise.
    - ``fail_on_warnings``: the pre-publication checks' warnings fail the build too (not the kinds in
      NOT_CHECKS: a site that built with the previous version still builds).
    Errors fail every build, with or without ``--strict``: bad input never reaches the public site.
    """

    live: bool = True
    overrides: dict[str, str] = field(default_factory=dict)
    fail_on_warnings: bool = False
    strict: bool = False

    def grade(self, problem: Problem) -> Problem:
        if problem.check == "build":
            problem.severity = "error" if self.strict else "warning"
        return self.override(self.pending(problem))

    def pending(self, problem: Problem) -> Problem:
        """The ``live`` rule: a go-live problem is a 上线前待办 item, 提示 until the site is live."""
        if problem.check in TODO_CHECKS and problem.severity in ("error", "warning"):
            problem.todo = True
            if not self.live:
                problem.severity = "info"
        return problem

    def override(self, problem: Problem) -> Problem:
        """The ``severity`` setting: a check's problems re-graded by its name."""
        if problem.check in self.overrides:
            problem.severity = self.overrides[problem.check]
        return problem

    def fails(self, problem: Problem) -> bool:
        return problem.severity == "error" or (
            self.fail_on_warnings and problem.severity == "warning" and problem.check not in NOT_CHECKS)


def count(problems: Iterable[Problem]) -> Counter:
    """Problems by severity: the one count of the build summary and of `gongkai check`."""
    return Counter(p.severity for p in problems)


def sort_key(p: Problem):
    return (SEVERITIES.index(p.severity) if p.severity in SEVERITIES else 9, p.check, p.file, p.line or 0)


def close_matches(word: str, candidates, n: int = 3) -> str:
    """'，相近的有：a、b' for an unknown id, or '' when nothing is close."""
    found = difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.5)
    return f"，相近的有：{'、'.join(found)}" if found else ""
