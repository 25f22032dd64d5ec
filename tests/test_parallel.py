"""gongkai/parallel.py: results in the order of the items whatever the number of processes, errors naming the item,
the number of workers from the setting or the environment."""

from __future__ import annotations

import os
import time

import pytest

from gongkai import parallel


def _slow_when_early(n: int) -> tuple[int, int]:
    # Early items take longest, so a pool that returned results as they finish would reorder them.
    time.sleep(0.002 * (40 - n) if n < 40 else 0)
    return n, os.getpid()


def test_results_come_back_in_the_order_of_the_items_from_two_processes():
    items = list(range(120))
    results = parallel.map_ordered(_slow_when_early, items, workers=2)
    assert [n for n, _ in results] == items
    assert len({pid for _, pid in results}) == 2  # really two worker processes
    assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_runs_in_the_build_process():
    results = parallel.map_ordered(_slow_when_early, list(range(50)), workers=1)
    assert {pid for _, pid in results} == {os.getpid()}


def test_fewer_items_than_min_items_stay_in_process():
    results = parallel.map_ordered(_slow_when_early, [1, 2, 3], workers=2, min_items=10)
    assert {pid for _, pid in results} == {os.getpid()}


def test_closures_reach_the_workers_without_pickling():
    table = {i: object() for i in range(64)}  # not picklable as a whole task; inherited by the fork
    assert parallel.map_ordered(lambda i: id(table[i]) == id(table[i]) and i * 2, list(table), workers=2) == \
        [i * 2 for i in table]


def _fail_on_17(n: int) -> int:
    if n == 17:
        raise ZeroDivisionError("division by zero in item")
    return n


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_names_the_item_in_both_modes(workers):
    with pytest.raises(parallel.TaskFailed) as caught:
        parallel.map_ordered(_fail_on_17, list(range(60)), workers=workers, name=lambda n: f"附件/{n}.xlsx")
    assert caught.value.item == "附件/17.xlsx"
    assert "ZeroDivisionError" in caught.value.detail and "division by zero in item" in caught.value.detail
    assert "附件/17.xlsx" in str(caught.value)


