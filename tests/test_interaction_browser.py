"""The 征集 status is corrected in the visitor's browser: a page built while a 征集 was open must say 已结束
once the browser's clock is past the close (Playwright driving Debian's chromium)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import mkdocs_build, serve

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "interaction"
UTC = dt.timezone.utc
# zj-open runs 2026-11-01 00:00 to 2026-12-10 17:00 Asia/Shanghai (09:00 UTC); the site is built "on"
# 2026-11-23 10:00, when it is open.
CLOSE = dt.datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fixture_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("interaction-browser") / "src"
    shutil.copytree(FIXTURE, root)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    url, server = serve(root / "site")
    yield url
    server.shutdown()


@pytest.fixture
def open_at(browser, fixture_url):
    """Open a page of the fixture site with the browser clock fixed at an instant; no foreign requests."""
    contexts, foreign = [], []

    def go(path: str, when: dt.datetime):
        context = browser.new_context(locale="zh-CN", timezone_id="Europe/Berlin")  # not the site's zone
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith((fixture_url, "data:", "blob:", "about:"))
                else foreign.append(r.url))
        page.clock.set_fixed_time(when)
        page.goto(f"{fixture_url}/{path}")
        return page

    yield go
    for context in contexts:
        context.close()
    assert not foreign, foreign


def banner_and_box(page):
    return (page.locator(".gk-zj-banner [data-gk-label]"), page.locator("#gk-zj [data-gk-label]"))


def test_built_open_page_says_closed_after_the_close(open_at, fixture_url):
    page = open_at("wj/jyj/2026/zj-open/", CLOSE + dt.timedelta(days=3))
    # the HTML as built says 征集中; the browser corrects it
    assert page.locator(".gk-zj-banner").get_attribute("data-gk-status") == "已结束"
    for label in banner_and_box(page):
        assert label.inner_text() == "已结束"
        assert "gk-zj-badge--closed" in label.get_attribute("class")
    assert page.locator(".gk-zj-banner [data-gk-left]").is_hidden()
    assert page.get_by_text("本次征集已结束").is_visible()
    assert page.get_by_text("请在征集截止前通过以下方式提出意见建议").is_hidden()
    assert page.get_by_text("反馈待发布。").is_visible()


def test_served_html_was_built_open(fixture_url):
    from urllib.request import urlopen

    html = urlopen(f"{fixture_url}/wj/jyj/2026/zj-open/").read().decode("utf-8")
    assert 'data-gk-status="征集中"' in html and ">征集中<" in html and "已结束" not in html.split("gk-zj-banner")[1][:600]


def test_exact_close_instant_in_shanghai(open_at):
    page = open_at("wj/jyj/2026/zj-open/", CLOSE - dt.timedelta(seconds=1))
    banner, _ = banner_and_box(page)
    assert banner.inner_text() == "征集中"
    assert page.locator(".gk-zj-banner [data-gk-left]").inner_text() == "今天截止"
    page = open_at("wj/jyj/2026/zj-open/", CLOSE)
    banner, _ = banner_and_box(page)
    assert banner.inner_text() == "已结束"


def test_days_left_and_not_started(open_at):
    # 2026-12-01 23:30 in Shanghai is still 2026-12-01 15:30 UTC: 9 days to 12-10
    page = open_at("wj/jyj/2026/zj-open/", dt.datetime(2026, 12, 1, 15, 30, tzinfo=UTC))
    assert page.locator(".gk-zj-banner [data-gk-left]").inner_text() == "还剩9天"
    page = open_at("wj/jyj/2026/zj-open/", dt.datetime(2026, 10, 31, 15, 59, tzinfo=UTC))  # 23:59 Shanghai
    assert banner_and_box(page)[0].inner_text() == "未开始"


def test_column_list_is_reordered_by_the_live_status(open_at):
    # 2027-01-05: everything has closed; the list becomes latest close first, 反馈 still after its 征集
    page = open_at("xxgk/yjzj/", dt.datetime(2027, 1, 5, tzinfo=UTC))
    rows = page.locator("tbody[data-gk-sortable] > tr")
    keys = [rows.nth(i).get_attribute("data-gk-row") or "fk:" + rows.nth(i).get_attribute("data-gk-follows")
            for i in range(rows.count())]
    assert keys == ["wj/jyj/2026/zj-upcoming", "wj/jyj/2026/zj-open", "wj/jyj/2026/zj-pending",
                    "wj/jyj/2026/zj-block", "wj/jyj/2026/zj-closed", "fk:wj/jyj/2026/zj-closed"]
    first = page.locator('tr[data-gk-row="wj/jyj/2026/zj-upcoming"]')
    assert first.locator("[data-gk-label]").inner_text() == "已结束"
    assert first.get_by_text("反馈待发布").is_visible()


def test_without_the_script_the_page_keeps_its_build_time_status(browser, fixture_url):
    # Guards the tests above: it is the script that corrects the status, not something else.
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.route("**/interaction.js", lambda route: route.abort())
    page.clock.set_fixed_time(CLOSE + dt.timedelta(days=3))
    page.goto(f"{fixture_url}/wj/jyj/2026/zj-open/")
    assert banner_and_box(page)[0].inner_text() == "征集中"
    context.close()


OVERFLOWING = """Array.from(document.querySelectorAll('.gk-box, .gk-zj-banner, .gk-scroll, .gk-zj-figures'))
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.className)"""


@pytest.mark.parametrize("width, scale", [(390, 1), (640, 2)])  # a phone; 1280 px at 200% zoom
def test_interaction_blocks_fit_phones_and_zoom(browser, fixture_url, width, scale):
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    for path in ("wj/jyj/2026/zj-open/", "wj/jyj/2026/zj-block/", "wj/szf/2026/gf-1/", "wj/szf/2026/jd-1/"):
        page.goto(f"{fixture_url}/{path}")
        assert page.evaluate(OVERFLOWING) == [], path
    for path in ("xxgk/yjzj/", "xxgk/zcwj/zcjd/"):  # wide tables scroll inside their own box
        page.goto(f"{fixture_url}/{path}")
        assert page.evaluate(OVERFLOWING) == [], path
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), path
    context.close()
