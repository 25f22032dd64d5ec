"""The search plugin end to end: a small site built with gongkai/search, queried in headless Chromium.

The site is the mini fixture plus a few documents, so every expectation below is known exactly.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from kit import guarded_page, serve
from kit import GOOD_FRONT, build, copy_mini, write_doc

pytestmark = pytest.mark.browser

DOCS = {
    # url → (title, 发布主体, 发布日期, 文号)
    "wj/dcjd/2025/dt-1/": ("东城街道开展防汛演练", "dcjd", "2025-06-11", None),
    "wj/jyj/2024/gf-4/": ("测试市教育局关于学生资助工作的通知", "jyj", "2024-09-04", "测教发〔2024〕9号"),
    "wj/jyj/2025/dt-1/": ("市教育局召开秋季开学工作会议", "jyj", "2025-08-25", None),
    "wj/jyj/2025/gf-1/": ("测试市教育局关于规范校外培训的通知", "jyj", "2025-03-05", "测教发〔2025〕2号"),
    "wj/jyj/2025/gf-2/": ("测试市教育局关于做好义务教育招生工作的通知", "jyj", "2025-04-03", "测教发〔2025〕5号"),
    "wj/jyj/2025/gf-3/": ("测试市教育局关于加强中小学生近视防控的通知", "jyj", "2025-05-08", "测教发〔2025〕7号"),
    "wj/szf/2025/gf-1/": ("测试市人民政府关于加强安全生产工作的意见", "szf", "2025-02-07", "测政发〔2025〕1号"),
    "wj/szf/2025/gz-1/": ("测试市城市绿化管理办法", "szf", "2025-01-10", "测试市人民政府令第1号"),
    "wj/jyj/2025/dushu/": ("测试市教育局关于开展读书月活动的通知", "jyj", "2025-06-04", "测教发〔2025〕11号"),
    "wj/szf/2024/yusuan/": ("测试市2024年预算执行情况报告", "szf", "2024-12-20", None),
}
# Enough for two pages of results: 工作简报 第1期 … 第6期.
BRIEFS = {f"wj/dcjd/2025/jb-{n}/": (f"东城街道工作简报（第{n}期）", "dcjd", f"2025-07-0{n}", None) for n in range(1, 7)}
DOCS.update(BRIEFS)


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> Path:
    root = copy_mini(tmp_path_factory.mktemp("search"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search\n", encoding="utf-8")
    write_doc(root, "jyj/2025/dushu.md", GOOD_FRONT,
              "为营造书香校园氛围，决定在全市中小学开展读书月活动。\n\n活动时间为2025年6月至7月。\n")
    write_doc(root, "szf/2024/yusuan.md", """title: 测试市2024年预算执行情况报告
栏目: [gzdt]
发布机构: szf
成文日期: 2024-12-18
发布日期: 2024-12-20
索引号: 999100001/2024-00031
主题分类: 财政、金融、审计
""", "全市一般公共预算收入完成年度预算的101.2%，税收收入增长3.5%。\n")
    for url, (title, _, day, _) in BRIEFS.items():
        write_doc(root, url[3:-1] + ".md", f"""title: {title}
