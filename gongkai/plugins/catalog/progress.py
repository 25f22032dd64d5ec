"""Progress of a long build: pages done / total, rate and time left.

On a terminal: one line, updated in place. In CI (``CI`` set) or when the output is not a terminal: a plain log
line every ``interval`` seconds, so that a log file shows the build is alive without a line per page. Under
``mkdocs build -q`` (MkDocs' logger above INFO): nothing. Short builds print nothing either (first output after
``delay`` seconds).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable, TextIO

log = logging.getLogger("mkdocs.plugins.gongkai")


class _ClearLine(logging.Handler):
    """Runs before MkDocs' own handler: wipes the progress line so a log message starts on a clean line."""

    def __init__(self, progress: "Progress"):
        super().__init__()
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        self.progress.clear()


class Progress:
    """Counts the pages of one build phase and reports as described in the module docstring."""

    def __init__(self, stream: TextIO, *, mode: str, clock: Callable[[], float] = time.monotonic,
                 delay: float = 1.0, interval: float = 10.0, refresh: float = 0.2):
        assert mode in ("terminal", "lines", "quiet")
        self.stream, self.mode, self.clock = stream, mode, clock
        self.delay, self.interval, self.refresh = delay, interval, refresh
        self.phase, self.total, self.done = "", 0, 0
        self._begin = self._shown = 0.0
        self._line = ""  # what the terminal shows now
        self._handler: _ClearLine | None = None

    @classmethod
    def for_build(cls, stream: TextIO | None = None) -> "Progress":
        stream = stream or sys.stderr
        if logging.getLogger("mkdocs").getEffectiveLevel() > logging.INFO:
            mode = "quiet"
        elif stream.isatty() and not os.environ.get("CI"):
            mode = "terminal"
        else:
            mode = "lines"
        return cls(stream, mode=mode)

    def start(self, phase: str, total: int) -> None:
        self.finish()
        self.phase, self.total, self.done = phase, total, 0
        self._begin = self._shown = self.clock()
        if self.mode == "terminal" and self._handler is None:
            self._handler = _ClearLine(self)
            logging.getLogger("mkdocs").handlers.insert(0, self._handler)

    def step(self) -> None:
        self.done += 1
        if self.mode == "quiet":
            return
        now = self.clock()
        elapsed = now - self._begin
        if elapsed < self.delay:
            return
        if self.mode == "terminal":
            if now - self._shown >= self.refresh or self.done == self.total:
                self._shown = now
                self._write(self.text(elapsed))
        elif now - self._shown >= self.interval:
            self._shown = now
            log.info(self.text(elapsed))

    def text(self, elapsed: float) -> str:
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        percent = 100 * self.done // self.total if self.total else 100
        return (f"{self.phase} {self.done:,}/{self.total:,}（{percent}%），每秒 {rate:,.0f} 页，"
                f"预计还需 {_duration(left)}")

    def clear(self) -> None:
        if self._line:
            self._write("")

    def finish(self) -> None:
        """End of a phase: the terminal line is wiped, the handler removed."""
        self.clear()
        if self._handler is not None:
            logging.getLogger("mkdocs").handlers.remove(self._handler)
            self._handler = None

    def _write(self, line: str) -> None:
        """Replace the terminal's current line (carriage return, text, erase to the end of the line)."""
        self._line = line
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} 分 {seconds:02d} 秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes:02d} 分"
