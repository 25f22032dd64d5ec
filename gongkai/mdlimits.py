"""Bounds on rendering one Markdown text: a time limit and a nesting limit, each a named error.

Python-Markdown is quadratic on some inputs (58 KB of ``[a](`` takes minutes; thousands of links in one paragraph
take tens of seconds) and recursive on others (20,000 nested ``*`` or hundreds of nested lists raise
``RecursionError``). An editor's file must never hang the build or end it in a traceback, so each page's
rendering runs under ``deadline`` (docs/security.md, “正文的规模”): past the limit, or on a RecursionError, the build
stops with a message naming the file and what to do.

The time limit uses SIGALRM, so it applies in the main thread of a POSIX process (where MkDocs renders pages);
elsewhere the text is rendered without one.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from mkdocs.exceptions import PluginError

from .safety import XML_ILLEGAL_RE

DEFAULT_SECONDS = 20.0
TIME_FIX = ("正文中可能有大量未配对的“[”“(”“<”，或一个段落里有数千个链接：把长段落拆开（段落之间空一行），删去多余的括号；"
            "确实很长的文件可以拆成几个文件，或作为 PDF 附件发布")
DEPTH_FIX = "正文中的列表、引用或强调（* _）嵌套过深：减少嵌套层级，删去成串的 * 或 _"


class MarkdownLimit(PluginError):
    """A Markdown text that took too long or nested too deep to render."""


@contextlib.contextmanager
def deadline(seconds: float | None, file: str, what: str = "正文"):
    """Render within ``seconds`` (None or 0: no limit); a RecursionError or the limit becomes a MarkdownLimit."""
    timed = bool(seconds) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    started = time.monotonic()

    def expired(signum, frame):
        raise MarkdownLimit(f"{file}: {what}: 转换为网页用时超过 {seconds:g} 秒，已停止（修改方法：{TIME_FIX}）")

    previous = signal.signal(signal.SIGALRM, expired) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except RecursionError:
        raise MarkdownLimit(f"{file}: {what}: 嵌套层级过深，无法转换为网页（修改方法：{DEPTH_FIX}）") from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if timed and time.monotonic() - started > seconds:  # the alarm fell outside Python code: still too long
        raise MarkdownLimit(f"{file}: {what}: 转换为网页用时超过 {seconds:g} 秒（修改方法：{TIME_FIX}）")


def guard_render(page, file: str, seconds: float | None) -> None:
    """Make ``page.render`` (called by MkDocs right after on_page_markdown) run under ``deadline``."""
    render = page.render

    def guarded(config, files):
        try:
            with deadline(seconds, file):
                return render(config, files)
        finally:
            # Called once: the page's own method again. Kept, this closure (the method, the file's name) stayed
            # with every page to the end of the build (~400 bytes a page, 40 MB at 100,000 documents).
            vars(page).pop("render", None)

    page.render = guarded


CONTROL_FIX = "删去该字符（从 Word 等软件复制的文字中常见，如软回车 U+000B）；需要换行的地方直接回车"


def control_characters(text: str, start_line: int = 1, limit: int = 10) -> list[tuple[int, str]]:
    """(line, character) of the first lines holding a character XML cannot carry (the feeds, the Word forms)."""
    found, line, position = [], start_line, 0
    for match in XML_ILLEGAL_RE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if not found or found[-1][0] != line:
            found.append((line, match.group(0)))
            if len(found) >= limit:
                break
    return found


def report_control_characters(problems, file: str, text: str, start_line: int = 1, field: str = "正文") -> bool:
    """A problem per line of ``text`` holding such a character; whether there was any."""
    found = control_characters(text, start_line)
    for line, char in found:
        problems.add(file, f"含有不可见的控制字符 U+{ord(char):04X}", line=line, field=field, fix=CONTROL_FIX)
    return bool(found)
