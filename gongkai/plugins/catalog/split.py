"""MkDocs' page loop on both cores (issue 20, item 6): the pages the core makes, split with one forked process.

MkDocs renders and writes pages one after another (``_build_page``): the largest part of a first build. The build
cache already knows how to take a page that is not rendered in this process — a carried page (carried.py): its
output file is there, and each plugin gets back, in page order, the fact it noted of the page when it was made.
So the page loop is shared with a second process, forked when MkDocs is about to write the first page (every
page's Markdown is rendered, every plugin's ``on_env`` has run):

- **Who makes which page.** The pages that may be split (the core's ``SectionPage``\\ s whose Markdown phase gave
  their facts, not carried) are claimed from both ends of one list: the build takes the next one in page order,
  the second process the last one left. Each page is made exactly once, by whichever reached it first, and the
  two meet where their work is equal, whatever each page costs.
- **The second process** makes its pages exactly as the build would (the same function, the same plugins, the
  same objects, forked), in any order — a page's output depends on nothing an earlier page did, which is what
  carrying relies on too. Its cache entries go into a file of its own (``BuildCache.forked``); the pipelines'
  workers stay the build's (``parallel.forked``); its decisions about unchanged files are noted
  (``UnchangedFiles.start_worker``); each plugin that keeps something per page is told (``Consumer.forked``).
  The build's objects are frozen from the fork until the build has taken the other process's pages. For each
  page it made, it sends back the page's facts, as the cache stores them, and its debug log lines. A page whose making said anything (a log line above DEBUG, a warning, a
  problem), read a volatile value, or failed, is not sent: the build makes it again, in its turn, and says it.
- **The build**, reaching the first page the second process claimed, waits for it to end, takes its entries and
  decisions, and from then on hands each page's facts to the plugins in page order (``hand_over``, as for a
  carried page), or makes the page itself when none came back.

If the second process fails, the build removes the files of the pages it claimed and makes them itself: the
site, every message and the cache are those of a one-process build either way (tests/test_split_pages.py).
Split only when nothing else acts on pages (a plugin or hook that is not gongkai's with ``on_page_context`` or
``on_post_page``: its per-page state would stay in the other process), with two or more workers, the build
cache on, at least ``MIN_PAGES`` pages to share, and a build process of at most ``MAX_SHARED_MB``.
"""

from __future__ import annotations

import gc
import logging
import mmap
import multiprocessing
import os
import pickle
import signal
import struct
import warnings
from pathlib import Path
from typing import Callable

import mkdocs.commands.build as mkdocs_build
from mkdocs.structure.pages import Page

from gongkai import parallel

from .carried import hand_over
from .rendering import SectionPage

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

MIN_PAGES = 64  # fewer pages are made before a fork and the merge of its entries would pay for themselves
# A build process larger than this when the page loop starts makes its pages alone. The second process shares the
# build's memory only until either touches it, and making half the pages touches most of it (CPython writes an
# object's reference count when it reads it): at 100,000 documents (1.4 GB) the process tree grew from 1.8 to 2.8 GB.
MAX_SHARED_MB = 1024
_ENDS = struct.Struct("qq")  # the shared claim: (next page the build takes, first page the second process took)


