"""Carried pages (issue 20): when only the bodies of some documents changed since the last build, every other page
is linked from the published site and its plugins' facts replayed from the cache instead of going through MkDocs'
page loop. This file is the proof that the shortcut equals the slow, safe way: after each history of body changes a
cached build (over the site the last build published, as a publish does) and a clean build (``GONGKAI_CACHE=0``,
into a fresh folder) agree in exit status, in what they report (every warning and error, the check summary) and in
every byte of the site, search index and search export included; and the carried build says how many pages it
carried (``构建缓存：{n} 个页面的输入与上次构建相同``), or, where carrying would be unsafe, carries none.

The site is the mutation sweep's (tests/test_buildcache_sweep.py: snippets, override templates, 解读 jd-1 of gf-1,
征集 zj-1, an XLSX attachment, a 年报) without its page-event hook (a hook with page events turns carrying off),
with the feeds and the search plugin and its export (``site_url`` set: feeds need it), MkDocs' anchor validation
at ``warn``, and bodies that link to each other:

- gf-2 has two headings with ids ``banli`` and ``cailiao`` and links ``fj/biaoge.xlsx``, a file no document names
  as 附件 (so some body must link it, or the build fails);
- jyj dt-1 links ``gf-2.md#banli`` (a Markdown link to an anchor), jyj gf-1 links ``../gf-2/#cailiao`` (the built
  address: MkDocs does not see it as a link to gf-2, gongkai's link check does);
- szf gf-1, in another folder, also links the spreadsheet: it is not linked to gf-2, so it is carried when gf-2
  changes, and its link must still count;
- gf-3 has a 历史版本 (its earlier text in ``gf-3/2025-09-01.md``).

A body change edits a later paragraph, never the first: the first is the document's 内容概述, metadata.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kit import GOOD_FRONT, write_doc
from test_buildcache_sweep import ID_MASKED, ID_PLAIN, NO_CACHE, REPLAY, build, edit, tree, xlsx
from test_buildcache_sweep import make_site as make_sweep_site

pytestmark = pytest.mark.build

CARRIED = re.compile(r"构建缓存：(\d+) 个页面的输入与上次构建相同")
PAGES = re.compile(r"构建缓存：(\d+) 个页面中 \d+ 个未变")
CHECKED = "发布前检查（"
FINDING = re.compile(r"(警告：|上线前待办 )")  # the reporter's findings logged at INFO (gongkai/reporting.py)  # the check summary: a build that logs it went through its page loop
LEVEL = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-  ")
BUILDING = re.compile(r"\.(site|clean)-building-\w+")
EXPORT_IDS = "search/export/ids.json"

DOCS = "content/wj/jyj/2025"
HOOK_LINES = "hooks:\n  - hooks/sweep_hook.py\n"
GF2_MORE = """
## 办理流程 {#banli}

按招生工作流程办理。

## 申请材料 {#cailiao}

材料清单见[申请表](fj/biaoge.xlsx)。
"""
VERSION_FRONT = "历史版本:\n  - 日期: 2025-09-01\n    说明: 修改前的文本\n---\n"
VERSION_BODY = "测试市教育局关于加强中小学生近视防控的通知修改前的文本。\n\n一、总体要求\n\n原要求。\n"
LINE = "坚持依法行政，做好相关工作。"  # the last paragraph of every MINI document's body


def make_site(root: Path) -> Path:
    """The sweep's site without its page-event hook; feeds, search and its export, anchors validated, linked bodies."""
    make_sweep_site(root)
    yml = root / "mkdocs.yml"
    edit(yml, HOOK_LINES, "")
    edit(yml, "docs_dir:", "site_url: https://www.example.gov.cn/\ndocs_dir:")
    edit(yml, "markdown_extensions:\n", "  - gongkai/feeds\n  - gongkai/search:\n      export: true\n"
                                        "validation:\n  anchors: warn\nmarkdown_extensions:\n  - attr_list\n")
    docs = root / DOCS
    shutil.copy(docs / "fj/mingdan.xlsx", docs / "fj/biaoge.xlsx")
    append(docs / "gf-2.md", GF2_MORE)
    edit(docs / "dt-1.md", LINE, LINE + "\n\n详见[招生通知的办理流程](gf-2.md#banli)。")
    edit(docs / "gf-1.md", LINE, LINE + "\n\n材料见[申请材料](../gf-2/#cailiao)。")
    edit(root / "content/wj/szf/2025/gf-1.md", LINE, LINE + "\n\n表格见[申请表](../../jyj/2025/fj/biaoge.xlsx)。")
    edit(docs / "gf-3.md", "---\n\n", VERSION_FRONT + "\n")
    (docs / "gf-3").mkdir()
    (docs / "gf-3/2025-09-01.md").write_text(VERSION_BODY, encoding="utf-8")
    return root


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def verdict(result, root: Path) -> list[str]:
    """What a build said that is a verdict: its warnings and errors (with their continuation lines), the check
    summary, anything printed outside the log (MkDocs' abort). Sorted: which order the two builds report in is
    not the question; that they report the same is. INFO lines are not compared (MkDocs' notes on the pages it
    processed are not a verdict, and a carried page is not processed)."""
    out, keep = [], False
    for line in result.stderr.splitlines():
        level = LEVEL.match(line)
        if level:
            # gongkai's warnings are findings logged at INFO (a --strict build does not fail on them): each is a
            # verdict too, not only their count in the summary line.
            keep = level.group(1) in ("WARNING", "ERROR", "CRITICAL") or CHECKED in line or FINDING.match(line[level.end():]) is not None
        elif not line[:1].isspace():
            keep = True
        if keep:
            out.append(BUILDING.sub(".X-building", line.replace(str(root / "clean"), "<site>")
                                    .replace(str(root / "site"), "<site>")))
    return sorted(out)


