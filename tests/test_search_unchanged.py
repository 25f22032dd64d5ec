"""The search index of a rebuild (issue 20, item 4; docs/performance.md): unchanged files are the previous site's,
an index made from the same records is not computed again, and what the build publishes is what a build without
either would write."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

import gongkai.search.index as index_module
from gongkai.buildcache import BuildCache
from gongkai.plugins.catalog.unchanged import UnchangedFiles
from gongkai.search.index import Facets, build_index
from test_search import _records

FACETS = Facets(kinds=["行政规范性文件"])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


class Builds:
    """Builds of one site's index in turn, each into a new staging folder replacing the last one's site, each
    with the build cache the last one saved — as the core and the search plugin do."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.site = tmp_path / "site"
        self.n = 0

    def build(self, records, **kwargs) -> tuple[Path, object]:
        self.n += 1
        staging = self.tmp / f"staging-{self.n}"
        staging.mkdir()
        cache = BuildCache(self.tmp / "cache")
        writer = UnchangedFiles(self.site, staging)
        stats = build_index(records, staging / "data", FACETS, shard_bytes=300, cache=cache, writer=writer, **kwargs)
        writer.link()
        cache.save()
        if self.site.exists():
            os.rename(self.site, self.tmp / f"old-{self.n}")
        os.rename(staging, self.site)
        return self.site / "data", stats


def test_an_index_of_the_same_records_is_the_previous_files_and_nothing_is_computed(tmp_path, monkeypatch):
    builds = Builds(tmp_path)
    records = _records()
    out, first = builds.build(records)
    before, ids = tree(out), inodes(out)

    def refuse(*args, **kwargs):
        raise AssertionError("the index was computed again")

    monkeypatch.setattr(index_module, "_index_part", refuse)
    out, second = builds.build(records)
    assert tree(out) == before
    assert inodes(out) == ids  # every file the previous one, linked
    assert second == first


def test_after_a_change_the_term_counts_of_the_other_records_still_come_from_the_cache(tmp_path, monkeypatch):
    builds = Builds(tmp_path)
    records = _records()
    builds.build(records)
    builds.build(records)  # nothing changed: the whole index reused, its records' term counts kept
    counted = []
    real = index_module.terms
    monkeypatch.setattr(index_module, "terms", lambda text: counted.append(text) or real(text))
    changed = [dataclasses.replace(r, text=r.text + "补充说明。") if i == 3 else r for i, r in enumerate(records)]
    out, _ = builds.build(changed)
    assert len(counted) == 2  # the changed record's title and body, no other
    fresh = tmp_path / "fresh"
    build_index(changed, fresh, FACETS, shard_bytes=300)
    assert tree(out) == tree(fresh)


@pytest.mark.parametrize("tamper", ["same size, other bytes", "removed"])
def test_a_previous_index_file_that_is_not_what_was_written_is_not_reused(tmp_path, tamper):
    builds = Builds(tmp_path)
    records = _records()
    out, _ = builds.build(records)
    fragment = sorted(out.glob("d/0/*.bin"))[5]
    if tamper == "removed":
        fragment.unlink()
    else:
        data = fragment.read_bytes()
        fragment.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # in place: same inode, size and name
    out, _ = builds.build(records)
    fresh = tmp_path / "fresh"
    build_index(records, fresh, FACETS, shard_bytes=300)
    assert tree(out) == tree(fresh)


def test_workers_hand_back_what_they_kept(tmp_path, monkeypatch):
    """Fragments are written by forked workers: the files they found unchanged are linked all the same."""
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 10)
    builds = Builds(tmp_path)
    records = _records(61)
    out, _ = builds.build(records, workers=2)
    ids = inodes(out)
    changed = [dataclasses.replace(r, text=r.text + "补充说明。") if i == 50 else r for i, r in enumerate(records)]
    out, _ = builds.build(changed, workers=2)
    now = inodes(out)
    same = {rel for rel in now if ids.get(rel) == now[rel]}
    assert len([rel for rel in same if rel.startswith("d/")]) >= 60
    fresh = tmp_path / "fresh"
    build_index(changed, fresh, FACETS, shard_bytes=300)
    assert tree(out) == tree(fresh)
