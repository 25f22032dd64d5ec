"""历史版本 (issue 21, item 3): the 低保办法's text before 示政发〔2025〕14号 at <its address>2025-12-12/, marked and
linked both ways, and no document anywhere else (lists, 目录, feeds, documents.json, search); each editor's mistake
named with file, line and fix; the page in Chromium at 1366 and 390 px."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from kit import build, copy_mini, write_doc
from test_validity import front

CURRENT = "wj/szf/2024/cxdbbf/"
VERSION = CURRENT + "2025-12-12/"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_version_page_is_marked_and_links_to_the_current_text(demo_site):
    page = text(demo_site / VERSION / "index.html")
    banner = page[page.index('class="gk-validity gk-validity--expired gk-version__banner"'):]
    banner = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", banner[:banner.index("</div>")].split(">", 1)[1])).strip()
    assert banner.startswith("历史版本：本页是下列文件修改前的文本，自 2025-12-12 起已不再适用")
    assert "现行文本：示例市人民政府关于印发示例市城乡居民最低生活保障办法的通知（示政发〔2024〕8号）" in banner
    assert re.search(r'现行文本：<a href="\.\./">', page)
    assert page.index("gk-version__banner") < page.index('class="gk-title"') < page.index('class="gk-body"')
    assert "自受理之日起30日内完成审核" in page  # the earlier text …
    assert "20个工作日" in text(demo_site / CURRENT / "index.html")  # … and the current one
    assert '<meta name="robots" content="noindex">' in page
    assert 'class="gk-meta"' not in page and "999000001/2024-00015" not in page  # no document of its own


def test_the_current_page_lists_its_versions_near_the_revisions(demo_site):
    page = text(demo_site / CURRENT / "index.html")
    section = page[page.index('id="gk-ver-title"'):]
    section = section[:section.index("</section>")]
    assert '<a href="2025-12-12/"><time datetime="2025-12-12">2025-12-12</time> 以前的文本</a>' in section
    assert page.index('id="gk-ver-title"') < page.index('id="gk-rev-title"')


def test_a_version_is_no_document(demo_site):
    data = json.loads(text(demo_site / "data" / "documents.json"))
    urls = [record["网址"] for record in data["文件"]]
    assert any(u.endswith(CURRENT) for u in urls) and not any("2025-12-12" in u for u in urls)
    assert len([u for u in urls if CURRENT in u]) == 1
    elsewhere = [p for p in demo_site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
                 and CURRENT not in p.as_posix() + "/" and p.name != "sitemap.xml"
                 and re.search(r'2025-12-12/(index\.html)?["\')]', p.read_text(encoding="utf-8", errors="replace"))]
    assert elsewhere == []  # no list, 目录, feed, llms.txt or JSON names it
    search = demo_site / "search" / "data"
    pages = {json.loads(gzip.decompress(p.read_bytes()))["u"] for p in (search / "d").rglob("*.bin")}
    assert CURRENT in pages and VERSION not in pages
    for path in search.rglob("*.bin"):
        assert "30日内完成审核".encode() not in gzip.decompress(path.read_bytes())


def test_each_mistake_is_named_with_file_line_and_fix(tmp_path):
    root = copy_mini(tmp_path)
    versions = "历史版本:\n  - 日期: 2025-02-01\n    说明: 修改前\n  - 日期: 2099-01-01\n  - 日期: 2025-05-01"
    write_doc(root, "jyj/2024/a.md", front(1, versions))
    write_doc(root, "jyj/2024/b.md", front(2, "历史版本:\n  - 日期: 2025-13-01"))
    folder = root / "content" / "wj" / "jyj" / "2024" / "a"
    folder.mkdir()
    (folder / "2025-02-01.md").write_text("修改前的正文。\n", encoding="utf-8")
    (folder / "2099-01-01.md").write_text("将来。\n", encoding="utf-8")
    (folder / "2025-03-03.md").write_text("没有列出。\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    err = result.stderr
    assert "b.md:12: 历史版本 · 日期: 日期“2025-13-01”无效，应为 YYYY-MM-DD 格式的真实日期" in err
    assert "a.md:14: 历史版本: 历史版本的日期 2099-01-01 晚于今天（" in err
    assert "a.md:15: 历史版本: 历史版本 2025-05-01 的文本文件“content/wj/jyj/2024/a/2025-05-01.md”不存在" in err
    assert "content/wj/jyj/2024/a/2025-03-03.md: 这是“a.md”的历史版本文件，但该文件的“历史版本”没有列出日期 2025-03-03" \
        in err
    assert err.count("（修改方法：") >= 5  # every message carries its fix

    # a version file written as a document: refused, not published as a second copy
    write_doc(root, "jyj/2024/a.md", front(1, "历史版本:\n  - 日期: 2025-02-01"))
    (root / "content" / "wj" / "jyj" / "2024" / "b.md").unlink()
    (folder / "2099-01-01.md").unlink()
    (folder / "2025-03-03.md").unlink()
    write_doc(root, "jyj/2024/a/2025-02-01.md", front(2))
    result = build(root)
    assert result.returncode == 1
    assert "content/wj/jyj/2024/a/2025-02-01.md: 历史版本文件写了文件的元数据（索引号、发布机构、栏目）" in result.stderr

    (folder / "2025-02-01.md").write_text("修改前的正文。\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = text(root / "site" / "wj" / "jyj" / "2024" / "a" / "2025-02-01" / "index.html")
    assert "历史版本" in page and "修改前的正文。" in page


def test_a_phone_number_only_the_version_page_shows_whole_is_refused(tmp_path):
    """个人信息 in a 历史版本's rendered text, split in its source by escapes (as on a document's page)."""
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/checks:\n      checks: [pii]\n",
                      encoding="utf-8")
    write_doc(root, "jyj/2024/a.md", front(1, "历史版本:\n  - 日期: 2025-02-01"))
    folder = root / "content" / "wj" / "jyj" / "2024" / "a"
    folder.mkdir()
    (folder / "2025-02-01.md").write_text("修改前的正文。联系人王某，电话 137\\-0013\\-8000。\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "content/wj/jyj/2024/a/2025-02-01.md" in result.stderr and "手机号" in result.stderr
    assert not (root / "site").exists()

    (folder / "2025-02-01.md").write_text("修改前的正文。联系人王某，电话 137\\-****\\-8000。\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr[-2000:]


# ---- in Chromium ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_version_page_in_chromium(page, demo_url, width, height, tmp_path):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{demo_url}/{VERSION}")
    box = page.locator(".gk-version__banner")
    assert box.is_visible() and box.locator("strong").inner_text() == "历史版本"
    top = box.bounding_box()
    assert top["y"] + top["height"] <= height, "the marker is below the first screen"
    assert top["y"] < page.locator(".gk-body p").first.bounding_box()["y"]
    page.screenshot(path=str(tmp_path / f"version-{width}.png"), full_page=True)
    box.locator("a").click()
    page.wait_for_url(f"**/{CURRENT}")
    page.locator("#gk-ver-title").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"current-{width}.png"))
    page.locator(".gk-versions a").click()
    page.wait_for_url(f"**/{VERSION}")
