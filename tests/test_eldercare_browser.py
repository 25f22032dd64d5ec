"""适老化 and 无障碍 by the numbers: every page kind (tests/pagekinds.py) measured in headless Chromium in 长者模式
at 390 px with the largest 字号 and at 1366 px, in 高对比度, and at 1280 px zoomed to 200 %.

The numbers are those of 工信部《互联网网站适老化通用设计规范》 and WCAG 2.1 (docs/accessibility.md):

- 长者模式: text ≥ 18 px, line height ≥ 1.3 × the font size, the space between paragraphs ≥ 1.3 × the line height;
- every mode: text contrast ≥ 4.5:1 (3:1 for large text; axe-core's color-contrast rule), every standalone control
  ≥ 44 × 44 px (≥ 60 × 60 for the 适老 page's main controls in 长者模式), no text cut off by an ancestor that hides its
  overflow, no text outside the window, no page scrolling sideways, nothing squeezed to one character a line.

One browser, one page per mode reused for every page kind. When every mode and kind ran, the measured results are
written to content/wzasm/results.json, from which the 无障碍声明 page (/wzasm/) is built.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kit import ROOT, guarded_page
from pagekinds import page_kinds
from test_readability_browser import AXE_JS, FACTS_JS, KIND_NAMES, visit

pytestmark = pytest.mark.browser

RESULTS = ROOT / "content" / "wzasm" / "results.json"

# name → (viewport width, height, device scale factor, localStorage settings of the 无障碍 bar)
MODES = {
    "elder-390-max": (390, 844, 1, {"elder": "1", "font": "3"}),
    "elder-1366": (1366, 900, 1, {"elder": "1"}),
    "zoom200-1280": (640, 800, 2, {}),
    "contrast-390-max": (390, 844, 1, {"contrast": "1", "font": "3"}),
    "contrast-1366": (1366, 900, 1, {"contrast": "1"}),
}

# Measured in the page: returns {problems: [...], stats: {...}}. `elder` turns on the 长者模式 numbers.
MEASURE_JS = r"""(elder) => {
  const problems = [], stats = {minFont: Infinity, minLine: Infinity, minPara: Infinity, minTarget: Infinity,
                                minMainTarget: Infinity, controls: 0, texts: 0, clipped: 0};
  const name = (el) => (el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  const where = (el) => { const c = el.closest('[class]'); return el.tagName.toLowerCase() + (c ? '@' + c.className.toString().split(' ')[0] : ''); };
  const hiddenByDesign = (el) => el.closest('.gk-hidden, [hidden], .md-search, .md-sidebar--secondary .md-nav__title, [aria-hidden="true"]');
  const seen = (el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true}) && !hiddenByDesign(el);
  const textNodes = (el) => [...el.childNodes].filter(n => n.nodeType === 3 && n.data.trim());
  const W = innerWidth;
  // Ancestors that clip: overflow hidden/clip on an axis, or a scroll box (auto/scroll) on the x axis.
  const clipCache = new Map();
  const clips = (el) => {
    const out = [];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      let c = clipCache.get(a);
      if (c === undefined) {
        const s = getComputedStyle(a);
        const hx = ['hidden', 'clip'].includes(s.overflowX), hy = ['hidden', 'clip'].includes(s.overflowY);
        const sx = ['auto', 'scroll'].includes(s.overflowX);
        c = (hx || hy || sx) ? {a, hx, hy, sx} : null;
        clipCache.set(a, c);
      }
      if (c) out.push(c);
    }
    return out;
  };
  const cued = (box) => box.classList.contains('gk-scroll') && box.previousElementSibling
    && box.previousElementSibling.classList.contains('gk-scroll-cue') && !box.previousElementSibling.hidden;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg, script, style, noscript, template')) continue;
    const nodes = textNodes(el);
    if (!nodes.length || !seen(el)) continue;
    const range = document.createRange();
    range.setStartBefore(nodes[0]); range.setEndAfter(nodes[nodes.length - 1]);
    const r = range.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    // Text for screen readers only (a 1 px clipped box, e.g. a card list's column heads) is not cut off.
    if (clips(el).some(c => { const b = c.a.getBoundingClientRect(); return b.width <= 1 || b.height <= 1; })) continue;
    stats.texts++;
    const s = getComputedStyle(el), px = parseFloat(s.fontSize);
    // Cut off: text outside an ancestor that hides its overflow, or in a sideways scroll box with no cue.
    for (const c of clips(el)) {
      const b = c.a.getBoundingClientRect();
      const outX = r.left < b.left - 1 || r.right > b.right + 1, outY = r.top < b.top - 1 || r.bottom > b.bottom + 1;
      if ((c.hx && outX) || (c.hy && outY)) {
        problems.push(`text cut off by ${where(c.a)} (overflow hidden): ${where(el)} “${name(el)}”`); stats.clipped++; break;
      }
      if (c.sx && outX && !cued(c.a)) {
        problems.push(`text scrolled out of sight in ${where(c.a)} with no cue: ${where(el)} “${name(el)}”`); stats.clipped++; break;
      }
    }
    if (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`text shortened to “…”: ${where(el)} “${name(el)}”`); stats.clipped++;
    }
    const inScroll = clips(el).some(c => c.sx && cued(c.a));
    if (!inScroll && (r.right > W + 1 || r.left < -1) && s.position !== 'fixed') {
      problems.push(`text outside the window (${Math.round(r.left)}–${Math.round(r.right)} of ${W}px): ${where(el)} “${name(el)}”`);
      stats.clipped++;
    }
    // One character a line: a box narrower than two characters that holds more.
    if (r.width < 2 * px && range.getClientRects().length > 2 && !s.writingMode.startsWith('vertical')) {
      problems.push(`squeezed to ${Math.round(r.width)}px (one character a line): ${where(el)} “${name(el)}”`);
    }
    if (elder) {
      stats.minFont = Math.min(stats.minFont, px);
      if (px < 18 - 0.05) problems.push(`text at ${px.toFixed(1)}px (< 18px): ${where(el)} “${name(el)}”`);
      const lh = s.lineHeight === 'normal' ? NaN : parseFloat(s.lineHeight);
      const ratio = lh / px;
      if (!(ratio >= 1.3 - 0.005) && range.getClientRects().length > 1) {
        problems.push(`line height ${s.lineHeight} at ${px.toFixed(1)}px (< 1.3×): ${where(el)} “${name(el)}”`);
      }
      if (ratio > 0) stats.minLine = Math.min(stats.minLine, ratio);
    }
  }
  // Paragraph spacing in 长者模式: the gap between two paragraphs ≥ 1.3 × the line height.
  if (elder) for (const p of document.querySelectorAll('#gk-main p + p')) {
    const prev = p.previousElementSibling;
    if (!seen(p) || !seen(prev)) continue;
    const gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
    const lh = parseFloat(getComputedStyle(prev).lineHeight);
    stats.minPara = Math.min(stats.minPara, gap / lh);
    if (gap < 1.3 * lh - 0.5) problems.push(`paragraph gap ${gap.toFixed(1)}px < 1.3 × line height ${lh.toFixed(1)}px: “${name(p)}”`);
  }
  // Standalone controls: not a link inside a sentence (text beside it in the same block).
  const inline = (el) => {
    for (let a = el; a && a.parentElement; a = a.parentElement) {
      if ([...a.parentElement.childNodes].some(n => n !== a && n.nodeType === 3 && n.data.trim())) return true;
      if (getComputedStyle(a.parentElement).display !== 'inline') return false;
    }
    return false;
  };
  const MAIN = '.gk-a11y__button, .md-header__button, .gk-pager a, .gk-search button';
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, label.md-header__button')) {
    if (!seen(el) || el.closest('.md-sidebar')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (el.matches('a') && inline(el)) continue;
    let box = r;
    if (el.matches('input[type=checkbox], input[type=radio]')) {  // the label is the target
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) box = label.getBoundingClientRect();
    }
    stats.controls++;
    const main = elder && el.matches(MAIN);
    const need = main ? 60 : 44, size = Math.min(box.width, box.height);
    if (main) stats.minMainTarget = Math.min(stats.minMainTarget, size);
    else stats.minTarget = Math.min(stats.minTarget, size);
    if (box.width < need - 0.5 || box.height < need - 0.5) {
      problems.push(`target ${Math.round(box.width)}×${Math.round(box.height)}px (< ${need}×${need}): ${where(el)} “${name(el)}”`);
    }
  }
  // Tables in a document's body are read like its text: the same size (mkdocs-material drew them at 80 %).
  const para = document.querySelector('.gk-body p');
  if (para) for (const cell of document.querySelectorAll('.gk-body table:not([class]) td')) {
    const a = parseFloat(getComputedStyle(cell).fontSize), b = parseFloat(getComputedStyle(para).fontSize);
    if (a < b - 0.5) { problems.push(`body table at ${a.toFixed(1)}px, its text at ${b.toFixed(1)}px: “${name(cell)}”`); break; }
  }
  for (const k of Object.keys(stats)) if (stats[k] === Infinity) stats[k] = null;
  return {problems, stats};
}"""


class Tally:
    """What the measurements found, kept across the module and written as the 声明's results."""

    def __init__(self, expected: int):
        self.expected = expected
        self.runs: list[dict] = []
        self.extra: dict[str, dict] = {}

    def add(self, mode: str, kind: str, stats: dict, problems: list[str]):
        self.runs.append({"mode": mode, "kind": kind, "stats": stats, "problems": problems})

    def summary(self) -> dict:
        def low(key, modes):
            values = [r["stats"][key] for r in self.runs if r["mode"] in modes and r["stats"].get(key) is not None]
            return round(min(values), 2) if values else None

        def fails(pattern, modes=tuple(MODES)):
            return sum(1 for r in self.runs if r["mode"] in modes for p in r["problems"] if re.search(pattern, p))

        elder = ("elder-390-max", "elder-1366")
        pages = len({r["kind"] for r in self.runs})
        checks = {
            "font": {"value": low("minFont", elder), "unit": "px", "need": 18, "failures": fails(r"^text at ", elder)},
            "line-height": {"value": low("minLine", elder), "unit": "×", "need": 1.3, "failures": fails(r"^line height", elder)},
            "paragraph-spacing": {"value": low("minPara", elder), "unit": "× 行高", "need": 1.3,
                                  "failures": fails(r"^paragraph gap", elder)},
            "contrast": {"value": None, "unit": "", "need": 4.5, "failures": fails(r"^axe color-contrast")},
            "targets": {"value": low("minTarget", tuple(MODES)), "unit": "px", "need": 44,
                        "failures": fails(r"^target .*< 44")},
            "main-targets": {"value": low("minMainTarget", elder), "unit": "px", "need": 60,
                             "failures": fails(r"^target .*< 60", elder)},
            "clipping-390": {"value": None, "unit": "", "need": 0,
                             "failures": fails(r"cut off|out of sight|shortened|outside the window|sideways|squeezed",
                                               ("elder-390-max", "contrast-390-max"))},
            "zoom-200": {"value": None, "unit": "", "need": 0,
                         "failures": fails(r"cut off|out of sight|shortened|outside the window|sideways|squeezed",
                                           ("zoom200-1280",))},
        }
        for value in checks.values():
            value["passed"] = value["failures"] == 0
        checks.update(self.extra)
        return {
            "date": dt.date.today().isoformat(),
            "tool": "gongkai 的浏览器测试（Chromium 无头浏览器和 axe-core，tests/test_eldercare_browser.py）",
            "pages": pages,
            "modes": {m: {"width": w, "zoom": z, "settings": s} for m, (w, _, z, s) in MODES.items()},
            "measurements": len(self.runs),
            "checks": checks,
        }


