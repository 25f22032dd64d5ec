"""A visitor's walk through the demo site in headless Chromium: navigation, phones, 200% zoom, 长者模式."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NO_SIDEWAYS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def test_walk_from_home_to_a_document(page, demo_url):
    page.goto(demo_url + "/")
    page.get_by_role("link", name="政府信息公开", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("政府信息公开")
    page.locator(".gk-orgs a").first.click()
    expect(page.locator("h1")).to_contain_text("信息公开")
    page.locator(".gk-latest a").first.click()
    meta = page.locator("table.gk-meta")
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "发布日期", "文号", "有效性"):
        expect(meta.get_by_role("rowheader", name=label)).to_have_count(1)
    crumbs = page.get_by_role("navigation", name="当前位置").locator("a")
    expect(crumbs.nth(3)).to_be_visible()
    crumbs.last.click()  # back to the document's column
    expect(page.locator("table.gk-list")).to_have_count(1)


@pytest.mark.parametrize("width, scale", [(390, 1), (640, 2)])  # a phone; 1280 px at 200% zoom
def test_no_sideways_scrolling(browser, demo_url, demo_site, width, scale):
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    pg = context.new_page()
    doc = next((demo_site / "wj").rglob("index.html")).relative_to(demo_site).parent.as_posix()
    for path in ("", "xxgk/", f"{doc}/", "xxgk/mulu/"):
        pg.goto(f"{demo_url}/{path}")
        assert pg.evaluate(NO_SIDEWAYS), path
    context.close()


def test_keyboard_focus_is_visible(page, demo_url):
    page.goto(demo_url + "/xxgk/")
    for _ in range(3):
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON", "INPUT", "LABEL")
    assert outline != "none"


def test_elder_mode_enlarges_text_and_is_remembered(page, demo_url):
    page.goto(demo_url + "/xxgk/")
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="长者模式").click()
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after >= before * 1.3
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('gk-elder')")
    assert page.get_by_role("button", name="退出长者模式").get_attribute("aria-pressed") == "true"


CONTRAST_JS = """(selector) => {
  const lum = (rgb) => { const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { while (el) { const c = getComputedStyle(el).backgroundColor;
      if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; el = el.parentElement; }
    return 'rgb(255, 255, 255)'; };
  const el = document.querySelector(selector);
  const a = lum(getComputedStyle(el).color), b = lum(background(el));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("selector", [".gk-crumbs a", ".md-header__topic", ".gk-footer p", ".gk-tree a",
                                      ".md-nav__link"])
def test_text_contrast_meets_wcag_aa(page, demo_url, selector):
    page.goto(demo_url + "/xxgk/")
    assert page.evaluate(CONTRAST_JS, selector) >= 4.5