栏目: [gzdt]
发布机构: dcjd
成文日期: {day}
发布日期: {day}
索引号: 999100003/2025-{int(url[-2]) + 10:05d}
主题分类: 综合政务
""", "本期简报汇总街道近期工作。\n")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def site_url(search_site):
    url, server = serve(search_site)
    yield url
    server.shutdown()


@pytest.fixture
def spage(browser, site_url):
    """A fresh page on the search site; fails on requests to other hosts and on script errors."""
    with guarded_page(browser, site_url, script_errors=True) as pg:
        yield pg


def wait_done(pg, query: str):
    pg.wait_for_function("q => { const r = document.querySelector('[data-gk-search]');"
                         " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query)


def results(pg, base: str) -> list[str]:
    hrefs = pg.eval_on_selector_all(".gk-hit__title a", "els => els.map(a => a.href)")
    return [h[len(base) + 1:] for h in hrefs]


def open_results(pg, base: str, query: str, **params) -> list[str]:
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    pg.goto(f"{base}/search/?q={quote(query)}{extra}")
    wait_done(pg, query)
    return results(pg, base)


def type_query(pg, query: str):
    box = pg.locator("#gk-q")
    box.fill("")
    box.press_sequentially(query, delay=20)
    wait_done(pg, query)


def test_header_box_on_every_page_submits_to_results(spage, site_url, search_site):
    pages = [p for p in search_site.rglob("index.html") if "search" not in p.parts]
    assert len(pages) > 20
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert 'id="gk-header-q"' in text and '<label class="gk-hidden" for="gk-header-q">' in text, path
    spage.set_viewport_size({"width": 1280, "height": 800})
    spage.goto(site_url + "/")
    spage.fill("#gk-header-q", "教育")
    spage.keyboard.press("Enter")
    spage.wait_for_url(re.compile(r"/search/\?q="))
    wait_done(spage, "教育")
    assert spage.input_value("#gk-q") == "教育"
    assert set(results(spage, site_url)) == {u for u, d in DOCS.items() if "教育" in d[0]}


def test_typing_shows_ranked_highlighted_results_and_count(spage, site_url):
    spage.goto(site_url + "/search/")
    wait_done(spage, "")
    type_query(spage, "读书月")
    assert results(spage, site_url) == ["wj/jyj/2025/dushu/"]
    assert spage.inner_text("[data-gk-status]") == "找到 1 条结果"
    assert spage.inner_text(".gk-hit__title mark") == "读书月"
    assert "读书月" in spage.inner_text(".gk-hit__snippet mark")
    type_query(spage, "安全生产")
    top = results(spage, site_url)
    assert top[0] == "wj/szf/2025/gf-1/"  # in the title
    # The URL keeps the query, so a result list can be shared or reloaded.
    assert "q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7" in spage.url


@pytest.mark.parametrize("typed", ["测教发〔2025〕5号", "测教发[2025]5号", "测教发(2025)5号", "测教发（2025）5号",
                                   "999100002/2025-00002"])
def test_pasted_doc_number_or_index_number_puts_that_document_first(spage, site_url, typed):
    top = open_results(spage, site_url, typed)
    assert top[0] == "wj/jyj/2025/gf-2/"
    assert spage.get_attribute(".gk-hit", "class") == "gk-hit gk-hit--exact"


@pytest.mark.parametrize("typed, label", [("测教发[2025]5号", "文号"), ("999100002/2025-00002", "索引号")])
def test_an_exact_number_is_announced_as_found_alone_without_partial_matches(spage, site_url, typed, label):
    assert open_results(spage, site_url, typed) == ["wj/jyj/2025/gf-2/"]
    status = spage.inner_text("[data-gk-status]")
    assert status.startswith(f"按{label}找到") and "部分匹配" not in status, status
    assert spage.locator("[data-gk-nearest]").is_hidden()


def test_a_number_that_names_nothing_says_so_and_offers_the_nearest(spage, site_url):
    # 测教发〔2025〕6号 does not exist; 〔2025〕5号 and 7号 do. The search falls back to the ordinary one (issue 24),
    # says so, and lists only documents holding every term of the number, no partial match on "6", "号", "2025".
    found = open_results(spage, site_url, "测教发〔2025〕6号")
    status = spage.inner_text("[data-gk-status]")
    assert status.startswith("未找到文号“测教发〔2025〕6号”") and "按字词检索" in status, status
    assert "部分匹配" not in status
    texts = spage.eval_on_selector_all(".gk-hit", "els => els.map(e => e.textContent)")
    assert len(found) == len(texts) and all("测教" in t and "6" in t for t in texts), texts
    nearest = spage.locator("[data-gk-nearest]")
    assert nearest.is_visible()
    assert re.search(r"最接近的文号（测教发〔2025〕[57]号）", nearest.inner_text()), nearest.inner_text()
    href = nearest.locator("a").get_attribute("href")
    assert href.endswith(("wj/jyj/2025/gf-2/", "wj/jyj/2025/gf-3/")), href


def test_filters_are_folded_on_a_phone_and_open_on_a_desktop(spage, site_url):
    spage.set_viewport_size({"width": 390, "height": 844})
    open_results(spage, site_url, "教育")
    assert spage.locator("#gk-p").is_hidden()
    assert spage.locator(".gk-hit").first.bounding_box()["y"] < 844  # a result in the first screen
    open_results(spage, site_url, "教育", p="jyj")  # a filter in use stays visible
    assert spage.locator("#gk-p").is_visible()
    spage.set_viewport_size({"width": 1280, "height": 800})
    open_results(spage, site_url, "教育")
    assert spage.locator("#gk-p").is_visible()


def test_regulation_number_without_brackets(spage, site_url):
    assert open_results(spage, site_url, "测试市人民政府令第1号")[0] == "wj/szf/2025/gz-1/"


def test_one_character_mixed_digits_and_traditional_queries(spage, site_url):
    assert open_results(spage, site_url, "汛") == ["wj/dcjd/2025/dt-1/"]
    assert open_results(spage, site_url, "税") == ["wj/szf/2024/yusuan/"]
    assert open_results(spage, site_url, "2024年预算") == ["wj/szf/2024/yusuan/"]
    assert open_results(spage, site_url, "101.2") == ["wj/szf/2024/yusuan/"]
    # 繁體: 學生資助 and 讀書 find the 简体 documents, and the 简体 text is highlighted.
    assert open_results(spage, site_url, "學生資助") == ["wj/jyj/2024/gf-4/"]
    assert spage.inner_text(".gk-hit__title mark") == "学生资助"
    assert open_results(spage, site_url, "讀書") == ["wj/jyj/2025/dushu/"]


def test_no_results_and_partial_matches_say_so(spage, site_url):
    assert open_results(spage, site_url, "核电站") == []
    assert "没有找到相关结果" in spage.inner_text("[data-gk-status]")
    # No document holds both words: the closest ones are shown, labelled as partial.
    top = open_results(spage, site_url, "读书 核电站")
    assert top == ["wj/jyj/2025/dushu/"]
    assert "部分匹配" in spage.inner_text("[data-gk-status]")


def test_filters_narrow_the_results(spage, site_url):
    every = open_results(spage, site_url, "通知")
    notices = {u for u, d in DOCS.items() if "通知" in d[0]}
    assert set(every) == notices
    spage.select_option("#gk-p", "jyj")
    wait_done(spage, "通知")
    assert set(results(spage, site_url)) == {u for u in notices if DOCS[u][1] == "jyj"}
    spage.select_option("#gk-y", "2024")
    wait_done(spage, "通知")
    assert results(spage, site_url) == ["wj/jyj/2024/gf-4/"]
    assert "p=jyj" in spage.url and "y=2024" in spage.url
    spage.select_option("#gk-y", "")
    spage.select_option("#gk-p", "")
    spage.select_option("#gk-c", "gz")
    wait_done(spage, "通知")
    assert results(spage, site_url) == []
    # A filter without a query lists everything that passes it, newest first.
    top = open_results(spage, site_url, "", c="gz")
    assert top == ["wj/szf/2025/gz-1/"]
    top = open_results(spage, site_url, "", k="规章")
    assert top == ["wj/szf/2025/gz-1/"]
    top = open_results(spage, site_url, "教育", t="科技、教育", c="zcwj")
    assert set(top) == {u for u, d in DOCS.items() if "教育" in d[0] and "/gf-" in u or u.endswith("dushu/")} - \
        {"wj/jyj/2025/dt-1/"}
    # Year options count the results per year.
    open_results(spage, site_url, "通知")
    labels = spage.eval_on_selector_all("#gk-y option", "os => os.map(o => o.textContent)")
    assert "2024年（1）" in labels and "2025年（{}）".format(len(notices) - 1) in labels


def test_sort_by_date_or_relevance(spage, site_url):
    relevance = open_results(spage, site_url, "教育局")
    by_date = open_results(spage, site_url, "教育局", sort="date")
    assert sorted(relevance) == sorted(by_date)
    dates = [DOCS[u][2] for u in by_date]
    assert dates == sorted(dates, reverse=True)
    shown = spage.eval_on_selector_all(".gk-hit__meta span:nth-child(2)", "els => els.map(e => e.textContent)")
    assert shown == dates
    spage.select_option("#gk-sort", "relevance")
    wait_done(spage, "教育局")
    assert results(spage, site_url) == relevance
    # Relevance: "教育局" in the title of every hit; the shortest title, where it weighs most, is not last.
    assert relevance != dates or relevance[0] == "wj/jyj/2025/dt-1/"


def test_keyboard_only_with_visible_focus(spage, site_url):
    spage.set_viewport_size({"width": 1280, "height": 800})
    spage.goto(site_url + "/search/")
    wait_done(spage, "")
    assert spage.get_attribute("#gk-q", "type") == "search"
    assert spage.inner_text("label[for=gk-q]") == "搜索关键词"
    fields = ("gk-p", "gk-c", "gk-t", "gk-y", "gk-k", "gk-j", "gk-w", "gk-from", "gk-to", "gk-r", "gk-v", "gk-sort")
    for field in fields:
        assert spage.locator(f"label[for={field}]").count() == 1
    spage.focus("#gk-q")
    spage.keyboard.type("教育")
    spage.keyboard.press("Enter")
    wait_done(spage, "教育")
    order = []
    for _ in range(30):
        spage.keyboard.press("Tab")
        focused = spage.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return [e.id || e.textContent.trim(), s.outlineStyle, s.outlineWidth]; }""")
        if not order or order[-1] != focused[0]:  # a month field takes one Tab per part (year, month)
            order.append(focused[0])
        assert focused[1] != "none" and focused[2] != "0px", focused
        if focused[0] == "清除条件":
            break
    assert order == ["搜索", "筛选与排序", *fields, "清除条件"]
    # Change a filter from the keyboard: focus it, pick with the arrow keys.
    spage.focus("#gk-p")
    spage.select_option("#gk-p", "szf")
    wait_done(spage, "教育")
    assert spage.get_attribute("[data-gk-status]", "role") == "status"
    assert "没有找到" in spage.inner_text("[data-gk-status]")
    # The result list is reachable: the first link gets focus with Tab after the form.
    spage.select_option("#gk-p", "")
    wait_done(spage, "教育")
    spage.focus("text=清除条件")
    spage.keyboard.press("Tab")
    assert spage.evaluate("document.activeElement.closest('.gk-hit') !== null")