@pytest.fixture(scope="module")
def tally():
    t = Tally(len(MODES) * len(KIND_NAMES))
    yield t
    if len(t.runs) == t.expected and {"speech", "keyboard"} <= set(t.extra):
        # The published results change only when asked (make a11y-results): an ordinary test run must leave the
        # checkout as it found it (other tests compare builds of it); it keeps its measurements in .cache/.
        out = RESULTS if os.environ.get("GONGKAI_WRITE_A11Y_RESULTS") == "1" else ROOT / ".cache" / "a11y-results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(t.summary(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def kinds(demo_site):
    return page_kinds(demo_site)


@pytest.fixture(scope="module", params=list(MODES), ids=str)
def mode_page(request, browser, demo_url):
    """One page per mode, reused for every page kind."""
    name = request.param
    width, height, scale, settings = MODES[name]
    with guarded_page(browser, demo_url, viewport={"width": width, "height": height}, device_scale_factor=scale) as pg:
        pg.add_init_script("".join(f"localStorage.setItem('gongkai-{k}', '{v}');" for k, v in settings.items()))
        yield name, pg


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_page_kind_measures_up(kind, kinds, mode_page, demo_url, tally):
    mode, pg = mode_page
    visit(pg, demo_url, kinds[kind])
    pg.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    elder = mode.startswith("elder")
    measured = pg.evaluate(MEASURE_JS, elder)
    problems = measured["problems"] + [p for p in pg.evaluate(FACTS_JS) if not p.startswith("squeezed")]
    pg.add_script_tag(path=str(AXE_JS))
    problems += pg.evaluate("""async () => (await axe.run(document, {runOnly: ['color-contrast']})).violations
        .flatMap(v => v.nodes.slice(0, 5).map(n => 'axe color-contrast: ' + n.target.join(' ') + ': ' + n.failureSummary))""")
    tally.add(mode, kind, measured["stats"], problems)
    assert not problems, f"{kinds[kind]} ({mode}): {len(problems)} problems\n  " + "\n  ".join(problems[:40])


