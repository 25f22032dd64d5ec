"""Random histories of edits (issue 20: every shortcut provably equal to the slow, safe way).

The other proofs change one input of each class (tests/test_buildcache_sweep.py) or follow fixed histories of body
changes (tests/test_carried_pages.py). An editor's repository goes through long mixed histories: a body fixed, a
title corrected, a 通知 added and withdrawn, an attachment replaced, a day passes, someone edits the published
site by hand, a CI cache comes back damaged — and every build runs over what the last one left (its cache, its
published site, its record), so a shortcut taken by one build (a replay, carried pages, the page cache, the
search index updated in place) is the input of the next.

Here a seeded generator draws such histories on the carried-pages site (its bodies link each other's anchors and a
spreadsheet no document names; a 解读, a 征集, a 历史版本, a 年报). After every step a cached build over the published
site and a clean build (``GONGKAI_CACHE=0``, into a fresh folder) must agree in exit status, in every warning,
error and summary line, and in every byte of the site; a refused build must leave the published site as it was.
The seeds are fixed, so that a failure is the same failure when run again; the step that failed is named.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from test_buildcache_sweep import ID_PLAIN, NO_CACHE, REPLAY, build, edit, rewrite_entries, tree, xlsx
from test_buildcache_sweep import make_site as make_sweep_site
from kit import GOOD_FRONT, write_doc
from test_carried_pages import CARRIED, DOCS, LINE, History, history, make_site, verdict, warm_site  # noqa: F401

pytestmark = pytest.mark.build

# Documents a step may change: (path under content/wj, whether its first paragraph is its only 内容概述).
DOCUMENTS = ["jyj/2025/gf-1.md", "jyj/2025/gf-2.md", "jyj/2025/gf-3.md", "jyj/2025/dt-1.md",
             "szf/2025/gf-1.md", "szf/2025/gz-1.md", "dcjd/2025/dt-1.md", "jyj/2026/zj-1.md"]
NEW_FRONT = """title: 测试市教育局关于第{n}批{topic}的通知
栏目: [gzdt]
发布机构: jyj
成文日期: 2025-{month:02d}-{day:02d}
发布日期: 2025-{month:02d}-{day:02d}
索引号: 999100002/2025-{serial:05d}
主题分类: 科技、教育
"""
TOPICS = ["校园安全检查", "教师培训", "课后服务", "食堂管理", "招生咨询"]
SENTENCES = ["各校按要求落实。", "请于月底前报送材料。", "联系电话另行通知。", "本通知自发布之日起施行。",
             "有关情况及时报告。"]
REUSED = re.compile(r"构建缓存：\d+ 个页面中 [1-9]\d* 个未变")
EXPORT_IDS = "search/export/ids.json"
BASE_INSTANT = time.mktime((2026, 11, 30, 12, 0, 0, 0, 0, -1))


def pdf_file(text: str) -> bytes:
    """A one-page PDF whose page holds ``text`` (ASCII) as text: a file the 个人信息 check reads whole (a PDF
    without a text layer is a scan it cannot read, and such a build is not recorded for a replay)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Walk:
    """One history: the site, what the generator did so far, and the two builds after each step."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.steps: list[str] = []
        self.added: list[Path] = []
        self.hours = 0  # the build's instant, hours after 2026-11-30 12:00
        self.serial = 100
        self.saved: dict[Path, str] = {}  # file → its text before the last change (for a change back)
        self.shortcuts: list[str] = []  # what each cached build took

    @property
    def env(self) -> dict:
        when = time.localtime(BASE_INSTANT + self.hours * 3600)
        return {"GONGKAI_AS_OF": time.strftime("%Y-%m-%d %H:%M", when)}

    def doc(self, rel: str) -> Path:
        return self.root / "content/wj" / rel

    def remember(self, path: Path) -> None:
        self.saved[path] = path.read_text(encoding="utf-8")

    # ---- the steps ---------------------------------------------------------------------------------------------

    def body(self) -> str:
        """A later paragraph added to a body (never the first: that is the 内容概述)."""
        path = self.doc(self.rng.choice(DOCUMENTS))
        self.remember(path)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n{self.rng.choice(SENTENCES)}{self.rng.randrange(1000)}\n")
        return f"body {path.name}"

    def first_paragraph(self) -> str:
        path = self.doc(self.rng.choice(DOCUMENTS[:7]))
        text = path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("\n---\n\n")
        first, _, more = rest.partition("\n")
        self.remember(path)
        path.write_text(f"{head}{sep}{first[:-1]}（第{self.rng.randrange(100)}次修订）。\n{more}", encoding="utf-8")
        return f"first paragraph {path.name}"

    def title(self) -> str:
        path = self.doc(self.rng.choice(DOCUMENTS[:7]))
        text = path.read_text(encoding="utf-8")
        start = text.index("title: ") + len("title: ")
        end = text.index("\n", start)
        self.remember(path)
        path.write_text(text[:end] + f"（{self.rng.randrange(100)}）" + text[end:], encoding="utf-8")
        return f"title {path.name}"

    def new_document(self) -> str:
        self.serial += 1
        n = self.serial
        front = NEW_FRONT.format(n=n, topic=self.rng.choice(TOPICS), month=self.rng.randrange(1, 12),
                                 day=self.rng.randrange(1, 28), serial=n)
        path = self.doc(f"jyj/2025/new-{n}.md")
        path.write_text(f"---\n{front}---\n\n第{n}批通知全文如下。\n\n{self.rng.choice(SENTENCES)}\n",
                        encoding="utf-8")
        self.added.append(path)
        return f"new {path.name}"

    def new_document_with_attachment(self) -> str:
        """A new 通知 with its 附件 (a PDF no page had linked before): the commonest publication."""
        self.new_document()
        path = self.added[-1]
        pdf = path.with_suffix(".pdf")
        pdf.write_bytes(pdf_file(f"Notice {self.serial}, annex {self.rng.randrange(10 ** 6)}"))
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("主题分类: 科技、教育\n", f"主题分类: 科技、教育\n附件:\n  - 名称: 通知全文\n"
                                     f"    文件: {pdf.name}\n", 1), encoding="utf-8")
        return f"new {path.name} with {pdf.name}"

    def withdraw(self) -> str:
        if not self.added:
            return self.new_document()
        path = self.added.pop(self.rng.randrange(len(self.added)))
        path.unlink()
        path.with_suffix(".pdf").unlink(missing_ok=True)
        return f"withdrawn {path.name}"

    def change_back(self) -> str:
        """The last changed file back to its text before that change (A → B → A)."""
        if not self.saved:
            return self.body()
        path = self.rng.choice(sorted(self.saved))
        path.write_text(self.saved.pop(path), encoding="utf-8")
        return f"changed back {path.name}"

    def attachment(self) -> str:
        """The 附件 of jyj gf-1 replaced: the same size with its time kept (as ``cp -p`` or ``rsync -t`` leave it),
        or a larger one (the size is shown beside its link)."""
        path = self.root / DOCS / "fj/mingdan.xlsx"
        stat = path.stat()
        if self.rng.random() < 0.5:
            path.write_bytes(xlsx(f"110105********{self.rng.randrange(100, 999)}X"))
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            return "attachment, same size"
        path.write_bytes(xlsx("110105********002X" + "、补充名单" * self.rng.randrange(1, 400)))
        return "attachment, another size"

    def unmasked_id(self) -> str:
        """A 身份证号 in a body: both builds refuse; the next step masks it again (a change back)."""
        path = self.doc("jyj/2025/gf-3.md")
        self.remember(path)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(LINE, LINE + f"\n\n联系人身份证号{ID_PLAIN}。", 1), encoding="utf-8")
        return "unmasked id"

    def clock(self) -> str:
        self.hours += self.rng.choice([3, 24, 24 * 4])
        return f"clock +{self.hours}h"

    def published_file_edited(self) -> str:
        """Someone edits a page of the published site by hand."""
        pages = sorted((self.root / "site").rglob("index.html"))
        if not pages:
            return "nothing"
        path = self.rng.choice(pages)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("<!-- edited by hand -->")
        return f"published {path.relative_to(self.root / 'site')} edited"

    def published_folder_removed(self) -> str:
        folders = sorted(p for p in (self.root / "site/wj").rglob("*") if p.is_dir())
        if not folders:
            return "nothing"
        path = self.rng.choice(folders)
        shutil.rmtree(path)
        return f"published {path.relative_to(self.root / 'site')} removed"

    def cache_damaged(self) -> str:
        """Some entries of the cache overwritten with bytes it did not write."""
        db = sqlite3.connect(self.root / ".cache/gongkai/cache.sqlite")
        try:
            rows = db.execute("SELECT kind, key FROM entries WHERE kind NOT IN ('format')").fetchall()
            for kind, key in self.rng.sample(rows, min(len(rows), 5)):
                db.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (b"\x00damaged", kind, key))
            db.commit()
        finally:
            db.close()
        return "cache damaged"

    def nothing(self) -> str:
        return "nothing"

    STEPS = {body: 6, first_paragraph: 1, title: 2, new_document: 1, new_document_with_attachment: 2, withdraw: 1, change_back: 2, attachment: 1,
             unmasked_id: 1, clock: 2, published_file_edited: 1, published_folder_removed: 1, cache_damaged: 1,
             nothing: 1}

    def step(self) -> str:
        steps = list(self.STEPS)
        return self.rng.choices(steps, weights=[self.STEPS[s] for s in steps])[0](self)

    # ---- the comparison ----------------------------------------------------------------------------------------

    def compare(self) -> None:
        root = self.root
        where = " → ".join(self.steps)
        before = tree(root / "site")
        shutil.rmtree(root / "clean", ignore_errors=True)
        # The search export names the documents withdrawn since the export of the site a build replaces (its
        # ids.json, read by a build with or without the cache): the clean build replaces that file alone.
        ids = root / "site" / EXPORT_IDS
        if ids.is_file():
            (root / "clean" / EXPORT_IDS).parent.mkdir(parents=True)
            shutil.copy2(ids, root / "clean" / EXPORT_IDS)
        cached = build(root, "site", self.env)
        clean = build(root, "clean", {**self.env, **NO_CACHE})
        self.shortcuts.append("replayed" if REPLAY in cached.stderr else
                              "carried" if CARRIED.search(cached.stderr) else
                              "outputs kept" if OUTPUTS.search(cached.stderr) else
                              "pages reused" if REUSED.search(cached.stderr) else "")
        for result in (cached, clean):
            assert "Traceback" not in result.stderr, (where, result.stderr[-6000:])
        assert cached.returncode == clean.returncode, (where, cached.stderr[-3000:], clean.stderr[-3000:])
        assert verdict(cached, root) == verdict(clean, root), (where, cached.stderr[-3000:], clean.stderr[-3000:])
        if cached.returncode:
            assert tree(root / "site") == before, where  # refused: the published site is left as it was
            return
        a, b = tree(root / "site"), tree(root / "clean")
        assert sorted(a) == sorted(b), (where, sorted(set(a) ^ set(b))[:10])
        assert [name for name in a if a[name] != b[name]] == [], where


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("histories")
    root = make_site(base / "site-src")
    result = build(root, "site", {"GONGKAI_AS_OF": "2026-11-30 12:00"})
    assert result.returncode == 0, result.stderr[-3000:]
    shutil.copytree(root, base / "warm", symlinks=True)
    return root, base / "warm"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_history(warm, seed):
    """Eight random steps, compared after each (a refused step is followed by its change back, as an editor would
    mend it)."""
    root, copy = warm
    shutil.rmtree(root)
    shutil.copytree(copy, root, symlinks=True)  # times kept: the site as the warm build left it
    walk = Walk(root, random.Random(seed))
    for _ in range(8):
        walk.steps.append(walk.step())
        walk.compare()
        if walk.steps[-1] == "unmasked id":
            gf3 = walk.doc("jyj/2025/gf-3.md")
            gf3.write_text(walk.saved.pop(gf3), encoding="utf-8")
            walk.steps.append("masked again")
            walk.compare()
    # The histories took the shortcuts they are here to prove (a history of full builds would prove nothing).
    assert {"carried", "replayed", "outputs kept"} & set(walk.shortcuts), list(zip(walk.steps, walk.shortcuts))


def test_damaged_entries_that_carried_pages_read_back(history: History):
    """Entries a carried page's plugins read back (its links, its search record, its 个人信息 scan) overwritten with
    bytes the cache did not write: those pages are processed again, never a traceback, and the site is a clean
    build's."""
    for kind in ("links", "search-line", "pii-shown"):
        assert rewrite_entries(history.root, kind, b"\x00damaged") > 0
    with open(history.doc("gf-2.md"), "a", encoding="utf-8") as fh:
        fh.write("\n招生结果另行公布。\n")
    cached, _ = history.check(carried=None)
    assert "有条目无法使用" in cached.stderr


