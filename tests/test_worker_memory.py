"""What a forked worker copies of the build's memory (gongkai/parallel.py; docs/performance.md "Memory").

A ``map_ordered`` worker shares the build's memory until either side writes to it. Its task allocates: on the
worker's main thread every allocation takes a free chunk of the build's heap — the holes left by the pages it
wrote — and so copies the memory page around it. The task runs on a thread of its own, which glibc gives a malloc
arena of its own in fresh memory: the build's heap stays shared.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pytest

from gongkai.parallel import can_fork

linux_glibc = pytest.mark.skipif(not Path("/proc/self/smaps").exists() or platform.libc_ver()[0] != "glibc"
                                 or not can_fork(), reason="glibc's heap, read from /proc/self/smaps")


HOLES = '''
import json

from gongkai.parallel import map_ordered


def heap_private_dirty() -> int:
    total, in_heap = 0, False
    with open("/proc/self/smaps", encoding="ascii") as fh:
        for line in fh:
            fields = line.split()
            if "-" in fields[0] and not fields[0].endswith(":"):
                in_heap = fields[-1] == "[heap]"
            elif in_heap and fields[0] == "Private_Dirty:":
                total += int(fields[1])
    return total


def allocate(_):
    before = heap_private_dirty()
    made = [("y" * 1000) + str(i) for i in range(30_000)]  # 30 MB in objects of 1 KB, which malloc places
    after = heap_private_dirty()
    return after - before, len(made)


# The build's heap: 60 MB of 1 KB strings, every other one freed — a hole beside every object kept.
kept = [("x" * 1000) + str(i) for i in range(60_000)]
del kept[::2]
print(json.dumps([map_ordered(allocate, [0, 1], workers=2), len(kept)]))
'''


@linux_glibc
def test_a_worker_task_allocates_fresh_memory_not_the_holes_of_the_build_heap(tmp_path):
    """In a process of its own, as a build is: a test process that has made many threads before (a pytest worker
    after hundreds of tests) may have used up glibc's arenas, and a new thread then shares an old one."""
    import json
    import subprocess
    import sys

    script = tmp_path / "holes.py"
    script.write_text(HOLES, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    copied, kept = json.loads(done.stdout)
    assert [n for _, n in copied] == [30_000, 30_000]
    # Before: each worker filled the holes and copied ~30 MB of the build's heap.
    assert all(kb < 4_000 for kb, _ in copied), copied
    assert kept == 30_000


ORPHAN = '''
import os, sys, time
from gongkai.parallel import Pipeline


def large(i):
    return "x" * 200_000


pipeline = Pipeline(large, lambda item, result: None, workers=2, batch=1, window=1000)
for i in range(40):
    pipeline.submit(i)
print(pipeline._workers[0].process.pid, flush=True)
time.sleep(2)  # the worker answers every batch; nobody reads the answers
os._exit(0)  # the build process is killed
'''


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@linux_glibc
def test_a_pipeline_worker_whose_build_process_is_gone_exits_with_its_answers_unread(tmp_path):
    import subprocess
    import sys
    import time

    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = _alive(worker)
    if alive:
        os.kill(worker, 9)
    assert not alive, "the worker still runs, holding its memory, after its build process is gone"