class History:
    """One case's copy of the warm site and its builds: each ``check`` builds cached and clean and compares."""

    def __init__(self, root: Path, total: int):
        self.root, self.total, self.env = root, total, {}
        self.checks = 0

    def doc(self, rel: str) -> Path:
        return self.root / DOCS / rel

    def check(self, carried: bool | None = True, changed: int = 1, fails: bool = False, replay: bool = False):
        """``carried``: the cached build must carry pages (True), must not (False), either (None); ``changed``:
        documents whose bodies changed since the last published build, pages that cannot be carried."""
        root = self.root
        before = tree(root / "site")
        shutil.rmtree(root / "clean", ignore_errors=True)
        # A build without the cache over the published site knows its search export's ids (and withdraws what
        # is gone), as the cached build does: the clean build gets them too.
        ids = root / "site" / EXPORT_IDS
        if ids.is_file():
            (root / "clean" / EXPORT_IDS).parent.mkdir(parents=True)
            shutil.copy2(ids, root / "clean" / EXPORT_IDS)
        given = tree(root / "clean")
        cached = build(root, "site", self.env)
        clean = build(root, "clean", {**self.env, **NO_CACHE})
        self.checks += 1
        for result in (cached, clean):
            assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert cached.returncode == clean.returncode, (cached.stderr[-3000:], clean.stderr[-3000:])
        if fails is not None:
            assert bool(cached.returncode) == fails, cached.stderr[-3000:]
        assert verdict(cached, root) == verdict(clean, root), (cached.stderr[-3000:], clean.stderr[-3000:])
        if replay is not None:
            assert (REPLAY in cached.stderr) == replay, cached.stderr[-3000:]
        assert not CARRIED.search(clean.stderr), clean.stderr[-3000:]
        if cached.returncode:  # both refused to publish: the last site stays as it was, and the clean build made none
            assert tree(root / "site") == before and tree(root / "clean") == given
        else:
            a, b = tree(root / "site"), tree(root / "clean")
            assert sorted(a) == sorted(b)
            assert [name for name in a if a[name] != b[name]] == []
        # Last, so that on a build without carrying every assertion above has passed when this one fails.
        found = CARRIED.search(cached.stderr)
        # A build that failed before its page loop (an input error) has nothing to carry; one that got as far as
        # the checks did carry, and says so, whatever the checks then found.
        if carried and (not fails or CHECKED in cached.stderr):
            assert found, cached.stderr[-3000:]
            assert self.total // 2 < int(found.group(1)) <= self.total - changed, (found.group(0), self.total)
        elif carried is False:
            assert not found, cached.stderr[-3000:]
        return cached, clean

    def page(self, rel: str) -> str:
        return (self.root / "site" / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def warm_site(tmp_path_factory) -> tuple[Path, Path, int]:
    """(the site, a copy of it with its warm cache, its number of pages). The cache's keys hold the site's absolute
    paths, so each case restores the copy at the same place (a copy elsewhere would be a cold build)."""
    base = tmp_path_factory.mktemp("carry")
    root = make_site(base / "site-src")
    result = build(root, "site")
    assert result.returncode == 0, result.stderr[-3000:]
    total = PAGES.search(result.stderr)
    assert total, result.stderr[-3000:]
    shutil.copytree(root, base / "warm", symlinks=True)
    return root, base / "warm", int(total.group(1))


@pytest.fixture
def history(warm_site) -> History:
    root, warm, total = warm_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)  # times kept: the site is as the warm build left it
    return History(root, total)


# ---- carry cases: only bodies changed (front matter byte-identical) ---------------------------------------------


def one_body(h: History):
    """A new last paragraph: the page, the search index and the export say it, the rest is carried."""
    append(h.doc("gf-2.md"), "\n招生结果另行公布。\n")
    h.check()
    exported = h.page("search/export/meilisearch-documents.json")
    assert "招生结果另行公布" in exported and "招生结果另行公布" in h.page("wj/jyj/2025/gf-2/index.html")
    assert "招生结果另行公布" not in h.page("wj/jyj/2025/gf-3/index.html")
    assert len(json.loads(exported)) == 11
    assert any(p.name != "index.html" for p in (h.root / "site/search").rglob("*") if p.is_file())


def two_bodies(h: History):
    """Two documents of two 发布主体 at once."""
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n近视防控纳入考核。")
    edit(h.root / "content/wj/szf/2025/gf-1.md", LINE, LINE + "\n\n安全生产责任到人。")
    h.check(changed=2)


def carried_twice_then_from_a_carried_build(h: History):
    """gf-3 changed twice with a (carrying) build in between, then another document: pages carried from a build
    that carried them."""
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n第一次修改。")
    h.check()
    edit(h.doc("gf-3.md"), "第一次修改。", "第二次修改。")
    h.check()
    edit(h.root / "content/wj/dcjd/2025/dt-1.md", LINE, LINE + "\n\n演练共三百人参加。")
    h.check()
    assert "第二次修改" in h.page("wj/jyj/2025/gf-3/index.html")


