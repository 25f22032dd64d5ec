"""Fewer garbage collections while a site builds.

A build allocates millions of small objects, most of which live to its end (documents, pages, their cache keys
and recorded reads). CPython collects its youngest generation every 700 new container objects and, every tenth
time, the next; each full collection then walks every object of the build, and at 10,000 documents those walks
cost seconds of a cold build while finding almost nothing to free. During a build the youngest generation is
collected every ``BUILD_THRESHOLD`` allocations instead: the collector still frees every cycle, a little later,
for a few megabytes at most. The interpreter's own setting is put back when the build ends or fails.

When the command ends (``mkdocs build``, ``gh-deploy``, ``serve``), the interpreter's shutdown would walk every
object the build kept once more and free them one by one: about a second at 10,000 documents, for memory the
system takes back anyway when the process exits. ``leaving`` moves them out of the collector's reach first
(``gc.freeze``); a build that starts later in the same process (a test, a tool that builds twice) gives them back
to it (``begin_build``).
"""

from __future__ import annotations

import gc

BUILD_THRESHOLD = 10_000
_saved: tuple[int, int, int] | None = None


_frozen = False


def begin_build() -> None:
    """Called when a build starts (the core's first on_config)."""
    global _saved, _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False
    if _saved is None:
        _saved = gc.get_threshold()
        if 0 < _saved[0] < BUILD_THRESHOLD:  # 0: the program turned collection off; leave it so
            gc.set_threshold(BUILD_THRESHOLD, _saved[1], _saved[2])


def end_build() -> None:
    """Called when the build ends, cleanly or not: the interpreter's own setting again."""
    global _saved
    if _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None


def leaving() -> None:
    """Called when the command ends (the core's on_shutdown): what the build kept is not walked again at exit.
    Everything the build writes is written and closed before (the site published, the cache saved), and
    ``atexit`` handlers and ``weakref.finalize`` callbacks (temporary folders) still run."""
    global _frozen
    end_build()
    gc.freeze()
    _frozen = True
