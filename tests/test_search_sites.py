"""联合检索 (``sites:`` of gongkai/search): one search across several gongkai sites, no server.

Two small gongkai sites are built from the mini fixture: the city (测试市) lists the county (测试县), which alone holds
one document. They are served from one host (the county under /xian/) and, for the cross-origin case, the county
from a second origin with the CORS header the docs name and from a third without it. Chromium searches on the city's
page for the county's document and must find it labelled with the county's name, with a link that opens it; sites
that cannot be reached, or whose index is of another version or cannot answer a filter, are named in a message
while the city's own hits still show. No request goes to any host the city did not list.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from gongkai.plugins.search.config import SearchConfig
from gongkai.search.sites import OtherSite, parse_sites
from kit import GOOD_FRONT, ROOT, _QuietHandler, build, copy_mini, write_doc

COUNTY = "测试县人民政府"
CITY = "测试市人民政府门户网站"  # the mini fixture's catalog/site.yml name: the label of the city's own hits
UNIQUE_QUERY = "茶艺课程"
UNIQUE_URL = "wj/jyj/2025/chayi/"
COUNTY_DOC = """title: 测试市教育局关于开展校园茶艺课程试点的通知
栏目: [gzdt]
发布机构: jyj
成文日期: 2025-05-18
发布日期: 2025-05-20
索引号: 999100002/2025-00077
主题分类: 科技、教育
"""


# ---- the option ---------------------------------------------------------------------------------------------


def errors_of(values) -> str:
    config = SearchConfig()
    config.load_dict({"sites": values})
    errors, _ = config.validate()
    return "\n".join(f"{key}: {error}" for key, error in errors)


@pytest.mark.parametrize("values, message", [
    ({"名称": "县", "地址": "/xian/"}, "sites: 应为列表，每项写一个网站"),
    (["/xian/"], "sites: 第 1 项应为 {名称: …, 地址: …}"),
    ([{"名称": "县", "地址": "http://www.xian.gov.cn/"}], "sites: 第 1 项的 地址“http://www.xian.gov.cn/”须以 https:// 开头"),
    ([{"名称": "县", "地址": "xian/"}], "sites: 第 1 项的 地址“xian/”应以 / 开头（从本网站所在主机的根目录算起，如 /xian/），或写完整的 https:// 地址"),
    ([{"名称": "县", "地址": "//www.xian.gov.cn/"}], "缺少协议，请写成 https://www.xian.gov.cn/"),
    ([{"名称": "县", "地址": "ftp://www.xian.gov.cn/"}], "应以 / 或 https:// 开头"),
    ([{"名称": "县", "地址": "https://www.xian.gov.cn/?from=city"}], "不应带“?”或“#”后面的部分"),
    ([{"名称": "县"}], "sites: 第 1 项缺少“地址”"),
    ([{"地址": "/xian/"}], "sites: 第 1 项缺少“名称”"),
    ([{"名称": "县", "地址": "/xian/", "网址": "/x/"}], "sites: 第 1 项的“网址”不是可用的键，应为：名称 / 地址 / 搜索页"),
    ([{"名称": "县", "地址": "/xian/"}, {"名称": "县", "地址": "/xiang/"}], "第 2 项的 名称“县”与第 1 项相同"),
    ([{"名称": "甲", "地址": "/xian"}, {"名称": "乙", "地址": "/xian/"}], "第 2 项的 地址“/xian/”与第 1 项相同"),
    ([{"名称": "县", "地址": "/xian/", "搜索页": "https://x/"}], "第 1 项的 搜索页“https://x/”应为对方网站搜索结果页的路径"),
])
def test_a_wrong_sites_entry_is_named_with_its_fix(values, message):
    assert message in errors_of(values)


def test_sites_become_addresses_of_their_indexes():
    sites = parse_sites([{"名称": " 测试县 ", "地址": "/xian"},
                         {"名称": "乙县", "地址": "https://www.yixian.gov.cn", "搜索页": "/sousuo/"},
                         {"名称": "本机", "地址": "http://127.0.0.1:8001/"}])
    assert sites == [OtherSite("测试县", "/xian/"), OtherSite("乙县", "https://www.yixian.gov.cn/", "sousuo"),
                     OtherSite("本机", "http://127.0.0.1:8001/")]
    assert [s.index for s in sites] == ["/xian/search/data/", "https://www.yixian.gov.cn/sousuo/data/",
                                        "http://127.0.0.1:8001/search/data/"]
    assert [s.origin for s in sites] == [None, "https://www.yixian.gov.cn", "http://127.0.0.1:8001"]
    assert errors_of(None) == "" and parse_sites(None) == []


# ---- two built sites ----------------------------------------------------------------------------------------


def _build_site(root: Path, search: str) -> Path:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + search, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def _sites_yaml(entries: list[tuple[str, str]]) -> str:
    return "  - gongkai/search:\n      sites:\n" + "".join(
        f"        - {{名称: {name}, 地址: \"{address}\"}}\n" for name, address in entries)


def _server(roots: dict[str, Path], cors: bool = False, slow: str | None = None):
    """One local HTTP server for several sites under path prefixes ("/" for the rest); with ``cors`` it sends
    ``Access-Control-Allow-Origin: *`` for the search index, as docs/search.md tells the other host to. Files under
    the prefix ``slow`` take three seconds."""

    class Handler(_QuietHandler):
        def do_GET(self):
            if slow and self.path.startswith(slow + "search/data/"):
                time.sleep(3)
            super().do_GET()

        def translate_path(self, path):
            for prefix, directory in roots.items():
                if prefix != "/" and path.startswith(prefix):
                    self.directory = str(directory)
                    return super().translate_path(path[len(prefix) - 1:])
            self.directory = str(roots["/"])
            return super().translate_path(path)

        def end_headers(self):
            if cors and "/search/data/" in self.path:
                self.send_header("Access-Control-Allow-Origin", "*")
            super().end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(roots["/"])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def _rewrite_meta(site: Path, change) -> None:
    meta_path = site / "search" / "data" / "meta.bin"
    meta = json.loads(gzip.decompress(meta_path.read_bytes()))
    change(meta)
    meta_path.write_bytes(gzip.compress(json.dumps(meta, ensure_ascii=False).encode()))


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    root = copy_mini(tmp_path_factory.mktemp("county"))
    write_doc(root, "jyj/2025/chayi.md", COUNTY_DOC,
              "在全县中小学开展校园茶艺课程试点，每周一课时。\n\n试点按照《测试市教育局关于规范校外培训的通知》"
              "（测教发〔2025〕2号）的要求管理。\n")
    site = _build_site(root, "  - gongkai/search\n")
    # The same county site as an index of another version, and as one written before 有效性 and dates were filters.
    for name, change in (("old-version", lambda m: m.update(v=99)),
                         ("old-facets", lambda m: (m["facets"].pop("v"), m.pop("months")))):
        copy = site.parent / name
        shutil.copytree(site, copy)
        _rewrite_meta(copy, change)
    # 早期县 also serves a hostile fragment: its 茶艺 hit names a javascript: address.
    for path in (site.parent / "old-facets" / "search" / "data" / "d").rglob("*.bin"):
        fragment = json.loads(gzip.decompress(path.read_bytes()))
        if fragment["u"] == UNIQUE_URL:
            fragment["u"] = "javascript:alert(document.domain)"
            path.write_bytes(gzip.compress(json.dumps(fragment, ensure_ascii=False).encode()))
        elif fragment["u"] == "wj/szf/2025/gf-1/":
            path.unlink()  # and it republished meanwhile: one of its fragments is gone
    return site


@pytest.fixture(scope="module")
def one_host(tmp_path_factory, county):
    """The city at /, the county at /xian/ (and its two altered copies), a listed site that does not exist."""
    root = copy_mini(tmp_path_factory.mktemp("city"))
    city = _build_site(root, _sites_yaml([(COUNTY, "/xian/"), ("停运区", "/tingyun/"), ("旧版县", "/jiuban/"),
                                          ("早期县", "/zaoqi/")]))
    url, server = _server({"/": city, "/xian/": county, "/jiuban/": county.parent / "old-version",
                           "/zaoqi/": county.parent / "old-facets"})
    yield url, city
    server.shutdown()


@pytest.fixture(scope="module")
def two_origins(tmp_path_factory, county):
    """The city on one origin; the county on a second origin that sends the CORS header, and on a third that does not."""
    with_cors, server2 = _server({"/": county}, cors=True)
    without, server3 = _server({"/": county})
    root = copy_mini(tmp_path_factory.mktemp("city2"))
    city = _build_site(root, _sites_yaml([(COUNTY, with_cors + "/"), ("无跨域头县", without + "/")]))
    url, server1 = _server({"/": city})
    yield url, with_cors, without
    for server in (server1, server2, server3):
        server.shutdown()


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory, county):
    """The city listing one county whose index answers after three seconds."""
    root = copy_mini(tmp_path_factory.mktemp("city3"))
    city = _build_site(root, _sites_yaml([("慢县", "/lento/")]))
    url, server = _server({"/": city, "/lento/": county}, slow="/lento/")
    yield url
    server.shutdown()


@pytest.mark.build
def test_the_results_page_names_the_other_sites_and_a_site_without_them_is_unchanged(one_host):
    _, city = one_host
    html = (city / "search" / "index.html").read_text(encoding="utf-8")
    import html as html_module
    import re
    sites = json.loads(html_module.unescape(re.search(r"data-sites='([^']*)'", html).group(1)))
    assert sites[0] == {"name": COUNTY, "index": "/xian/search/data/", "base": "/xian/"} and len(sites) == 4
    assert f'data-site-name="{CITY}"' in html
    assert "同时检索：测试县人民政府、停运区、旧版县、早期县。" in html
    assert "您的浏览器直接向这些网站读取它们公开的搜索索引文件" in html
    assert 'data-gk-site-notes' in html


def test_a_site_without_sites_gets_none_of_it(tmp_path):
    """The demo-like case: no attribute, no note, no list, so the page and its bytes are as before."""
    import jinja2

    from gongkai.plugins.search.structure import SearchView
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "gongkai" / "templates")), autoescape=True)
    env.filters["url"] = lambda value: value
    view = SearchView(page_url="search/", index_url="data/", script="", site_url="../")
    html = env.get_template("gongkai/search-body.html").render(gongkai_search=view)
    assert "data-sites" not in html and "同时检索" not in html and "data-gk-site-notes" not in html
    view.sites = parse_sites([{"名称": "乙县", "地址": "https://www.yixian.gov.cn/"}])
    html = env.get_template("gongkai/search-body.html").render(gongkai_search=view)
    assert "同时检索：乙县。" in html and "data-gk-site-notes" in html


# ---- in Chromium --------------------------------------------------------------------------------------------


class Visit:
    """A fresh browser context whose requests may go only to the listed origins."""

    def __init__(self, browser, allowed: list[str], **options):
        self.context = browser.new_context(locale="zh-CN", **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.allowed = tuple(allowed) + ("data:", "blob:", "about:")

    def search(self, base: str, query: str, **params) -> list[dict]:
        extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
        self.page.goto(f"{base}/search/?q={quote(query)}{extra}")
        self.page.wait_for_function("q => { const r = document.querySelector('[data-gk-search]');"
                                    " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query,
                                    timeout=20_000)
        return self.page.eval_on_selector_all(".gk-hit", """els => els.map(li => ({
            href: (li.querySelector('.gk-hit__title a') || {}).href || null,
            title: li.querySelector('.gk-hit__title').textContent,
            site: (li.querySelector('.gk-hit__site') || {}).textContent,
            other: !!li.querySelector('.gk-hit__site--other')}))""")

    def notes(self) -> list[str]:
        return self.page.eval_on_selector_all("[data-gk-site-notes] li", "els => els.map(li => li.textContent)")

    def close(self):
        self.context.close()
        foreign = [u for u in self.requests if not u.startswith(self.allowed)]
        assert not foreign, f"requests to hosts the site did not list: {foreign}"
        assert not self.errors, self.errors


def test_a_document_only_the_county_has_is_found_from_the_city_on_one_host(browser, one_host):
    base, _ = one_host
    visit = Visit(browser, [base + "/"])
    hits = visit.search(base, UNIQUE_QUERY)
    county_hits = [h for h in hits if h["site"] == COUNTY]
    assert len(county_hits) == 1 and county_hits[0]["other"], hits
    assert county_hits[0]["href"] == f"{base}/xian/{UNIQUE_URL}"
    assert "茶艺课程" in county_hits[0]["title"]
    assert [h["site"] for h in hits] == [COUNTY, "早期县"], hits  # the city itself has no such document
    assert hits[1]["href"] is None and "茶艺课程" in hits[1]["title"]  # its javascript: address is no link
    status = visit.page.inner_text("[data-gk-status]")
    assert status.startswith("找到 2 条结果") and "另有 2 个网站本次未能检索" in status, status
    notes = visit.notes()
    assert any(n.startswith("暂时无法检索“停运区”（未能读取该网站的搜索索引）") for n in notes), notes
    assert any(n.startswith("暂时不能一并检索“旧版县”：该网站的搜索索引与本站的版本不同") for n in notes), notes
    assert visit.page.is_visible("[data-gk-site-notes]")
    # The link opens the county's page.
    visit.page.click(f".gk-hit__title a[href='{base}/xian/{UNIQUE_URL}']")
    visit.page.wait_for_url(f"{base}/xian/{UNIQUE_URL}")
    assert "校园茶艺课程试点" in visit.page.inner_text("h1")
    visit.close()


def test_the_citys_own_hits_show_when_other_sites_fail_and_a_filter_they_cannot_answer_is_said(browser, one_host):
    base, _ = one_host
    visit = Visit(browser, [base + "/"])
    hits = visit.search(base, "安全生产")
    # Both sites hold the fixture's document: equal scores, the city's own first, each labelled with its site.
    # 早期县's copy is in its index but its fragment is gone: its hit is left out, the page still works.
    assert [(h["site"], h["other"]) for h in hits] == [(CITY, False), (COUNTY, True)], hits
    assert hits[0]["href"].startswith(base + "/wj/") and hits[1]["href"].startswith(base + "/xian/wj/")
    assert len(visit.notes()) == 2  # 停运区 and 旧版县 named, the city's and the county's hits shown
    # 有效性 is a filter the 早期县 index predates: it is left out, and the message says which filter.
    hits = visit.search(base, UNIQUE_QUERY, v="现行有效")
    assert [h["site"] for h in hits] == [COUNTY], hits
    assert any(n.startswith("“早期县”的搜索索引不能按“有效性”筛选，本次结果中没有该网站的文件") for n in visit.notes())
    visit.close()


def test_another_origin_is_searched_when_it_sends_the_cors_header(browser, two_origins):
    base, with_cors, without = two_origins
    visit = Visit(browser, [base + "/", with_cors + "/", without + "/"])
    hits = visit.search(base, UNIQUE_QUERY)
    assert [(h["site"], h["href"]) for h in hits] == [(COUNTY, f"{with_cors}/{UNIQUE_URL}")], hits
    # The same county without Access-Control-Allow-Origin: the browser refuses to hand over its index.
    assert any(n.startswith("暂时无法检索“无跨域头县”") for n in visit.notes()), visit.notes()
    assert any(u.startswith(without + "/search/data/meta.bin") for u in visit.requests)
    visit.page.click(".gk-hit__title a")
    visit.page.wait_for_url(f"{with_cors}/{UNIQUE_URL}")
    visit.close()


def test_remote_hits_at_three_widths_and_in_elder_mode(browser, one_host, tmp_path):
    """Screenshots for a person to look at (screenshots/search-sites-*.png); the hit label stays readable."""
    base, _ = one_host
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for width, elder in ((1366, False), (1280, False), (390, False), (390, True)):
        visit = Visit(browser, [base + "/"], viewport={"width": width, "height": 900})
        if elder:
            visit.page.add_init_script("localStorage.setItem('gongkai-elder', '1')")
        visit.search(base, UNIQUE_QUERY)
        visit.page.add_script_tag(path=str(ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
        violations = visit.page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                                         ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))")
        assert violations == [], (width, elder, violations)
        label = visit.page.locator(".gk-hit__site--other").first
        box = label.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert label.evaluate("e => getComputedStyle(e).color") == "rgb(11, 74, 139)"
        visit.page.screenshot(path=str(out / f"search-sites-{width}{'-elder' if elder else ''}.png"), full_page=True)
        visit.close()


def test_a_number_is_looked_up_on_every_site_without_fetching_any_words_shards(browser, one_host):
    """测教发〔2025〕2号 is the mini fixture's document on the city and the county; the county's 茶艺 notice cites it."""
    base, _ = one_host
    visit = Visit(browser, [base + "/"])
    hits = visit.search(base, "测教发[2025]2号")
    assert [h["site"] for h in hits] == [CITY, COUNTY, "早期县", COUNTY, "早期县"], hits
    assert all("规范校外培训" in h["title"] for h in hits[:3]) and all("茶艺" in h["title"] for h in hits[3:])
    status = visit.page.inner_text("[data-gk-status]")
    assert status.startswith("按文号找到：测教发[2025]2号；另有 2 件文件引用了这一文号"), status
    assert visit.page.locator(".gk-hit--exact").count() == 3
    assert visit.page.locator(".gk-hit__via", has_text="引用了这一文号").count() == 2
    # One shard per site (the number's), no shard of 测教, 教发, 2025, 2 or 号.
    shards = [u for u in visit.requests if "/search/data/t/" in u]
    assert len([u for u in shards if u.startswith(base + "/search/")]) == 1, shards
    assert len([u for u in shards if u.startswith(base + "/xian/")]) == 1, shards
    visit.close()


@pytest.mark.build  # needs Debian's nginx, which make test (not make test-fast) installs
@pytest.mark.parametrize("allow", ["", "*"])
def test_the_shipped_nginx_file_sends_the_cors_header_for_the_index_only_when_the_owner_sets_it(tmp_path, allow):
    import socket
    import subprocess
    import time

    from test_deploy import NGINX, fetch, nginx_setup
    site = tmp_path / "site"
    (site / "search" / "data").mkdir(parents=True)
    (site / "search" / "data" / "meta.bin").write_bytes(gzip.compress(b'{"v":1}'))
    (site / "index.html").write_text("<!doctype html><title>首页</title>", encoding="utf-8")
    conf, http, _ = nginx_setup(tmp_path, site, brotli=False, variant="http", proxy="127.0.0.1/32")
    site_conf = tmp_path / "site.conf"
    text = site_conf.read_text(encoding="utf-8")
    line = '    ~^/search/data/  "";\n'
    assert line in text  # the one value an owner changes (docs/search.md)
    site_conf.write_text(text.replace(line, f'    ~^/search/data/  "{allow}";\n'), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", http)) == 0:
                    break
            time.sleep(0.1)
        proxied = {"X-Forwarded-Proto": "https"}
        status, headers, _ = fetch(f"http://127.0.0.1:{http}/search/data/meta.bin", headers=proxied)
        assert status == 200 and headers.get("Access-Control-Allow-Origin") == (allow or None)
        assert headers["X-Content-Type-Options"] == "nosniff"  # the other headers still sent
        status, headers, _ = fetch(f"http://127.0.0.1:{http}/", headers=proxied)
        assert status == 200 and headers.get("Access-Control-Allow-Origin") is None
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_citys_results_do_not_wait_for_a_slow_site_and_its_hits_join_when_they_come(browser, slow_site):
    base = slow_site
    visit = Visit(browser, [base + "/"])
    visit.page.goto(f"{base}/search/?q={quote('安全生产')}")
    root = "document.querySelector('[data-gk-search]')"
    visit.page.wait_for_function(f"() => {root}.dataset.state === 'partial'", timeout=10_000)
    assert visit.notes() == ["正在检索“慢县”，稍后会并入结果……"]
    sites = visit.page.eval_on_selector_all(".gk-hit__site", "els => els.map(e => e.textContent)")
    assert sites == [CITY]  # the city's own hit is already on screen
    visit.page.wait_for_function(f"() => {root}.dataset.state === 'done'", timeout=10_000)
    sites = visit.page.eval_on_selector_all(".gk-hit__site", "els => els.map(e => e.textContent)")
    assert sites == [CITY, "慢县"] and visit.notes() == [] and not visit.page.is_visible("[data-gk-site-notes]")
    visit.close()


def test_sorted_by_date_the_sites_hits_interleave_by_month(browser, two_origins):
    base, with_cors, without = two_origins
    visit = Visit(browser, [base + "/", with_cors + "/", without + "/"])
    hits = visit.search(base, "通知", sort="date")
    dates = visit.page.eval_on_selector_all(
        ".gk-hit__meta", "els => els.map(p => [...p.children].map(s => s.textContent).find(t => /^\\d{4}-\\d\\d-\\d\\d$/.test(t)))")
    months = [d[:7] for d in dates]
    assert len({h["site"] for h in hits}) == 2 and months == sorted(months, reverse=True), [(d, h["site"], h["title"][-12:]) for d, h in zip(dates, hits)]
    # The county's 茶艺 notice (2025-05) sits among the city's documents, not after all of them.
    at = next(i for i, h in enumerate(hits) if "茶艺" in h["title"])
    assert any(h["site"] == CITY for h in hits[at + 1:]), hits
    visit.close()
