"""The link check reads a page as a browser does (gongkai/htmlread.py): every way of writing a link that a browser
follows is checked, and nothing a browser does not treat as a link is reported."""

from __future__ import annotations

from pathlib import Path

from gongkai import htmlread
from gongkai.checks.links import LinkChecker, scan_site


def site(tmp_path: Path, pages: dict[str, str], files: tuple[str, ...] = ()) -> Path:
    root = tmp_path / "site"
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    return root


def broken(root: Path) -> list[tuple[str, str, int | None]]:
    return sorted((link.page, link.target, link.line) for link, _ in scan_site(root).broken)


def test_an_unquoted_dead_link_is_found(tmp_path):
    root = site(tmp_path, {"index.html": '<p>\n<a href=gone.html>旧</a>\n<img src=ok.png alt=""></p>'}, ("ok.png",))
    assert broken(root) == [("index.html", "gone.html", 2)]


def test_an_uppercase_id_is_an_anchor_and_an_uppercase_href_a_link(tmp_path):
    root = site(tmp_path, {"index.html": '<H2 ID="sec">节</H2>\n<A HREF="#sec">有</A>\n<A HREF="#SEC">大小写不同</A>'
                                         '\n<A HREF=\'NONE.HTML\'>无</A>'})
    assert broken(root) == [("index.html", "#SEC", 3), ("index.html", "NONE.HTML", 4)]


def test_character_references_in_a_url_are_read_as_the_browser_reads_them(tmp_path):
    # "&sect1" before a letter or digit is no reference inside an attribute (HTML's "named character reference"
    # rule): the browser asks for the file named with "&sect1"; "&#46;" is a full stop, also unquoted.
    root = site(tmp_path, {"index.html": '<a href="files/a&sect1.pdf">有</a>\n<a href=gone&#46;html>无</a>\n'
                                         '<a href="files/b&amp;c.pdf">有</a>'},
                ("files/a&sect1.pdf", "files/b&c.pdf"))
    assert broken(root) == [("index.html", "gone.html", None)]  # written with a reference: not found as is


def test_markup_in_a_comment_script_or_textarea_is_no_link(tmp_path):
    page = ('<script>var tpl = \'<img src="no-image.png">\';</script >\n'
            '<textarea><a href="not-a-link.html"></textarea>\n'
            '<!--> an empty comment: what follows is a link\n'
            '<a href="dead.html">死链</a>\n'
            '<!-- <a href="old.html">a real comment</a> -->\n')
    assert broken(site(tmp_path, {"index.html": page})) == [("index.html", "dead.html", 4)]


def test_every_candidate_of_a_srcset_is_checked(tmp_path):
    page = ('<img src="a.png" srcset="a.png 1x,b@2x.png 2x" alt="">\n'
            '<picture><source srcset="c.webp 400w, gone,1.webp 800w" type="image/webp"><img src="a.png" alt=""></picture>')
    root = site(tmp_path, {"index.html": page}, ("a.png", "b@2x.png", "c.webp"))
    assert broken(root) == [("index.html", "gone,1.webp", 2)]
    assert htmlread.srcset_urls(" x.png 1x , data:image/png;base64,AA 2x, y.png (max-width: 1px), z.png") == \
        ["x.png", "data:image/png;base64,AA", "y.png", "z.png"]


def test_relative_links_resolve_against_a_base(tmp_path):
    pages = {"sub/page.html": '<base href="../">\n<a href="ok.html">有</a>\n<a href="sub/">有</a>\n'
                              '<a href="page.html">无</a>',
             "ok.html": "", "sub/index.html": "",
             "ext.html": '<base href="https://example.org/x/"><a href="y.html">外</a><a href="/ok.html">外</a>'}
    root = site(tmp_path, pages)
    assert broken(root) == [("sub/page.html", "page.html", 4)]
    report = scan_site(root)
    assert sorted(report.external) == ["https://example.org/ok.html", "https://example.org/x/y.html"]


def test_the_same_external_link_twice_on_a_page_is_one_page():
    checker = LinkChecker(["index.html"], exists=lambda rel: False, read=lambda rel: None)
    checker.add_page("index.html", '<a href="https://example.org/">一</a><a href="https://example.org/">二</a>')
    assert dict(checker.finish().external) == {"https://example.org/": ["index.html"]}


def test_files_a_document_body_links_to_are_read_from_any_way_of_writing_the_link(tmp_path):
    """A file under the documents folder that a body links to is published, not refused as stray: raw HTML in a
    body may write the link unquoted, with a Chinese name as it is, or in a srcset."""
    from urllib.parse import quote

    from gongkai.errors import Problems
    from gongkai.plugins.catalog.publishing import SourceGuard

    guard = SourceGuard(tmp_path, tmp_path / "content", "wj", Problems())
    guard.note_links("wj/jyj/2025/tujie/", '<p><img src=附件/图一.png alt=""><a href=\'附件/表.xlsx\'>表</a>'
                                           '<img src="a.png" srcset="附件/图二.png 2x" alt="">'
                                           '<!-- <a href="附件/旧.pdf"> --></p>')
    assert guard.referenced == {quote(f"wj/jyj/2025/tujie/{name}") for name in
                                ("附件/图一.png", "附件/表.xlsx", "a.png", "附件/图二.png")}