class SplitPages:
    """One build's page loop shared with a forked process (module docstring)."""

    def __init__(self, session, unchanged, in_child: Callable[[], None], side: Path):
        self.session = session  # the core's BuildCacheSession: its store, page facts, consumers and counts
        self.unchanged = unchanged  # the staging folder's UnchangedFiles, or None
        self.in_child = in_child  # the core, in the second process: no progress line, nothing released
        self.side = side  # the second process's entries file
        self.pages: list[Page] = []
        self._index: dict[str, int] = {}
        self._saved = None
        self._started = False
        self._pid: int | None = None
        self._pipe: int | None = None
        self._ends: mmap.mmap | None = None
        self._lock = None
        self._results: dict[int, tuple] | None = None
        self._frozen = False
        self.made = 0  # pages the second process made and the build took (for the log and the tests)

    # ---- MkDocs' page loop ---------------------------------------------------------------------------------

    def install(self) -> None:
        if self._saved is not None:
            return
        inner = self._saved = mkdocs_build._build_page

        def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
            if not self._started:
                self._started = True
                self._start(inner, config, doc_files, nav, env)
            index = self._index.get(page.file.src_uri)
            if index is None or excluded or (self._results is None and self._claim(index)):
                return inner(page, config, doc_files, nav, env, dirty, excluded)
            outcome = self._collect().get(index)
            if outcome is None:
                return inner(page, config, doc_files, nav, env, dirty, excluded)
            self._take(page, *outcome)

        mkdocs_build._build_page = _build_page

    def uninstall(self) -> None:
        self.stop()
        if self._saved is not None:
            mkdocs_build._build_page = self._saved
            self._saved = None

    def _start(self, inner, config, doc_files, nav, env) -> None:
        """At the first page: the pages to share, and the second process forked (when there are enough)."""
        session = self.session
        carried = session.carrying.pages if session.carrying is not None else {}
        facts = session.facts
        self.pages = [f.page for f in doc_files if isinstance(f.page, SectionPage) and not f.inclusion.is_excluded()
                      and f.src_uri in session.pages and f.src_uri not in carried and facts.noted(f.src_uri, "core")]
        resident = _resident_mb()
        too_large = resident is not None and resident > MAX_SHARED_MB
        if len(self.pages) < MIN_PAGES or too_large:
            if too_large:
                log.debug(f"构建缓存：构建进程已占用 {resident:.0f} MB 内存，页面在一个进程中生成")
            self.pages = []
            return
        self._index = {page.file.src_uri: i for i, page in enumerate(self.pages)}
        session.recorder.track_globals()  # once, before the fork: both processes render with the same globals
        self._ends = mmap.mmap(-1, _ENDS.size)  # anonymous and shared: both processes see each claim
        self._ends[:] = _ENDS.pack(0, len(self.pages))
        self._lock = multiprocessing.get_context("fork").Lock()
        self.side.unlink(missing_ok=True)
        parallel.trim()  # the memory freed so far back to the system first: a forked process would share it
        read, write = os.pipe()
        # Out of the collector's reach in both processes while both live: a full collection here would write to
        # every object of the build, and so copy, page by page, all the memory the two processes share.
        gc.freeze()
        self._frozen = True
        pid = os.fork()
        if pid == 0:  # the second process: never returns
            os.close(read)
            self._child(inner, config, doc_files, nav, env, write)
        os.close(write)
        self._pid, self._pipe = pid, read
        log.debug(f"构建缓存：{len(self.pages)} 个页面由两个进程分担生成")

    def _claim(self, index: int) -> bool:
        """The build's claim of page ``index`` (taken in order): False when the second process has it."""
        with self._lock:
            front, back = _ENDS.unpack(self._ends)
            if index >= back:
                return False
            self._ends[:] = _ENDS.pack(max(front, index + 1), back)
            return True

    def _claim_last(self) -> int | None:
        """The second process's claim: the last page nobody took, or None."""
        with self._lock:
            front, back = _ENDS.unpack(self._ends)
            if back <= front:
                return None
            self._ends[:] = _ENDS.pack(front, back - 1)
            return back - 1

    # ---- the second process ----------------------------------------------------------------------------------

    def _child(self, inner, config, doc_files, nav, env, write: int) -> None:
        code = 1
        try:
            records: list[logging.LogRecord] = []
            logging.Logger.callHandlers = lambda logger, record: records.append(record)
            warnings.showwarning = lambda message, category, *args, **kwargs: records.append(
                logging.makeLogRecord({"levelno": logging.WARNING, "msg": str(message)}))
            session, store = self.session, self.session.store
            parallel.forked()  # before any pipeline the build made could be let go of here
            store.forked(self.side)
            if self.unchanged is not None:
                self.unchanged.start_worker()
            self.in_child()
            session.facts.completed = completed = {}
            results: dict[int, tuple] = {}
            while (index := self._claim_last()) is not None:
                page = self.pages[index]
                src, mark, counts = page.file.src_uri, len(records), (session.hits, session.rendered)
                try:
                    inner(page, config, doc_files, nav, env, False, False)
                except BaseException:
                    break  # the build makes it, and fails as it would have
                stored = completed.pop(src, None)
                said = records[mark:]
                if stored is None or any(record.levelno > logging.DEBUG for record in said):
                    continue
                results[index] = (session.pages[src], stored["facts"], session.hits - counts[0],
                                  session.rendered - counts[1], [_plain_record(r) for r in said])
            payload = {"results": results, "uses": store.finish_forked(),
                       "files": self.unchanged.take() if self.unchanged is not None else []}
            with os.fdopen(write, "wb") as fh:
                pickle.dump(payload, fh, pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)

    # ---- the build, taking what the second process made ---------------------------------------------------

    def _collect(self) -> dict[int, tuple]:
        """Once, at the first page the second process claimed: wait for it, take its entries and decisions."""
        if self._results is not None:
            return self._results
        payload = None
        try:
            with os.fdopen(self._pipe, "rb") as fh:
                self._pipe = None
                payload = pickle.load(fh)
        except Exception as exc:  # it ended without a word: it failed
            log.debug(f"构建缓存：第二个进程未完成（{exc}），其页面由本进程生成")
        _, status, usage = os.wait4(self._pid, 0)
        self._pid = None
        self._thaw()
        made = len(payload["results"]) if payload else 0
        log.debug(f"构建缓存：第二个进程用时 {usage.ru_utime + usage.ru_stime:.1f} 秒 CPU，生成 {made} 个页面")
        if payload is None or status != 0 or not self.session.store.take_forked(self.side, payload["uses"]):
            self._results = {}
            self.side.unlink(missing_ok=True)
            self._forget_claimed()
            return self._results
        if self.unchanged is not None:
            self.unchanged.adopt(payload["files"])
        self._results = payload["results"]
        return self._results

    def _forget_claimed(self) -> None:
        """The second process failed: the files of the pages it claimed may be cut short; the build makes them."""
        _, back = _ENDS.unpack(self._ends)
        for page in self.pages[back:]:
            try:
                os.unlink(page.file.abs_dest_path)
            except OSError:
                pass

    def _take(self, page: Page, key: str, facts: dict, hits: int, rendered: int, records: list) -> None:
        """A page the second process made: as if made here (its facts to each plugin, in page order)."""
        session = self.session
        session.hits += hits
        session.rendered += rendered
        for record in records:
            logging.getLogger(record.name).handle(record)
        session.facts.adopt(page.file.src_uri, key)
        hand_over(session.consumers, page, "output", facts)
        self.made += 1

    def stop(self) -> None:
        """The second process stopped and its file removed, unless taken (the build failed, or ended)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = None
            self.side.unlink(missing_ok=True)
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        self._thaw()

    def _thaw(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def _resident_mb() -> float | None:
    """This process's resident memory in MB (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return None


def _plain_record(record: logging.LogRecord) -> logging.LogRecord:
    """A log record that can travel between processes: its message made, no arguments or traceback objects."""
    record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
    return record