def test_read_aloud_on_every_document_page_says_when_there_is_no_voice(browser, demo_url, kinds, tally):
    """朗读 is on every document page, starts and stops, and says so visibly on a device without any voice."""
    found = []
    with guarded_page(browser, demo_url, viewport={"width": 390, "height": 844}) as pg:
        pg.add_init_script("""window.__spoken = []; window.__voices = JSON.parse(localStorage.getItem('voices') || '[]');
          speechSynthesis.getVoices = () => window.__voices;
          speechSynthesis.speak = (u) => { window.__spoken.push([u.lang, u.text]); };""")
        for kind in ("document", "jd", "zj-open", "zj-closed", "nb-2021"):
            pg.goto(f"{demo_url}/{kinds[kind]}")
            button = pg.get_by_role("button", name="朗读")
            expect(button).to_be_visible()
            button.click()
            status = pg.locator("[data-gk-speak-status]")
            expect(status).to_contain_text("没有可用的朗读语音")
            expect(status).to_be_visible()
            assert pg.evaluate("window.__spoken") == [] and button.get_attribute("aria-pressed") == "false"
            found.append(kind)
        # With a Chinese voice it reads the page's text in Chinese, and the same button stops it.
        pg.evaluate("localStorage.setItem('voices', JSON.stringify([{lang: 'zh-CN', name: '中文'}]))")
        pg.goto(f"{demo_url}/{kinds['document']}")
        pg.evaluate("speechSynthesis.speak = (u) => { window.__spoken.push([u.lang, u.text]); window.__speaking = true; };"
                    "Object.defineProperty(speechSynthesis, 'speaking', {get: () => !!window.__speaking});"
                    "speechSynthesis.cancel = () => { window.__speaking = false; };")
        pg.get_by_role("button", name="朗读").click()
        spoken = pg.evaluate("window.__spoken")
        assert spoken and all(lang == "zh-CN" for lang, _ in spoken)
        assert pg.locator("[data-gk-speak-status]").inner_text() == ""
        pg.get_by_role("button", name="停止朗读").click()
        expect(pg.get_by_role("button", name="朗读")).to_have_attribute("aria-pressed", "false")
    tally.extra["speech"] = {"value": None, "unit": "", "need": None, "failures": 0, "passed": True,
                             "note": f"在 {len(found)} 种文件页面上核对"}


