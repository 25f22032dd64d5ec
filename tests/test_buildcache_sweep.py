"""The mutation sweep (issue 20): a cached build equals a build without the cache, in exit status and in every
byte, after any one input of any class changed.

A small site with every feature the cache has to see through — snippets inside and outside ``docs_dir``
(pymdownx.snippets), an override template and a partial, a template folder reached through a symlink, a hooks
file that imports a module of the site, a 年报 data file, an XLSX attachment scanned for 个人信息 — is built once
with an empty cache. Each case takes a copy of that warm site, changes one input (sometimes with a cached build in
between, as a real history would have), then builds it with the cache and without (``GONGKAI_CACHE=0``) into
two fresh folders and compares both.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import zstandard

from kit import ENV, MINI, mkdocs_build

pytestmark = pytest.mark.build

NO_CACHE = {"GONGKAI_CACHE": "0"}
BASE_ENV = {"GONGKAI_AS_OF": "2026-11-30 12:00", "SOURCE_DATE_EPOCH": "1795000000", "SWEEP_DESCRIPTION": "说明一"}

ID_MASKED = "110105********002X"
ID_PLAIN = "11010519491231002X"  # a valid 身份证号 (check digit X), the classic example number

MKDOCS_YML = """\
site_name: 测试市政府信息公开
site_description: !ENV [SWEEP_DESCRIPTION, 说明]
docs_dir: content
theme:
  name: material
  language: zh
  font: false
  custom_dir: overrides
  features: [navigation.footer, navigation.indexes]
hooks:
  - hooks/sweep_hook.py
plugins:
  - gongkai/catalog:
      page_size: 3
  - gongkai/reports
  - gongkai/interaction
  - gongkai/checks:
      checks: [pii, links]
markdown_extensions:
  - pymdownx.snippets:
      base_path: [content/snip, snippets]
      check_paths: true
"""

NB_COLUMN = """  - id: gknb
    名称: 政府信息公开年报
    类型: 年报
    更新类别: 无
  - id: zcjd
    名称: 政策解读
    类型: 政策解读
    更新类别: 无
  - id: yjzj
    名称: 意见征集
    类型: 意见征集
    更新类别: 无
"""
# A 解读 of gf-1 and a 征集 open at the sweep's instant (2026-11-30 12:00) that closes on 2026-12-05 at 17:00.
INTERPRETATION = """---
title: 《测试市教育局关于规范校外培训的通知》政策解读
栏目: [zcjd]
发布机构: jyj
成文日期: 2025-03-06
发布日期: 2025-03-06
索引号: 999100002/2025-00031
主题分类: 科技、教育
原文: 999100002/2025-00001
解读形式: 文字
---

一、制定背景。
"""
CONSULTATION = """---
title: 测试市教育局关于公开征求《测试市学前教育管理办法（草案）》意见的通知
栏目: [yjzj]
发布机构: jyj
成文日期: 2026-11-01
发布日期: 2026-11-01
索引号: 999100002/2026-00011
主题分类: 科技、教育
征集开始: 2026-11-01
征集截止: 2026-12-05 17:00
征集类型: 重大行政决策
征集单位: 测试市教育局
反馈方式:
  邮箱: jyj@example.gov.cn
---

征求意见稿全文：第一条 为了规范学前教育……
"""

HOOK = '''\
import os

import hookmod


def on_page_content(html, page, config, files):
    return html + hookmod.MARK


def on_page_context(context, page, config, nav):
    # A file of the site's own that the hook reads: opened by the build, an input nobody declared.
    if page.file.src_uri == "index.md":
        with open(os.path.join(os.path.dirname(config.config_file_path), "data/motto.txt"), encoding="utf-8") as fh:
            context["sweep_motto"] = fh.read().strip() + os.environ.get("SWEEP_MOTTO_END", "")
    # A site's own value from a document, on a page that lists none of gf-3's column: recorded, not declared.
    if page.file.src_uri == "xxgk/gzdt/index.md":
        doc = config.plugins["gongkai/catalog"].document_by_id("wj/jyj/2025/gf-3")
        if doc is not None:  # deleted or renamed by a case
            context["sweep_doc_title"] = doc.title
    return context
'''

MAIN_HTML = """{% extends "base.html" %}
{% block site_meta %}{{ super() }}<meta name="sweep" content="main-1">{% if sweep_doc_title is defined %}
<meta name="sweep-doc" content="{{ sweep_doc_title }}">{% endif %}{% endblock %}
"""
COPYRIGHT_HTML = """<div class="md-copyright">partial-1 {% include "sweep/note.html" %}</div>
"""
# The home page's template shows MkDocs' build date: that page is never reused, the others are.
DATED_HTML = """{% extends "main.html" %}
{% block content %}{{ super() }}<p>更新于 {{ page.update_date }}</p><p>{{ sweep_motto }}</p>{% endblock %}
"""


def xlsx(text: str) -> bytes:
    """A workbook with ``text`` in A1, stored uncompressed: same-length texts give files of the same size."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = text
    book.active["B1"] = "申请人名单"
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, (2025, 1, 1, 0, 0, 0)), src.read(info.filename))
    return out.getvalue()


