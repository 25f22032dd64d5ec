"""Build tests: every column × 发布主体 page exists, lists exactly its documents in order, paginates, and every
document page has its metadata box and breadcrumbs. The expected lists come from an independent reading of the
front matter here, not from the plugin's models."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from kit import ROOT
from kit import build, copy_mini

pytestmark = pytest.mark.build

ROW_RE = re.compile(r'<td class="gk-list__title"[^>]*><a href="([^"]+)">([^<]+)</a>')
META_FIELDS = ("索引号", "主题分类", "发布机构", "成文日期", "名称", "文号", "发布日期", "有效性")


def read_site(src_root: Path, documents_dir="wj"):
    """(catalog columns by id, orgs by id, documents) read straight from the YAML files."""
    cat = src_root / "catalog"
    orgs = {o["id"]: o for o in yaml.safe_load((cat / "organizations.yml").read_text("utf-8"))["发布主体"]}
    columns, parents = {}, {}

    def walk(entries, parent, inherited):
        for entry in entries:
            applies = tuple(entry.get("适用", inherited))
            columns[entry["id"]] = dict(entry, applies=applies, kind=entry.get("类型", "文件列表"))
            parents[entry["id"]] = parent
            walk(entry.get("子栏目", []), entry["id"], applies)

    walk(yaml.safe_load((cat / "columns.yml").read_text("utf-8"))["栏目"], None,
         ("人民政府", "政府部门", "乡镇（街道）", "其他单位"))
    docs = []
    for path in sorted((src_root / "content" / documents_dir).rglob("*.md")):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", path.stem) and path.parent.with_suffix(".md").is_file():
            continue  # a document's 历史版本 (its earlier text), no document itself
        front = yaml.safe_load(path.read_text("utf-8").split("---")[1])
        rel = path.relative_to(src_root / "content").with_suffix("")
        cols = front["栏目"] if isinstance(front["栏目"], list) else [front["栏目"]]
        docs.append(dict(front, url=f"{rel.as_posix()}/", columns=cols))
    return columns, parents, orgs, docs


def path_of(columns, parents, col_id):
    parts = []
    while col_id:
        parts.append(col_id)
        col_id = parents[col_id]
    return "/".join(reversed(parts))


def listed(site: Path, page_dir: str) -> list[tuple[str, str]]:
    """(href, title) of every listed document on a column page, following the pagination."""
    rows, n = [], 1
    while True:
        page = site / page_dir / ("" if n == 1 else f"page/{n}/") / "index.html"
        if not page.exists():
            assert n > 1, f"missing column page {page}"
            return rows
        text = page.read_text("utf-8")
        table = text.split('<table class="gk-list ', 1)
        if len(table) == 2:
            rows += [(href, html.unescape(title)) for href, title in ROW_RE.findall(table[1].split("</table>")[0])]
        n += 1


def verify(src_root: Path, site: Path, page_size: int, section="xxgk", sorters=None):
    columns, parents, orgs, docs = read_site(src_root)
    expected = defaultdict(list)
    for doc in docs:
        for col in doc["columns"]:
            expected[(col, doc["发布机构"])].append(doc)
            expected[(col, None)].append(doc)
    checked = 0
    for col_id, column in columns.items():
        if column["kind"] in ("指南",) or (sorters and column["kind"] in sorters):
            continue
        scopes = [None] + [o for o in orgs if orgs[o]["类型"] in column["applies"]]
        for org in scopes:
            page_dir = "/".join(p for p in (section, org, path_of(columns, parents, col_id)) if p)
            want = sorted(expected[(col_id, org)], key=lambda d: (str(d["发布日期"]), d["索引号"]), reverse=True)
            got = listed(site, page_dir)
            assert [t for _, t in got] == [d["title"] for d in want], page_dir
            assert all(h.endswith(d["url"]) for (h, _), d in zip(got, want)), page_dir
            pages = max(1, -(-len(want) // page_size))
            assert (site / page_dir / "page" / str(pages + 1)).exists() is False
            if pages > 1:
                assert (site / page_dir / "page" / str(pages) / "index.html").exists()
            checked += 1
    for doc in docs:
        text = (site / doc["url"] / "index.html").read_text("utf-8")
        box = text.split('class="gk-meta"', 1)[1].split("</table>")[0]
        for label in META_FIELDS:
            assert f'<th scope="row">{label}</th>' in box, (doc["url"], label)
        assert f"<td><span class=\"gk-id\">{doc['索引号']}</span></td>" in box
        crumbs = text.split('class="gk-crumbs"', 1)[1].split("</nav>")[0]
        org_name = orgs[doc["发布机构"]]["名称"]
        main = doc["columns"][0]
        names = [html.unescape(n) for n in re.findall(r'<a href="[^"]*">([^<]+)</a>', crumbs)]
        lineage = path_of(columns, parents, main).split("/")
        assert names[-len(lineage) - 1:] == [org_name] + [columns[c]["名称"] for c in lineage], doc["url"]
    return checked


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    root = copy_mini(tmp_path_factory.mktemp("mini"))
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return root, root / "site"


def test_mini_site_pages_lists_and_documents(mini_site):
    root, site = mini_site
    assert verify(root, site, page_size=3) >= 10


def test_mini_site_pagination(mini_site):
    _, site = mini_site
    first = (site / "xxgk/jyj/zcwj/gfxwj/index.html").read_text("utf-8")
    second = (site / "xxgk/jyj/zcwj/gfxwj/page/2/index.html").read_text("utf-8")
    assert "共 4 条，第 1/2 页" in first and 'rel="next"' in first
    assert "共 4 条，第 2/2 页" in second and 'rel="prev"' in second
    assert second.split('<table class="gk-list ')[1].split("</table>")[0].count("<tr") == 2  # header + one row


def test_nav_holds_the_column_tree_not_documents(mini_site):
    _, site = mini_site
    text = (site / "xxgk/index.html").read_text("utf-8")
    nav = text.split('md-sidebar--primary', 1)[1].split('md-sidebar--secondary')[0]
    assert "行政规范性文件" in nav and "政府信息公开目录" in nav
    assert "/wj/" not in nav and "关于规范校外培训的通知" not in nav


def test_generated_guide_directory_and_empty_reason(mini_site):
    _, site = mini_site
    guide = (site / "xxgk/jyj/zn/index.html").read_text("utf-8")
    assert "测试市教育局政府信息公开指南" in guide and "0999-00000002" in guide  # 传真 from the catalog
    directory = (site / "xxgk/jyj/mulu/2025/index.html").read_text("utf-8")
    for cell in ("索引号", "名称", "内容概述", "生成日期", "999100002/2025-00003", "2025-05-06"):
        assert cell in directory
    empty = (site / "xxgk/szf/gzdt/index.html").read_text("utf-8")
    assert "暂无信息：市政府工作动态在门户网站要闻栏目发布。" in empty
    assert "暂无信息" not in (site / "xxgk/gzdt/index.html").read_text("utf-8")  # others have documents
    home = (site / "xxgk/index.html").read_text("utf-8")
    assert "测试市东城街道办事处" in home and \
        '测试市教育局</a> <span class="gk-count">5<span class="gk-hidden"> 条</span></span>' in home


def test_previous_next_within_the_column(mini_site):
    _, site = mini_site
    text = (site / "wj/jyj/2025/gf-2/index.html").read_text("utf-8")
    footer = text.split('class="md-footer__inner', 1)[1]
    assert "测试市教育局关于加强中小学生近视防控的通知" in footer.split("md-footer__link--next")[0]
    assert "测试市教育局关于规范校外培训的通知" in footer.split("md-footer__link--next")[1]


def test_footer_identity_on_every_page(mini_site):
    _, site = mini_site
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        if "md-footer" not in text:
            continue
        for value in ("9999000009", "测ICP备00000009号", "测公网安备99990002000009号", "测试市人民政府办公室",
                      "网站地图", "长者模式", "我为政府网站找错"):
            assert value in text, (page, value)


def test_demo_site_pages_and_documents(demo_site):
    assert verify(ROOT, demo_site, page_size=20, sorters={"意见征集", "年报"}) >= 100


HREF_RE = re.compile(r'(?:href|src)="([^"#?]*)(?:#[^"]*)?"')


def dead_links(site: Path) -> list[str]:
    dead = []
    for page in site.rglob("*.html"):
        for href in HREF_RE.findall(page.read_text("utf-8")):
            if not href or href.startswith(("http:", "https:", "mailto:", "data:", "javascript:")):
                continue
            base = site if href.startswith("/") else page.parent
            target = (base / html.unescape(href).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                dead.append(f"{page.relative_to(site)} → {href}")
    return dead


def test_every_internal_link_resolves(mini_site):
    """Covers the cached nav too: its relative URLs must be right from every page that reuses it."""
    _, site = mini_site
    assert dead_links(site) == []


def test_cached_nav_is_shared_by_pages_at_the_same_position(mini_site):
    _, site = mini_site

    def nav(path):
        text = (site / path).read_text("utf-8")
        return text.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary")[0]

    assert nav("wj/jyj/2025/gf-1/index.html") == nav("wj/szf/2025/gz-1/index.html")
    assert '"../../../../xxgk/zcwj/gfxwj/"' in nav("wj/jyj/2025/gf-1/index.html")
    assert '"../../zcwj/gfxwj/"' in nav("xxgk/jyj/zn/index.html")


def test_site_wide_page_explains_when_every_publisher_has_nothing(tmp_path):
    root = copy_mini(tmp_path)
    columns = root / "catalog" / "columns.yml"
    columns.write_text(columns.read_text("utf-8").replace(
        "      szf: 市政府工作动态在门户网站要闻栏目发布。",
        "      szf: 市政府工作动态在门户网站要闻栏目发布。\n      jyj: 本局动态并入通知公告。\n      dcjd: 街道动态见政务微信。"),
        "utf-8")
    for rel in ("jyj/2025/dt-1.md", "dcjd/2025/dt-1.md"):
        (root / "content" / "wj" / rel).unlink()
    result = build(root)
    assert result.returncode == 0, result.stderr
    text = (root / "site" / "xxgk/gzdt/index.html").read_text("utf-8")
    assert ("暂无信息：测试市人民政府：市政府工作动态在门户网站要闻栏目发布。；教育局：本局动态并入通知公告。；"
            "测试市东城街道办事处：街道动态见政务微信。") in text
