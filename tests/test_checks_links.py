"""The link check inside the build (pages checked as MkDocs renders them, against the files the build writes)
finds exactly what a scan of the written site finds, forward and backward anchors, copied HTML files, the 404
page and files written after the pages included."""

from __future__ import annotations

import json
import re

import pytest

from kit import mkdocs_build
from gongkai.checks.links import scan_site
from kit import copy_site
from test_checks_site import BROKEN

pytestmark = pytest.mark.build

EXTRA = {
    # Rendered before z.md: its anchor links into a page not rendered yet.
    "content/a.md": "---\ntitle: 甲\n---\n\n# 甲 {#top}\n\n[有](z.md#sec) [无](z.md#nope) [回](#top) [坏](#gone)\n"
                    "[静态](raw.html) [缺](missing/) [外](https://example.org/x) [又外](https://example.org/x)\n"
                    "[根外](../../x.html) [站点地图](sitemap.xml) [404](404.html#nope)\n",
    # Rendered after a.md: its anchor links point back into a page already rendered.
    "content/z.md": "---\ntitle: 乙\n---\n\n## 节 {#sec}\n\n[回甲](a.md#top) [回甲坏](a.md#bad) [自己](#sec)\n",
    # Copied as it is, never rendered: its links are checked all the same.
    "content/raw.html": '<!doctype html><p id="r"><a href="a/#top">ok</a>\n<a href="nowhere.html">bad</a>'
                        '<a href="#r">self</a><a href="#no">no</a></p>\n',
}


def test_in_build_link_check_equals_a_scan_of_the_written_site(tmp_path):
    root = copy_site(tmp_path, BROKEN)
    for rel, text in EXTRA.items():
        (root / rel).write_text(text, encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - gongkai/checks:\n", "  - gongkai/checks:\n      checks: [links]\n"
                            "      severity: {links: warning}\n      report_json: links.json\n")
    config += "markdown_extensions: [attr_list]\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = mkdocs_build(root / "mkdocs.yml", root / "site", strict=False)
    assert result.returncode == 0, result.stderr
    data = json.loads((root / "links.json").read_text(encoding="utf-8"))
    in_build = sorted(f["message"] for f in data["findings"] if f["check"] == "links")

    scanned = scan_site(root / "site")
    after = sorted(f"链接“{link.target}”不可用：{why}（页面 {link.page}）" for link, why in scanned.broken)
    assert in_build == after
    targets = {re.match(r"链接“([^”]*)”", m).group(1) + " @ " + m.rsplit("页面 ", 1)[1] for m in in_build}
    assert targets >= {
        "../z/#nope @ a/index.html）", "#gone @ a/index.html）", "missing/ @ a/index.html）",
        "../../x.html @ a/index.html）", "404.html#nope @ a/index.html）",
        "../a/#bad @ z/index.html）", "nowhere.html @ raw.html）", "#no @ raw.html）",
        "附件/不存在.pdf @ wj/szf/2025/tongzhi/index.html）"}, in_build
    # Every link the build reported is a real one: no anchor or page that exists is reported.
    assert not any(t.startswith(("../z/#sec ", "#top ", "../raw.html ", "../a/#top ", "#sec ", "../sitemap.xml ", "#r ", "a/#top "))
                   for t in targets)
    assert [e["pages"] for e in data["external_links"] if e["url"] == "https://example.org/x"] == [["a/index.html"]]