# Recorded in the page as focus moves: which control has it and whether its focus indicator is visible — an outline
# or box-shadow at least 2 px wide whose colour has ≥ 3:1 contrast with the colour it is drawn on (WCAG 2.4.7 and
# 1.4.11). Measured at focusin, so one Tab press is one key event and no round trip.
FOCUS_RECORDER_JS = r"""() => {
  if (window.__gkFocus) return;
  window.__gkFocus = [];
  const rgba = (c) => { const m = (c || '').match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  // The opaque colour behind `el`: its own and its ancestors' backgrounds blended bottom-up over white.
  const backdrop = (el) => { const layers = [];
    for (let a = el; a; a = a.parentElement) { const c = rgba(getComputedStyle(a).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return out; };
  const over = (c, bg) => c.slice(0, 3).map((v, i) => v * c[3] + bg[i] * (1 - c[3]));
  const name = (e) => e.tagName + ':' + (e.getAttribute('href') || '') + ':' + (e.textContent || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 20);
  document.addEventListener('focusin', () => {
    const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
    let best = 0, how = 'none';
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) {
      // An outline drawn inside the control (negative offset) lies on its own background, else on its parent's.
      const bg = backdrop(parseFloat(s.outlineOffset) < 0 ? e : (e.parentElement || e));
      const c = rgba(s.outlineColor);
      if (c) { best = ratio(over(c, bg), bg); how = 'outline ' + s.outlineColor; }
    }
    if (s.boxShadow !== 'none') {
      const bg = backdrop(e.parentElement || e);
      for (const part of s.boxShadow.split(/,(?![^(]*\))/)) {
        const c = rgba(part), nums = part.replace(/rgba?\([^)]*\)/, '').trim().split(/\s+/).map(parseFloat);
        const reach = Math.max(...nums.filter(n => !isNaN(n)).slice(2, 4), 0);  // blur, spread
        if (c && reach >= 2) { const k = ratio(over(c, bg), bg); if (k > best) { best = k; how = 'box-shadow ' + part.trim(); } }
      }
    }
    window.__gkFocus.push({id: name(e), pos: Math.round(r.top + scrollY) + ':' + Math.round(r.left), ratio: best, how,
                           inside: !!e.closest('.md-sidebar'), body: e === document.body, skip: e.matches('a.gk-skip, a[href="#gk-main"]')});
  });
}"""

