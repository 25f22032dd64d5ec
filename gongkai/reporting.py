"""The one reporter of a build's problems: what `mkdocs build` logs, counts and fails on, and what `gongkai check`
prints, from the same list graded by the same ``SeverityPolicy``.

The core plugin owns a ``Reporter`` per build (``core.reporter``) over ``core.problems``. Every producer adds its
problems there: the core's loaders, the feature plugins during ``on_files``, the checks plugin at the end. The core
calls ``flush()`` where the build may stop (after loading, before any page is written, before publishing) and
``finish()`` once at the very end, after the link check. MkDocs' own warnings are collected while the build runs
(kind ``build``). See docs/architecture.md, "The Problem pipeline".
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from .errors import Problem, Problems, SeverityPolicy, count
from .sources import site_root

log = logging.getLogger("mkdocs.plugins.gongkai.problems")

BUILD_FIX = "按提示修改；mkdocs build --strict 会因此失败"
OWN_LOGGERS = "mkdocs.plugins.gongkai"  # gongkai's own problems are in the list already


class MkDocsWarnings(logging.Handler):
    """MkDocs' own warnings (a Markdown link to a missing page, say) as problems: a --strict build fails on them."""

    def __init__(self, into: list[Problem]):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(OWN_LOGGERS):
            return
        try:
            message = record.getMessage().strip()
        except Exception:  # a malformed log call elsewhere must not break the build
            message = str(record.msg)
        self.into.append(Problem("MkDocs", message, check="build", severity="error", fix=BUILD_FIX))

    def attach(self) -> "MkDocsWarnings":
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def detach(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


class Reporter:
    """Grades, logs and counts one build's problems; fails the build on the policy's failing ones."""

    def __init__(self, problems: Problems, policy: SeverityPolicy | None = None):
        self.problems = problems
        self.policy = policy or SeverityPolicy()
        self.mkdocs: list[Problem] = []  # MkDocs' own warnings, while the build runs
        self.checked = False  # gongkai/checks ran: the summary is its 发布前检查 line
        self.external: dict[str, list[str]] = {}  # external links the link check found (not visited)
        self.outputs: dict[str, str] = {}  # "json" / "html" / "todo" → path relative to mkdocs.yml
        self.as_of: dt.date | None = None
        self.summary: str | None = None  # the summary line, once finished
        self._root: Path | None = None
        self._graded = 0  # problems graded (and logged) so far
        self._handler: MkDocsWarnings | None = None

    # ---- the build's life ---------------------------------------------------------------------------------

    def start(self, config) -> None:
        """At the core's first on_config: the build's strictness, its folder, and MkDocs' warnings from now on."""
        self.policy.strict = bool(config.strict)
        self._root = site_root(config)
        self._handler = MkDocsWarnings(self.mkdocs).attach()

    def close(self) -> None:
        if self._handler is not None:
            self._handler.detach()
            self._handler = None

    @property
    def all(self) -> list[Problem]:
        """Every problem of the build, graded: what the summary counts and `gongkai check` reports."""
        self._grade()
        return [*(self.policy.grade(p) for p in self.mkdocs), *self.problems.items]

    def _grade(self) -> list[Problem]:
        """Grade the problems added since the last call (each once) and return them."""
        new = self.problems.items[self._graded:]
        self._graded = len(self.problems.items)
        for p in new:
            self.policy.grade(p)
        return new

    def replay(self, problems: list[Problem], external: dict[str, list[str]]) -> None:
        """The problems a replayed build (gongkai/plugins/catalog/replay.py) recorded, as graded then: logged as
        they were; ``finish`` follows."""
        self.problems.items[:] = problems
        self.external = external
        self.flush(raise_on_errors=True)

    # ---- where the build may stop -------------------------------------------------------------------------

    def flush(self, raise_on_errors: bool = True) -> None:
        """Log the problems found since the last call; errors stop the build, with or without --strict.

        Warnings are findings for the editors, not build failures: MkDocs' --strict would turn a log warning
        into a failed build, so they are logged at INFO level.
        """
        new = self._grade()
        for problem in new:
            if problem.severity == "warning":
                log.info(f"警告：{problem}")
        errors = [p for p in new if p.severity == "error"]
        if not errors:
            return
        message = f"发现 {len(errors)} 个错误：\n" + "\n".join(f"  {p}" for p in errors)
        if raise_on_errors:
            raise PluginError(message)
        log.error(message)

    def finish(self, as_of: dt.date | None = None, raise_on_errors: bool = True) -> None:
        """The end of the build: the last problems logged, the one summary line, the report files; then the
        build fails if any problem fails under the policy (MkDocs fails a --strict build on its own warnings)."""
        self.close()
        self.as_of = as_of or self.as_of or dt.date.today()
        new = self._grade()
        everything = self.all
        for p in new:
            if p.severity == "info" and not p.todo:
                log.debug(f"提示：{p}")
            elif p.severity == "warning" and not self.policy.fails(p):  # a failing one is in the message below
                log.info(f"警告：{p}")
        todo = [p for p in everything if p.todo and p.severity == "info"]
        if todo:  # at INFO: a new site builds strictly while it is being prepared, and the CI log shows the list
            log.info(f"上线前待办 {len(todo)} 项（mkdocs.yml 中 gongkai/checks 的 live: false；改为 live: true 后，"
                     "未完成的各项都是错误，网站不能发布）：\n" + "\n".join(f"  {p}" for p in todo))
        self.summary = self.summary_line(everything)
        log.info(self.summary)
        self._write(everything)
        # Errors found earlier stopped the build where they were found (unless nothing is raised, as in `gongkai
        # check`); MkDocs' own warnings are errors here in a --strict build, so the message counts what the summary does.
        failing = [p for p in everything if self.policy.fails(p)]
        if not failing:
            return
        warned = any(p.severity == "warning" for p in failing)
        what = "错误和警告" if warned else "错误"
        head = "发布前检查发现" if self.checked else "发现"
        message = f"{head} {len(failing)} 个{what}：\n" + "\n".join(f"  {p}" for p in failing)
        if raise_on_errors:
            raise PluginError(message)  # with or without --strict: an error never reaches the public site
        log.error(message)

    def summary_line(self, problems: list[Problem]) -> str:
        n = count(problems)
        counts = f"{n['error']} 个错误，{n['warning']} 个警告，{n['info']} 个提示"
        if self.checked:
            return f"发布前检查（截至 {self.as_of}）：{counts}"
        return f"构建发现的问题：{counts}（未启用 gongkai/checks，发布前检查未运行）"

    def _write(self, problems: list[Problem]) -> None:
        from .checks import output  # the report writers; imported late: the core imports this module

        if self._root is None:
            return
        writers = {"json": lambda: output.to_json(problems, self.as_of, self.external),
                   "html": lambda: output.to_html(problems, self.as_of, self.external),
                   "todo": lambda: output.to_todo(problems, self.as_of, self.policy.live)}
        for kind, path in self.outputs.items():
            if path:
                output.write(self._root / path, writers[kind]())
