"""The search index of a rebuild (issue 20, item 4; docs/performance.md): unchanged files are the previous site's,
an index made from the same records is not computed again, and what the build publishes is what a build without
either would write."""

from __future__ import annotations

import dataclasses
import os
import shutil
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
        kwargs = {"shard_bytes": 300, "facets": FACETS, **kwargs}
        stats = build_index(records, staging / "data", cache=cache, writer=writer, **kwargs)
        writer.link()
        cache.save()
        if self.site.exists():  # as the core publishes (StagedOutput): the previous site is removed
            old = self.tmp / f"old-{self.n}"
            os.rename(self.site, old)
            for rel in writer.grafts:  # its folders the new site has whole are moved into it (StagedOutput.commit)
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                os.rename(old / rel, staging / rel)
        os.rename(staging, self.site)
        shutil.rmtree(self.tmp / f"old-{self.n}", ignore_errors=True)
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


# ---- the incremental index (issue 20: a warm rebuild's index costs what changed) -------------------------------

POOL = ("政务公开营商环境医疗保险防汛抗旱义务教育住房公积金养老服务社会救助最低生活保障残疾人补贴不动产登记"
        "交通运输生态环境农业农村文化旅游市场监管应急管理财政预算审计统计人力资源就业创业")


def _varied(n: int, seed: int = 7) -> list:
    """Records of varied text (a few thousand distinct terms), so that shards are many and a change is local."""
    import datetime as dt
    import random
    from gongkai.search.index import Record
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = "".join(rng.choice(POOL) for _ in range(rng.randint(60, 240)))
        out.append(Record(
            url=f"wj/{i:04d}/", title="关于" + "".join(rng.choice(POOL) for _ in range(8)) + f"的通知（{i}）",
            text=words + f"。第{i}条。", published=dt.date(2022, 1, 1) + dt.timedelta(days=3 * i),
            publisher=rng.choice(["jyj", "szf", "wjw"]), columns=[rng.choice(["zcwj", "gzdt", "tzgg"])],
            topic=rng.choice(["综合政务", "科技、教育"]), kind="行政规范性文件" if i % 4 == 0 else None,
            doc_number=f"示政发〔{2022 + i // 120}〕{i}号" if i % 5 == 0 else None,
            index_number=f"999000001/{2022 + i // 120}-{i:05d}", display={"p": "发布主体"}))
    out.append(Record(url="about/", title="关于本站", text="本站由示例市人民政府办公室主办。"))
    return out


class Counted:
    """Records tokenized and shards encoded during a build (the work an incremental build must keep small)."""

    def __init__(self, monkeypatch):
        self.tokenized, self.encoded, self.spoken, self.decoded = [], 0, [], 0
        values, encode, spoken = index_module.record_values, index_module._encode_shard, index_module.spoken_values
        decode = index_module._decode_postings

        def counted_decode(buf):
            self.decoded += 1
            return decode(buf)

        def counted_values(rec, known=None):
            self.tokenized.append(rec.url)
            return values(rec, known)

        def counted_spoken(rec):
            self.spoken.append(rec.url)
            return spoken(rec)

        def counted_encode(body):
            self.encoded += 1
            return encode(body)

        monkeypatch.setattr(index_module, "record_values", counted_values)
        monkeypatch.setattr(index_module, "_encode_shard", counted_encode)
        monkeypatch.setattr(index_module, "spoken_values", counted_spoken)
        monkeypatch.setattr(index_module, "_decode_postings", counted_decode)

    def reset(self):
        self.tokenized, self.encoded, self.spoken = [], 0, []


SHARD = 2000


def _clean(records, tmp_path: Path, facets=FACETS) -> dict[str, bytes]:
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    build_index(records, fresh, facets, shard_bytes=SHARD)
    return tree(fresh)