WANTED_JS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter(e => !e.disabled && e.tabIndex >= 0)
    .filter(e => e.checkVisibility({visibilityProperty: true}) && !e.closest('[hidden], .md-sidebar, .md-search, [inert]')
            && e.getBoundingClientRect().width > 0)
    .map(e => e.tagName + ':' + (e.getAttribute('href') || '') + ':' + (e.textContent || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 20))"""


@pytest.fixture(scope="module")
def keyboard_page(browser, demo_url):
    """One page in 长者模式 on a phone, reused for the Tab walk of every page kind."""
    with guarded_page(browser, demo_url, viewport={"width": 390, "height": 844}) as pg:
        pg.add_init_script("localStorage.setItem('gongkai-elder', '1')")
        yield pg


def tab_walk(pg, base: str, path: str) -> list[str]:
    """Tab from the top of the page round to the skip link again: what is not reached, and what has no focus
    indicator of ≥ 3:1 contrast."""
    visit(pg, base, path)
    pg.evaluate(FOCUS_RECORDER_JS)
    wanted = pg.evaluate(WANTED_JS)
    assert wanted, f"{path}: no focusable control found"
    records: list[dict] = []
    # Tab in batches until focus comes round to the skip link again (or clearly past every control).
    for _ in range(0, len(wanted) + 40, 20):
        for _ in range(20):
            pg.keyboard.press("Tab")
        records = pg.evaluate("window.__gkFocus")
        if sum(1 for r in records if r["skip"]) >= 2:
            break
    first_round = []
    for r in records:
        if r["skip"] and first_round:
            break
        first_round.append(r)
    problems, reached = [], set()
    for r in first_round:
        if r["body"] or r["inside"]:
            continue
        reached.add(r["id"])
        if r["ratio"] < 3:
            problems.append(f"no visible focus (best {r['ratio']:.2f}:1, {r['how']}): {r['id']} at {r['pos']}")
    missed = [w for w in wanted if w not in reached]
    if missed:
        problems.append(f"Tab reached {len(wanted) - len(missed)} of {len(wanted)} controls; not: {missed[:5]}")
    return problems


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_keyboard_reaches_every_control_with_a_visible_focus(kind, keyboard_page, demo_url, kinds, tally):
    """Tab from the top of the page reaches every visible, focusable control, each with a focus indicator of
    ≥ 3:1 contrast, in 长者模式 on a phone."""
    problems = tab_walk(keyboard_page, demo_url, kinds[kind])
    tally.extra.setdefault("keyboard", {"value": None, "unit": "", "need": None, "failures": 0, "passed": True})
    tally.extra["keyboard"]["failures"] += len(problems)
    tally.extra["keyboard"]["passed"] = tally.extra["keyboard"]["failures"] == 0
    tally.extra["keyboard"]["note"] = f"在 {len(KIND_NAMES)} 种页面上逐个 Tab 核对"
    assert not problems, f"{kinds[kind]}: " + "\n".join(problems[:20])


# One page of each layout family: header and tabs, lists and filters, the metadata box, forms, the search page.
CONTRAST_KINDS = ["home", "list-files", "document", "zj-open", "apply-form", "search-hits", "nb-2021"]


@pytest.mark.parametrize("kind", CONTRAST_KINDS)
def test_focus_stays_visible_in_high_contrast(kind, browser, demo_url, kinds):
    """高对比度 repaints text, backgrounds and borders: every control's focus ring must still reach 3:1 against
    what it is drawn on (WCAG 2.4.7, 1.4.11), on a desktop screen."""
    with guarded_page(browser, demo_url, viewport={"width": 1366, "height": 900}) as pg:
        pg.add_init_script("localStorage.setItem('gongkai-contrast', '1')")
        problems = tab_walk(pg, demo_url, kinds[kind])
        assert pg.evaluate("document.documentElement.classList.contains('gk-contrast')"), "高对比度 is not on"
    assert not problems, f"{kinds[kind]}: " + "\n".join(problems[:20])


def test_no_page_requests_a_sitemap_at_load(browser, demo_url, kinds, tally):
    """The feeds' <link rel=alternate> tags made mkdocs-material fetch /dingyue/sitemap.xml on every page."""
    requested = []
    with guarded_page(browser, demo_url) as pg:
        pg.on("request", lambda r: requested.append(r.url) if "sitemap" in r.url else None)
        for kind in ("home", "list-files", "document", "org-home"):
            visit(pg, demo_url, kinds[kind])
            pg.wait_for_load_state("networkidle")
            assert pg.locator('link[rel~="alternate"][type="application/atom+xml"]').count() > 0  # feeds still found
    tally.extra["no-sitemap-requests"] = {"value": None, "unit": "", "need": 0, "failures": len(requested),
                                          "passed": not requested}
    assert not requested, requested