def _body_change(history: History) -> None:
    with open(history.doc("gf-2.md"), "a", encoding="utf-8") as fh:
        fh.write("\n招生结果另行公布。\n")


def _carried(result) -> int:
    found = CARRIED.search(result.stderr)
    return int(found.group(1)) if found else 0


def test_damaged_entries_kept_unread_still_carry(history: History, warm_site):
    """A carried page's Markdown rendering and active-content verdict are kept for a later build, not read; its
    links are read, and a damaged entry of them is read again from the page's file (facts session, 2026-12-07:
    each was checked whole before, and such a page was processed again). Every other page is carried as with an
    intact cache, the site is a clean build's; and a later build without the published site, which renders the
    pages from the cache, finds those entries damaged and renders them again: a clean build's too."""
    import filecmp

    _body_change(history)  # the reference: the same change on the intact cache
    intact = _carried(history.check()[0])
    root, warm, _ = warm_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)
    for kind in ("markdown", "active", "links"):
        assert rewrite_entries(history.root, kind, b"\x00damaged") > 0
    _body_change(history)
    cached, _ = history.check()
    assert "有条目无法使用" in cached.stderr
    assert _carried(cached) == intact, cached.stderr[-2000:]
    # The links read again were kept: the next body change carries them from the cache, no entry damaged.
    append_again = history.doc("gf-3.md")
    with open(append_again, "a", encoding="utf-8") as fh:
        fh.write("\n近视防控纳入考核。\n")
    cached, _ = history.check()
    # The pages rendered from the cache, without the published site (a CI run that restores only the cache).
    shutil.rmtree(history.root / "site")
    with open(history.doc("gf-2.md"), "a", encoding="utf-8") as fh:
        fh.write("\n再补充一句。\n")
    cached, _ = history.check(carried=False)
    assert not filecmp.dircmp(history.root / "site", history.root / "clean").diff_files


