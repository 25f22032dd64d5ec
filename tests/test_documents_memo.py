"""The memo of documents' checks (gongkai/documents_memo.py): a file whose bytes, place and catalog are the last
build's gets that build's check back instead of being parsed and checked again, and loading gives exactly what
loading without the memo gives — every Document field with its type (a front-matter value's lines, the shared
empty timeline), every problem in order — whatever changed: the catalog, the day, another file, the file's place,
a damaged entry.

The loader is driven here as the core drives it (``CatalogPlugin._load_documents``): every file of ``content/``
in order, through one ``DocumentLoader`` with the build cache's memo, the memo saved into a cache that the next
``BuildCache`` of the same folder reads. The whole-build proof (a cached build equals a clean one in every byte,
problem and exit status) is in tests/test_documents_memo_build.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from markupsafe import Markup

from gongkai import validity, yamlutil
from gongkai.buildcache import BuildCache, _encode
from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader
from gongkai.documents_memo import KIND, DocumentMemo, decode, encode
from gongkai.errors import Problems
from kit import GOOD_FRONT, ROOT

MINI = Path(__file__).parent / "fixtures" / "mini"
EXTRA = {"解读": "interaction", "征集": "interaction"}
TODAY = dt.date(2026, 11, 30)


def sources(root: Path) -> dict[str, bytes]:
    """Every Markdown file below content/wj (src_uri → bytes), as MkDocs lists them: sorted by path."""
    docs = root / "content"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted((docs / "wj").rglob("*.md"))}


def load(root: Path, *, cache: Path | None, files: dict[str, bytes] | None = None, today=TODAY, future_days=30,
         extra=EXTRA, catalog=None, display=lambda src: f"content/{src}"):
    """(documents, problems, memo) of one loading; with ``cache``, through the memo, saved for the next."""
    catalog = catalog or load_catalog(root / "catalog")
    problems = Problems()
    store = BuildCache(cache) if cache is not None else None
    memo = DocumentMemo.open(store, catalog, extra)
    loader = DocumentLoader(catalog, problems, extra, today=today, future_days=future_days, cache=store, memo=memo)
    docs = {}
    for src, data in (files if files is not None else sources(root)).items():
        docs[src] = loader.load(data, src, display(src))
    if memo is not None:
        memo.save()
        store.save()
    return docs, problems.items, memo


def shape(value):
    """A value with the type of every part, a front-matter value's lines and the shared timeline's identity."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: shape(getattr(value, f.name)) for f in dataclasses.fields(value)
                  if f.name not in ("publisher", "columns")}
        return (type(value).__name__, value is validity.NOTHING, fields)
    if isinstance(value, dict):
        lines = getattr(value, "lines", None)
        return (type(value).__name__, lines, [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (type(value).__name__, getattr(value, "lines", None), [shape(v) for v in value])
    return (type(value).__name__, value)


def same_as_without_memo(root: Path, got, **options) -> None:
    docs, problems, _ = load(root, cache=None, **{k: v for k, v in options.items() if k != "cache"})
    got_docs, got_problems, _ = got
    assert [str(p) for p in got_problems] == [str(p) for p in problems]
    assert [shape(p) for p in got_problems] == [shape(p) for p in problems]
    assert {s: shape(d) for s, d in got_docs.items()} == {s: shape(d) for s, d in docs.items()}


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(MINI, root)
    return root


def write(root: Path, rel: str, text: str) -> Path:
    path = root / "content/wj" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- every kind of value a document keeps ----------------------------------------------------------------------

RICH = """---
title: 测试市教育局关于修订学籍管理办法的决定
栏目: [gfxwj]
发布机构: jyj
成文日期: 2025-05-06
发布日期: 2025-05-08
文号: 测教规〔2025〕2号
索引号: 999100002/2025-00030
主题分类: 科技、教育
主题词: [学籍, 管理]
内容概述: 修订学籍管理办法
施行日期: 2025-06-01
失效日期: 2030-05-31
修改依据:
  - 依据: 测教发〔2025〕5号
    日期: 2025-06-01
修订记录:
  - 日期: 2025-05-20
    说明: 更正附件名称
附件:
  - 名称: 学籍表
    文件: fj/xueji.xlsx
  - 文件: fj/说明.pdf
原网址: http://old.example.gov.cn/art/2025/5/8/art_1_2.html
hide: [toc]
search:
  boost: 2
解读:
  原文: 999100002/2025-00002
  要点: [一, 二]
征集: 2025-05-01
---

第一段。

第二段。
"""


def test_every_value_comes_back_with_its_type_and_lines(site, tmp_path):
    """The demo's documents and one with every kind of field (validity dates and 依据, 修订记录, 附件, 原网址,
    page options, plugin-owned mappings with their lines, a date): a warm loading takes each
    from the memo and gives exactly what loading without it gives."""
    write(site, "jyj/2025/rich.md", RICH)
    for root in (site, ROOT):
        cache = tmp_path / f"cache-{root.name}"
        cold = load(root, cache=cache)
        same_as_without_memo(root, cold)
        warm = load(root, cache=cache)
        same_as_without_memo(root, warm)
        assert warm[2].hits == len(sources(root)) and warm[2].misses == 0
    rich = load(site, cache=tmp_path / f"cache-{site.name}")[0]["wj/jyj/2025/rich.md"]
    assert rich.page_options == {"hide": ["toc"], "search": {"boost": 2.0}} and rich.timeline is not validity.NOTHING
    assert type(rich.extra["解读"]) is yamlutil.Mapping and rich.extra["解读"].line_of("要点") == 30
    assert rich.body == "\n第一段。\n\n第二段。\n" and len(rich.attachments) == 2


def test_each_warm_loading_gives_new_objects(site, tmp_path):
    """Documents are given a URL, 发布主体, 附件 sizes and links later in the build: never the last build's objects."""
    load(site, cache=tmp_path / "c")
    first = load(site, cache=tmp_path / "c")[0]["wj/jyj/2025/gf-1.md"]
    first.attachments.append("changed")
    first.extra["x"] = 1
    first.field_lines.clear()
    second = load(site, cache=tmp_path / "c")[0]["wj/jyj/2025/gf-1.md"]
    assert second is not first and "changed" not in second.attachments and second.field_lines
    assert "x" not in second.extra


def test_problems_in_order_around_the_days_and_other_files_checks(site, tmp_path):
    """A document with a warning, taken from the memo, then given errors by what the memo does not hold — the
    build's day (发布日期 too far ahead) and another file with its 索引号, 文号 and 原网址 — reports them in the
    order one pass over its fields does."""
    front = GOOD_FRONT.replace("测教发〔2025〕11号", "测教发〔2024〕11号") + "原网址: /art/1.html\n"
    write(site, "jyj/2025/warned.md", f"---\n{front}---\n\n正文。\n")
    cold = load(site, cache=tmp_path / "c")
    assert [p.severity for p in cold[1]] == ["warning"]
    copy = front.replace("2025-06-02", "2025-03-01").replace("2025-06-04", "2025-03-01")
    write(site, "jyj/2025/a-copy.md", f"---\n{copy}---\n\n另一正文。\n")  # loaded first
    options = dict(today=dt.date(2025, 3, 1))
    warm = load(site, cache=tmp_path / "c", **options)
    same_as_without_memo(site, warm, **options)
    assert warm[2].hits == len(sources(site)) - 1
    mine = [(p.field, p.severity) for p in warm[1] if p.file.endswith("warned.md")]
    assert mine == [("发布日期", "error"), ("文号", "warning"), ("索引号", "error"), ("文号", "error"),
                    ("原网址", "error")]
    assert warm[0]["wj/jyj/2025/warned.md"] is None


def move_catalog(site: Path, old: str, new: str, name: str = "columns.yml") -> None:
    path = site / "catalog" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    # the catalog: a column no longer for 政府部门, a column renamed into a 文件类型, a 机构代码 changed
    "column applies": lambda s: move_catalog(s, "名称: 行政规范性文件\n        适用: [人民政府, 政府部门]",
                                             "名称: 行政规范性文件\n        适用: [人民政府]"),
    "column renamed": lambda s: move_catalog(s, "名称: 行政规范性文件", "名称: 其他文件"),
    "organization code": lambda s: move_catalog(s, '机构代码: "999100002"', '机构代码: "999100009"',
                                                "organizations.yml"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_catalog_change_checks_every_file_again(site, tmp_path, change):
    load(site, cache=tmp_path / "c")
    CHANGES[change](site)
    warm = load(site, cache=tmp_path / "c")
    same_as_without_memo(site, warm)
    assert warm[2].hits == 0 and any(p.severity == "error" for p in warm[1])


def test_the_fields_plugins_own_are_in_the_key(site, tmp_path):
    write(site, "jyj/2025/rich.md", RICH)
    load(site, cache=tmp_path / "c")
    warm = load(site, cache=tmp_path / "c", extra={"解读": "interaction"})  # no 征集 plugin: 征集 is unknown
    same_as_without_memo(site, warm, extra={"解读": "interaction"})
    assert warm[2].hits == 0 and any("征集" in str(p) for p in warm[1])


@pytest.mark.parametrize("today, future_days", [(dt.date(2025, 3, 1), 30), (dt.date(2025, 5, 1), 2),
                                                (dt.date(2031, 1, 1), 30), (None, 30)])
def test_the_day_is_not_in_the_key_and_still_checked(site, tmp_path, today, future_days):
    """The build's day and future_days change 发布日期 errors and 有效性 (a 失效日期 passed): applied to every
    document taken from the memo."""
    write(site, "jyj/2025/rich.md", RICH)
    load(site, cache=tmp_path / "c")
    options = dict(today=today, future_days=future_days)
    warm = load(site, cache=tmp_path / "c", **options)
    same_as_without_memo(site, warm, **options)
    assert warm[2].hits == len(sources(site))


def test_a_moved_file_is_checked_again(site, tmp_path):
    """The same bytes in another folder: another src_path, 附件 paths, 发布主体 of the folder; and the same path
    named otherwise in problems (another docs_dir)."""
    load(site, cache=tmp_path / "c")
    files = sources(site)
    moved = {("wj/szf/2026/gf-1.md" if src == "wj/szf/2025/gf-1.md" else src): data for src, data in files.items()}
    warm = load(site, cache=tmp_path / "c", files=moved)
    same_as_without_memo(site, warm, files=moved)
    assert warm[2].misses == 1 and warm[0]["wj/szf/2026/gf-1.md"].src_path == "wj/szf/2026/gf-1.md"
    shown = load(site, cache=tmp_path / "c", files=moved, display=lambda src: f"docs/{src}")
    assert shown[2].hits == 0 and shown[0]["wj/szf/2026/gf-1.md"].source == "docs/wj/szf/2026/gf-1.md"


def test_a_file_refused_before_its_fields_is_kept_too(site, tmp_path):
    """Not UTF-8, no front matter, a YAML error, a control character: the same problems from the memo."""
    (site / "content/wj/jyj/2025/gbk.md").write_bytes("---\ntitle: 通知\n---\n".encode("gb18030"))
    write(site, "jyj/2025/bare.md", "# 没有元数据\n")
    write(site, "jyj/2025/yaml.md", "---\ntitle: [未闭合\n---\n")
    write(site, "jyj/2025/ctl.md", f"---\n{GOOD_FRONT}---\n\n正文\x07。\n")
    load(site, cache=tmp_path / "c")
    warm = load(site, cache=tmp_path / "c")
    same_as_without_memo(site, warm)
    assert warm[2].hits == len(sources(site)) and len(warm[1]) >= 4


def entries(cache: Path) -> sqlite3.Connection:
    return sqlite3.connect(cache / BuildCache.FILE)


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "cut", "not bytes", "tag"])
def test_a_damaged_entry_is_checked_again_never_a_traceback(site, tmp_path, damage):
    load(site, cache=tmp_path / "c")
    store = BuildCache(tmp_path / "c")
    with entries(tmp_path / "c") as db:
        (key, value), = db.execute("SELECT key, value FROM entries WHERE kind = ?", (KIND,)).fetchall()
        lines = store.get(KIND, key, carry=False).split(b"\n")
        store.discard()
        forged = {
            "garbage": b"\n".join(line.split(b"\t")[0] + b"\t{not json" for line in lines),
            "wrong shape": b"\n".join(line.split(b"\t")[0] + b'\t[true, [], [0], null]' for line in lines),
            "cut": b"\n".join(line[:len(line) // 2] for line in lines),
            "not bytes": {"documents": []},
        }.get(damage)
        blob = _encode(forged, KIND, key) if forged is not None else bytes(value)[:-7] + b"damaged"
        db.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (blob, KIND, key))
    warm = load(site, cache=tmp_path / "c")
    same_as_without_memo(site, warm)
    assert warm[2].hits == 0
    again = load(site, cache=tmp_path / "c")  # the damaged entry replaced by this build's
    assert again[2].hits == len(sources(site))


def test_records_refuse_what_they_cannot_keep_exactly(site):
    """A value of a type a record does not know (a plugin's object in a page option, a set) is refused: the file
    is checked again next time rather than given back as something else."""
    path = write(site, "jyj/2025/rich.md", RICH)
    loader = DocumentLoader(load_catalog(site / "catalog"), Problems(), EXTRA)
    checked, _ = loader.check(path.read_bytes(), "wj/jyj/2025/rich.md", "x")
    assert decode(encode(checked)).document == checked.document
    checked.document.page_options["subtitle"] = Markup("<b>副标题</b>")  # escaped by the page options' reader
    assert type(decode(encode(checked)).document.page_options["subtitle"]) is Markup
    checked.document.page_options["hide"] = {"toc"}
    with pytest.raises(TypeError):
        encode(checked)
    checked.document.page_options.clear()
    checked.document.attachments[0].size = 12  # measured by the build: not a check's
    with pytest.raises(TypeError):
        encode(checked)


def test_no_memo_without_the_cache(site):
    assert DocumentMemo.open(None, load_catalog(site / "catalog"), EXTRA) is None