def make_site(root: Path) -> Path:
    shutil.copytree(MINI, root)
    with open(root / "catalog/columns.yml", "a", encoding="utf-8") as fh:
        fh.write(NB_COLUMN)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    reports = root / "content/reports/jyj"
    reports.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures/reports/valid-2021.yml", reports / "2023.yml")
    (root / "content/snip").mkdir()
    (root / "content/snip/inside.txt").write_text("内部片段一\n", encoding="utf-8")
    (root / "snippets").mkdir()
    (root / "snippets/outside.md").write_text("外部片段一\n", encoding="utf-8")
    doc = root / "content/wj/jyj/2025/gf-1.md"
    text = doc.read_text(encoding="utf-8").replace(
        "---\n\n", "附件:\n  - 名称: 申请人名单\n    文件: fj/mingdan.xlsx\n---\n\n", 1)
    doc.write_text(text + '\n--8<-- "inside.txt"\n\n--8<-- "outside.md"\n', encoding="utf-8")
    (root / "content/wj/jyj/2025/jd-1.md").write_text(INTERPRETATION, encoding="utf-8")
    (root / "content/wj/jyj/2026").mkdir()
    (root / "content/wj/jyj/2026/zj-1.md").write_text(CONSULTATION, encoding="utf-8")
    (root / "content/wj/jyj/2025/fj").mkdir()
    (root / "content/wj/jyj/2025/fj/mingdan.xlsx").write_bytes(xlsx(ID_MASKED))
    index = root / "content/index.md"
    index.write_text("---\ntemplate: dated.html\n---\n\n" + index.read_text(encoding="utf-8") +
                     '\n--8<-- "outside.md"\n', encoding="utf-8")
    (root / "hooks").mkdir()
    (root / "hooks/sweep_hook.py").write_text(HOOK, encoding="utf-8")
    (root / "hooks/hookmod.py").write_text('MARK = "<!-- hook 1 -->"\n', encoding="utf-8")
    (root / "data").mkdir()
    (root / "data/motto.txt").write_text("公开为常态一\n", encoding="utf-8")
    (root / "overrides/partials").mkdir(parents=True)
    (root / "overrides/main.html").write_text(MAIN_HTML, encoding="utf-8")
    (root / "overrides/partials/copyright.html").write_text(COPYRIGHT_HTML, encoding="utf-8")
    (root / "overrides/dated.html").write_text(DATED_HTML, encoding="utf-8")
    (root / "shared-templates").mkdir()
    (root / "shared-templates/note.html").write_text("note-1\n", encoding="utf-8")
    (root / "overrides/sweep").symlink_to("../shared-templates", target_is_directory=True)
    # Optional readers made unimportable, as a site without the checks extra would be.
    (root / "no-readers").mkdir()
    (root / "no-readers/sitecustomize.py").write_text(
        "import sys\nfor name in ('openpyxl', 'pypdf'):\n    sys.modules[name] = None\n", encoding="utf-8")
    return root


def build(root: Path, site: str, env: dict | None = None):
    return mkdocs_build(root / "mkdocs.yml", root / site, env={**BASE_ENV, **(env or {})})