def test_the_pool_leaves_the_collector_as_it_found_it():
    import gc

    parallel.map_ordered(_slow_when_early, list(range(60)), workers=2)
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_pipeline_applies_in_submission_order(workers):
    applied = []
    pipe = parallel.Pipeline(_slow_when_early, lambda item, result: applied.append((item, result[0])),
                             workers=workers, batch=5, window=2, start_after=3)
    for n in range(103):
        if n % 4 == 1:
            pipe.submit(n, (n, 0))  # a result known already (the build cache) is applied in its turn too
        else:
            pipe.submit(n)
    pipe.finish()
    assert applied == [(n, n) for n in range(103)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_pipeline_error_names_the_item(workers):
    pipe = parallel.Pipeline(_fail_on_17, lambda item, result: None, workers=workers, name=lambda n: f"页面 {n}",
                             batch=3, window=2)
    with pytest.raises(parallel.TaskFailed) as caught:
        for n in range(40):
            pipe.submit(n)
        pipe.finish()
    pipe.close()
    assert caught.value.item == "页面 17"


def test_workers_from_environment_then_setting_then_cpus(monkeypatch):
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert parallel.workers(None) == max(1, min(parallel.DEFAULT_CAP, parallel.usable_cpus()))
    assert parallel.workers(1) == 1
    assert parallel.workers(3) == 3
    monkeypatch.setenv(parallel.ENV, "1")
    assert parallel.workers(3) == 1
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(parallel.ENV, bad)
        with pytest.raises(ValueError, match=parallel.ENV):
            parallel.workers(None)
    monkeypatch.delenv(parallel.ENV)
    with pytest.raises(ValueError, match="workers"):
        parallel.workers(0)


def test_the_build_cache_written_by_a_worker_holds_the_same_entries(tmp_path, monkeypatch):
    """Entries encoded in a worker process (BuildCache with 2 workers) are byte for byte those encoded in the
    build's process, including values changed by the caller after they were put."""
    import sqlite3

    from gongkai import buildcache

    monkeypatch.setattr(buildcache, "WRITER_START", 5)

    def write(workers: int) -> list:
        cache = buildcache.BuildCache(tmp_path / f"w{workers}", workers=workers)
        for i in range(300):
            value = {"i": i, "text": "正文" * i}
            cache.put("page" if i % 2 else "links", cache.key(str(i)), value if i % 3 else f"<p>{i}</p>")
            value["i"] = -1  # the caller reuses its object: the entry keeps what was put
        cache.save()
        with sqlite3.connect(tmp_path / f"w{workers}" / buildcache.BuildCache.FILE) as db:
            return db.execute("SELECT kind, key, value FROM entries ORDER BY kind, key").fetchall()

    one, two = write(1), write(2)
    assert len(one) == 301 and one == two
    again = buildcache.BuildCache(tmp_path / "w2")
    assert again.get("page", again.key("1")) == {"i": 1, "text": "正文"}


def test_a_discarded_cache_stops_its_writer(tmp_path, monkeypatch):
    from gongkai import buildcache

    monkeypatch.setattr(buildcache, "WRITER_START", 0)
    cache = buildcache.BuildCache(tmp_path, workers=2)
    cache.put("page", cache.key("a"), "<p>a</p>")
    cache.discard()
    assert cache._writer is None and not (tmp_path / buildcache.BuildCache.FILE).exists()


def test_a_wrong_workers_setting_is_a_build_error_naming_it(monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    monkeypatch.delenv(parallel.ENV, raising=False)
    config = SimpleNamespace(plugins={"gongkai/catalog": SimpleNamespace(config={"workers": 0})})
    with pytest.raises(PluginError, match="gongkai/catalog 下改正 workers"):
        parallel.workers_of(config)
    assert parallel.workers_of(config, own=1) == 1  # a plugin's own setting (gongkai/search) comes first
    config.plugins["gongkai/catalog"].config["workers"] = 3
    assert parallel.workers_of(config) == 3


def test_a_number_two_pages_of_one_source_show_is_reported_once_in_page_order():
    """The text two pages of one source show (a 年报 and its print view …) is scanned in a worker with only the
    source's numbers known; the second page's repeat of the first's number is left out when applied, in order."""
    from dataclasses import asdict

    from gongkai.checks.findings import Finding
    from gongkai.plugins.checks.plugin import ChecksPlugin

    plugin = ChecksPlugin()
    plugin.findings, plugin._shown_numbers = [], {}

    def found(file, *masks):
        return [asdict(Finding(file, f"疑似未打码的手机号“{m}”", check="pii", severity="error")) for m in masks]

    plugin._add_shown((None, None, "a.md", [], None, None), found("a.md", "138****0001", "138****0001"))
    plugin._add_shown((None, None, "a.md", [], None, None), found("a.md", "138****0001", "138****0001", "138****0002"))
    plugin._add_shown((None, None, "b.md", [], None, None), found("b.md", "138****0001"))
    assert [(f.file, f.message.split("“")[1][:11]) for f in plugin.findings] == [
        ("a.md", "138****0001"), ("a.md", "138****0001"), ("a.md", "138****0002"), ("b.md", "138****0001")]


def _double(n: int) -> int:
    return 2 * n


def _negate(n: int) -> int:
    return -n


def test_a_pipeline_keeps_its_task_when_another_pool_forks_before_its_workers_start():
    """Each pool hands its own task to its workers: a pipeline whose first batch is sent after a map_ordered call
    (which used to set and clear the one module-level task) still runs its own function."""
    applied = []
    pipe = parallel.Pipeline(_double, lambda item, result: applied.append(result), workers=2, batch=8)
    for n in range(3):
        pipe.submit(n)
    assert parallel.map_ordered(_negate, list(range(40)), workers=2) == [-n for n in range(40)]
    for n in range(3, 40):
        pipe.submit(n)
    pipe.finish()
    assert applied == [2 * n for n in range(40)]


def test_two_pipelines_alive_at_once_each_run_their_own_task():
    """Two pipelines with two worker processes each (workers=3), made one after the other and fed in turns."""
    doubled, negated = [], []
    one = parallel.Pipeline(_double, lambda item, result: doubled.append(result), workers=3, batch=4, window=2)
    two = parallel.Pipeline(_negate, lambda item, result: negated.append(result), workers=3, batch=4, window=2)
    try:
        for n in range(60):
            one.submit(n)
            two.submit(n)
        one.finish()
        two.finish()
    finally:
        one.close()
        two.close()
    assert doubled == [2 * n for n in range(60)]
    assert negated == [-n for n in range(60)]


def _resident_kb(_) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_a_pipeline_worker_does_not_hold_what_the_build_made_after_the_pipeline():
    """The worker is forked when the pipeline is made: memory the build fills afterwards (its pages) is never
    mapped in the worker, so it cannot be duplicated there as the build changes it."""
    sizes = []
    pipe = parallel.Pipeline(_resident_kb, lambda item, result: sizes.append(result), workers=2, batch=2)
    grown = bytearray(os.urandom(1 << 20)) * 150  # 150 MB made by "the build" after the pipeline
    for n in range(8):
        pipe.submit(n)
    pipe.finish()
    assert len(grown) == 150 << 20
    assert sizes and max(sizes) < _resident_kb(None) - 100 * 1024


def test_a_finished_or_dropped_pipeline_leaves_no_process():
    import gc
    import multiprocessing

    pipe = parallel.Pipeline(_double, lambda item, result: None, workers=3)
    assert len([p for p in multiprocessing.active_children() if p.name == "gongkai-pipeline"]) == 2
    pipe.finish()
    assert not [p for p in multiprocessing.active_children() if p.name == "gongkai-pipeline"]
    parallel.Pipeline(_double, lambda item, result: None, workers=2)  # never used, never finished
    gc.collect()
    assert not [p for p in multiprocessing.active_children() if p.name == "gongkai-pipeline"]
