"""有效性 seen everywhere a citizen looks (issue 21), on the demo built for the tests' instant (2026-11-30): the
banner on an abolished, amended, not yet in force and expired document, the links both ways, the status in lists,
the 目录, search, feeds and documents.json, the 目录's 现行有效 view and the search filter, in Chromium at 1366, 1280
and 390 px."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import feedparser
import pytest

from test_feeds import load_json, validator

ABOLISHED = "wj/szf/2024/cqlszdgl/"  # 示政发〔2024〕2号, abolished by 示政发〔2025〕14号 on 2025-12-12
AMENDED = "wj/szf/2024/cxdbbf/"  # the 低保办法: amended by the same 决定, still in force
DECISION = "wj/szf/2025/fzgfxwj2025/"  # 示政发〔2025〕14号 lists both itself
NOT_YET = "wj/szf/2026/gf-gongzi/"  # 示政规〔2026〕9号, in force from 2027-01-01
EXPIRED = "wj/rsj/2024/wgfh2024/"  # 执行至 2024-12-31
REPLACED = "wj/mzj/2024/lsjz2024/"  # abolished by its 2026 revision when that took effect


def html(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


def banner(page: str) -> str:
    found = re.search(r'<div class="gk-validity [^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no 有效性 banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_banners_state_date_and_basis(demo_site):
    assert banner(html(demo_site, ABOLISHED)) == (
        "废止：本文件已于 2025-12-12 废止，不再执行。 "
        "废止依据：示例市人民政府关于废止和修改部分行政规范性文件的决定（示政发〔2025〕14号）")
    assert banner(html(demo_site, AMENDED)).startswith("已修改（仍有效）：本文件经修改后继续有效")
    assert "修改依据：示例市人民政府关于废止和修改部分行政规范性文件的决定（示政发〔2025〕14号），2025-12-12 起施行" \
        in banner(html(demo_site, AMENDED))
    assert banner(html(demo_site, NOT_YET)) == "尚未施行：本文件自 2027-01-01 起施行，目前尚未施行。"
    assert banner(html(demo_site, EXPIRED)) == "失效：本文件有效期至 2024-12-31，已失效，不再执行。"
    assert "废止依据：示例市民政局关于印发示例市临时救助实施办法（2026年修订）的通知" in banner(html(demo_site, REPLACED))
    page = html(demo_site, ABOLISHED)
    # before the metadata box and the first paragraph, linking the 决定
    assert page.index('class="gk-validity ') < page.index('class="gk-meta"') < page.index('class="gk-body"')
    assert 'href="../../2025/fzgfxwj2025/"' in page.split('class="gk-meta"')[0]
    assert 'class="gk-validity ' not in html(demo_site, "wj/szf/2025/myjjcs/")  # simply in force: no banner


def test_the_decision_lists_what_it_abolished_and_amended(demo_site):
    page = html(demo_site, DECISION)
    section = page[page.index('id="gk-decided-title"'):]
    section = section[:section.index("</section>")]
    assert "废止（1 件）" in section and 'href="../../2024/cqlszdgl/"' in section
    assert "修改（1 件）" in section and 'href="../../2024/cxdbbf/"' in section


def test_revision_record_on_the_page_and_in_the_feed(demo_site):
    page = html(demo_site, AMENDED)
    assert 'id="gk-rev-title">修订记录</h2>' in page and "2025-12-12</time>　按示政发〔2025〕14号在页首标注修改情况" in page
    assert "更新日期 <time" in page
    feed = feedparser.parse((demo_site / "dingyue/lanmu-gfxwj.xml").read_bytes())
    entries = {e.link.rsplit("/", 2)[-2]: e for e in feed.entries}
    entry = entries["gf-gongzi"]
    assert "有效性：尚未施行（2027-01-01 起施行）" in entry.summary
    assert "修订记录：2026-11-20 补充非全日制用工小时最低工资标准" in entry.summary
    assert entry.updated.startswith("2026-11-20") and entry.published.startswith("2026-11-18")


def test_status_in_lists_and_the_directory(demo_site):
    column = html(demo_site, "xxgk/szf/fdzdgknr/zcwj/gfxwj")
    for title, badge in (("城区临时占道管理办法", "repealed\">废止"), ("最低工资标准", "pending\">尚未施行"),
                         ("最低生活保障办法", "amended\">已修改（仍有效）")):
        row = next(r for r in column.split("<tr") if title in r)
        assert f"gk-validity-badge--{badge}" in row, title
    directory = html(demo_site, "xxgk/mulu/2024")
    row = next(r for r in directory.split("<tr") if "城区临时占道管理办法" in r)
    assert "gk-validity-badge--repealed\">废止" in row
    # the 目录's 现行有效 view: 规章 and 行政规范性文件 in force today — not the abolished, expired or not yet in force
    current = html(demo_site, "xxgk/mulu/xxyx")
    assert "最低生活保障办法" in current and "gk-validity-badge--amended" in current
    for gone in ("城区临时占道管理办法", "最低工资标准", "稳岗返还", "临时救助实施办法的通知"):
        assert gone not in current, gone
    assert "现行有效的规章和行政规范性文件" in html(demo_site, "xxgk/mulu")
    assert "只看现行有效的规章和行政规范性文件" in column


def test_an_interpretation_marks_its_original_when_not_simply_in_force(demo_site):
    """A citizen reading a 解读 sees at once that the 原文 it explains is not (or not yet) in force."""
    page = html(demo_site, "wj/szf/2026/jd-gongzi")
    originals = page[page.index('id="gk-jd-originals"'):page.index("</section>", page.index('id="gk-jd-originals"'))]
    assert '../gf-gongzi/">示例市人民政府关于调整全市最低工资标准的通知</a>' in originals
    assert '<span class="gk-validity-badge gk-validity-badge--pending">尚未施行</span>' in originals


def test_documents_json_carries_dates_and_basis(demo_site):
    data = load_json(demo_site / "data/documents.json")
    validator("documents").validate(data)
    by_number = {r["文号"]: r for r in data["文件"] if r["文号"]}
    abolished = by_number["示政发〔2024〕2号"]
    assert (abolished["有效性"], abolished["废止日期"], abolished["施行日期"]) == ("废止", "2025-12-12", "2024-03-01")
    assert abolished["废止依据"]["文号"] == "示政发〔2025〕14号"
    assert abolished["废止依据"]["网址"].endswith("/wj/szf/2025/fzgfxwj2025/")
    assert by_number["示政发〔2024〕8号"]["有效性"] == "已修改（仍有效）"
    assert [a["文号"] for a in by_number["示政发〔2025〕14号"]["废止文件"]] == ["示政发〔2024〕2号"]
    assert [a["文号"] for a in by_number["示政发〔2025〕14号"]["修改文件"]] == ["示政发〔2024〕8号"]
    assert by_number["示政规〔2026〕9号"]["有效性"] == "尚未施行"
    assert by_number["示人社发〔2024〕3号"]["有效性"] == "失效"


def test_search_index_holds_the_status_and_the_filter(demo_site):
    data = demo_site / "search" / "data"
    meta = json.loads(gzip.decompress((data / "meta.bin").read_bytes()))
    assert meta["facets"]["v"][0] == "现行有效" and {"废止", "失效", "尚未施行", "已修改（仍有效）"} <= set(meta["facets"]["v"])
    states = {}
    for path in (data / "d").rglob("*.bin"):
        fragment = json.loads(gzip.decompress(path.read_bytes()))
        states[fragment["u"]] = fragment.get("v")
    assert states[ABOLISHED] == "废止" and states[NOT_YET] == "尚未施行" and states[AMENDED] == "已修改（仍有效）"


# ---- in Chromium ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width, height", [(1366, 768), (1280, 800), (390, 844)])
def test_validity_is_seen_before_the_first_paragraph(page, demo_url, width, height, tmp_path):
    page.set_viewport_size({"width": width, "height": height})
    for rel, word in ((ABOLISHED, "废止"), (AMENDED, "已修改（仍有效）"), (NOT_YET, "尚未施行"), (EXPIRED, "失效")):
        page.goto(f"{demo_url}/{rel}")
        box = page.locator(".gk-validity")
        assert box.is_visible() and box.locator("strong").inner_text() == word
        top = box.bounding_box()
        first = page.locator(".gk-body p").first.bounding_box()
        assert top["y"] + top["height"] <= height, f"{rel} at {width}px: banner below the first screen"
        assert top["y"] < first["y"]
    page.goto(f"{demo_url}/{ABOLISHED}")
    page.screenshot(path=str(tmp_path / f"abolished-{width}.png"))
    page.locator(".gk-validity a").click()
    page.wait_for_url(f"**/{DECISION}")
    assert page.locator("#gk-decided-title").is_visible()


def test_search_marks_and_filters_by_validity(page, demo_url):
    page.goto(f"{demo_url}/search/?q=临时救助")
    page.wait_for_selector(".gk-hit")
    hit = page.locator(".gk-hit", has_text="临时救助实施办法的通知").filter(has_not_text="2026年修订")
    assert hit.locator(".gk-validity-badge").inner_text() == "废止"
    page.goto(f"{demo_url}/search/?q=临时救助&v=现行有效")
    page.wait_for_selector(".gk-hit")
    titles = page.locator(".gk-hit__title").all_inner_texts()
    assert any("2026年修订" in t for t in titles) and not any("实施办法的通知 废止" in t for t in titles)
    assert page.locator("#gk-v").input_value() == "现行有效"


def test_old_words_without_dates_keep_building_and_a_contradiction_fails(tmp_path):
    from kit import build, copy_mini, write_doc

    from test_validity import front

    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2024/a.md", front(1, "有效性: 废止"))
    write_doc(root, "jyj/2024/b.md", front(2, "有效性: 尚未施行"))
    write_doc(root, "jyj/2024/c.md", front(3, "有效性: 已修改"))
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = lambda name: (root / "site" / "wj" / "jyj" / "2024" / name / "index.html").read_text(encoding="utf-8")
    assert banner(page("a")) == "废止：本文件已废止，不再执行。"
    assert banner(page("b")) == "尚未施行：本文件尚未施行。"
    assert banner(page("c")) == "已修改（仍有效）：本文件经修改后继续有效，请按修改后的规定执行。"
    assert "a.md:11: 有效性: 有效性为“废止”，但没有写废止日期" in result.stderr  # a warning, logged
    write_doc(root, "jyj/2024/b.md", front(2, "有效性: 有效\n施行日期: 2099-01-01"))
    result = build(root)
    assert result.returncode == 1
    assert "b.md:11: 有效性: 有效性写的是“有效”，但按施行日期 2099-01-01" in result.stderr