@pytest.mark.parametrize("width", [360, 640])  # a phone; 1280 px at 200% zoom
def test_phone_and_zoom_layout(spage, site_url, width):
    spage.set_viewport_size({"width": width, "height": 800})
    spage.goto(site_url + "/")
    # The header box folds into a link to the results page, which has its own box.
    assert not spage.is_visible("#gk-header-q")
    link = spage.locator("a.gk-header-search__link")
    assert link.is_visible()
    box, icon = link.bounding_box(), link.locator("svg").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box  # a tap target for a finger
    assert icon["width"] >= 20 and box["x"] + box["width"] <= width, icon
    assert spage.evaluate("getComputedStyle(document.querySelector('.gk-header-search__link svg')).fill") == \
        spage.evaluate("getComputedStyle(document.querySelector('.md-header')).color")
    link.click()
    spage.wait_for_url(re.compile(r"/search/"))
    spage.fill("#gk-q", "测教发[2025]11号")
    spage.keyboard.press("Enter")
    wait_done(spage, "测教发[2025]11号")
    assert results(spage, site_url)[0] == "wj/jyj/2025/dushu/"
    overflow = spage.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    box = spage.locator("#gk-q").bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= width


def test_results_page_is_paginated(spage, site_url, search_site):
    top = open_results(spage, site_url, "", y="2025")
    total = int(spage.get_attribute("[data-gk-search]", "data-total"))
    assert total == sum(d[2].startswith("2025") for d in DOCS.values()) > 10 and len(top) == 10
    spage.click("button.gk-pager__button:text-is('2')")
    spage.wait_for_function("() => new URLSearchParams(location.search).get('page') === '2'")
    wait_done(spage, "")
    second = results(spage, site_url)
    assert len(second) == total - 10 and not set(second) & set(top)
    assert spage.evaluate("document.activeElement.hasAttribute('data-gk-status')")