def test_a_page_whose_read_entry_is_gone_is_processed_again(history: History):
    """Entries a carried page's plugins read back deleted from the cache (a cache cut short): those pages are
    processed again, and the site is a clean build's."""
    db = sqlite3.connect(history.root / ".cache/gongkai/cache.sqlite")
    gone = 0
    for kind in ("links", "search-line", "pii-shown", "page-anchors"):
        gone += db.execute("DELETE FROM entries WHERE rowid IN (SELECT rowid FROM entries WHERE kind = ? LIMIT 3)",
                           (kind,)).rowcount
    db.commit()
    db.close()
    assert gone >= 9
    _body_change(history)
    cached, _ = history.check(changed=1 + 3)


def test_a_truncated_cache_file_is_a_cold_build(history: History):
    """The cache file cut short (a CI cache restored half-way): no traceback, the site is a clean build's, and the
    next build has a cache again."""
    path = history.root / ".cache/gongkai/cache.sqlite"
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    _body_change(history)
    history.check(carried=None)
    with open(history.doc("gf-3.md"), "a", encoding="utf-8") as fh:
        fh.write("\n近视防控纳入考核。\n")
    history.check()


# ---- what a column says (catalog/columns.yml) ------------------------------------------------------------------

SINGLE_PAGE = """  - id: jgzn
    名称: 机构职能
    说明: 本机关的职能、内设机构和联系方式。
    类型: 单页
    正文: |
      本局负责全市教育工作（第一版）。

  - id: ysqgk"""