def test_document_page_on_a_phone_puts_the_title_first(browser, demo_url, kinds):
    with guarded_page(browser, demo_url, viewport={"width": 390, "height": 844}) as pg:
        pg.add_init_script("localStorage.setItem('gongkai-elder', '1')")
        visit(pg, demo_url, kinds["document"])
        title = pg.locator("h1.gk-title").bounding_box()
        assert title["y"] + 80 <= 844, f"the title starts at {title['y']}px, below the first screen"
        meta = pg.locator("details.gk-meta-box")
        assert meta.get_attribute("open") is None  # folded on a phone
        assert pg.locator("details.gk-meta-box > summary").bounding_box()["y"] > title["y"]
        pg.locator("details.gk-meta-box > summary").click()
        expect(pg.locator("table.gk-meta")).to_be_visible()
        box = pg.evaluate("(() => { const t = document.querySelector('table.gk-meta'); return [t.scrollWidth, t.clientWidth,"
                          " t.getBoundingClientRect().right]; })()")
        assert box[0] <= box[1] + 1 and box[2] <= 390, box  # 索引号 and 文号 whole, not in a sideways scroll
    with guarded_page(browser, demo_url, viewport={"width": 1366, "height": 900}) as pg:
        visit(pg, demo_url, kinds["document"])
        assert pg.locator("details.gk-meta-box").get_attribute("open") is not None
        assert pg.locator("table.gk-meta").bounding_box()["y"] < pg.locator("h1.gk-title").bounding_box()["y"]


def test_neighbours_and_attachments_in_the_document(demo_site, kinds):
    html = (demo_site / kinds["document"] / "index.html").read_text(encoding="utf-8")
    assert 'class="gk-neighbours"' in html and "上一篇" in html or "下一篇" in html
    with_attachment = next(p for p in sorted((demo_site / "wj").rglob("index.html"))
                           if 'class="gk-attachments"' in p.read_text(encoding="utf-8"))
    text = with_attachment.read_text(encoding="utf-8")
    assert re.search(r'class="gk-attachments__type">（[A-Z0-9]+，\d+(\.\d)? [KM]B）<', text), text[text.find("gk-attachments"):][:600]


