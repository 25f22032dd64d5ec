"""The search records of a build are kept on disk until the index is written (gongkai/search/records.py;
docs/performance.md "Memory"): the build process holds no record's text, the index's workers read their share
from the file instead of copying the build's memory, and the index is the one made from the records in memory."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import pytest

from gongkai.search.index import Record, build_index, record_digest
from gongkai.search.records import RecordSpill

from kit import build, copy_mini


def _records() -> list[Record]:
    out = [Record(url="about/", title="关于本站 &amp; 联系", text="本站由示例市人民政府办公室主办。", snippet="主办")]
    for i in range(40):
        out.append(Record(
            url=f"wj/d{39 - i}/", title=f"关于做好政务公开工作的通知（{i}）\U0001F600", text=f"第{i}条。 义务教育",
            published=dt.date(2024, 1, 1) + dt.timedelta(days=(i * 7) % 30),  # several records share a day
            publisher="jyj" if i % 2 else "szf", columns=["zcwj", "gfxwj"], topic="综合政务",
            kind="行政规范性文件" if i % 3 == 0 else None, doc_number=f"示政发〔2024〕{i}号" if i % 5 == 0 else None,
            index_number=f"999000001/2024-{i:05d}", validity="有效", in_force=bool(i % 2),
            display={"p": "发布主体", "c": "栏目"}, keywords=["教育"] if i % 4 == 0 else []))
    return out


def test_records_read_back_from_the_file_are_the_records_in_the_index_order(tmp_path):
    records = _records() + [Record(url="odd/", title="\ud800", text="")]  # what record_digest hashes, whatever it is
    spill = RecordSpill(tmp_path)
    for rec in records:
        spill.append(rec)
    stored = spill.ordered()
    expected = sorted(records, key=lambda r: (r.published.toordinal() if r.published else 0, r.url))
    assert len(stored) == len(expected)
    for i, rec in enumerate(expected):
        assert stored[i] == rec and stored[i] is not rec
        assert (stored.url(i), stored.published(i), stored.digest(i)) == (rec.url, rec.published, record_digest(rec))
    spill.close()
    assert list(tmp_path.iterdir()) == []  # the file is deleted


def test_a_cache_folder_that_cannot_be_written_to_leaves_the_records_in_the_systems_temporary_folder(tmp_path):
    spill = RecordSpill(tmp_path / "not-there")
    spill.append(_records()[0])
    assert spill.ordered()[0] == _records()[0]
    assert not (tmp_path / "not-there").exists()
    spill.close()


@pytest.mark.parametrize("workers, run", [(1, 5000), (2, 5000), (2, 7)])
def test_an_index_of_spilled_records_is_the_index_of_the_records(tmp_path, monkeypatch, workers, run):
    import gongkai.search.index as index_module
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(index_module, "RUN", run)
    records = _records()
    build_index(records, tmp_path / "memory", shard_bytes=300)
    spill = RecordSpill(tmp_path)
    for rec in records:
        spill.append(rec)
    build_index(spill, tmp_path / "disk", shard_bytes=300, workers=workers)
    one, two = tmp_path / "memory", tmp_path / "disk"
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for rel in files:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


# At the index's stage (before the search plugin writes it, OnPostBuild.WRITE = 0), how many search records the
# build process holds as objects; after the build, what is left in the build cache's folder.
PROBE = '''
import gc, json, os
from mkdocs.plugins import event_priority
from gongkai.search.index import Record


@event_priority(10)
def on_post_build(config):
    held = sum(1 for o in gc.get_objects() if type(o) is Record)
    with open(os.environ["PROBE_FILE"], "w", encoding="utf-8") as fh:
        json.dump({"held": held}, fh)
'''


@pytest.mark.build
def test_the_build_process_holds_no_search_record_until_the_index_is_written(tmp_path):
    root = copy_mini(tmp_path / "site")
    (root / "probe.py").write_text(PROBE, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search\nhooks:\n  - probe.py\n",
                      encoding="utf-8")
    result = build(root, env={"PROBE_FILE": str(tmp_path / "probe.json")})
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "probe.json").read_text(encoding="utf-8")) == {"held": 0}
    meta = json.loads(gzip.decompress((root / "site" / "search" / "data" / "meta.bin").read_bytes()))
    assert meta["n"] > 5  # every page is in the index
    assert (root / ".cache" / "gongkai").is_dir()
    assert not list((root / ".cache").rglob(".search-records-*"))  # the records' file is gone with the build