COLUMN_EDITS = {  # name → (file of catalog/, text, its replacement)
    "单页正文": ("columns.yml", "（第一版）", "（第二版）"),
    "说明": ("columns.yml", "内设机构和联系方式。", "内设机构、领导分工和联系方式。"),
    "暂无": ("columns.yml", "市政府工作动态在门户网站要闻栏目发布。", "市政府工作动态在门户网站“政务要闻”栏目发布。"),
    "公开事项": ("columns.yml", "公开时限: 信息形成或变更之日起20个工作日内", "公开时限: 信息形成或变更之日起15个工作日内"),
    "网站联系电话": ("site.yml", "联系电话: 0999-00000000", "联系电话: 0999-00000099"),
    "指南办公时间": ("organizations.yml", "办公时间: 工作日 9:00—17:00", "办公时间: 工作日 8:30—17:30"),
    "发布主体简称": ("organizations.yml", "简称: 教育局", "简称: 市教育局"),
}


@pytest.fixture(scope="module")
def warm_with_single_page(tmp_path_factory) -> tuple[Path, Path]:
    """The sweep's site with a 单页 column (its 正文 in the catalog), built once."""
    base = tmp_path_factory.mktemp("columns")
    root = make_sweep_site(base / "site-src")
    columns = root / "catalog/columns.yml"
    columns.write_text(columns.read_text(encoding="utf-8").replace("  - id: ysqgk", SINGLE_PAGE, 1), encoding="utf-8")
    result = build(root, "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "（第一版）" in (root / "site/xxgk/jyj/jgzn/index.html").read_text(encoding="utf-8")
    shutil.copytree(root, base / "warm", symlinks=True)
    return root, base / "warm"


@pytest.mark.parametrize("what", COLUMN_EDITS)
def test_what_the_catalog_says_edited(warm_with_single_page, what):
    """A column's 正文 (a 单页), 说明, 暂无 or 公开事项, the site's identity, a 发布主体's 指南 or 简称 edited in the
    catalog: the pages that show it say the new text. Columns reach templates inside lists and documents described by their id; on the code before,
    the cached build published every 单页 with its old 正文 (74 of 75 pages reused), while a clean build had the
    new one."""
    root, copy = warm_with_single_page
    shutil.rmtree(root)
    shutil.copytree(copy, root, symlinks=True)
    name, old, new = COLUMN_EDITS[what]
    path = root / "catalog" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    cached = build(root, "site")
    clean = build(root, "clean", NO_CACHE)
    assert cached.returncode == clean.returncode == 0, (cached.stderr[-3000:], clean.stderr[-3000:])
    a, b = tree(root / "site"), tree(root / "clean")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    shown = new.rpartition(": ")[2].encode()
    assert any(shown in data for data in a.values()), "no page shows the edited text"


# ---- pages whose output is the last build's (a title, a new document, another day) ------------------------------

OUTPUTS = re.compile(r"构建缓存：(\d+) 个页面的输出与上次构建相同")


def outputs_kept(result) -> int:
    found = OUTPUTS.search(result.stderr)
    return int(found.group(1)) if found else 0


def test_a_title_change_keeps_the_output_of_the_pages_that_do_not_show_it(history: History):
    """A title and a catalog edit at once (a 发布主体 renamed: no page is carried, the catalog is an input of every
    page): MkDocs converts every page's Markdown (the lists and neighbours showing the title change with it), but
    a page whose key and recorded reads are the last build's is not built again: its file is the published one.
    The site is a clean build's; the pages showing the title say the new one."""
    with open(history.doc("gf-2.md"), encoding="utf-8") as fh:
        text = fh.read()
    history.doc("gf-2.md").write_text(text.replace("义务教育招生工作", "义务教育阶段招生工作", 1), encoding="utf-8")
    edit(history.root / "catalog/organizations.yml", "名称: 测试市东城街道办事处", "名称: 测试市东城街道办事处（更名）")
    cached, _ = history.check(carried=False)
    assert history.total // 3 < outputs_kept(cached) < history.total
    assert "义务教育阶段招生工作" in history.page("wj/jyj/2025/gf-2/index.html")
    assert "义务教育阶段招生工作" in history.page("xxgk/jyj/zcwj/gfxwj/index.html")


def test_a_new_document_and_another_day(history: History):
    """A document added, and the next day (the 征集's days left change): the pages showing either are built, the
    others are carried (their reads checked on the day's clock); then nothing changes on a third day."""
    write_doc(history.root, "jyj/2025/gf-5.md", GOOD_FRONT, "读书月活动通知全文如下。\n\n活动安排另行通知。\n")
    history.check()
    history.env["GONGKAI_AS_OF"] = "2026-12-01 12:00"
    history.check(changed=0)
    assert "还剩4天" in history.page("wj/jyj/2026/zj-1/index.html")
    history.env["GONGKAI_AS_OF"] = "2026-12-02 12:00"
    history.check(changed=0)
    assert "还剩3天" in history.page("wj/jyj/2026/zj-1/index.html")


def test_no_output_is_kept_from_a_site_edited_by_hand(history: History):
    """A published page edited by hand since the last build: the site is not what that build published, so no
    page's file is taken from it (the edited page is made again, as in a clean build)."""
    page = history.root / "site/wj/jyj/2025/gf-3/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    with open(history.doc("gf-2.md"), encoding="utf-8") as fh:
        text = fh.read()
    history.doc("gf-2.md").write_text(text.replace("义务教育招生工作", "义务教育阶段招生工作", 1), encoding="utf-8")
    cached, _ = history.check(carried=False)
    assert outputs_kept(cached) == 0


WRAPPING = '''"""Every plugin event method wrapped once loaded, as a profiler or scripts/bench wraps them (functools.wraps)."""
import functools

import mkdocs.config.config_options as options

_load = options.Plugins.run_validation


def run_validation(self, value):
    plugins = _load(self, value)
    for name, methods in plugins.events.items():
        for i, method in enumerate(methods):
            @functools.wraps(method)
            def wrapper(*args, _method=method, **kwargs):
                return _method(*args, **kwargs)
            plugins._event_origins[wrapper] = plugins._event_origins.get(method, "<unknown>")
            methods[i] = wrapper
    return plugins


options.Plugins.run_validation = run_validation
'''


def test_plugin_events_wrapped_as_a_profiler_does(history: History, tmp_path):
    """scripts/bench wraps every plugin event method in a timer: the core must still tell its own handler that
    checks a page's reads from the others when it asks every plugin for a page's views (on the code before,
    that handler ran in their place, and the build ended in a KeyError)."""
    (tmp_path / "sitecustomize.py").write_text(WRAPPING, encoding="utf-8")
    history.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    with open(history.doc("gf-2.md"), encoding="utf-8") as fh:
        text = fh.read()
    history.doc("gf-2.md").write_text(text.replace("义务教育招生工作", "义务教育阶段招生工作", 1), encoding="utf-8")
    history.check()  # pages carried: their reads were checked on every plugin's views before MkDocs read them
    edit(history.root / "catalog/organizations.yml", "名称: 测试市东城街道办事处", "名称: 测试市东城街道办事处（更名）")
    cached, _ = history.check(carried=False)  # a catalog edit: not carried; outputs kept where MkDocs builds
    assert history.total // 3 < outputs_kept(cached)


def test_a_document_named_in_the_sites_nav_retitled(history: History):
    """A site's ``nav`` names a document without a title of its own (a notice pinned beside 首页): every page's
    navigation shows that document's title, which is its metadata, not known when the nav is made. Retitled, every
    page says the new title; on the code before, the cached build kept 60 pages with the old one in their nav (the
    page cache's key held the nav's titles as MkDocs knew them in on_nav: none for such a page)."""
    edit(history.root / "mkdocs.yml", "theme:", "nav:\n  - 首页: index.md\n  - wj/jyj/2025/gf-2.md\n"
                                               "  - 政府信息公开: xxgk/\ntheme:")
    history.check(carried=False)
    assert "义务教育招生工作" in history.page("dingyue/index.html")
    edit(history.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    cached, _ = history.check(carried=False)
    assert "义务教育阶段招生工作" in history.page("dingyue/index.html")


def test_a_published_document_withdrawn(warm):
    """A 通知 published with its PDF, then withdrawn: the search export names it withdrawn, in a cached build and in
    a build without the cache that replaces the same published site (the harness once compared with a build into
    an empty folder, which knows of no earlier export: every history that withdrew a published document failed)."""
    root, copy = warm
    shutil.rmtree(root)
    shutil.copytree(copy, root, symlinks=True)
    walk = Walk(root, random.Random(0))
    for step in (Walk.new_document_with_attachment, Walk.withdraw):
        walk.steps.append(step(walk))
        walk.compare()
    assert '"withdrawn":["9999000009_999100002_2025-00101"]' in (root / "site" / EXPORT_IDS).read_text("utf-8")


def test_a_publisher_renamed_while_outputs_are_kept(history: History):
    """A 发布主体's 名称 edited in the catalog: pages that show it (its documents, its own pages, the lists of
    发布主体) are built again, on the evidence of their recorded reads alone (the name is in no page's key); the
    others keep their output."""
    edit(history.root / "catalog/organizations.yml", "名称: 测试市教育局", "名称: 测试市教育委员会")
    cached, _ = history.check(carried=False)
    assert 0 < outputs_kept(cached) < history.total
    assert "测试市教育委员会" in history.page("wj/jyj/2025/gf-2/index.html")


def test_a_document_expires_on_a_later_day_while_outputs_are_kept(history: History):
    """A 失效日期 added (its last day in force tomorrow), then two days pass: the document's page and the lists
    of 现行有效 documents say 失效 as a clean build does; the other pages keep their output."""
    edit(history.root / "content/wj/szf/2025/gf-1.md", "---\n\n", "失效日期: 2026-12-01\n---\n\n")
    history.check()  # the same day: the pages that show none of it are carried
    history.env["GONGKAI_AS_OF"] = "2026-12-02 12:00"
    history.check(changed=0)  # its validity is its metadata: its page and the pages showing it are made again
    assert ">失效</span>" in history.page("wj/szf/2025/gf-1/index.html")
