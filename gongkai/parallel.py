"""Both cores for the parts of a build that are embarrassingly parallel (issue 20, item 6).

A build is one MkDocs process; some of its work is a pure function of one item at a time — the 个人信息 scan of
a file, the link check's reading of a page's HTML, the search index's term counting of a share of the records.
This module runs such work in forked worker processes and hands the results back **in the order of the items**,
so that the site, the findings and their order are byte for byte those of a one-process build.

- ``map_ordered(fn, items)`` — every result at once (the scans of ``on_files``, the search index's parts).
- ``Pipeline(fn)`` — items submitted one by one while the build goes on (a page's HTML as MkDocs writes it),
  results taken back in submission order; at most a bounded number is in flight, so memory stays flat.

Workers are forked, never spawned: they inherit the build's objects (the function, the settings, the site's
file list) without pickling them, and spawning would re-import the caller's main module (a script that builds
a site without a ``__main__`` guard would run again). The build's objects are frozen (``gc.freeze``) before the
fork: a garbage collection in a worker would otherwise write to, and so copy, every object of the build. Only
the item's index goes to a worker and only the result comes back.

An exception in a worker is carried back as ``TaskFailed`` naming the item (a file, a page); the same error in
a one-process build raises the same ``TaskFailed``. How many processes: ``workers`` of the core's settings, or
``$GONGKAI_WORKERS``, else the usable CPUs, at most ``DEFAULT_CAP``; 1 works in the build's own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import traceback
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Sequence

ENV = "GONGKAI_WORKERS"
DEFAULT_CAP = 2  # the machines gongkai builds on (CI runners, a 政务公开办's PC) rarely have more to give


class TaskFailed(Exception):
    """A task raised: ``item`` names what it was working on, ``detail`` is the error, ``trace`` its traceback."""

    def __init__(self, item: str, detail: str, trace: str = ""):
        super().__init__(f"{item}：{detail}")
        self.item, self.detail, self.trace = item, detail, trace

    def __reduce__(self):
        return TaskFailed, (self.item, self.detail, self.trace)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def workers(setting: int | None = None) -> int:
    """How many processes may work: ``$GONGKAI_WORKERS`` (for one build, or a test), else the ``setting``, else
    the usable CPUs up to ``DEFAULT_CAP``. Raises ValueError for a value that is not a whole number ≥ 1."""
    raw = os.environ.get(ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"环境变量 {ENV} 应为不小于 1 的整数（1 = 只用构建进程），实际为“{raw}”")
        return int(raw)
    if setting is not None:
        if setting < 1:
            raise ValueError(f"workers 应为不小于 1 的整数（1 = 只用构建进程），实际为 {setting}")
        return setting
    return max(1, min(DEFAULT_CAP, usable_cpus()))


def workers_of(config, own: int | None = None) -> int:
    """The number of processes for a build with MkDocs ``config``: a plugin's ``own`` setting, else the core's
    ``workers`` (``- gongkai/catalog``), else the default (see ``workers``)."""
    from mkdocs.exceptions import PluginError

    if own is None:
        core = config.plugins.get("gongkai/catalog") if config is not None else None
        own = core.config.get("workers") if core is not None else None
    try:
        return workers(own)
    except ValueError as exc:
        raise PluginError(f"{exc}；请在 mkdocs.yml 的 gongkai/catalog 下改正 workers，或改正该环境变量") from exc


# The task of the pool being forked: (fn, items, name). Set just before the fork, inherited by the workers.
_TASK: tuple | None = None


def _run(index: int):
    fn, items, name = _TASK
    try:
        return True, fn(items[index])
    except Exception as exc:  # carried back with the item's name; BaseException (KeyboardInterrupt) ends the worker
        return False, (_name(name, items[index]), f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _run_chunk(bounds: tuple[int, int]) -> list:
    return [_run(i) for i in range(*bounds)]


def _name(name, item) -> str:
    try:
        return name(item)
    except Exception:
        return repr(item)


def _call(fn, item, name):
    try:
        return fn(item)
    except Exception as exc:
        raise TaskFailed(_name(name, item), f"{type(exc).__name__}: {exc}", traceback.format_exc()) from exc


def _unwrap(outcome):
    ok, value = outcome
    if not ok:
        raise TaskFailed(*value)
    return value


class _Forked:
    """A fork-based process pool for one task, with the build's objects frozen while it lives."""

    def __init__(self, fn, items, name, processes: int):
        global _TASK
        _TASK = (fn, items, name)
        gc.freeze()
        try:
            self.pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        global _TASK
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        gc.unfreeze()
        _TASK = None


