"""gongkai/feeds: Atom feeds read back with feedparser, catalog.json and documents.json against their schemas."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import jsonschema
import pytest

from kit import ROOT
from gongkai.editor.site import load_site
from gongkai.model import TOPICS
from gongkai.versions import is_version_src
from kit import build, copy_mini, write_doc

pytestmark = pytest.mark.build

SCHEMAS = ROOT / "docs" / "schemas"
SITE_URL = "https://www.example.gov.cn/"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def with_feeds(root: Path, options: str = "", first: bool = False) -> None:
    """Add gongkai/feeds to a fixture site's mkdocs.yml (before the core when ``first``)."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = "  - gongkai/feeds" + (":\n" + options if options else "") + "\n"
    if first:
        text = text.replace("plugins:\n", "plugins:\n" + entry)
    else:
        text = text.rstrip("\n") + "\n" + entry
    config.write_text(f"site_url: {SITE_URL}\n" + text, encoding="utf-8")


def published(root: Path):
    """The documents the site publishes, as the build's own plugins load them."""
    return load_site(root / "mkdocs.yml").documents


@pytest.fixture(scope="module")
def mini_feeds(tmp_path_factory):
    """The mini fixture with a 废止 document, small feeds, documents.json split by year, and feeds listed first."""
    root = copy_mini(tmp_path_factory.mktemp("feeds"))
    write_doc(root, "szf/2025/fz-1.md", """title: 测试市人民政府关于废止部分规范性文件的决定
栏目: [gfxwj]
发布机构: szf
成文日期: 2025-09-01
发布日期: 2025-09-02
文号: 测政发〔2025〕9号
索引号: 999100001/2025-00009
主题分类: 综合政务
有效性: 废止""")
    with_feeds(root, "      feed_size: 3\n      shard_size: 4\n", first=True)
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root


def parse(site: Path, uri: str):
    feed = feedparser.parse((site / uri).read_bytes())
    assert not feed.bozo, f"{uri}: {feed.get('bozo_exception')}"
    return feed


def test_every_feed_parses_and_holds_the_newest_documents_in_order(mini_feeds):
    site, docs = mini_feeds / "site", published(mini_feeds)
    assert len(docs) == 9
    newest = sorted(docs, key=lambda d: d.sort_key, reverse=True)
    scopes = {"dingyue/quanzhan.xml": newest}
    for org in ("szf", "jyj", "dcjd"):
        scopes[f"dingyue/jigou-{org}.xml"] = [d for d in newest if d.publisher_id == org]
    scopes["dingyue/lanmu-zcwj.xml"] = [d for d in newest if {"gz", "gfxwj", "zcwj"} & set(d.column_ids)]
    scopes["dingyue/lanmu-gfxwj.xml"] = [d for d in newest if "gfxwj" in d.column_ids]
    scopes["dingyue/zhuti-10.xml"] = [d for d in newest if d.topic == "科技、教育"]
    assert TOPICS[9] == "科技、教育"
    for uri, expected in scopes.items():
        feed = parse(site, uri)
        assert feed.version == "atom10"
        assert [e.link for e in feed.entries] == [SITE_URL + d.url for d in expected[:3]], uri
        dates = [e.published_parsed for e in feed.entries]
        assert dates == sorted(dates, reverse=True)
        assert feed.feed.links[0].href == SITE_URL + uri and feed.feed.links[0].rel == "self"
    whole = parse(site, "dingyue/quanzhan.xml")
    top = newest[0]
    assert whole.entries[0].title == top.title and whole.entries[0].author == "测试市人民政府"
    assert top.index_number in whole.entries[0].summary and "废止" in whole.entries[0].summary  # the 废止 one is newest
    assert whole.entries[0].published.startswith(f"{top.published}T00:00:00+08:00")
    # Every column with a document list and every 主题分类 has a feed, even an empty one.
    for uri in ["dingyue/lanmu-gzdt.xml", "dingyue/lanmu-ysqgk.xml", "dingyue/zhuti-21.xml"]:
        assert parse(site, uri).version == "atom10"
    assert not (site / "dingyue/lanmu-zn.xml").exists()  # a 指南 column lists no documents


