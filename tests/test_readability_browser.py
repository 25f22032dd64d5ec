"""Can a person read every kind of generated page? Headless Chromium at 1366, 1280 and 390 px over one page of
each kind (tests/pagekinds.py), asserting readability facts and zero axe-core violations.

axe-core comes from the npm registry (`make axe`, also run by `make test`; the fixture installs it when missing)
and is injected from the local file, never from a CDN.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kit import ROOT, guarded_page
from pagekinds import WIDTHS, page_kinds

pytestmark = pytest.mark.browser

AXE_DIR = ROOT / ".cache" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Facts a reader relies on, measured in the page. Returns a list of human-readable problems.
FACTS_JS = r"""() => {
  const problems = [];
  const doc = document.documentElement;
  // Text for screen readers only sits in a clipped 1 px box (.gk-hidden, the column heads of a stacked table).
  const srOnly = (el) => { for (let a = el; a; a = a.parentElement) { const r = a.getBoundingClientRect();
      if ((r.width <= 1 || r.height <= 1) && getComputedStyle(a).overflow !== 'visible') return true; } return false; };
  const seen = (el) => el.checkVisibility({visibilityProperty: true}) && !el.closest('.gk-hidden, [hidden], .md-search')
    && el.getBoundingClientRect().width > 1 && !srOnly(el);
  const name = (el) => (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  // The width the text of an element needs on one line.
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;left:-9999px;top:0';
  document.body.appendChild(probe);
  const natural = (el) => {
    const s = getComputedStyle(el);
    probe.style.font = s.font; probe.style.letterSpacing = s.letterSpacing;
    probe.textContent = (el.innerText || el.textContent || '').split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
    return probe.getBoundingClientRect().width;
  };
  for (const el of document.querySelectorAll('.md-content a, .md-content td, .md-content th, .md-footer a')) {
    if (!seen(el) || getComputedStyle(el).writingMode.startsWith('vertical')) continue;
    const em = parseFloat(getComputedStyle(el).fontSize);
    const w = el.getBoundingClientRect().width;
    if (w < 4 * em - 0.5 && natural(el) > w + 1) problems.push(`squeezed to ${Math.round(w)}px (< 4em): ${el.tagName} “${name(el)}”`);
  }
  for (const t of document.querySelectorAll('.md-content table')) {
    if (!seen(t)) continue;
    const box = t.closest('.gk-scroll') || t.parentElement;
    const content = document.querySelector('.md-content__inner').getBoundingClientRect();
    const tw = t.getBoundingClientRect().width;
    if (tw <= content.width + 1) continue;
    const scrolls = box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.getBoundingClientRect().width <= content.width + 1;
    const cue = box && box.previousElementSibling;
    const cued = cue && cue.classList.contains('gk-scroll-cue') && seen(cue);
    if (!scrolls || !cued) problems.push(`table wider than its container without a scroll box and a visible cue: “${name(t)}”`);
  }
  for (const el of document.querySelectorAll('.md-content time, .md-content .gk-id, .md-footer .gk-id')) {
    if (!seen(el)) continue;
    const lines = new Set([...el.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > 1) problems.push(`date or number broken over lines: “${name(el)}”`);
  }
  for (const t of document.querySelectorAll('.md-content svg text')) {
    const svg = t.closest('svg'), box = svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (seen(svg) && px < 11.9) problems.push(`chart text drawn at ${px.toFixed(1)}px (< 12px): “${name(t)}”`);
  }
  for (const el of document.querySelectorAll('.md-content *, .md-footer *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
    if (/[\u3400-\u9fff]/.test(own) && getComputedStyle(el).fontStyle === 'italic') problems.push(`italic Chinese: “${name(el)}”`);
  }
  probe.remove();
  return problems;
}"""


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core 4 from the npm registry, installed once into .cache/axe (what `make axe` does)."""
    if not AXE_JS.is_file():
        result = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                                 "axe-core@4"], capture_output=True, text=True)
        assert result.returncode == 0 and AXE_JS.is_file(), f"npm install axe-core 失败：{result.stderr}"
    return AXE_JS


@pytest.fixture(scope="module")
def kinds(demo_site):
    return page_kinds(demo_site)


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def wide_page(request, browser, demo_url):
    """One browser page per width, reused for every page kind."""
    width = request.param
    with guarded_page(browser, demo_url) as pg:
        pg.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        yield width, pg


def visit(pg, base: str, url: str):
    pg.goto(f"{base}/{url}")
    if url.startswith("search/"):
        pg.wait_for_function("document.querySelector('[data-gk-search]').dataset.state === 'done'")
    pg.wait_for_load_state("load")


def report_tables_fit(pg, width: int) -> list[str]:
    """年报 tables are whole at 1280 px and up; on a phone the first screen of each shows numbers beside the labels."""
    problems = []
    boxes = pg.evaluate("""() => [...document.querySelectorAll('.gk-report-scroll')].map(b => {
        b.scrollIntoView({block: 'start'}); b.scrollLeft = 0;
        const cell = b.querySelector('tbody td'), r = cell && cell.getBoundingClientRect();
        return {label: b.getAttribute('aria-label'), wide: b.scrollWidth > b.clientWidth + 1,
                numberInView: !!r && r.left >= 0 && r.right <= innerWidth && r.width > 0};
    })""")
    assert boxes, "no 年报 tables on the page"
    for box in boxes:
        if width >= 1280 and box["wide"]:
            problems.append(f"年报 table cut at {width}px: {box['label']}")
        if not box["numberInView"]:
            problems.append(f"no number in the first view of {box['label']}")
    return problems


KIND_NAMES = ["home", "section-home", "org-home", "list-parent", "list-files", "list-files-org", "list-jd", "list-zj",
              "list-zj-org", "list-nb", "list-nb-org", "ysqgk", "directory", "directory-current", "document",
              "document-repealed", "document-amended", "document-pending", "document-version", "decision", "jd", "zj-open", "zj-closed",
              "nb-2021", "nb-2019", "nb-old", "nb-history", "guide", "apply-form", "sitereport", "statement", "search-hits", "search-none", "404"]


def test_every_page_kind_is_listed(kinds):
    assert sorted(kinds) == sorted(KIND_NAMES)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_page_is_readable_and_has_no_axe_violations(kind, kinds, wide_page, demo_url, axe_js):
    width, pg = wide_page
    visit(pg, demo_url, kinds[kind])
    problems = pg.evaluate(FACTS_JS)
    # The skip link is the first Tab stop, and it shows when focused.
    pg.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    pg.keyboard.press("Tab")
    first = pg.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
        return {skip: e.classList.contains('gk-skip'), href: e.getAttribute('href'), visible: r.top >= 0 && r.bottom <= innerHeight &&
                r.width > 20 && getComputedStyle(e).outlineStyle !== 'none' || e.matches(':focus-visible')}; }""")
    if not first["skip"] or first["href"] != "#gk-main" or not first["visible"]:
        problems.append(f"first Tab stop is not a visible skip link: {first}")
    if not pg.evaluate("!!document.getElementById('gk-main')"):
        problems.append("no #gk-main for the skip link")
    if kind in ("nb-2021", "nb-2019", "nb-old"):
        problems += report_tables_fit(pg, width)
    pg.add_script_tag(path=str(axe_js))
    violations = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                             ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    problems += [f"axe {v['id']} ({v['impact']}): {json.dumps(v['nodes'], ensure_ascii=False)}" for v in violations]
    assert not problems, f"{kinds[kind]} at {width}px:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("kind", ["section-home", "list-zj", "zj-open", "nb-2021", "search-hits", "apply-form",
                                  "document-repealed", "list-files-org"])
def test_high_contrast_mode_keeps_every_text_readable(kind, kinds, browser, demo_url, axe_js):
    with guarded_page(browser, demo_url) as pg:
        pg.set_viewport_size({"width": 1280, "height": 900})
        pg.add_init_script("localStorage.setItem('gongkai-contrast', '1')")
        visit(pg, demo_url, kinds[kind])
        assert pg.evaluate("document.documentElement.classList.contains('gk-contrast')")
        pg.add_script_tag(path=str(axe_js))
        found = pg.evaluate("async () => (await axe.run(document, {runOnly: ['color-contrast']})).violations"
                            ".flatMap(v => v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary))")
        assert not found, "\n".join(found)
