"""年报 in a browser (Playwright driving Debian's chromium): on a phone the tables scroll inside their own box
and the page never scrolls sideways; printing gives A4 pages without the site's chrome; no request leaves the
site. Also: the demo site carries reports in all three formats."""

from __future__ import annotations

import pytest

from conftest import serve
from test_reports_build import build, fixture, make_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("reports-browser"), {
        "jyj/2023.yml": fixture("valid-2021.yml"),
        "szf/2016.yml": fixture("valid-2016.yml"),
        "szf/2019.yml": fixture("valid-2019.yml"),
    })
    result = build(root)
    assert result.returncode == 0, result.stderr
    url, server = serve(root / "site")
    yield url
    server.shutdown()


@pytest.fixture
def open_page(browser, site_url):
    contexts, foreign = [], []

    def go(path: str, width: int = 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith((site_url, "data:", "about:")) else foreign.append(r.url))
        page.goto(site_url + path)
        return page

    yield go
    for context in contexts:
        context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


@pytest.mark.parametrize("path", ["/xxgk/szf/nb/2024/", "/xxgk/szf/nb/2019/", "/xxgk/szf/nb/2018/",
                                  "/xxgk/szf/nb/lishi/", "/xxgk/jyj/nb/"])
def test_phone_page_does_not_scroll_sideways(page, demo_url, path):
    """On the demo site, with its own header: the page is never wider than a phone."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(demo_url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_phone_tables_scroll_in_their_own_box(open_page):
    page = open_page("/xxgk/jyj/gknb/2023/")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.gk-report-scroll')].map(b => ({
        label: b.getAttribute('aria-label'), wide: b.scrollWidth > b.clientWidth + 1, tab: b.tabIndex,
        fits: b.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5}))""")
    assert [b["label"] for b in boxes] == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                           "四、政府信息公开行政复议、行政诉讼情况"]
    assert all(b["fits"] and b["tab"] == 0 for b in boxes)
    assert boxes[1]["wide"] and boxes[2]["wide"]  # the wide tables scroll inside their box
    box = page.locator(".gk-report-t3").locator("xpath=..")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    # keyboard scrolling may be animated: wait for it rather than read the position at once
    page.wait_for_function("document.querySelector('.gk-report-t3').parentElement.scrollLeft > 0", timeout=5000)


def test_print_is_a4_without_chrome(open_page, tmp_path):
    page = open_page("/xxgk/jyj/gknb/2023/", width=1280)
    assert page.locator(".gk-report-bar").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".gk-report-bar").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-report-scroll')).overflowX") == "visible"
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "".join(p.extract_text() for p in reader.pages)
    assert "本列数据的勾稽关系为" in text and "打印本报告" not in text


def test_history_charts_render(open_page):
    page = open_page("/xxgk/szf/gknb/lishi/", width=1280)
    charts = page.locator("svg.gk-chart")
    assert charts.count() == 5
    assert page.locator("svg.gk-chart").first.locator("rect").count() == 2
    assert charts.nth(1).locator("title").text_content() == "新收政府信息公开申请（件）"


def test_demo_site_has_reports_in_every_format(demo_site):
    szf = demo_site / "xxgk" / "szf" / "nb"
    old = (szf / "2018" / "index.html").read_text(encoding="utf-8")
    assert "政府信息公开情况统计表" in old
    r2019 = (szf / "2019" / "index.html").read_text(encoding="utf-8")
    assert "本年新制作数量" in r2019
    r2024 = (szf / "2024" / "index.html").read_text(encoding="utf-8")
    assert "本年制发件数" in r2024 and "本年度未收取信息处理费" in r2024
    for org, years in (("szf", range(2018, 2025)), ("jyj", range(2022, 2025))):
        column = (demo_site / "xxgk" / org / "nb" / "index.html").read_text(encoding="utf-8")
        for year in years:
            assert f"{year}年政府信息公开工作年度报告" in column
        assert (demo_site / "xxgk" / org / "nb" / "lishi" / "index.html").exists()


def test_demo_has_a_report_with_a_row_that_does_not_apply(demo_site):
    """示例市民政局 has no rule-making power: its 2025 report prints the 规章 row as "/" (not 0)."""
    page = (demo_site / "xxgk" / "mzj" / "nb" / "2025" / "index.html").read_text(encoding="utf-8")
    row = page.split('id="gk-t2-0-r0">规章</th>', 1)[1].split("</tr>", 1)[0]
    assert row.count(">/</td>") == 3
    data = (demo_site / "xxgk" / "mzj" / "nb" / "mzj-2025-nianbao.json").read_text(encoding="utf-8")
    assert '"规章": {\n        "本年制发件数": null' in data
    old = (demo_site / "xxgk" / "szf" / "nb" / "2018" / "index.html").read_text(encoding="utf-8")
    assert "8.告知通过其他途径办理数" in old
