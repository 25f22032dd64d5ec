"""The persistent build cache never changes the output (issue 13, docs/performance.md).

Each scenario builds the demo cold (empty cache), changes the sources as an editor or the calendar would, builds
again with the cache, and compares that site byte for byte with a build of the changed sources without any cache.
"""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from kit import DEMO_CLOCK, ROOT, differences, mkdocs_build

# The demo forks the cache's writer and the checks' page readers: what they leave behind is part of what is tested,
# so these builds fork under pytest-xdist too (tests/conftest.py).
pytestmark = [pytest.mark.build, pytest.mark.forked_workers]

NO_CACHE = {"GONGKAI_CACHE": "0"}
REUSED = re.compile(r"构建缓存：(\d+) 个页面中 (\d+) 个未变")


def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    for name in ("catalog", "content", "overrides"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def build(root: Path, site: str = "site", env: dict | None = None):
    result = mkdocs_build(root / "mkdocs.yml", root / site, env={**DEMO_CLOCK, **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def reused(result) -> tuple[int, int]:
    """(pages, pages taken from the cache) as the build reported them."""
    found = REUSED.search(result.stderr)
    assert found, result.stderr[-2000:]
    return int(found.group(1)), int(found.group(2))


def assert_same_as_cold(root: Path, env: dict | None = None):
    """The cached build in site/ is byte for byte a build of the same sources without the cache."""
    build(root, "cold", env={**(env or {}), **NO_CACHE})
    assert differences(root / "site", root / "cold") == []
    # MkDocs' sitemap.xml.gz carries the time of compression in its header: compared unpacked.
    assert gzip.decompress((root / "site/sitemap.xml.gz").read_bytes()) == \
        gzip.decompress((root / "cold/sitemap.xml.gz").read_bytes())
    shutil.rmtree(root / "cold")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def warm_demo(tmp_path_factory):
    """A demo copy built once with an empty cache; scenarios then change it in turn."""
    root = demo_copy(tmp_path_factory.mktemp("cache"))
    first = build(root)
    assert reused(first)[1] == 0
    assert (root / ".cache/gongkai/cache.sqlite").is_file()
    return root


def test_unchanged_sources_reuse_every_page(warm_demo):
    assert "构建缓存：所有输入与上次构建相同" in build(warm_demo).stderr  # over the site it published: replayed
    shutil.rmtree(warm_demo / "site")  # no site to keep: every page from the page cache
    total, hits = reused(build(warm_demo))
    assert hits == total > 800
    assert_same_as_cold(warm_demo)


def test_one_body_changed_renders_that_page_again(warm_demo):
    doc = warm_demo / "content/wj/jyj/2026/zj-minsheng.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text + "\n## 补充说明\n\n意见也可通过信函寄送至示例市教育局。\n", encoding="utf-8")
    total, hits = reused(build(warm_demo))
    assert total - hits == 1  # the document's own page, nothing else
    assert "补充说明" in (warm_demo / "site/wj/jyj/2026/zj-minsheng/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(warm_demo)


def test_a_changed_version_file_renders_its_page_again(warm_demo):
    """历史版本: the earlier text is its own page's Markdown; its 说明 is the current document's metadata."""
    version = warm_demo / "content/wj/szf/2024/cxdbbf/2025-12-12.md"
    edit(version, "30日内完成审核", "30日内完成审核并告知申请人")
    total, hits = reused(build(warm_demo))
    assert total - hits == 1  # the version's page, nothing else
    page = (warm_demo / "site/wj/szf/2024/cxdbbf/2025-12-12/index.html").read_text(encoding="utf-8")
    assert "并告知申请人" in page
    assert_same_as_cold(warm_demo)
    edit(warm_demo / "content/wj/szf/2024/cxdbbf.md", "（审核时限为30日）", "（审核时限30日）")
    build(warm_demo)
    for rel in ("cxdbbf", "cxdbbf/2025-12-12"):
        assert "（审核时限30日）" in (warm_demo / f"site/wj/szf/2024/{rel}/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(warm_demo)


def test_a_changed_title_reaches_the_lists_that_show_it_and_no_other(warm_demo):
    doc = warm_demo / "content/wj/jyj/2026/zj-minsheng.md"
    title = re.search(r"^title: (.+)$", doc.read_text(encoding="utf-8"), re.M).group(1)
    edit(doc, f"title: {title}", f"title: {title}（修订稿）")
    total, hits = reused(build(warm_demo))
    # Recorded reads (issue 20): its own page, its neighbours', the lists, homes and 目录 pages it appears on —
    # not every list of the site (until issue 20 about 400 pages of the demo's 926).
    assert 0 < total - hits < 40
    shown = [p for p in (warm_demo / "site").rglob("*.html") if f"{title}（修订稿）" in p.read_text(encoding="utf-8")]
    assert len(shown) >= 5
    assert_same_as_cold(warm_demo)


def test_a_new_document(warm_demo):
    source = warm_demo / "content/wj/jyj/2026/zj-minsheng.md"
    text = source.read_text(encoding="utf-8")
    numbers = re.search(r"^索引号: (\S+)$", text, re.M).group(1)
    new = re.sub(r"^索引号: .+$", f"索引号: {numbers[:-1]}9", text, flags=re.M)
    new = re.sub(r"^title: .+$", "title: 示例市教育局关于征集校园安全管理意见的公告", new, flags=re.M)
    new = re.sub(r"^文号: .+\n", "", new, flags=re.M)
    (source.parent / "zj-xiaoyuan.md").write_text(new, encoding="utf-8")
    result = build(warm_demo)
    total, hits = reused(result)
    # Most pages show nothing of it: carried over (not even their Markdown converted); the others rendered or from
    # the page cache.
    carried = re.search(r"构建缓存：(\d+) 个页面的输入与上次构建相同", result.stderr)
    assert carried and int(carried.group(1)) + hits > 300, result.stderr[-2000:]
    assert (warm_demo / "site/wj/jyj/2026/zj-xiaoyuan/index.html").is_file()
    assert_same_as_cold(warm_demo)


def test_a_new_interpretation_reaches_its_original(warm_demo):
    """A 解读 published today shows on its 原文's page, which the new document's key alone would not reach."""
    source = warm_demo / "content/wj/sthjj/2026/jd-pwxkzhgl.md"
    text = source.read_text(encoding="utf-8")
    new = text.replace("索引号: 999000105/2026-00901", "索引号: 999000105/2026-00907")
    new = new.replace("title: 一图读懂", "title: 图说").replace("解读形式: 图解", "解读形式: 文字")
    (source.parent / "jd-pwxkzhgl-2.md").write_text(new, encoding="utf-8")
    build(warm_demo)
    original = (warm_demo / "site/wj/sthjj/2026/pwxkzhgl/index.html").read_text(encoding="utf-8")
    assert "图说《示例市排污许可证后管理工作规程》" in original
    assert_same_as_cold(warm_demo)


def test_a_feedback_title_reaches_its_consultation(warm_demo):
    doc = warm_demo / "content/wj/szf/2026/fk-tingche.md"
    title = re.search(r"^title: (.+)$", doc.read_text(encoding="utf-8"), re.M).group(1)
    edit(doc, f"title: {title}", f"title: {title}（更正）")
    build(warm_demo)
    consultation = (warm_demo / "site/wj/szf/2026/zj-tingche/index.html").read_text(encoding="utf-8")
    assert f"{title}（更正）" in consultation
    assert_same_as_cold(warm_demo)


def test_catalog_change(warm_demo):
    columns = warm_demo / "catalog/columns.yml"
    edit(columns, "名称: 政府信息公开制度", "名称: 政府信息公开工作制度")
    total, hits = reused(build(warm_demo))
    assert hits == 0
    assert_same_as_cold(warm_demo)


def test_site_settings_change(warm_demo):
    edit(warm_demo / "mkdocs.yml", "site_name: 示例市人民政府门户网站", "site_name: 示例市人民政府网")
    total, hits = reused(build(warm_demo))
    assert hits == 0
    assert_same_as_cold(warm_demo)


def test_a_consultation_closing_within_the_day(warm_demo):
    """征集 status changes at 17:00: same date, other status — the pages that show it are not reused."""
    before, after = {"GONGKAI_AS_OF": "2026-12-15 16:00"}, {"GONGKAI_AS_OF": "2026-12-15 18:00"}
    build(warm_demo, env=before)
    total, hits = reused(build(warm_demo, env=after))
    assert hits < total
    assert_same_as_cold(warm_demo, env=after)


def test_the_next_day(warm_demo):
    """Lists and homes are rendered again on a new day; document pages only where a 征集's days left changed."""
    day = {"GONGKAI_AS_OF": "2026-12-16 09:00"}
    build(warm_demo, env={"GONGKAI_AS_OF": "2026-12-15 09:00"})
    result = build(warm_demo, env=day)
    total, hits = reused(result)
    carried = re.search(r"构建缓存：(\d+) 个页面的输入与上次构建相同", result.stderr)
    assert carried and 300 < int(carried.group(1)) + hits and hits < total, result.stderr[-2000:]
    assert_same_as_cold(warm_demo, env=day)


def test_an_override_showing_the_build_time_is_never_reused(tmp_path):
    """Found while rendering (issue 20): the pages that print it are never reused; an override that names it
    without printing it (a block no page uses) no longer turns the cache off."""
    root = demo_copy(tmp_path)
    (root / "overrides/partials").mkdir(parents=True, exist_ok=True)
    (root / "overrides/partials/copyright.html").write_text(
        '{% extends "material/partials/copyright.html" %}{% block x %}{{ build_date_utc }}{% endblock %}',
        encoding="utf-8")
    build(root)
    shutil.rmtree(root / "site")  # else the unchanged build is replayed (replay.py): no page would be looked up
    total, hits = reused(build(root))
    assert hits == total
    (root / "overrides/partials/copyright.html").write_text(
        '<div class="md-copyright">{{ build_date_utc.year }}</div>', encoding="utf-8")
    build(root)
    assert reused(build(root))[1] == 0  # and a build that shows its instant is never replayed either


# ---- the cache itself -------------------------------------------------------------------------------------------


def test_a_damaged_cache_is_a_cold_build(tmp_path):
    root = demo_copy(tmp_path)
    cache = root / ".cache/gongkai/cache.sqlite"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    result = build(root)
    assert "无法使用" in result.stderr and "本次完整构建" in result.stderr
    assert reused(result)[1] == 0
    with sqlite3.connect(cache) as db:  # replaced by this build's
        assert db.execute("SELECT count(*) FROM entries WHERE kind = 'page'").fetchone()[0] > 800
    assert_same_as_cold(root)


def test_a_failed_build_keeps_the_last_clean_cache(tmp_path):
    root = demo_copy(tmp_path)
    build(root)
    cache = root / ".cache/gongkai/cache.sqlite"
    before = cache.read_bytes()
    index = root / "content/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[旧链接](meiyou.md)\n", encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", env=DEMO_CLOCK)
    assert result.returncode == 1 and "meiyou.md" in result.stderr
    assert cache.read_bytes() == before
    assert not list(cache.parent.glob(".*"))  # nothing left behind


def test_a_build_that_warns_does_not_save_its_cache(tmp_path):
    """Without --strict a warning does not fail the build, but its pages are not kept: the next build says it
    again."""
    root = demo_copy(tmp_path)
    edit(root / "mkdocs.yml", "strict: true", "strict: false\nvalidation:\n  absolute_links: warn")
    index = root / "content/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[编辑手册](/bangzhu/)\n", encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", strict=False, env=DEMO_CLOCK)
    assert result.returncode == 0 and "WARNING" in result.stderr and "absolute link '/bangzhu/'" in result.stderr
    assert not (root / ".cache/gongkai/cache.sqlite").exists()
    assert not list((root / ".cache/gongkai").glob(".*"))


@pytest.mark.parametrize("how", ["env", "setting"])
def test_the_cache_can_be_turned_off(tmp_path, how):
    root = demo_copy(tmp_path)
    env = NO_CACHE if how == "env" else {}
    if how == "setting":
        edit(root / "mkdocs.yml", "      section: xxgk\n", "      section: xxgk\n      cache: false\n")
    result = build(root, env=env)
    assert "构建缓存" not in result.stderr
    assert not (root / ".cache").exists()


def test_serve_rebuilds_from_the_cache(tmp_path):
    """`mkdocs serve` (make serve): an edit is rebuilt with every other page taken from the cache."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from kit import ENV

    root = demo_copy(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=root, stdout=log, stderr=subprocess.STDOUT, text=True,
                            env={**__import__("os").environ, **ENV, **DEMO_CLOCK})
    page = f"http://127.0.0.1:{port}/wj/jyj/2026/zj-minsheng/"

    def wait_for(predicate, what: str, timeout: float = 90):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if proc.poll() is not None:
                break
            try:
                if predicate():
                    return
            except OSError:
                pass
            time.sleep(0.3)
        log.seek(0)
        pytest.fail(f"{what}:\n{log.read()[-3000:]}")

    try:
        wait_for(lambda: urllib.request.urlopen(page, timeout=5).status == 200, "serve did not start")
        doc = root / "content/wj/jyj/2026/zj-minsheng.md"
        doc.write_text(doc.read_text(encoding="utf-8") + "\n追加的一段说明文字。\n", encoding="utf-8")
        wait_for(lambda: "追加的一段说明文字" in urllib.request.urlopen(page, timeout=5).read().decode(),
                 "the edit was not served")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log.seek(0)
    counts = [tuple(map(int, m)) for m in REUSED.findall(log.read())]
    assert len(counts) >= 2 and counts[0][1] == 0, counts
    assert any(total - hits == 1 for total, hits in counts[1:]), counts  # the edited page, nothing else