def _edit(records: list, what: str) -> list:
    import datetime as dt
    records = list(records)
    i = len(records) // 2
    if what == "body":
        records[i] = dataclasses.replace(records[i], text=records[i].text + "本通知未尽事宜，另行通知。")
    elif what == "title":
        records[i] = dataclasses.replace(records[i], title=records[i].title + "（修订）")
    elif what == "new, newest":
        # A short 通知: every term of a new document gains a posting, so a long one touches most shards.
        records.append(dataclasses.replace(records[i], url="wj/new/", title="关于防汛的补充通知", text="另行通知。",
                                           published=dt.date(2030, 1, 1), index_number="999000001/2030-00001"))
    elif what == "new, back-dated":
        records.append(dataclasses.replace(records[i], url="wj/old/", title=records[i].title + "（补发）",
                                           published=dt.date(2021, 6, 1), index_number="999000001/2021-00001"))
    elif what == "new, same day":  # published the day of the newest, whose url sorts after it: one id moves
        records.append(dataclasses.replace(records[-2], url="wj/0000a/", title="关于防汛的补充通知", text="另行通知。",
                                           index_number="999000001/2030-00002"))
    elif what == "deleted":
        del records[i]
    elif what == "deleted, recent":
        del records[-4]
    return records


@pytest.mark.parametrize("what", ["body", "title", "new, newest", "new, same day", "new, back-dated", "deleted",
                                  "deleted, recent", "facets"])
def test_an_incremental_index_is_a_clean_build_byte_for_byte(tmp_path, monkeypatch, what):
    builds = Builds(tmp_path)
    records = _varied(300)
    out, first = builds.build(records, shard_bytes=SHARD)
    shards = first.shards
    assert shards > 40
    facets = Facets(kinds=["行政规范性文件"], topics=["综合政务"]) if what == "facets" else FACETS
    changed = _edit(records, what)
    old_ids, new_ids = index_module._id_order(records), index_module._id_order(changed)
    touched = set()  # the terms whose postings change: the shards encoded again are those around these
    for i in range(max(len(old_ids), len(new_ids))):
        was = index_module.record_values(old_ids[i]) if i < len(old_ids) else {}
        now = index_module.record_values(new_ids[i]) if i < len(new_ids) else {}
        touched |= {t for t in set(was) | set(now) if was.get(t) != now.get(t)}
    counted = Counted(monkeypatch)
    out, stats = builds.build(changed, shard_bytes=SHARD, facets=facets) if what == "facets" else \
        builds.build(changed, shard_bytes=SHARD)
    tokenized, encoded, spoken = list(counted.tokenized), counted.encoded, list(counted.spoken)
    if what == "new, newest":  # every posting of the newest document is appended: no term's list is decoded
        assert counted.decoded == 0 and encoded > 0
    assert tree(out) == _clean(changed, tmp_path, facets)
    fresh = build_index(changed, tmp_path / "stats", facets, shard_bytes=SHARD)
    assert stats == fresh
    # Only the changed record is tokenized, whichever way the index is made.
    assert tokenized == {"body": [changed[150].url], "title": [changed[150].url],
                                 "new, newest": ["wj/new/"], "new, same day": ["wj/0000a/"],
                                 "new, back-dated": ["wj/old/"], "deleted": [], "deleted, recent": [],
                                 "facets": []}[what]
    # Pinyin only for a record whose title or 主题词 are not those its id had: a body's change keeps the id's
    # pinyin terms (and pypinyin unimported); a new record shifts the ids after it.
    assert spoken == {"body": [], "title": [changed[150].url], "new, newest": ["wj/new/"],
                      "new, same day": ["wj/0000a/"], "new, back-dated": ["wj/old/"], "deleted": [],
                      "deleted, recent": [], "facets": []}[what]
    if what not in ("new, back-dated", "deleted"):
        # Few ids changed (the newest ones renumbered, at most): only the shards around their terms are encoded.
        assert encoded <= 2 * len(touched) and encoded < shards, (encoded, len(touched), shards)
    if what in ("body", "title", "new, newest"):  # no id moved: a handful of shards
        assert encoded <= shards // 3, (encoded, shards)
    if what == "facets":
        assert encoded == 0