def test_index_holds_every_document_and_page_once(search_site):
    import gzip
    import json
    meta = json.loads(gzip.decompress((search_site / "search" / "data" / "meta.bin").read_bytes()))
    # Every document, plus the one Markdown page outside wj/ (the home page); generated lists are left out.
    assert meta["n"] == len(DOCS) + 1
    urls = {json.loads(gzip.decompress(p.read_bytes()))["u"] for p in (search_site / "search" / "data" / "d").rglob("*.bin")}
    assert urls == set(DOCS) | {""}
    assert [p for p, _ in meta["facets"]["p"]] == ["szf", "jyj", "dcjd"]
    assert meta["facets"]["k"] == ["规章", "行政规范性文件"]
    assert not (search_site / "search" / "search_index.json").exists()  # mkdocs-material's search is not run


def test_a_page_already_at_the_results_address_fails_the_build(tmp_path):
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search\n", encoding="utf-8")
    (root / "content" / "search").mkdir()
    (root / "content" / "search" / "index.md").write_text("# 我的搜索页\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "搜索结果页的地址 search/ 已被 content/search/index.md 占用" in result.stderr
    assert "page:" in result.stderr


def test_headings_follow_the_page_outline(spage, site_url):
    open_results(spage, site_url, "教育")
    levels = spage.eval_on_selector_all("article h1, article h2, article h3, .md-content h1, .md-content h2, "
                                        ".md-content h3", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert spage.locator("h2.gk-hit__title").count() == len(results(spage, site_url))