def map_ordered(fn: Callable, items: Sequence, *, workers: int = 1, name: Callable = str,
                min_items: int = 2, chunks_per_worker: int = 4) -> list:
    """``[fn(item) for item in items]``, spread over ``workers`` forked processes when there are at least
    ``min_items`` items (below that a fork costs more than it saves). ``fn`` and ``items`` are inherited by the
    workers, not pickled; each result is pickled back. ``name(item)`` names an item in ``TaskFailed``."""
    items = items if isinstance(items, (list, tuple)) else list(items)
    count = len(items)
    processes = min(workers, count)
    if processes < 2 or count < min_items or not can_fork():
        return [_call(fn, item, name) for item in items]
    # A few chunks per worker: fewer messages than one per item, and a slow item does not hold a whole half.
    step = max(1, -(-count // (processes * chunks_per_worker)))
    pool = _Forked(fn, items, name, processes)
    try:
        results = []
        for chunk in pool.pool.map(_run_chunk, [(i, min(count, i + step)) for i in range(0, count, step)]):
            results += map(_unwrap, chunk)
        return results
    finally:
        pool.close()


_NONE = object()


class Pipeline:
    """``fn`` applied to items submitted one at a time, in a forked worker, while the caller goes on;
    ``apply(item, result)`` is called in the caller's process in submission order. ``fn`` must depend only on what
    exists when the worker is forked and on the item, which is pickled to the worker as it is when submitted.

    Items travel in batches of ``batch`` (a message per item would cost as much as the work it moves); at most
    ``window`` batches are in flight, the oldest applied before another is sent. The first ``start_after`` items
    are worked on in the caller's process (a small site is done before a fork would pay); so are all of them with
    one worker. With two, one worker works while the caller goes on; with more, ``workers − 1``."""

    def __init__(self, fn: Callable, apply: Callable, *, workers: int = 1, name: Callable = str, batch: int = 32,
                 window: int = 4, start_after: int = 0):
        self.fn, self.apply, self.name, self.batch, self.window = fn, apply, name, batch, window
        self._queue: deque = deque()  # (batch of (item, pickled item, result or _NONE), future of the results or None)
        self._batch: list = []
        self._pool: _Forked | None = None
        self._workers = workers - 1 if workers > 2 else 1 if workers > 1 and can_fork() else 0
        self._wait = start_after

    def submit(self, item, result=_NONE) -> None:
        """``fn(item)`` to be applied after every item submitted before; with ``result`` (known already, from the
        build cache), that result, applied in its turn."""
        if self._pool is None and self._workers:
            if self._wait > 0:
                self._wait -= 1
            else:  # forked now: ``fn`` sees the build as it is at this point
                self._pool = _Forked(_PipelineTask(self.fn), (), self.name, self._workers)
        if self._pool is None:
            self.apply(item, _call(self.fn, item, self.name) if result is _NONE else result)
            return
        # Pickled now, not when the batch is sent: the worker gets the item as it is at this call.
        self._batch.append((item, pickle.dumps(item, pickle.HIGHEST_PROTOCOL) if result is _NONE else None, result))
        if len(self._batch) >= self.batch:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        todo = [payload for _, payload, result in batch if result is _NONE]
        future = self._pool.pool.submit(_run_batch, todo) if todo else None
        self._queue.append((batch, future))
        while len(self._queue) > self.window:
            self._apply_oldest()

    def _apply_oldest(self) -> None:
        batch, future = self._queue.popleft()
        outcomes = iter(future.result() if future is not None else ())
        for item, _, result in batch:
            if result is _NONE:
                ok, result = next(outcomes)
                if not ok:
                    raise TaskFailed(*result)
            self.apply(item, result)

    def finish(self) -> None:
        """Apply every result still in flight and stop the workers."""
        try:
            if self._batch:
                self._send()
            while self._queue:
                self._apply_oldest()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers without applying what is in flight (the build failed)."""
        self._queue.clear()
        self._batch = []
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._workers = 0


class _PipelineTask:
    def __init__(self, fn):
        self.fn = fn


def _run_batch(payloads: list[bytes]) -> list:
    """(True, result) per item; at the first error (False, (item's name, error, traceback)), and no further."""
    task, name = _TASK[0], _TASK[2]
    outcomes = []
    for item in map(pickle.loads, payloads):
        try:
            outcomes.append((True, task.fn(item)))
        except Exception as exc:
            outcomes.append((False, (_name(name, item), f"{type(exc).__name__}: {exc}", traceback.format_exc())))
            break
    return outcomes


__all__ = ["ENV", "DEFAULT_CAP", "TaskFailed", "map_ordered", "Pipeline", "workers", "workers_of", "usable_cpus"]