def test_documents_json_is_sharded_by_year_and_lists_exactly_the_published_documents(mini_feeds):
    site, docs = mini_feeds / "site", published(mini_feeds)
    documents = validator("documents")
    index = load_json(site / "data/documents.json")
    documents.validate(index)
    assert index["总数"] == 9 and [s["年份"] for s in index["分片"]] == [2025, 2024]
    listed = []
    for shard in index["分片"]:
        assert shard["网址"].startswith(SITE_URL)
        data = load_json(site / shard["网址"][len(SITE_URL):])
        documents.validate(data)
        assert data["年份"] == shard["年份"] and data["总数"] == shard["总数"] == len(data["文件"])
        listed += data["文件"]
    assert sorted(r["网址"] for r in listed) == sorted(SITE_URL + d.url for d in docs)
    repealed = next(r for r in listed if r["索引号"] == "999100001/2025-00009")
    assert repealed["有效性"] == "废止" and repealed["文号"] == "测政发〔2025〕9号" and repealed["发布主体"] == "szf"
    for record in listed:
        assert (site / record["网址"][len(SITE_URL):] / "index.html").is_file()


def test_catalog_json_validates_and_links_what_exists(mini_feeds):
    site = mini_feeds / "site"
    data = load_json(site / "data/catalog.json")
    validator("catalog").validate(data)
    assert [o["id"] for o in data["发布主体"]] == ["szf", "jyj", "dcjd"]
    assert data["网站"]["文件数据"] == SITE_URL + "data/documents.json"
    jyj = next(o for o in data["发布主体"] if o["id"] == "jyj")
    assert jyj["文件数"] == 5 and jyj["机构代码"] == "999100002"
    zcwj = next(c for c in data["目录"] if c["id"] == "zcwj")
    assert [c["id"] for c in zcwj["子栏目"]] == ["gz", "gfxwj"]
    assert zcwj["文件数"] == sum(c["文件数"] for c in zcwj["子栏目"])

    def urls(columns):
        for c in columns:
            yield c["网址"]
            if c["订阅"]:
                yield c["订阅"]
            yield from urls(c["子栏目"])
    for url in [*urls(data["目录"]), *(o["网址"] for o in data["发布主体"]), *(t["订阅"] for t in data["主题分类"])]:
        path = site / url[len(SITE_URL):]
        assert path.is_file() or (path / "index.html").is_file(), url
    assert len(data["主题分类"]) == 21


def test_pages_link_their_feeds(mini_feeds):
    site = mini_feeds / "site"
    column = (site / "xxgk/jyj/zcwj/gfxwj/index.html").read_text(encoding="utf-8")
    assert ('<link rel=" alternate" type="application/atom+xml" title="测试市政府信息公开 · 行政规范性文件" '
            'href="../../../../dingyue/lanmu-gfxwj.xml">') in column
    assert 'href="../../../../dingyue/jigou-jyj.xml"' in column
    assert 'class="gk-chips gk-subscribe"' in column and ">全部订阅与开放数据</a>" in column
    # Page 2 of a column offers the same feeds as page 1.
    assert 'href="../../../../../dingyue/lanmu-gfxwj.xml"' in \
        (site / "xxgk/zcwj/gfxwj/page/2/index.html").read_text(encoding="utf-8")
    org = (site / "xxgk/szf/index.html").read_text(encoding="utf-8")
    assert 'href="../../dingyue/jigou-szf.xml"' in org
    document = (site / "wj/jyj/2025/gf-1/index.html").read_text(encoding="utf-8")
    assert "dingyue/zhuti-10.xml" in document and "dingyue/jigou-jyj.xml" in document
    section = (site / "xxgk/index.html").read_text(encoding="utf-8")
    assert 'href="../dingyue/quanzhan.xml"' in section and '>订阅</a>' in section  # footer
    page = (site / "dingyue/index.html").read_text(encoding="utf-8")
    assert page.count('type="application/atom+xml"') >= 1 + 3 + 21
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    assert llms.startswith("# 测试市政府信息公开\n")
    assert f"]({SITE_URL}data/catalog.json)" in llms and f"]({SITE_URL}data/documents.json)" in llms