def body_changed_back(h: History):
    """gf-3 changed, built, then changed back to the warm build's text: the last build is not the one whose inputs
    these are (the page cache still holds that one's page)."""
    original = h.doc("gf-3.md").read_text(encoding="utf-8")
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n临时增加的一段。")
    h.check()
    h.doc("gf-3.md").write_text(original, encoding="utf-8")
    h.check()
    assert "临时增加的一段" not in h.page("wj/jyj/2025/gf-3/index.html")


def original_of_an_interpretation(h: History):
    """gf-1 is the 原文 of the 解读 jd-1 (its page shows the 解读, the 解读's shows it)."""
    edit(h.doc("gf-1.md"), LINE, LINE + "\n\n培训机构须公示收费标准。")
    h.check()
    assert "政策解读" in h.page("wj/jyj/2025/gf-1/index.html")


def consultation_body(h: History):
    """The 征集's body: its status (open, days left at the build's instant) stays right."""
    append(h.root / "content/wj/jyj/2026/zj-1.md", "\n第二条 本办法适用于本市行政区域内的幼儿园。\n")
    h.check()
    page = h.page("wj/jyj/2026/zj-1/index.html")
    assert "第二条" in page and "还剩5天" in page


def link_to_an_anchor_of_a_carried_page(h: History):
    """gf-3 now links gf-2's existing heading; gf-2 itself is unchanged (carried)."""
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n参照[招生办理流程](gf-2.md#banli)。")
    h.check()


def broken_anchor_into_a_carried_page(h: History):
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n参照[招生办理流程](gf-2.md#nope)。")
    cached, _ = h.check(fails=True)
    assert "#nope" in cached.stderr


def anchor_appears_with_its_link(h: History):
    """A new heading in gf-2 and a new link to it in gf-3, in one change."""
    append(h.doc("gf-2.md"), "\n## 新标题 {#xinbiaoti}\n\n新增内容。\n")
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n参照[新标题](gf-2.md#xinbiaoti)。")
    h.check(changed=2)


def anchor_disappears_then_appears(h: History):
    """gf-2's heading id changes: jyj dt-1 (carried otherwise) links it as Markdown, now broken; both refuse. Then
    the id comes back with one more paragraph: the link is valid again, the failed build changed nothing."""
    edit(h.doc("gf-2.md"), "{#banli}", "{#liucheng}")
    cached, _ = h.check(fails=True)
    assert "#banli" in cached.stderr
    edit(h.doc("gf-2.md"), "{#liucheng}", "{#banli}")
    append(h.doc("gf-2.md"), "\n办理时限另行通知。\n")
    h.check()


def anchor_of_a_built_address_disappears(h: History):
    """jyj gf-1 links ``../gf-2/#cailiao`` (the built address, not gf-2.md): MkDocs does not count it as a link to
    gf-2, gongkai's link check does, and the cached build must find it broken just as the clean one."""
    edit(h.doc("gf-2.md"), "{#cailiao}", "{#cailiao2}")
    cached, _ = h.check(fails=True)
    assert "#cailiao" in cached.stderr


def unmasked_id_number_then_masked(h: History):
    """An unmasked 身份证号 in a body: both refuse, the site stays; the editor masks it: published, carried."""
    edit(h.doc("gf-3.md"), LINE, LINE + f"\n\n联系人身份证号{ID_PLAIN}。")
    cached, _ = h.check(fails=True)
    assert "身份证号" in cached.stderr
    edit(h.doc("gf-3.md"), ID_PLAIN, ID_MASKED)
    h.check()


def dead_internal_link(h: History):
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n见[附表](nowhere.md)。")
    cached, _ = h.check(fails=True)
    assert "nowhere.md" in cached.stderr


def script_in_a_body(h: History):
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n<script>alert(1)</script>")
    cached, _ = h.check(fails=True)
    assert "<script>" in cached.stderr


def linked_file_still_linked_by_a_carried_page(h: History):
    """gf-2 no longer links fj/biaoge.xlsx; szf gf-1 (carried) still does: the file is still referenced."""
    edit(h.doc("gf-2.md"), "材料清单见[申请表](fj/biaoge.xlsx)。", "材料清单另行公布。")
    h.check()
    assert (h.root / "site/wj/jyj/2025/fj/biaoge.xlsx").is_file()


def only_links_to_a_file_removed_then_linked_again(h: History):
    """No body links fj/biaoge.xlsx any more: both refuse (a file no document names). Then gf-3 links it: the
    unreferenced file is referenced again, by a body other than the ones that linked it."""
    edit(h.doc("gf-2.md"), "材料清单见[申请表](fj/biaoge.xlsx)。", "材料清单另行公布。")
    edit(h.root / "content/wj/szf/2025/gf-1.md", "表格见[申请表](../../jyj/2025/fj/biaoge.xlsx)。", "表格另行公布。")
    cached, _ = h.check(fails=True, changed=2)
    assert "biaoge.xlsx" in cached.stderr
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n登记表见[申请表](fj/biaoge.xlsx)。")
    h.check(changed=3)


def body_and_attachment_changed(h: History):
    """gf-1's XLSX 附件 rewritten (still masked, the same size) along with a body: a page shows a 附件's address,
    type and size, never its bytes, so every other page is carried; the file itself is published anew and
    scanned again."""
    (h.doc("fj/mingdan.xlsx")).write_bytes(xlsx(ID_MASKED.replace("002X", "003X")))
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n补充一段。")
    h.check()
    assert (h.root / "site" / DOCS.removeprefix("content/") / "fj/mingdan.xlsx").read_bytes() == \
        h.doc("fj/mingdan.xlsx").read_bytes()


CARRY = [one_body, two_bodies, carried_twice_then_from_a_carried_build, body_changed_back,
         original_of_an_interpretation, consultation_body, link_to_an_anchor_of_a_carried_page,
         broken_anchor_into_a_carried_page, anchor_appears_with_its_link, anchor_disappears_then_appears,
         anchor_of_a_built_address_disappears, unmasked_id_number_then_masked, dead_internal_link, script_in_a_body,
         linked_file_still_linked_by_a_carried_page, only_links_to_a_file_removed_then_linked_again,
         body_and_attachment_changed]


# ---- bodies only, but metadata derived from a body changed: carry or not, the site is the clean one's ------------


def first_paragraph_changed(h: History):
    """The front matter is byte-identical, yet the first paragraph is the derived 内容概述: the 目录 pages, the
    feeds, documents.json and the search export show it. Pages showing it may not be carried."""
    edit(h.doc("gf-2.md"), "招生工作的通知全文如下。", "招生工作的通知全文（修订）如下。")
    h.check(carried=None)
    assert "招生工作的通知全文（修订）如下" in h.page("xxgk/mulu/2025/index.html")
    assert "招生工作的通知全文（修订）如下" in h.page("dingyue/quanzhan.xml")


def consultation_body_emptied(h: History):
    """A 征集 with neither body nor 附件 is an input error (the public could not read the draft): both refuse."""
    path = h.root / "content/wj/jyj/2026/zj-1.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("---\n\n") + 5], encoding="utf-8")
    cached, _ = h.check(carried=None, fails=True)
    assert "意见征集既没有正文也没有附件" in cached.stderr


def _consultation_carried_at_half_past_four(h: History) -> str:
    """zj-1 (closes 12-05 17:00) filed in 工作动态 instead of a 意见征集 column: no list orders it by its status, so
    its page alone asks whether it is still open. A build at 16:00 (another day: pages carried only after their
    reads were checked on this day's clock), then one at 16:30 after a body change, which carries zj-1's page: that
    build asks the clock nothing about zj-1. Returns the page as it was (open)."""
    edit(h.root / "content/wj/jyj/2026/zj-1.md", "栏目: [yjzj]", "栏目: [gzdt]")
    h.env["GONGKAI_AS_OF"] = "2026-12-05 16:00"
    h.check()
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n下午补充一段。")
    h.env["GONGKAI_AS_OF"] = "2026-12-05 16:30"
    h.check()
    return h.page("wj/jyj/2026/zj-1/index.html")


def deadline_passes_after_a_carried_build(h: History):
    """At 17:30 the same day another body changes: zj-1's page must not be carried, it says the 征集 is open. The
    carried build's record held only the clock's answers to the pages it processed."""
    before = _consultation_carried_at_half_past_four(h)
    edit(h.doc("gf-3.md"), "下午补充一段。", "傍晚补充一段。")
    h.env["GONGKAI_AS_OF"] = "2026-12-05 17:30"
    h.check(carried=None)
    assert h.page("wj/jyj/2026/zj-1/index.html") != before


def deadline_passes_then_nothing_changed(h: History):
    """At 17:30 the same day nothing changed: the carried build is not replayed (its zj-1 page says open)."""
    before = _consultation_carried_at_half_past_four(h)
    h.env["GONGKAI_AS_OF"] = "2026-12-05 17:30"
    h.check(carried=None, changed=0)
    assert h.page("wj/jyj/2026/zj-1/index.html") != before


EITHER = [first_paragraph_changed, consultation_body_emptied, deadline_passes_after_a_carried_build,
          deadline_passes_then_nothing_changed]


# ---- no-carry cases: more than bodies changed, or something else may read pages --------------------------------



def body_while_the_published_site_was_edited(h: History):
    """A page of the published site was rewritten by hand since the last build (a page that would be carried)."""
    page = h.root / "site/wj/jyj/2024/gf-4/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n补充一段。")
    h.check(carried=False)
    assert "<!-- edited -->" not in h.page("wj/jyj/2024/gf-4/index.html")


def body_with_a_page_event_hook(h: History):
    """The sweep's hook (on_page_content, on_page_context) is back, built once; then only a body changes."""
    edit(h.root / "mkdocs.yml", "plugins:\n", HOOK_LINES + "plugins:\n")
    between = build(h.root, "site")
    assert between.returncode == 0, between.stderr[-3000:]
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n补充一段。")
    h.check(carried=False)
    assert "<!-- hook 1 -->" in h.page("wj/jyj/2024/gf-4/index.html")


def version_file_changed(h: History):
    """gf-3's 历史版本 (an earlier text, no document): its page changes, no document's body does."""
    edit(h.doc("gf-3/2025-09-01.md"), "原要求。", "原要求（修订前）。")
    h.check(carried=False)


NO_CARRY = [body_while_the_published_site_was_edited, body_with_a_page_event_hook,
            version_file_changed]


# ---- metadata changed, documents added or removed: pages that show none of it are carried ----------------------

FEEDBACK = """title: 关于《测试市学前教育管理办法（草案）》征求意见情况的反馈
栏目: [yjzj]
发布机构: jyj
成文日期: 2026-12-10
发布日期: 2026-12-10
索引号: 999100002/2026-00012
主题分类: 科技、教育
征集: 999100002/2026-00011
收到意见数: 3
采纳: 2
部分采纳: 1
未采纳: 0
"""


def title_changed(h: History):
    """A title: its page, its neighbours, the lists and 目录 pages that show it and the pages whose templates read
    it are made again; every other page is carried."""
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    h.check()
    assert "义务教育阶段招生工作" in h.page("wj/jyj/2025/gf-2/index.html")
    assert "义务教育阶段招生工作" in h.page("xxgk/jyj/zcwj/gfxwj/index.html")
    assert "做好义务教育阶段招生工作的通知" in h.page("xxgk/mulu/2025/index.html")


def original_retitled(h: History):
    """gf-1 is the 原文 of the 解读 jd-1, whose page names it: jd-1's own file is unchanged, its page is not
    carried (its subject shows the 原文's title)."""
    edit(h.doc("gf-1.md"), "title: 测试市教育局关于规范校外培训的通知", "title: 测试市教育局关于进一步规范校外培训的通知")
    h.check()
    assert "进一步规范校外培训" in h.page("wj/jyj/2025/jd-1/index.html")


def attachment_of_another_size(h: History):
    """gf-1's 附件 replaced by a larger file: the size beside its link is gf-1's metadata; the pages that show
    gf-1 render again, the others are carried."""
    (h.doc("fj/mingdan.xlsx")).write_bytes(xlsx(ID_MASKED + "、补充名单" * 300))
    h.check()


def document_added(h: History):
    write_doc(h.root, "jyj/2025/gf-5.md", GOOD_FRONT, "读书月活动通知全文如下。\n\n活动安排另行通知。\n")
    h.check()
    assert "gf-5" in h.page("xxgk/mulu/2025/index.html")


def document_removed(h: History):
    """szf gz-1 withdrawn: no body links it; the lists that showed it lose it, the search export withdraws it."""
    (h.root / "content/wj/szf/2025/gz-1.md").unlink()
    h.check()
    assert "城市绿化管理办法" not in h.page("xxgk/mulu/2025/index.html")
    assert not (h.root / "site/wj/szf/2025/gz-1/index.html").exists()
    assert '"withdrawn":["9999000009_999100001_2025-00001"]' in h.page(EXPORT_IDS)


def document_a_body_links_removed(h: History):
    """gf-2 withdrawn while jyj dt-1's body still links an anchor on it (and jyj gf-1 its built address): both
    builds refuse, the published site stays."""
    h.doc("gf-2.md").unlink()
    cached, _ = h.check(carried=None, fails=True)
    assert "gf-2.md" in cached.stderr


def feedback_published(h: History):
    """The 征集 zj-1 closed; on a later day (every page made again) its 反馈 is published: zj-1's own file is
    unchanged, but the banner above its draft now links the 反馈 (a plugin's decoration of its body, from
    another document): zj-1's page is not carried."""
    h.env["GONGKAI_AS_OF"] = "2026-12-10 12:00"
    h.check()
    before = h.page("wj/jyj/2026/zj-1/index.html")
    write_doc(h.root, "jyj/2026/fk-1.md", FEEDBACK, "本次征求意见共收到意见3条，采纳情况如下。\n")
    h.check()
    after = h.page("wj/jyj/2026/zj-1/index.html")
    assert after != before and "fk-1" in after


def body_on_another_day(h: History):
    """The next day: the 征集's days left change (its page, the lists ordering it); pages whose reads give the same
    on this day's clock are carried."""
    edit(h.doc("gf-3.md"), LINE, LINE + "\n\n次日补充。")
    h.env["GONGKAI_AS_OF"] = "2026-12-01 12:00"
    h.check()
    assert "还剩4天" in h.page("wj/jyj/2026/zj-1/index.html")


def nothing_changed_on_later_days(h: History):
    """Nothing but the day, three days running, then past the 征集's deadline: every build equals a clean one."""
    for day in ("2026-12-01 12:00", "2026-12-02 12:00", "2026-12-03 12:00", "2026-12-06 09:00"):
        h.env["GONGKAI_AS_OF"] = day
        h.check(changed=0)
    assert "还剩" not in h.page("wj/jyj/2026/zj-1/index.html")


METADATA = [body_on_another_day, nothing_changed_on_later_days, title_changed, original_retitled,
            attachment_of_another_size, document_added, document_removed, document_a_body_links_removed,
            feedback_published]


# ---- adversarial histories (metadata carrying): each cached build must equal the clean one -----------------------

DECISION = """title: 测试市教育局关于废止部分规范性文件的决定
栏目: [gfxwj]
发布机构: jyj
成文日期: 2025-10-08
发布日期: 2025-10-09
索引号: 999100002/2025-00040
主题分类: 科技、教育
文号: 测教发〔2025〕20号
文件类型: 行政规范性文件
废止: [测教发〔2024〕9号]
"""


def interpretation_repointed(h: History):
    """jd-1 now interprets gf-2 instead of gf-1: gf-1's page loses its 相关解读, gf-2's gains it."""
    edit(h.doc("jd-1.md"), "原文: 999100002/2025-00001", "原文: 999100002/2025-00002")
    h.check(carried=None)
    assert "相关解读" in h.page("wj/jyj/2025/gf-2/index.html")
    assert "相关解读" not in h.page("wj/jyj/2025/gf-1/index.html")


def index_number_changed(h: History):
    """gf-3's 索引号 changed: its page, lists, 目录, the export ids."""
    edit(h.doc("gf-3.md"), "索引号: 999100002/2025-00003", "索引号: 999100002/2025-00033")
    h.check(carried=None)


def original_index_number_changed(h: History):
    """gf-1's 索引号 changed while jd-1 still names the old one: both refuse (or both warn) alike."""
    edit(h.doc("gf-1.md"), "索引号: 999100002/2025-00001", "索引号: 999100002/2025-00051")
    h.check(carried=None, fails=None)


def duplicate_index_number_added(h: History):
    """A new document with gf-3's 索引号: both refuse; then the editor fixes it."""
    front = GOOD_FRONT.replace("999100002/2025-00020", "999100002/2025-00003")
    write_doc(h.root, "jyj/2025/gf-6.md", front, "读书月活动通知全文如下。\n")
    h.check(carried=None, fails=True)
    h.check(carried=None, fails=True)
    edit(h.doc("gf-6.md"), "999100002/2025-00003", "999100002/2025-00060")
    h.check(carried=None)


def moved_to_another_column(h: History):
    """gf-4 moved from 行政规范性文件 to 工作动态 (its own metadata only)."""
    edit(h.doc("../2024/gf-4.md"), "栏目: [gfxwj]", "栏目: [gzdt]")
    h.check(carried=None)


def moved_to_another_publisher(h: History):
    """szf gf-1 filed under jyj (its own metadata only): a warning or an error, alike."""
    edit(h.root / "content/wj/szf/2025/gf-1.md", "发布机构: szf", "发布机构: jyj")
    h.check(carried=None, fails=None)


def repealing_decision_added(h: History):
    """A 决定 abolishing gf-4: gf-4 becomes 废止 through another document."""
    write_doc(h.root, "jyj/2025/jd-9.md", DECISION, "决定废止下列文件。\n")
    h.check(carried=None)
    assert "废止" in h.page("wj/jyj/2024/gf-4/index.html")


def two_new_documents_shift_the_pages(h: History):
    """page_size 3: two new 规范性文件 push the older ones onto the next pages of every list."""
    for n, day in ((7, "10"), (8, "11")):
        front = GOOD_FRONT.replace("2025-00020", f"2025-0007{n}").replace("2025-06-04", f"2025-11-{day}") \
            .replace("11号", f"1{n}号").replace("读书月", f"读书月{n}")
        write_doc(h.root, f"jyj/2025/gf-{n}.md", front, "读书月活动通知全文如下。\n")
    h.check(carried=None)
    (h.doc("gf-8.md")).unlink()
    h.check(carried=None)


def two_titles_in_a_row(h: History):
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    h.check(carried=None)
    edit(h.doc("gf-3.md"), "近视防控", "近视综合防控")
    h.check(carried=None)
    edit(h.doc("gf-2.md"), "义务教育阶段招生工作", "义务教育招生工作")
    h.check(carried=None)


def title_and_body_of_one_document(h: History):
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    append(h.doc("gf-2.md"), "\n招生结果另行公布。\n")
    h.check(carried=None)


def title_and_attachment_at_once(h: History):
    edit(h.doc("gf-1.md"), "规范校外培训", "进一步规范校外培训")
    (h.doc("fj/mingdan.xlsx")).write_bytes(xlsx(ID_MASKED + "、补充名单" * 300))
    h.check(carried=None)


def title_then_clean_build_then_title(h: History):
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    h.check(carried=None)
    between = build(h.root, "site", NO_CACHE)
    assert between.returncode == 0, between.stderr[-3000:]
    edit(h.doc("gf-3.md"), "近视防控", "近视综合防控")
    h.check(carried=None)


DT2_FRONT = """title: 市教育局召开校园安全工作会议
栏目: [gzdt]
发布机构: jyj
成文日期: 2025-08-01
发布日期: 2025-09-01
索引号: 999100002/2025-00011
主题分类: 科技、教育
"""


def neighbour_changes_side(h: History):
    """jyj's 工作动态 gets a second document, newer than dt-1: dt-1's footer links it as the previous page. Then its
    发布日期 moves before dt-1's (its own metadata): dt-1 has the same one neighbour, now as the next page."""
    write_doc(h.root, "jyj/2025/dt-2.md", DT2_FRONT, "校园安全工作会议全文如下。\n")
    h.check(carried=None)
    edit(h.doc("dt-2.md"), "发布日期: 2025-09-01", "发布日期: 2025-08-01")
    h.check(carried=None)
    page = h.page("wj/jyj/2025/dt-1/index.html")
    assert 'rel="next"' in page and 'rel="prev"' not in page, page[-3000:]


def moved_to_another_publisher_with_its_index_number(h: History):
    """dcjd dt-1 re-filed under jyj with a jyj 索引号: jyj's 工作动态 now has two documents (neighbours)."""
    path = h.root / "content/wj/dcjd/2025/dt-1.md"
    edit(path, "发布机构: dcjd", "发布机构: jyj")
    edit(path, "索引号: 999100003/2025-00001", "索引号: 999100002/2025-00012")
    h.check(carried=None)


def feedback_for_a_consultation_outside_its_column(h: History):
    """zj-1 filed in 工作动态; on a later day its 反馈 is published, then withdrawn again the same day."""
    edit(h.root / "content/wj/jyj/2026/zj-1.md", "栏目: [yjzj]", "栏目: [gzdt]")
    h.env["GONGKAI_AS_OF"] = "2026-12-10 12:00"
    h.check()  # another day: pages carried after their reads were checked on this day's clock
    write_doc(h.root, "jyj/2026/fk-1.md", FEEDBACK, "本次征求意见共收到意见3条，采纳情况如下。\n")
    h.check(carried=None)
    (h.root / "content/wj/jyj/2026/fk-1.md").unlink()
    h.check(carried=None)


def title_then_body_then_title_back(h: History):
    """A title (metadata carrying), a body elsewhere (body carrying, from that build), the title back."""
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    h.check(carried=None)
    append(h.doc("gf-3.md"), "\n近视防控纳入考核。\n")
    h.check(carried=None)
    edit(h.doc("gf-2.md"), "义务教育阶段招生工作", "义务教育招生工作")
    h.check(carried=None)


def withdrawn_then_restored(h: History):
    """gf-4 withdrawn, then put back byte for byte: its pages and every list are as in the warm build."""
    path = h.doc("../2024/gf-4.md")
    text = path.read_text(encoding="utf-8")
    path.unlink()
    h.check(carried=None)
    path.write_text(text, encoding="utf-8")
    h.check(carried=None)


def built_address_links_unrecognized_quietly(h: History):
    """With MkDocs told to ignore links it does not recognise, jyj gf-1 (which links gf-2 by its built address,
    ``../gf-2/#cailiao``) renders without a word and may be carried; gf-2 retitled and its heading renamed in one
    step, then gf-2 withdrawn: gongkai's link check must find the broken link in both builds."""
    edit(h.root / "mkdocs.yml", "validation:\n", "validation:\n  links:\n    unrecognized_links: ignore\n")
    h.check(carried=False)
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")
    edit(h.doc("gf-2.md"), "{#cailiao}", "{#cailiao2}")
    cached, _ = h.check(carried=None, fails=True)
    assert "#cailiao" in cached.stderr
    edit(h.doc("gf-2.md"), "{#cailiao2}", "{#cailiao}")
    h.check(carried=None)
    edit(h.doc("dt-1.md"), "详见[招生通知的办理流程](gf-2.md#banli)。", "")
    h.doc("gf-2.md").unlink()
    cached, _ = h.check(carried=None, fails=True)
    assert "gf-2" in cached.stderr


def interpretation_retitled(h: History):
    """jd-1, the 解读 of gf-1, retitled: gf-1's own file is unchanged and its subject too, but its page lists its
    解读 by title (``interaction.interpretations_of(gf-1)``, a read no other page makes): gf-1 is made again, gf-2
    and gf-3 (the same reads of their own documents, answers unchanged) are carried."""
    edit(h.doc("jd-1.md"), "title: 《测试市教育局关于规范校外培训的通知》政策解读", "title: 规范校外培训政策问答")
    h.check()
    assert "规范校外培训政策问答" in h.page("wj/jyj/2025/gf-1/index.html")


def list_order_changes_not_its_members(h: History):
    """gf-1 republished later: the 规范性文件 lists hold the same three documents in another order (and gf-1's
    neighbours change); twice, and back."""
    edit(h.doc("gf-1.md"), "发布日期: 2025-03-05", "发布日期: 2025-06-01")
    h.check()
    page = h.page("xxgk/jyj/zcwj/gfxwj/index.html")
    assert page.index("规范校外培训") < page.index("近视防控") < page.index("义务教育招生")
    edit(h.doc("gf-1.md"), "发布日期: 2025-06-01", "发布日期: 2025-04-10")
    h.check()
    edit(h.doc("gf-1.md"), "发布日期: 2025-04-10", "发布日期: 2025-03-05")
    h.check()


def publisher_renamed_in_the_catalog(h: History):
    """jyj renamed in the catalog: every page showing its name (its documents, lists, 目录, homes) is made again;
    a catalog edit carries nothing, the pages whose reads do not show it keep their output."""
    edit(h.root / "catalog/organizations.yml", "名称: 测试市教育局", "名称: 测试市教育体育局")
    h.check(carried=False)
    assert "测试市教育体育局" in h.page("wj/jyj/2025/gf-2/index.html")
    edit(h.doc("gf-2.md"), "义务教育招生工作", "义务教育阶段招生工作")  # then a title: carried again
    h.check()


# Attacks that held (each build equal to the clean one): kept, as the histories they are.
ADVERSARIAL = [interpretation_repointed, index_number_changed, original_index_number_changed,
               duplicate_index_number_added, moved_to_another_column, moved_to_another_publisher,
               moved_to_another_publisher_with_its_index_number, repealing_decision_added,
               two_new_documents_shift_the_pages, two_titles_in_a_row, title_and_body_of_one_document,
               title_and_attachment_at_once, title_then_clean_build_then_title, title_then_body_then_title_back,
               withdrawn_then_restored, feedback_for_a_consultation_outside_its_column,
               built_address_links_unrecognized_quietly,
               # aimed at the shortcuts of made_as_before (seventh session)
               interpretation_retitled, list_order_changes_not_its_members, publisher_renamed_in_the_catalog]

METADATA.append(neighbour_changes_side)  # a defect found by the adversarial pass, fixed


@pytest.mark.parametrize("case", CARRY + EITHER + NO_CARRY + METADATA + ADVERSARIAL,
                         ids=[c.__name__ for c in CARRY + EITHER + NO_CARRY + METADATA + ADVERSARIAL])
def test_a_carried_build_equals_a_clean_one(history, case):
    case(history)
    assert history.checks


def test_an_unchanged_build_after_a_carried_one_is_replayed(history):
    """The carried build is recorded like any other: the next build, nothing changed, replays it (and equals clean).
    On main before carrying this failed too, for another reason: a build that finds the last record but not the same
    inputs reads its instant exactly in ``Replay._differs`` (``dt.datetime.isoformat`` of the aware Instant
    makes zoneinfo read its hour and minute) and so is never recorded; only the build after it is."""
    append(history.doc("gf-2.md"), "\n招生结果另行公布。\n")
    history.check()
    history.check(carried=None, replay=True)


def test_the_fixture_exercises_what_the_cases_change(warm_site):
    """The links, anchors, files and pages the cases change are in the warm site, and nothing was carried there."""
    root, warm, total = warm_site
    site = warm / "site"

    def page(rel):
        return (site / rel).read_text(encoding="utf-8")

    gf2 = page("wj/jyj/2025/gf-2/index.html")
    assert 'id="banli"' in gf2 and 'id="cailiao"' in gf2 and 'href="../fj/biaoge.xlsx"' in gf2
    assert 'href="../gf-2/#banli"' in page("wj/jyj/2025/dt-1/index.html")
    assert 'href="../gf-2/#cailiao"' in page("wj/jyj/2025/gf-1/index.html")
    assert 'href="../../../jyj/2025/fj/biaoge.xlsx"' in page("wj/szf/2025/gf-1/index.html")
    assert (site / "wj/jyj/2025/fj/biaoge.xlsx").is_file()
    assert "原要求。" in page("wj/jyj/2025/gf-3/2025-09-01/index.html")
    assert "还剩5天" in page("wj/jyj/2026/zj-1/index.html")
    assert "<!-- hook 1 -->" not in page("wj/jyj/2024/gf-4/index.html")  # no page-event hook: carrying may happen
    assert len(json.loads(page("search/export/meilisearch-documents.json"))) == 11
    assert (site / "dingyue/quanzhan.xml").is_file() and (site / "llms.txt").is_file()
    assert total > 60



# ---- pages that are not documents (seventh session): their Markdown is in their own key only -----------------

KEPT_OUTPUT = re.compile(r"构建缓存：(\d+) 个页面的输出与上次构建相同")
HOME = "content/index.md"


def home_page_body(h: History):
    """A new paragraph on the home page: its title and front matter are the same, so every other page's stored
    output is kept (before, every page was made again); the build equals a clean one."""
    edit(h.root / HOME, "[政府信息公开](xxgk/)", "[政府信息公开](xxgk/)\n\n首页新增一句。")
    cached, _ = h.check(carried=False)
    kept = KEPT_OUTPUT.search(cached.stderr)
    assert kept and int(kept.group(1)) > h.total // 2, cached.stderr[-3000:]
    assert "首页新增一句" in h.page("index.html")


def home_page_retitled(h: History):
    """The home page's title (its first heading), which every page's nav and footer may show: no stored page is
    kept, and the build equals a clean one."""
    edit(h.root / HOME, "# 测试市", "# 测试市人民政府")
    cached, _ = h.check(carried=False)
    assert not KEPT_OUTPUT.search(cached.stderr), cached.stderr[-3000:]
    assert "测试市人民政府" in h.page("xxgk/index.html")


def home_page_front_matter(h: History):
    """A key of the home page's front matter: no stored page is kept (a nav may show a page's meta), and the build
    equals a clean one; the next build, its body changed again, keeps them again."""
    edit(h.root / HOME, "template: dated.html\n", "template: dated.html\ndescription: 测试市政府门户\n")
    cached, _ = h.check(carried=False)
    assert not KEPT_OUTPUT.search(cached.stderr), cached.stderr[-3000:]
    edit(h.root / HOME, "[政府信息公开](xxgk/)", "[政府信息公开](xxgk/)\n\n又一句。")
    cached, _ = h.check(carried=False)
    kept = KEPT_OUTPUT.search(cached.stderr)
    assert kept and int(kept.group(1)) > h.total // 2, cached.stderr[-3000:]


NAV_PAGES = [home_page_body, home_page_retitled, home_page_front_matter]


@pytest.mark.parametrize("case", NAV_PAGES, ids=[c.__name__ for c in NAV_PAGES])
def test_a_page_that_is_not_a_document_changed(history, case):
    case(history)
