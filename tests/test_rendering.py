"""The core's pages render on one Markdown parser per build: each page must come out exactly as MkDocs' own
``Page.render`` (a fresh parser per page) makes it, whatever page came before it."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gongkai.plugins.catalog.rendering import SectionPage, SharedMarkdown, nav_sources

SOURCES = {
    # A reference definition and an abbreviation-like id in one page must not leak into the next one.
    "a.md": "# 第一页\n\n[链接][ref] 与 [另一页](b.md#节)\n\n[ref]: https://example.org/\n\n## 节\n\n## 节\n",
    "b.md": "正文没有标题。[链接][ref] 不应解析。\n\n## 节\n\n<div id=\"raw\" markdown>\n**粗体**\n</div>\n",
    "c.md": "",
    "d.md": "# 标题 {#custom}\n\n| 表 | 格 |\n|---|---|\n| 1 | 2 |\n\n!!! note \"注意\"\n    提示内容\n\n"
            "![图](img/x.png) [缺](missing.md)\n",
}


def make_config(tmp_path) -> MkDocsConfig:
    config = MkDocsConfig()
    config.load_dict({"site_name": "测试", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": ["tables", "attr_list", "md_in_html", "admonition",
                                              {"toc": {"permalink": False}}]})
    (tmp_path / "docs").mkdir()
    errors, _ = config.validate()
    assert not errors
    return config


def test_shared_parser_renders_like_mkdocs(tmp_path):
    config = make_config(tmp_path)
    files = Files([File(src, config.docs_dir, config.site_dir, True) for src in [*SOURCES, "img/x.png"]])
    shared = SharedMarkdown(config)
    rendered = {}
    for src in [*SOURCES, *reversed(SOURCES)]:  # both orders: no state carried from one page to the next
        ours = SectionPage(None, File(src, config.docs_dir, config.site_dir, True), config, shared)
        theirs = Page(None, File(src, config.docs_dir, config.site_dir, True), config)
        for page in (ours, theirs):
            page.markdown = SOURCES[src]
            page.render(config, files)
        assert ours.content == theirs.content, src
        assert [(t.title, t.id, t.level) for t in ours.toc.items] == [(t.title, t.id, t.level) for t in theirs.toc.items]
        assert ours._title_from_render == theirs._title_from_render
        assert ours.present_anchor_ids == theirs.present_anchor_ids
        assert ours.links_to_anchors == theirs.links_to_anchors
        rendered[src] = ours
    # What the comparison covers really differs between the pages.
    assert 'href="https://example.org/"' in rendered["a.md"].content and rendered["a.md"].toc.items
    assert "[链接][ref]" in rendered["b.md"].content and "raw" in rendered["b.md"].present_anchor_ids
    assert rendered["c.md"].content == "" and rendered["c.md"]._title_from_render is None
    assert "custom" in rendered["d.md"].present_anchor_ids and "<table>" in rendered["d.md"].content


def test_nav_sources():
    nav = ["index.md", {"政府信息公开": ["xxgk/index.md", {"栏目": "xxgk/a/index.md"}, {"外": "https://x.org/"}]}]
    assert nav_sources(nav) >= {"index.md", "xxgk/index.md", "xxgk/a/index.md"}
    assert nav_sources(None) == set()