def test_a_random_sequence_of_edits_gives_a_clean_build_each_time(tmp_path, monkeypatch):
    import datetime as dt
    import random
    rng = random.Random(2026)
    builds = Builds(tmp_path)
    records = _varied(120, seed=3)
    builds.build(records, shard_bytes=SHARD)
    counted = Counted(monkeypatch)
    extra = 0
    for step in range(14):
        what = rng.choice(["body", "title", "new", "delete", "date", "publisher", "nothing", "two"])
        i = rng.randrange(len(records))
        if what in ("body", "two"):
            records[i] = dataclasses.replace(records[i], text=records[i].text[: rng.randrange(1, 200)]
                                             + "".join(rng.choice(POOL) for _ in range(rng.randint(0, 30))))
        if what in ("title", "two"):
            j = rng.randrange(len(records))
            records[j] = dataclasses.replace(records[j], title=rng.choice(POOL) + records[j].title)
        if what == "new":
            extra += 1
            records.append(dataclasses.replace(records[i], url=f"wj/n{extra}/", text=records[i].text[::-1],
                                               published=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(900))))
        if what == "delete":
            del records[i]
        if what == "date" and records[i].published:
            records[i] = dataclasses.replace(records[i], published=records[i].published + dt.timedelta(days=40))
        if what == "publisher":
            records[i] = dataclasses.replace(records[i], publisher="new", display={"p": "新发布主体"})
        counted.reset()
        out, _ = builds.build(records, shard_bytes=SHARD)
        assert len(counted.tokenized) <= 2, (step, what)
        assert tree(out) == _clean(records, tmp_path), (step, what)


def test_a_damaged_state_means_a_clean_full_build(tmp_path, monkeypatch):
    builds, records = _built(tmp_path)
    real_get = BuildCache.get

    def damaged(self, kind, key, shape=None, carry=True):
        value = real_get(self, kind, key, shape=None, carry=carry)
        if kind == index_module.STATE and value is not None:
            value["shards"] = value["shards"][::-1]  # the wrong order: not a state this code wrote
        return value if shape is None or value is None or shape(value) else None

    _assert_made_whole(builds, records, damaged, tmp_path, monkeypatch)


def test_a_previous_shard_that_is_not_what_was_written_means_a_full_build(tmp_path, monkeypatch):
    builds = Builds(tmp_path)
    records = _varied(80)
    out, _ = builds.build(records, shard_bytes=SHARD)
    for shard in out.glob("t/*.bin"):
        data = shard.read_bytes()
        shard.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    changed = _edit(records, "body")
    out, _ = builds.build(changed, shard_bytes=SHARD)
    assert tree(out) == _clean(changed, tmp_path)


def test_a_record_whose_cached_values_are_damaged_means_a_clean_full_build(tmp_path, monkeypatch):
    builds, records = _built(tmp_path)
    real_get = BuildCache.get

    def damaged(self, kind, key, shape=None, carry=True):
        if kind == index_module.RECORD:
            value = {"政务": 9}  # a weight no code writes
            return value if shape is None or shape(value) else None
        return real_get(self, kind, key, shape=shape, carry=carry)

    _assert_made_whole(builds, records, damaged, tmp_path, monkeypatch)


def test_after_one_body_changed_few_files_are_compressed_again(tmp_path, monkeypatch):
    """What a warm rebuild encodes, counted by the one gzip every index file goes through (old code: every
    fragment and every shard again)."""
    builds = Builds(tmp_path)
    records = _varied(300)
    _, first = builds.build(records, shard_bytes=SHARD)
    gzipped = []
    real = index_module._gzip
    monkeypatch.setattr(index_module, "_gzip", lambda data: gzipped.append(len(data)) or real(data))
    changed = _edit(records, "body")
    out, _ = builds.build(changed, shard_bytes=SHARD)
    assert 3 <= len(gzipped) <= 2 + 1 + first.shards // 3, (len(gzipped), first.files)  # meta, t2s, a fragment
    assert tree(out) == _clean(changed, tmp_path)


def _built(tmp_path):
    """A first build of 80 varied records, whose cache and site the next build starts from."""
    builds = Builds(tmp_path)
    records = _varied(80)
    builds.build(records, shard_bytes=SHARD)
    return builds, records


def _assert_made_whole(builds, records, damaged_get, tmp_path, monkeypatch) -> None:
    """With the cache read through ``damaged_get``, a rebuild after one body changed makes the index whole and
    writes what a clean build writes."""
    monkeypatch.setattr(BuildCache, "get", damaged_get)
    counted = Counted(monkeypatch)
    changed = _edit(records, "body")
    out, _ = builds.build(changed, shard_bytes=SHARD)
    assert counted.encoded > 20  # made whole
    assert tree(out) == _clean(changed, tmp_path)


