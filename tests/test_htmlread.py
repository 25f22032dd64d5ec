"""HTML that gongkai reads back (its own or MkDocs' output) is read by one parser, as a browser reads it."""

from __future__ import annotations

from gongkai import htmlread
from gongkai.plugins.catalog.theme import name_nested_navs

NESTED_NAV = ('<nav class="md-nav" data-md-level="1" aria-labelledby="__nav_2_label" aria-expanded="false">\n'
              '  <label class="md-nav__title" for="__nav_2">\n    <span class="md-nav__icon md-icon"></span>\n'
              '    {title}\n  </label>\n</nav>')


def test_a_nested_nav_is_named_by_its_title_as_shown_escaped_once():
    named = name_nested_navs(NESTED_NAV.format(title="财政预决算&amp;审计 &lt;专栏&gt;"))
    assert 'aria-label="财政预决算&amp;审计 &lt;专栏&gt;"' in named
    assert "aria-labelledby" not in named
    assert 'aria-label="政策文件"' in name_nested_navs(NESTED_NAV.format(title="<b>政策</b>文件"))


def test_urls_come_in_document_order_once_per_element():
    tree = htmlread.parse('<img src="a.png" srcset="b.png 2x"><A HREF=c.html>c</A><video poster=d.jpg src=e.mp4>'
                          '</video><base href="x/"><link rel=stylesheet href=\'f.css\'><a name="n">n</a>')
    assert list(htmlread.urls(tree)) == ["a.png", "b.png", "c.html", "e.mp4", "d.jpg", "f.css"]
    assert htmlread.base_href(tree) == "x/"
    assert htmlread.anchors(htmlread.parse('<p ID=a><a name=b><span name=c><a id="">')) == {"a", "b"}
