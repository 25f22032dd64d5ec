"""Build progress: one line updated in place on a terminal, plain periodic log lines in CI or a log file, and
nothing under -q."""

from __future__ import annotations

import io
import logging

import pytest

from gongkai.plugins.catalog.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def no_leftover_handler():
    yield
    assert not any(type(h).__name__ == "_ClearLine" for h in logging.getLogger("mkdocs").handlers)


def run(progress: Progress, clock: Clock, total: int, seconds_per_page: float) -> None:
    progress.start("生成页面", total)
    for _ in range(total):
        clock.now += seconds_per_page
        progress.step()
    progress.finish()


def test_terminal_line_is_updated_in_place_and_wiped():
    clock, stream = Clock(), Tty()
    progress = Progress(stream, mode="terminal", clock=clock, delay=1.0, refresh=0.5)
    progress.start("生成页面", 100)
    for _ in range(40):  # 5 s at 8 pages a second
        clock.now += 0.125
        progress.step()
    shown = stream.getvalue()
    assert "\n" not in shown and shown.startswith("\r")
    last = shown.rsplit("\r", 1)[1]
    assert last == "生成页面 40/100（40%），每秒 8 页，预计还需 8 秒\x1b[K"
    assert shown.count("\r") == 9  # from 1 s on, every 0.5 s: not once per page
    for _ in range(60):
        clock.now += 0.125
        progress.step()
    assert stream.getvalue().rsplit("\r", 1)[1].startswith("生成页面 100/100（100%）")
    progress.finish()
    assert stream.getvalue().endswith("\r\x1b[K")  # nothing left on the line for what follows


def test_terminal_line_makes_way_for_log_messages(monkeypatch):
    monkeypatch.setattr(logging.getLogger("mkdocs"), "level", logging.INFO)  # as in a build without -q
    clock, stream = Clock(), Tty()
    progress = Progress(stream, mode="terminal", clock=clock, delay=0)
    progress.start("转换 Markdown", 10)
    try:
        clock.now += 1
        progress.step()
        assert stream.getvalue().endswith("（10%），每秒 1 页，预计还需 9 秒\x1b[K")
        logging.getLogger("mkdocs.plugins.test").warning("中途的警告")
        assert stream.getvalue().endswith("\r\x1b[K")
    finally:
        progress.finish()
    assert not any(type(h).__name__ == "_ClearLine" for h in logging.getLogger("mkdocs").handlers)


def test_lines_in_ci_every_interval(caplog):
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, mode="lines", clock=clock, delay=1.0, interval=10.0)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.gongkai"):
        run(progress, clock, 3000, 0.01)  # 30 s
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3 and stream.getvalue() == ""
    assert lines[0] == "生成页面 1,000/3,000（33%），每秒 100 页，预计还需 20 秒"
    assert lines[-1].startswith("生成页面 3,000/3,000（100%）")


def test_short_builds_and_quiet_builds_print_nothing(caplog):
    for mode, total, pace in (("lines", 50, 0.001), ("terminal", 50, 0.001), ("quiet", 5000, 0.01)):
        clock, stream = Clock(), Tty()
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.gongkai"):
            run(Progress(stream, mode=mode, clock=clock), clock, total, pace)
        assert stream.getvalue() == "" and caplog.records == [], mode


@pytest.mark.parametrize("level, tty, ci, mode", [
    (logging.ERROR, True, "", "quiet"), (logging.INFO, True, "", "terminal"),
    (logging.INFO, True, "true", "lines"), (logging.INFO, False, "", "lines")])
def test_mode_follows_verbosity_terminal_and_ci(monkeypatch, level, tty, ci, mode):
    monkeypatch.setenv("CI", ci)
    mkdocs_log = logging.getLogger("mkdocs")
    old = mkdocs_log.level
    mkdocs_log.setLevel(level)  # what `mkdocs build -q` sets
    try:
        assert Progress.for_build(Tty() if tty else io.StringIO()).mode == mode
    finally:
        mkdocs_log.setLevel(old)


def test_durations():
    clock, stream = Clock(), Tty()
    progress = Progress(stream, mode="terminal", clock=clock, delay=0)
    progress.start("生成页面", 100_000)
    clock.now += 10
    progress.step()
    assert stream.getvalue() == "\r生成页面 1/100,000（0%），每秒 0 页，预计还需 277 小时 46 分\x1b[K"
    progress.finish()
