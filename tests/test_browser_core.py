"""A visitor's walk through the demo site in headless Chromium: navigation, phones, 200% zoom, 长者模式."""

from __future__ import annotations

import re

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


def test_high_contrast_and_font_size_are_remembered(page, demo_url):
    page.goto(demo_url + "/xxgk/")
    size = lambda: page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")  # noqa: E731
    before = size()
    page.get_by_role("button", name=re.compile("增大字号")).click()
    page.get_by_role("button", name=re.compile("增大字号")).click()
    assert size() >= before * 1.2
    page.get_by_role("button", name="高对比度").click()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    page.reload()
    assert size() >= before * 1.2
    assert page.get_by_role("button", name="退出高对比度").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name=re.compile("默认字号")).click()
    assert size() == before
    page.get_by_role("button", name="长者模式").click()
    elder = size()
    page.get_by_role("button", name=re.compile("增大字号")).click()
    assert size() > elder  # 字号 steps work in 长者模式 too


def test_read_aloud_speaks_the_main_text_in_chinese_through_the_browser(page, demo_url):
    # Record what the page asks the browser's own speech synthesis to say (no third-party script, no voice needed).
    page.add_init_script("""window.__spoken = [];
      speechSynthesis.getVoices = () => [{lang: 'zh-CN', name: '中文'}];
      speechSynthesis.speak = (u) => { window.__spoken.push([u.lang, u.text]); };""")
    page.goto(demo_url + "/xxgk/")
    button = page.get_by_role("button", name="朗读")
    expect(button).to_be_visible()
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and all(lang == "zh-CN" for lang, _ in spoken)
    text = "".join(t for _, t in spoken)
    assert "政府信息公开" in text and "最新公开" in text
    assert "长者模式" not in text  # the main content only, not the utility bar
    assert button.get_attribute("aria-pressed") == "true"


def test_closed_drawer_is_not_in_the_tab_order_on_a_phone(browser, demo_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto(demo_url + "/xxgk/yjzj/")
    for _ in range(25):
        pg.keyboard.press("Tab")
        inside = pg.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
        assert not inside, pg.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    pg.locator("label.md-header__button[for=__drawer]").click()
    expect(pg.locator(".md-sidebar--primary")).to_be_visible()
    context.close()


def test_application_form_prints_on_one_a4_sheet(page, demo_url):
    page.goto(demo_url + "/xxgk/szf/sqb/")
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    width, height = (float(v) for v in sizes[0])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in millimetres
