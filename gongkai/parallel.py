"""Both cores for the parts of a build that are embarrassingly parallel (issue 20, item 6).

A build is one MkDocs process; some of its work is a pure function of one item at a time — the 个人信息 scan of
a file, the link check's reading of a page's HTML, the search index's term counting of a share of the records.
This module runs such work in forked worker processes and hands the results back **in the order of the items**,
so that the site, the findings and their order are byte for byte those of a one-process build.

- ``map_ordered(fn, items)`` — every result at once (the scans of ``on_files``, the search index's parts).
- ``Pipeline(fn)`` — items submitted one by one while the build goes on (a page's HTML as MkDocs writes it),
  results taken back in submission order; at most a bounded number is in flight, so memory stays flat.

Workers are forked, never spawned: spawning would re-import the caller's main module (a script that builds a
site without a ``__main__`` guard would run again). A forked process shares the build's memory only until
either side writes to it; from then on the page written is copied, so a worker that lives while the build goes
on changing its pages grows towards the size of the build. Hence two kinds of worker:

- ``map_ordered``'s live only for the call, while the build waits for them: they inherit its objects (the
  function, the items) without pickling them. The build's objects are frozen (``gc.freeze``) for that time: a
  garbage collection in a worker would otherwise write to, and so copy, every object of the build. Only the
  item's index goes to a worker and only the result comes back. Each pool hands its task to its own workers
  (the executor's ``initializer``).
- ``Pipeline``'s live through a phase of the build while it goes on; they are forked when the pipeline is made,
  early, while the build is small, and get their task and items pickled through their own queues.

A process forked from the build to share its page loop (plugins/catalog/split.py) calls ``forked()`` first:
the pipelines it inherited leave their workers and items in flight to the build and work in that process.

An exception in a worker is carried back as ``TaskFailed`` naming the item (a file, a page); the same error in
a one-process build raises the same ``TaskFailed``. How many processes: ``workers`` of the core's settings, or
``$GONGKAI_WORKERS``, else the usable CPUs, at most ``DEFAULT_CAP``; 1 works in the build's own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
import weakref
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


# The task of a ``map_ordered`` worker: (fn, items, name), set in the worker by its pool's initializer.
_TASK: tuple | None = None


def _install(task: tuple) -> None:
    global _TASK
    _TASK = task


def _run(index: int):
    fn, items, name = _TASK
    try:
        return True, fn(items[index])
    except Exception as exc:  # carried back with the item's name; BaseException (KeyboardInterrupt) ends the worker
        return False, (_name(name, items[index]), f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _run_chunk(bounds: tuple[int, int]) -> list:
    """A chunk's outcomes, worked out on a thread of its own. glibc gives a new thread a malloc arena of its own,
    in fresh memory: on the worker's main thread every allocation of the task took a free chunk of the build's
    heap, and so copied the memory page it lay on (copy on write) — at 20,000 documents 70 MB of the build per
    index worker, the largest part of what it held (docs/performance.md, "Memory"). Elsewhere it costs a thread."""
    outcomes: list = []
    failure: list = []

    def work():
        try:
            outcomes.extend(_run(i) for i in range(*bounds))
        except BaseException as exc:  # a KeyboardInterrupt: ends the worker, as on the main thread
            failure.append(exc)

    thread = threading.Thread(target=work, name="gongkai-task")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcomes


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
    """A fork-based process pool for one ``map_ordered`` call, with the build's objects frozen while it lives.

    The task goes to each worker through the executor's ``initializer``: every pool has its own, whatever other
    pool is alive or is made while this one forks its workers."""

    def __init__(self, fn, items, name, processes: int):
        trim()
        gc.freeze()
        try:
            self.pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_install, initargs=((fn, items, name),))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        gc.unfreeze()


_LIBC = None


def trim() -> None:
    """Give the memory the build freed (pages written, their HTML released) back to the system: the C allocator
    keeps it, resident, counted in the build's memory, and a worker forked later that reuses it would copy it.
    Called before a fork and, by the core, every so many pages written (plugins/catalog/memory.py)."""
    global _LIBC
    try:
        if _LIBC is None:
            import ctypes

            _LIBC = ctypes.CDLL(None)
        _LIBC.malloc_trim(0)  # glibc; elsewhere there is nothing to call
    except (OSError, AttributeError):
        pass


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
_POLL = 1.0  # seconds between a pipeline worker's checks that its build process is still there


class Pipeline:
    """``fn`` applied to items submitted one at a time, in a worker process, while the caller goes on;
    ``apply(item, result)`` is called in the caller's process in submission order.

    The workers are forked **when the pipeline is made**, not when work arrives: make it early in the build (the
    build cache when it opens, the checks before the documents load), while the build process is small. A worker
    forked later would hold, copy on write, every page of the build as the build goes on changing them: at
    100,000 documents each such worker grew to the size of the build. Nothing of the build reaches a worker but
    ``fn`` and the items, pickled: ``fn`` (a module-level function, or a small object with ``__call__``) when the
    first item is sent, so it may be completed after the pipeline is made; each item as it is when submitted.

    Items travel in batches of ``batch`` (a message per item would cost as much as the work it moves); at most
    ``window`` batches are in flight, the oldest applied before another is sent. The first ``start_after`` items
    are worked on in the caller's process (a small site is done before the workers are used); so are all of them
    with one worker. With two, one worker works while the caller goes on; with more, ``workers − 1``, each batch
    to the next in turn. A worker stops at ``finish``/``close``, when the pipeline is garbage, or when the build
    process is gone."""

    def __init__(self, fn: Callable, apply: Callable, *, workers: int = 1, name: Callable = str, batch: int = 32,
                 window: int = 4, start_after: int = 0):
        self.fn, self.apply, self.name, self.batch, self.window = fn, apply, name, batch, window
        self._queue: deque = deque()  # (batch of (item, pickled item, result or _NONE), worker or None)
        self._batch: list = []
        self._wait = start_after
        count = workers - 1 if workers > 2 else 1 if workers > 1 and can_fork() else 0
        self._workers = [_Worker() for _ in range(count)]
        self._turn = 0
        self._task: bytes | None = None  # fn, pickled when the first item goes to a worker
        self._stop = weakref.finalize(self, _stop_all, self._workers)
        _LIVE.add(self)

    def submit(self, item, result=_NONE) -> None:
        """``fn(item)`` to be applied after every item submitted before; with ``result`` (known already, from the
        build cache), that result, applied in its turn."""
        if self._wait > 0 and self._workers:
            self._wait -= 1
            self.apply(item, _call(self.fn, item, self.name) if result is _NONE else result)
            return
        if not self._workers:
            self.apply(item, _call(self.fn, item, self.name) if result is _NONE else result)
            return
        # Pickled now, not when the batch is sent: the worker gets the item as it is at this call.
        self._batch.append((item, pickle.dumps(item, pickle.HIGHEST_PROTOCOL) if result is _NONE else None, result))
        if len(self._batch) >= self.batch:
            self._send()

    def _send(self) -> None:
        batch, self._batch = self._batch, []
        todo = [payload for _, payload, result in batch if result is _NONE]
        worker = None
        if todo:
            if self._task is None:
                self._task = pickle.dumps(self.fn, pickle.HIGHEST_PROTOCOL)
            worker = self._workers[self._turn % len(self._workers)]
            self._turn += 1
            worker.send(self._task, todo)
        self._queue.append((batch, worker))
        while len(self._queue) > self.window:
            self._apply_oldest()

    def _apply_oldest(self) -> None:
        batch, worker = self._queue.popleft()
        outcomes = iter(worker.receive() if worker is not None else ())
        for item, payload, result in batch:
            if result is _NONE:
                ok, result = next(outcomes)
                if not ok:
                    raise TaskFailed(_name(self.name, item), *result)
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
        self._stop()
        self._workers = []


class _Worker:
    """One process forked now, serving batches of a pipeline through its own two queues, in order."""

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.inbox, self.outbox = context.Queue(), context.Queue()
        self.sent: bytes | None = None  # the task this worker has
        self.process = context.Process(target=_serve, args=(self.inbox, self.outbox, os.getpid()), daemon=True,
                                       name="gongkai-pipeline")
        self.process.start()

    def send(self, task: bytes, payloads: list[bytes]) -> None:
        if self.sent is not task:
            self.inbox.put(("task", task))
            self.sent = task
        self.inbox.put(("batch", payloads))

    def receive(self) -> list:
        while True:
            try:
                return pickle.loads(self.outbox.get(timeout=_POLL))
            except queue.Empty:
                if not self.process.is_alive():
                    raise TaskFailed("工作进程", f"工作进程意外退出（退出码 {self.process.exitcode}）") from None

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.inbox.put(None)
            except (OSError, ValueError):
                pass
            self.process.join(timeout=2 * _POLL)
            if self.process.is_alive():  # still working on what a failed build sent
                self.process.terminate()
                self.process.join()
        for box in (self.inbox, self.outbox):
            box.cancel_join_thread()
            box.close()


# Every pipeline alive in this process: a process forked from the build works through its own (``forked``).
_LIVE: "weakref.WeakSet[Pipeline]" = weakref.WeakSet()
_HELD: list = []


def forked() -> None:
    """In a process forked from the build while pipelines were alive (the page loop's second process,
    plugins/catalog/split.py): their workers and their items in flight are the build's, so each pipeline here
    forgets them — without stopping or draining them — and works on what this process submits in this process."""
    for pipe in list(_LIVE):
        pipe._stop.detach()  # the workers' stop is the build's to make
        _HELD.append((pipe, pipe._workers))  # never freed here: their queues' finalizers would act on the build's
        pipe._workers = []
        pipe._queue.clear()
        pipe._batch = []
        pipe._wait = 0


def _stop_all(workers: list) -> None:
    for worker in workers:
        worker.stop()
    workers.clear()


def _serve(inbox, outbox, parent: int) -> None:
    """A pipeline worker: (True, result) per item of each batch, and at the first error (False, (error,
    traceback)) and no further; until told to stop or the build process is gone."""
    gc.freeze()  # inherited objects stay untouched by this process's collections: shared, not copied
    task = None
    while True:
        try:
            message = inbox.get(timeout=_POLL)
        except queue.Empty:
            if os.getppid() != parent:
                # Results nobody will read may fill the pipe: leave without waiting for them to be sent (the
                # worker would otherwise wait forever at exit, holding its memory).
                outbox.cancel_join_thread()
                return
            continue
        if message is None:
            return
        kind, body = message
        if kind == "task":
            task = pickle.loads(body)
            continue
        outcomes = []
        for payload in body:
            try:
                outcomes.append((True, task(pickle.loads(payload))))
            except Exception as exc:
                outcomes.append((False, (f"{type(exc).__name__}: {exc}", traceback.format_exc())))
                break
        try:
            outcomes = pickle.dumps(outcomes, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that cannot travel back
            outcomes = pickle.dumps([(False, (f"{type(exc).__name__}: {exc}", traceback.format_exc()))])
        outbox.put(outcomes)


__all__ = ["ENV", "DEFAULT_CAP", "TaskFailed", "map_ordered", "Pipeline", "forked", "workers", "workers_of", "usable_cpus"]
