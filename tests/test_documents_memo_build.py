"""Whole builds with the memo of documents' checks (gongkai/documents_memo.py): a warm build takes every unchanged
document's check from the memo (``构建缓存：N 个文件的检查与上次构建相同，直接沿用，M 个重新检查``), and after each
change of an input the memo's key must cover — or that the memo leaves to every build (the day, other files) — a
cached build over the published site and a clean build (``GONGKAI_CACHE=0``, which has no memo) agree in exit
status, in every warning, error and summary line, and in every byte (the harness of tests/test_carried_pages.py,
on its site: the mutation sweep's, with a 解读, a 征集, a 附件, a 历史版本).
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from gongkai.buildcache import BuildCache, _encode
from gongkai.documents_memo import KIND
from test_buildcache_sweep import edit
from test_carried_pages import LINE, History, append, history, warm_site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.build

MEMO = re.compile(r"构建缓存：(\d+) 个文件的检查与上次构建相同，直接沿用，(\d+) 个重新检查")


def documents(h: History) -> int:
    """The site's documents: every Markdown file of content/wj but the 历史版本 (``<doc>/<date>.md``)."""
    return sum(1 for p in (h.root / "content/wj").rglob("*.md") if not p.parent.with_suffix(".md").is_file())


def memo_of(h: History, cached, clean) -> tuple[int, int] | None:
    """(taken from the memo, checked again) in the cached build, or None when it took none; the clean build never
    uses the memo."""
    assert not MEMO.search(clean.stderr), clean.stderr[-3000:]
    found = MEMO.search(cached.stderr)
    if found is None:
        return None
    hits, misses = int(found.group(1)), int(found.group(2))
    assert hits + misses == documents(h)
    return hits, misses


def catalog(h: History, name: str, old: str, new: str) -> None:
    edit(h.root / "catalog" / name, old, new)


def test_unchanged_documents_come_from_the_memo(history):
    h = history
    append(h.doc("gf-2.md"), "\n招生结果另行公布。\n")
    assert memo_of(h, *h.check()) == (documents(h) - 1, 1)
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n近视防控纳入考核。")  # from a build that used the memo
    assert memo_of(h, *h.check()) == (documents(h) - 1, 1)
    assert "近视防控纳入考核" in h.page("wj/jyj/2025/gf-3/index.html")


def test_a_column_that_no_longer_applies(history):
    """行政规范性文件 no longer for 政府部门: every 教育局 document in it is refused, as in a clean build."""
    h = history
    catalog(h, "columns.yml", "名称: 行政规范性文件\n        适用: [人民政府, 政府部门]",
            "名称: 行政规范性文件\n        适用: [人民政府]")
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) is None
    assert "不适用于政府部门“测试市教育局”" in cached.stderr


def test_a_column_renamed(history):
    h = history
    catalog(h, "columns.yml", "名称: 行政规范性文件", "名称: 规范性文件目录")
    cached, clean = h.check(carried=None, fails=None)
    assert memo_of(h, cached, clean) is None


def test_an_organization_code_changed(history):
    """教育局's 机构代码 changed: its documents' 索引号 are no longer its own."""
    h = history
    catalog(h, "organizations.yml", '机构代码: "999100002"', '机构代码: "999100009"')
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) is None
    assert "999100009/年份-流水号" in cached.stderr


def test_the_build_day_moved_back(history):
    """The day is not in the memo's key: every check comes from it, and 发布日期 too far ahead is still found."""
    h = history
    h.env["GONGKAI_AS_OF"] = "2025-03-01 12:00"
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) == (documents(h), 0)
    assert "比今天（2025-03-01）晚" in cached.stderr


def test_a_document_moved_to_another_folder(history):
    """The same bytes elsewhere: another address; then a document whose 附件 path is relative to its folder."""
    h = history
    szf = h.root / "content/wj/szf"
    (szf / "2026").mkdir()
    (szf / "2025/gf-1.md").rename(szf / "2026/gf-1.md")
    cached, clean = h.check(carried=None)
    assert memo_of(h, cached, clean) == (documents(h) - 1, 1)
    assert (h.root / "site/wj/szf/2026/gf-1/index.html").is_file()
    h.doc("gf-1.md").rename(h.root / "content/wj/jyj/2026/gf-1.md")  # its 附件 fj/mingdan.xlsx is not there
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) == (documents(h) - 1, 1)
    assert "附件文件“wj/jyj/2026/fj/mingdan.xlsx”不存在" in cached.stderr


def test_a_duplicate_index_number_in_another_file(history):
    """A new file with gf-2's 索引号 and 文号, loaded before it: gf-2, taken from the memo, is refused for both."""
    h = history
    text = h.doc("gf-2.md").read_text(encoding="utf-8")
    h.doc("a-copy.md").write_text(text.replace(LINE, "另一份文件的正文。"), encoding="utf-8")
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) == (documents(h) - 1, 1)
    assert "gf-2.md:7: 索引号: 索引号“999100002/2025-00002”与 content/wj/jyj/2025/a-copy.md 重复" in cached.stderr


def test_a_document_with_a_warning(history):
    """gf-2's 文号 has another year than its 成文日期 (a warning; the build publishes and keeps its cache): the
    warning comes from the memo in later builds, and is reported with the errors the day adds."""
    h = history
    edit(h.doc("gf-2.md"), "测教发〔2025〕5号", "测教发〔2024〕5号")
    cached, _ = h.check(carried=None)
    assert "年份 2024 与成文日期 2025-04-01 的年份不一致" in cached.stderr
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n近视防控纳入考核。")
    cached, clean = h.check(carried=None)
    assert memo_of(h, cached, clean) == (documents(h) - 1, 1)
    assert "年份 2024 与成文日期 2025-04-01 的年份不一致" in cached.stderr
    h.env["GONGKAI_AS_OF"] = "2025-02-01 12:00"
    cached, clean = h.check(carried=None, fails=True)
    assert memo_of(h, cached, clean) == (documents(h), 0)


@pytest.mark.parametrize("damage", ["records", "tag"])
def test_a_damaged_memo_entry(history, damage):
    h = history
    cache = h.root / ".cache/gongkai"
    store = BuildCache(cache)
    with sqlite3.connect(cache / BuildCache.FILE) as db:
        (key, value), = db.execute("SELECT key, value FROM entries WHERE kind = ?", (KIND,)).fetchall()
        lines = store.get(KIND, key, carry=False).split(b"\n")
        store.discard()
        forged = b"\n".join(line.split(b"\t")[0] + b"\t[1, 2" for line in lines)
        blob = _encode(forged, KIND, key) if damage == "records" else bytes(value)[:-4] + b"oops"
        db.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (blob, KIND, key))
    append(h.doc("gf-2.md"), "\n招生结果另行公布。\n")
    cached, clean = h.check(carried=None)
    assert memo_of(h, cached, clean) is None
    append(h.doc("gf-2.md"), "\n再补一句。\n")
    assert memo_of(h, *h.check(carried=None)) == (documents(h) - 1, 1)