def test_feeds_need_a_site_url(tmp_path):
    root = copy_mini(tmp_path)
    with_feeds(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"site_url: {SITE_URL}\n", ""), encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    assert "请在 mkdocs.yml 中设置 site_url" in result.stderr and "Traceback" not in result.stderr


def test_a_page_in_the_way_of_the_feeds_is_named(tmp_path):
    root = copy_mini(tmp_path)
    with_feeds(root)
    (root / "content/dingyue").mkdir()
    (root / "content/dingyue/index.md").write_text("# 订阅\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    assert "dingyue/index.md 已被网站中的同名文件占用" in result.stderr


def test_demo_documents_json_lists_exactly_the_published_documents(demo_site):
    data = load_json(demo_site / "data/documents.json")
    validator("documents").validate(data)
    validator("catalog").validate(load_json(demo_site / "data/catalog.json"))
    docs = published(ROOT)
    markdown = list((ROOT / "content/wj").rglob("*.md"))
    sources = {p.relative_to(ROOT / "content").as_posix() for p in markdown}
    markdown = [s for s in sources if not is_version_src(s, sources)]  # 历史版本 files are no documents
    reports = list((ROOT / "content/reports").rglob("*.yml"))
    assert len(docs) == len(markdown) + len(reports) == data["总数"] == len(data["文件"])
    assert {r["网址"] for r in data["文件"]} == {SITE_URL + d.url for d in docs}
    assert {r["索引号"] for r in data["文件"]} == {d.index_number for d in docs}
    dates = [r["发布日期"] for r in data["文件"]]
    assert dates == sorted(dates, reverse=True)
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="dingyue/quanzhan.xml"' in home and "gk-subscribe" in home
    feed = feedparser.parse((demo_site / "dingyue/quanzhan.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 20


@pytest.mark.parametrize("width", [1366, 390])
def test_subscribe_links_in_the_browser_without_failed_requests(page, demo_url, width):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(demo_url + "/xxgk/szf/fdzdgknr/zcwj/gfxwj/")
    link = page.locator(".gk-subscribe a", has_text="行政规范性文件")
    assert link.is_visible()
    assert link.get_attribute("type") == "application/atom+xml"
    page.wait_for_load_state("networkidle")
    assert failed == []  # mkdocs-material's sitemap request next to the feeds finds dingyue/sitemap.xml
    page.locator(".gk-subscribe a", has_text="全部订阅与开放数据").click()
    page.wait_for_url("**/dingyue/")
    assert page.locator("h1").inner_text() == "订阅与开放数据"
    assert page.locator("a[href$='documents.json']").is_visible()


def test_a_revised_old_document_comes_back_to_the_top_of_its_feeds(tmp_path):
    """修订记录 after publication: the document is listed again among the newest, with the revision as updated."""
    root = copy_mini(tmp_path)
    write_doc(root, "szf/2023/xd-1.md", """title: 测试市人民政府关于印发老旧规定的通知
栏目: [gfxwj]
发布机构: szf
成文日期: 2023-03-01
发布日期: 2023-03-02
文号: 测政发〔2023〕3号
索引号: 999100001/2023-00003
主题分类: 综合政务
修订记录:
  - 日期: 2026-01-05
    说明: 更正附件中的联系电话""")
    with_feeds(root, "      feed_size: 3\n")
    result = build(root)
    assert result.returncode == 0, result.stderr
    whole = parse(root / "site", "dingyue/quanzhan.xml")
    revised = [d for d in published(root) if d.src_path.endswith("szf/2023/xd-1.md")][0]
    assert [e.link for e in whole.entries][0] == SITE_URL + revised.url  # published 2023, revised 2026: first
    assert whole.entries[0].updated.startswith("2026-01-05T00:00:00+08:00")
    assert whole.feed.updated.startswith("2026-01-05")
    gfxwj = parse(root / "site", "dingyue/lanmu-gfxwj.xml")
    assert gfxwj.entries[0].link == SITE_URL + revised.url