def without_readers(root: Path) -> dict:
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(root / "no-readers"), os.environ.get("PYTHONPATH")]))}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a built site; gzip files unpacked (their header holds the time of compression)."""
    out = {}
    if not site.is_dir():
        return out
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return out


def rewrite_entries(root: Path, kind: str | None, value: bytes, limit: int | None = None) -> int:
    """Replace stored entries (of ``kind``, or of every kind but the file's own bookkeeping) with ``value``."""
    db = sqlite3.connect(root / ".cache/gongkai/cache.sqlite")
    where = "kind = ?" if kind else "kind NOT IN ('format', 'stats')"
    keys = db.execute(f"SELECT kind, key FROM entries WHERE {where}", (kind,) if kind else ()).fetchall()
    for k, key in keys[:limit]:
        db.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?", (value, k, key))
    db.commit()
    db.close()
    return len(keys[:limit])


# ---- the cases: (change the copy; the environment of the two final builds) -----------------------------------


def content_body(root, env):
    edit(root / "content/wj/jyj/2025/gf-2.md", "\n\n", "\n\n新增一段正文。\n\n")


def content_page(root, env):
    edit(root / "content/index.md", '--8<-- "outside.md"', '首页新增一句。\n\n--8<-- "outside.md"')


def catalog_file(root, env):
    edit(root / "catalog/columns.yml", "名称: 工作动态", "名称: 工作动态信息")


def overrides_template(root, env):
    edit(root / "overrides/main.html", "main-1", "main-2")


def overrides_partial(root, env):
    edit(root / "overrides/partials/copyright.html", "partial-1", "partial-2")


def symlinked_template_folder(root, env):
    edit(root / "shared-templates/note.html", "note-1", "note-2")


def reports_data(root, env):
    edit(root / "content/reports/jyj/2023.yml", "主动公开政府信息830条", "主动公开政府信息831条")


def snippet_inside_docs(root, env):
    edit(root / "content/snip/inside.txt", "内部片段一", "内部片段二")


def snippet_outside_docs(root, env):
    edit(root / "snippets/outside.md", "外部片段一", "外部片段二")


def hook_module(root, env):
    edit(root / "hooks/hookmod.py", "hook 1", "hook 2")


def setting(root, env):
    edit(root / "mkdocs.yml", "page_size: 3", "page_size: 2")


def environment_variable(root, env):
    env["SWEEP_DESCRIPTION"] = "说明二"


def build_instant(root, env):
    env["GONGKAI_AS_OF"] = "2027-04-02 09:00"


def update_date_shown(root, env):
    env["SOURCE_DATE_EPOCH"] = str(int(BASE_ENV["SOURCE_DATE_EPOCH"]) + 3 * 86400)


def deleted_document(root, env):
    (root / "content/wj/jyj/2025/gf-3.md").unlink()


def renamed_document(root, env):
    (root / "content/wj/jyj/2025/gf-3.md").rename(root / "content/wj/jyj/2025/gf-9.md")


def reader_made_unimportable(root, env):
    env.update(without_readers(root))


def reader_importable_again(root, env):
    """The unmasked number arrives while openpyxl cannot be imported (only "not scanned"); then it can be."""
    (root / "content/wj/jyj/2025/fj/mingdan.xlsx").write_bytes(xlsx(ID_PLAIN))
    first = build(root, "between", without_readers(root))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "未能扫描" in first.stderr


def same_size_same_mtime(root, env):
    """The attachment rewritten in place, same size, mtime put back (cp -p, rsync -t, coarse filesystems)."""
    path = root / "content/wj/jyj/2025/fj/mingdan.xlsx"
    first = build(root, "between")  # the stored stamps are this copy's paths and inodes
    assert first.returncode == 0, first.stderr[-3000:]
    before = path.stat()
    new = xlsx(ID_PLAIN)
    assert len(new) == before.st_size
    with open(path, "r+b") as fh:  # in place: the inode stays
        fh.write(new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def document_title(root, env):
    edit(root / "content/wj/jyj/2025/gf-2.md", "义务教育招生工作", "义务教育阶段招生工作")


def consultation_closed_by_the_clock(root, env):
    """The 征集 closed between two builds (12-05 17:00): its status and days left change, nothing in a file."""
    env["GONGKAI_AS_OF"] = "2026-12-06 09:00"


def interpretation_relinked(root, env):
    """The 解读 now interprets gf-2 instead of gf-1: both 原文 pages change, and the 解读's own."""
    edit(root / "content/wj/jyj/2025/jd-1.md", "原文: 999100002/2025-00001", "原文: 999100002/2025-00002")


def title_a_hook_shows(root, env):
    edit(root / "content/wj/jyj/2025/gf-3.md", "title: ", "title: 修订：")


def organization_renamed(root, env):
    edit(root / "catalog/organizations.yml", "名称: 测试市东城街道办事处", "名称: 测试市东城街道办事处（更名）")


def file_a_hook_reads(root, env):
    edit(root / "data/motto.txt", "公开为常态一", "公开为常态二")


def variable_a_hook_reads(root, env):
    env["SWEEP_MOTTO_END"] = "！"


def nothing_changed(root, env):
    """The same inputs over the site the last build published: replayed (test_an_unchanged_build_is_replayed)."""


def the_clock_within_the_day(root, env):
    """Three hours later on the same day, no 征集 opening or closing in between: replayed too."""
    env["GONGKAI_AS_OF"] = "2026-11-30 15:00"


def a_deadline_passed_within_the_day(root, env):
    """The last build ran at 16:00 on the day the 征集 closes (17:00); this one at 17:30: same date, another status."""
    first = build(root, "site", {"GONGKAI_AS_OF": "2026-12-05 16:00"})
    assert first.returncode == 0, first.stderr[-3000:]
    env["GONGKAI_AS_OF"] = "2026-12-05 17:30"


def the_published_site_changed(root, env):
    """A file of the site the last build published was rewritten since (a hand edit, a deploy step)."""
    page = root / "site/wj/jyj/2025/gf-1/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")


def entry_of_the_wrong_shape(root, env):
    assert rewrite_entries(root, None, b"j" + zstandard.ZstdCompressor().compress(b"[1, 2]")) > 0


def entry_inflating_without_limit(root, env):
    bomb = b"s" + zstandard.ZstdCompressor(level=19).compress(b" " * (300 << 20))  # 300 MB of spaces in 10 KB
    assert rewrite_entries(root, "page", bomb, limit=1) == 1


CASES = [content_body, content_page, catalog_file, overrides_template, overrides_partial, symlinked_template_folder,
         reports_data, snippet_inside_docs, snippet_outside_docs, hook_module, setting, environment_variable,
         build_instant, update_date_shown, deleted_document, renamed_document, reader_made_unimportable,
         reader_importable_again, same_size_same_mtime, entry_of_the_wrong_shape, entry_inflating_without_limit,
         document_title, consultation_closed_by_the_clock, interpretation_relinked, organization_renamed,
         title_a_hook_shows, file_a_hook_reads, variable_a_hook_reads, nothing_changed, the_clock_within_the_day,
         a_deadline_passed_within_the_day, the_published_site_changed]
# Cases after which the last build is replayed (gongkai/plugins/catalog/replay.py): every input is the same (a
# damaged page entry is not an input: the replay reads none).
REPLAYED = {nothing_changed, the_clock_within_the_day, entry_inflating_without_limit}
REPLAY = "构建缓存：所有输入与上次构建相同"


@pytest.fixture(scope="module")
def warm_site(tmp_path_factory) -> tuple[Path, Path]:
    """(the site, a copy of it with its warm cache). The cache's keys hold the site's absolute paths (docs_dir …),
    so each case restores the copy at the same place instead of building a copy elsewhere, which would be cold."""
    base = tmp_path_factory.mktemp("sweep")
    root = make_site(base / "site-src")
    result = build(root, "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / ".cache/gongkai/cache.sqlite").is_file()
    shutil.copytree(root, base / "warm", symlinks=True)
    return root, base / "warm"


@pytest.mark.parametrize("change", CASES, ids=[c.__name__ for c in CASES])
def test_a_cached_build_equals_a_clean_one(warm_site, change):
    """The cached build runs over the site the last build published, as a publish does: the page cache, the
    unchanged output it links, and the replay of an unchanged build are each what a clean build makes."""
    root, warm = warm_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)  # times kept: the site is as the warm build left it
    env: dict = {}
    change(root, env)
    cached = build(root, "site", env)
    clean = build(root, "clean", {**env, **NO_CACHE})
    assert "Traceback" not in cached.stderr, cached.stderr[-3000:]
    assert cached.returncode == clean.returncode, (cached.stderr[-3000:], clean.stderr[-3000:])
    assert (REPLAY in cached.stderr) == (change in REPLAYED), cached.stderr[-3000:]
    if cached.returncode:  # both refused to publish: the last site stays as it was, and the clean build made none
        assert tree(root / "site") == tree(warm / "site") and tree(root / "clean") == {}
        return
    a, b = tree(root / "site"), tree(root / "clean")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


REUSED = re.compile(r"构建缓存：(\d+) 个页面中 (\d+) 个未变")


def rendered(result) -> tuple[int, int, set[str]]:
    """(pages in the site, pages whose template ran, their names) as the build's summary and debug log give them."""
    found = REUSED.search(result.stderr)
    assert found, result.stderr[-3000:]
    names = set(re.findall(r"构建缓存：重新生成 (\S+?)(?:（|$)", result.stderr, re.M))
    return int(found.group(1)), int(found.group(1)) - int(found.group(2)), names


# A change, the pages that must be rendered again (they show it), and how many may be: what a template actually
# read (issue 20). Until then each of these rendered every list page (or every page) of the site again.
FOCUSED = [
    # its page, its neighbours', the lists and 目录 pages it is on, the homes' 最新公开: 14 of 71
    (document_title, {"wj/jyj/2025/gf-2.md", "wj/jyj/2025/gf-1.md", "xxgk/zcwj/gfxwj/index.md",
                      "xxgk/jyj/zcwj/gfxwj/index.md", "xxgk/mulu/2025/index.md", "xxgk/jyj/index.md"}, 16),
    # the 征集's page and the 意见征集 lists (and the home, which shows the build's date): 4
    (consultation_closed_by_the_clock, {"wj/jyj/2026/zj-1.md", "xxgk/yjzj/index.md", "xxgk/jyj/yjzj/index.md"}, 6),
    # the 解读, both 原文 pages, the lists showing the 解读: 10
    (interpretation_relinked, {"wj/jyj/2025/jd-1.md", "wj/jyj/2025/gf-1.md", "wj/jyj/2025/gf-2.md",
                               "xxgk/zcjd/index.md"}, 12),
    # its documents, its own pages, the pages that list 发布主体 (homes, site-wide columns, 目录): 24
    (organization_renamed, {"wj/dcjd/2025/dt-1.md", "xxgk/dcjd/index.md", "xxgk/gzdt/index.md"}, 26),
    # the value a site's hook puts in one page's context is recorded there too
    (title_a_hook_shows, {"wj/jyj/2025/gf-3.md", "xxgk/gzdt/index.md"}, 16),
]


@pytest.mark.parametrize("change, must, most", FOCUSED, ids=[c[0].__name__ for c in FOCUSED])
def test_a_change_renders_only_the_pages_that_show_it(warm_site, change, must, most):
    root, warm = warm_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)
    shutil.rmtree(root / "site")
    env: dict = {}
    change(root, env)
    # -v: the debug log names every page whose template ran
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-v", "--strict", "-f", str(root / "mkdocs.yml"), "-d",
                             str(root / "cached")], capture_output=True, text=True, cwd=root,
                            env={**os.environ, **ENV, **BASE_ENV, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    total, count, names = rendered(result)
    assert count <= most <= total * 0.4, (count, total)
    assert count == len(names) and must <= names, (must - names, sorted(names))


def test_a_restored_copy_is_warm(warm_site):
    """The cases start from a warm cache: with nothing changed every page is reused."""
    root, warm = warm_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)
    result = build(root, "again")
    found = re.search(r"构建缓存：(\d+) 个页面中 (\d+) 个未变", result.stderr)
    # every page but the home page, which shows the build's date
    assert found and int(found.group(2)) == int(found.group(1)) - 1 > 40, result.stderr[-2000:]