def test_statement_page_is_built_from_the_measured_results(demo_site):
    html = (demo_site / "wzasm" / "index.html").read_text(encoding="utf-8")
    assert "<h1>无障碍和适老化声明</h1>" in html and "符合级别" in html and "已知例外" in html
    assert "遇到障碍怎样告诉我们" in html and "0999-12345678" in html  # the contact from catalog/site.yml
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else None
    if results:
        assert f'datetime="{results["date"]}"' in html
        assert html.count("自动测量") >= len(results["checks"])
    footer = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="wzasm/">无障碍声明</a>' in footer


def test_high_contrast_search_box_has_a_visible_border(browser, demo_url, kinds):
    """高对比度 drew the search box black on black: its edge must contrast ≥ 3:1 with the header (WCAG 1.4.11)."""
    with guarded_page(browser, demo_url, viewport={"width": 1366, "height": 900}) as pg:
        pg.add_init_script("localStorage.setItem('gongkai-contrast', '1')")
        visit(pg, demo_url, kinds["home"])
        edge = pg.evaluate("""() => { const e = document.querySelector('.gk-header-search__input'), s = getComputedStyle(e);
            const lum = (c) => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
                v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
              return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            let bg = 'rgb(0, 0, 0)';
            for (let a = e.parentElement; a; a = a.parentElement) { const c = getComputedStyle(a).backgroundColor;
              if (!c.startsWith('rgba(0, 0, 0, 0)')) { bg = c; break; } }
            const x = lum(s.borderTopColor), y = lum(bg);
            return {width: parseFloat(s.borderTopWidth), ratio: (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)}; }""")
        assert edge["width"] >= 1 and edge["ratio"] >= 3, edge


def test_body_tables_read_at_the_body_size(browser, demo_url, demo_site):
    page = next(p for p in sorted((demo_site / "wj").rglob("index.html"))
                if "<table>" in p.read_text(encoding="utf-8"))
    with guarded_page(browser, demo_url, viewport={"width": 1366, "height": 900}) as pg:
        pg.goto(f"{demo_url}/{page.parent.relative_to(demo_site).as_posix()}/")
        sizes = pg.evaluate("""() => [document.querySelector('.gk-body table:not([class]) td'), document.querySelector('.gk-body p')]
            .map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes[0] >= sizes[1] - 0.5, sizes


def test_saved_elder_mode_is_there_before_the_first_paint(browser, demo_url, kinds):
    """长者模式, 高对比度 and 字号 chosen on an earlier visit are on <html> while the page is still loading: gongkai.js,
    at the end of <body>, is held back here, so what the visitor sees meanwhile (the flash) must already be big."""
    held = []
    with guarded_page(browser, demo_url, viewport={"width": 390, "height": 844}) as pg:
        pg.add_init_script("localStorage.setItem('gongkai-elder', '1'); localStorage.setItem('gongkai-contrast', '1');"
                           "localStorage.setItem('gongkai-font', '2')")
        pg.route("**/assets/gongkai/gongkai.js", lambda route: held.append(route))
        pg.goto(f"{demo_url}/{kinds['document']}", wait_until="commit")
        pg.wait_for_function("!!document.querySelector('.md-footer')")
        # The footer is parsed before the script after it is requested: wait for the request (held, not answered).
        for _ in range(100):
            if held:
                break
            pg.wait_for_timeout(50)
        assert held, "gongkai.js was not requested"
        early = pg.evaluate("""() => ({cls: document.documentElement.className,
            size: parseFloat(getComputedStyle(document.querySelector('#gk-main p')).fontSize),
            loaded: document.readyState})""")
        pg.screenshot(path=str(ROOT / ".cache" / "elder-before-scripts.png"))
        for route in held:
            route.continue_()
        pg.wait_for_load_state("load")
        after = pg.evaluate("parseFloat(getComputedStyle(document.querySelector('#gk-main p')).fontSize)")
    assert early["loaded"] == "loading", early
    assert {"gk-elder", "gk-contrast", "gk-font-2"} <= set(early["cls"].split()), early
    assert early["size"] >= 18 and early["size"] == after, (early, after)