def test_a_records_term_values_read_back_as_kept():
    """The build cache keeps a record's term values as one text (index._packed_values): read back, the same values,
    whatever the terms; a term holding a separator is kept as the object itself."""
    from gongkai.search.index import Record, _packed_values, _stored_values, record_values

    rec = Record(url="a/", title="关于示例市低保标准的通知", text="根据示政办发〔2024〕12号，低保 2024 标准 abc。" * 20,
                 publisher="mzj", columns=["gfxwj", "zc"], topic="民政、扶贫、救灾", kind="通知",
                 doc_number="示民发〔2025〕3号", index_number="11100000mzj/2025-00003", validity="有效",
                 in_force=True, keywords=["低保", "救助"])
    values = record_values(rec)
    assert len(set(values.values())) > 3
    packed = _packed_values(values)
    assert isinstance(packed, str) and _stored_values(packed) == values
    assert _stored_values(_packed_values({})) == {}
    odd = {"a\x1fb": 1, "c": 2}
    assert _packed_values(odd) == odd and _stored_values(odd) == odd
    assert _stored_values("9abc") is None and _stored_values({"a": 8}) is None and _stored_values(3) is None


def test_the_synonyms_pinyin_is_kept_and_a_body_change_needs_no_pinyin_at_all(tmp_path, monkeypatch):
    """meta.bin's "spoken" (the synonym table's words by their pinyin) comes from the build cache, and a body's
    change keeps its id's pinyin terms: such a rebuild asks pypinyin nothing, and writes what a clean build does."""
    from gongkai.search import pinyin

    synonyms = [["低保", "最低生活保障"], ["公积金", "住房公积金"]]
    builds = Builds(tmp_path)
    records = _varied(120)
    builds.build(records, shard_bytes=SHARD, synonyms=synonyms)
    asked = []
    monkeypatch.setattr(pinyin, "_syllables", lambda run: asked.append(run))  # pypinyin's one entry point
    changed = _edit(records, "body")
    out, _ = builds.build(changed, shard_bytes=SHARD, synonyms=synonyms)
    assert asked == []
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build_index(changed, fresh, FACETS, shard_bytes=SHARD, synonyms=synonyms)
    assert tree(out) == tree(fresh)
    # Another synonym table is computed again, and what it writes is a clean build's.
    other = synonyms + [["养老金", "基本养老金"]]
    tables = []
    monkeypatch.setattr(pinyin, "spoken_words", lambda groups, real=pinyin.spoken_words: tables.append(groups)
                        or real(groups))
    out, _ = builds.build(changed, shard_bytes=SHARD, synonyms=other)
    assert tables == [other]
    monkeypatch.undo()
    build_index(changed, tmp_path / "fresh2", FACETS, shard_bytes=SHARD, synonyms=other)
    assert tree(out) == tree(tmp_path / "fresh2")


def test_postings_appended_are_the_merged_postings_encoded_whole():
    """A new document's postings are appended to each term's encoded list (its last id summed without decoding):
    the bytes are those of the merged list encoded whole, for gaps of one, two and three varint bytes."""
    import random

    rng = random.Random(20)
    for _ in range(400):
        n = rng.choice([1, 2, 5, 50, 500])
        span = rng.choice([3, 16, 200, 40_000])
        ids = sorted(rng.sample(range(span * n), n))
        old = {i: rng.randint(0, 7) for i in ids}
        buf = index_module._encode_postings(old)
        assert index_module._last_id(buf) == max(index_module._decode_postings(buf)) == ids[-1]
        new_ids = sorted(rng.sample(range(ids[-1] + 1, ids[-1] + rng.choice([2, 20, 300_000])), 1))
        changes = {i: rng.randint(0, 7) for i in new_ids}
        assert index_module._appended(buf, changes) == index_module._encode_postings({**old, **changes})
        # Not appended: an id at or before the last one, or a posting removed.
        assert index_module._appended(buf, {ids[-1]: 3}) is None
        assert index_module._appended(buf, {new_ids[0]: None}) is None
        if len(ids) > 1:
            assert index_module._appended(buf, {ids[0]: 1, new_ids[0]: 2}) is None
