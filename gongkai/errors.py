"""Findings about bad input: where, what was expected, and how to fix it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass
class Problem:
    """One problem in an input file, phrased for the editor who has to fix it."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    fix: str | None = None
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        text = f"{where}: " + (f"{self.field}: " if self.field else "") + self.message
        if self.fix:
            text += f"（修改方法：{self.fix}）"
        return text


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
            fix: str | None = None, severity: str = "error") -> None:
        self.items.append(Problem(file, message, line, field, fix, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)


def close_matches(word: str, candidates, n: int = 3) -> str:
    """'，相近的有：a、b' for an unknown id, or '' when nothing is close."""
    found = difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.5)
    return f"，相近的有：{'、'.join(found)}" if found else ""