def test_the_fixture_exercises_what_the_cases_change(warm_site):
    """Each input the cases change reaches the warm site's pages (else a case would prove nothing)."""
    site = warm_site[1] / "site"
    pages = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for mark in ("内部片段一", "外部片段一", "<!-- hook 1 -->", "main-1", "partial-1", "note-1", "830", "公开为常态一"):
        assert mark in pages, mark
    assert "更新于 20" in pages
    # the 解读 on its 原文's page, the 征集's days left at the build's instant, the 发布主体 renamed by a case
    original = (site / "wj/jyj/2025/gf-1/index.html").read_text(encoding="utf-8")
    assert "《测试市教育局关于规范校外培训的通知》政策解读" in original
    assert "还剩5天" in (site / "wj/jyj/2026/zj-1/index.html").read_text(encoding="utf-8")
    assert "测试市东城街道办事处" in (site / "wj/dcjd/2025/dt-1/index.html").read_text(encoding="utf-8")
    gf3 = re.search(r"^title: (.+)$", (warm_site[1] / "content/wj/jyj/2025/gf-3.md").read_text(encoding="utf-8"), re.M)
    assert f'name="sweep-doc" content="{gf3.group(1)}"' in (site / "xxgk/gzdt/index.html").read_text(encoding="utf-8")
