"""The portal frame and the pages a citizen starts from, checked in the built demo site's HTML (no browser):
skip link and utility bar on every page, zh-CN, no 0 counts, 最新公开 with 更多, the 目录 opening on a year,
no blank metadata cells, prev/next within the column, footer identity links, the 申请表 page and its DOCX."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from gongkai.catalog import load_catalog
from kit import build, copy_mini

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT / "catalog")


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(demo_site) -> dict[str, str]:
    return {p.parent.relative_to(demo_site).as_posix(): p.read_text(encoding="utf-8")
            for p in demo_site.rglob("index.html")}


def test_every_page_has_the_frame(pages, demo_site):
    assert len(pages) > 800
    for url, text in [*pages.items(), ("404", (demo_site / "404.html").read_text(encoding="utf-8"))]:
        assert '<html lang="zh-CN"' in text, url
        assert text.count('class="gk-skip" href="#gk-main"') == 1 and 'id="gk-main"' in text, url
        assert text.index('class="gk-skip"') < text.index('data-md-component="header"'), url
        for control in ("data-gk-elder", "data-gk-contrast", 'data-gk-font="1"', "data-gk-speak"):
            assert control in text, (url, control)
        assert 'class="gk-tabs"' in text, url
        assert "material/library" not in text and 'assets/gongkai/emblem.svg' in text, url


def test_404_is_chinese(demo_site):
    text = (demo_site / "404.html").read_text(encoding="utf-8")
    assert "页面未找到" in text and "404 - Not found" not in text


def test_current_tab_is_marked(pages):
    tab = re.search(r'<a class="gk-tabs__link" href="[^"]*"( aria-current="\w+")?>意见征集</a>', pages["xxgk/yjzj"])
    assert tab and tab.group(1) == ' aria-current="page"'
    assert re.search(r'aria-current="true">政府信息公开</a>', pages["xxgk/jyj/yjzj"])


def test_footer_links_the_police_record_and_the_badge_verification(pages):
    text = pages["xxgk"]
    site = CATALOG.site
    assert f'href="https://beian.mps.gov.cn/#/query/webSearch?code={site.police_code}"' in text
    assert site.conac_url.startswith("https://")
    assert f'href="{site.conac_url}"' in text.replace("&amp;", "&")
    assert "gaba.svg" in text


def test_no_zero_counts_and_the_catalog_reason_instead(pages):
    for url in ("xxgk", "xxgk/jyj", "xxgk/dcjd", "xxgk/szf/zn"):
        assert not re.search(r'class="gk-count">0<', pages[url]), url
        assert "aria-label" not in re.sub(r"<(?!span class=\"gk-count)[^>]*>", "", pages[url]).split("gk-count")[0]
    reason = CATALOG.columns["zd"].empty_reasons["jyj"]
    assert f"暂无信息：{reason}" in pages["xxgk/jyj"]


def test_homes_lead_with_latest_and_more_and_an_apply_box(pages):
    for url, directory in (("xxgk", "mulu/"), ("xxgk/jyj", "mulu/")):
        text = pages[url]
        latest, tree = text.index('id="gk-latest-title"'), text.index('id="gk-tree-title"')
        assert latest < tree, url
        assert re.search(rf'class="gk-more" href="{directory}">更多', text), url
        box = text[text.index('id="gk-apply-box-title"'):]
        for words in ("政府信息公开指南", "申请表", "申请方式和办理流程", "受理机构"):
            assert words in box[:1500], (url, words)
    assert 'href="sqb/">申请表' in pages["xxgk/jyj"] and "示例市教育局办公室" in pages["xxgk/jyj"]


def test_directory_opens_on_the_newest_year(pages):
    text = pages["xxgk/mulu"]
    assert "请选择年份" not in text
    newest = max(int(y) for y in re.findall(r'>(\d{4})年（\d+）', text))
    assert f'<span aria-current="page">{newest}年' in text
    assert text.count('data-label="名称"') >= 20


def test_metadata_boxes_have_no_blank_cells(pages):
    documents = {u: t for u, t in pages.items() if u.startswith("wj/") or re.match(r"xxgk/\w+/nb/\d{4}$", u)}
    # a 历史版本 page (an earlier text of a document) is not a document and has no metadata box of its own
    versions = {u for u, t in documents.items() if '<article class="gk-document gk-version">' in t}
    assert versions and all('<table class="gk-meta">' not in documents[u] for u in versions)
    documents = {u: t for u, t in documents.items() if u not in versions}
    assert len(documents) > 300
    for url, text in documents.items():
        meta = text[text.index('<table class="gk-meta">'):text.index("</table>", text.index('<table class="gk-meta">'))]
        assert not re.search(r"<td>\s*</td>", meta), url


def resolve(url: str, href: str) -> str:
    parts = url.split("/")
    for piece in href.rstrip("/").split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def test_prev_next_stay_within_the_column_and_the_publisher(pages):
    checked = 0
    for url, text in sorted(pages.items()):
        if not url.startswith("wj/"):
            continue
        crumbs = re.search(r'aria-label="当前位置">.*?</nav>', text, re.S).group(0)
        column = resolve(url, re.findall(r'<a href="([^"]+)"', crumbs)[-1])  # the document's main column page
        listed = "".join(t for u, t in pages.items() if u == column or u.startswith(column + "/page/"))
        for href in re.findall(r'<a href="([^"]+)" class="md-footer__link', text):
            target = resolve(url, href)
            slug = "/".join(target.split("/")[-3:]) + "/"
            assert slug in listed, (url, target, column)  # the neighbour is listed in the same column page
            checked += 1
    assert checked > 200
    for url in ("xxgk", "xxgk/yjzj", "xxgk/jyj", "xxgk/mulu"):
        assert "md-footer__link" not in pages[url], url  # generated pages do not chain unrelated columns


def test_generated_pages_have_no_table_of_contents_sidebar(pages):
    for url in ("xxgk", "xxgk/yjzj", "xxgk/szf/nb", "xxgk/szf/nb/2025", "xxgk/szf/sqb", "xxgk/mulu"):
        assert re.search(r'data-md-type="toc"\s+hidden', pages[url]), url


def test_application_form_page_and_docx_from_the_guide_data(pages, demo_site):
    org = CATALOG.organizations["jyj"]
    text = pages["xxgk/jyj/sqb"]
    assert f"<h1 class=\"gk-form-title\">{org.name}政府信息公开申请表</h1>" in text
    for words in ("所需政府信息的名称、文号或者便于查询的其他特征性描述", "获取信息的方式", org.guide.office,
                  org.guide.phone, org.guide.email, "打印申请表（A4）"):
        assert words in text, words
    docx_path = demo_site / "xxgk/jyj/sqb/jyj-zfxxgk-sqb.docx"
    assert 'href="jyj-zfxxgk-sqb.docx" download' in text
    word = DocxDocument(io.BytesIO(docx_path.read_bytes()))
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert {"姓名", "获取信息的方式", org.guide.office, org.guide.phone}.issubset(cells)
    assert any(p.text == f"{org.name}政府信息公开申请表" for p in word.paragraphs)
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # linked from the 指南, the 依申请公开 page of the 发布主体 and the site-wide one
    assert 'href="../sqb/"' in pages["xxgk/jyj/zn"] and 'href="../ysqgk/"' in pages["xxgk/jyj/zn"]
    assert 'href="../sqb/"' in pages["xxgk/jyj/ysqgk"]
    assert 'href="../jyj/sqb/"' in pages["xxgk/ysqgk"]


def test_docx_is_the_same_bytes_on_every_build(demo_site, tmp_path):
    from gongkai.applyform import application_form, form_docx
    org = CATALOG.organizations["jyj"]
    assert form_docx(application_form(org)) == (demo_site / "xxgk/jyj/sqb/jyj-zfxxgk-sqb.docx").read_bytes()


@pytest.mark.build
def test_a_missing_site_emblem_file_fails_the_build(tmp_path):
    root = copy_mini(tmp_path)
    site_yml = root / "catalog" / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + "网站标志: images/logo.svg\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "site.yml" in result.stderr and "网站标志文件“images/logo.svg”不存在" in result.stderr
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert 'src="images/logo.svg"' in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_application_form_asks_for_no_fee_waiver():
    """条例（2019）第四十二条: a request costs nothing, so the 申请表 has no “是否申请减免费用” row to tick; it says
    instead when a 信息处理费 may be charged."""
    from gongkai.applyform import application_form
    from gongkai.catalog import load_catalog
    from kit import MINI

    form = application_form(next(iter(load_catalog(MINI / "catalog").organizations.values())))
    labels = [label for block in form.blocks for label, _ in block.rows]
    assert not any("减免" in label or "费用" in label for label in labels)
    assert any(note.startswith("依申请提供政府信息不收取费用") and "第四十二条" in note for note in form.notes)
