"""The audit report's layout in a real headless Chromium (#15): nothing runs off the page.

The sample audit is rendered once per language (English, Russian) and opened once per width:

- the screen at 1,280 px;
- print (print media emulated) at the width of an A4 page between its margins, 210 mm minus
  2 × 12 mm.

The blocks of lists too wide for a portrait page (``.rk-landscape``) are meant to be wider
than the text column: on screen they take the window's width, in print an A4 landscape page.
So each width is checked twice in the same page load: the report without those blocks, then
the blocks alone (on screen in the same window, in print at the width of an A4 landscape page
between its margins, 297 mm minus 2 × 10 mm: the viewport resized).

At each width: the page is no wider than the window (the elements that stick out are listed
by selector); no box's content is wider than the box (text running out of a summary card, a
table cut by its scrolling box: the reader would not see its last column); no two charts
overlap. In print, small tables are kept whole and no table gets a forced page break.
The page geometry assumed here is read back from the report's CSS.

Same browser as tests/test_browser.py: Debian's Chromium driven by Playwright; the test FAILS,
saying so, when it is missing.
"""

from __future__ import annotations

import re
import warnings

import pytest

import reportkit as rk
import reportkit.report.render as R
from reportkit.io.resources import data_path

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PX_PER_MM = 96 / 25.4
SCREEN = 1280
#: A4 portrait between the margins of ``@page`` (12 mm left and right)
PORTRAIT = round((210 - 2 * 12) * PX_PER_MM)
#: A4 landscape between the margins of ``@page rk-landscape`` (10 mm left and right)
LANDSCAPE = round((297 - 2 * 10) * PX_PER_MM)
LANDSCAPE_BLOCK = ".rk-landscape"

# Run in the page: everything that does not fit inside ``scope`` (elements matching it, and
# their descendants; "body" for the whole page) at the current window width.
CHECK_JS = r"""(scope) => {
  const W = window.innerWidth;
  const name = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      if (e.id && !e.id.startsWith('cell-id')) { parts.unshift('#' + e.id); break; }
      let s = e.tagName.toLowerCase();
      const cls = [...e.classList].filter(c => c.startsWith('rk-') || c === 'jp-OutputArea-output');
      if (cls.length) s += '.' + cls.join('.');
      const same = e.parentElement ? [...e.parentElement.children].filter(x => x.tagName === e.tagName) : [];
      if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
      parts.unshift(s);
      if (e.tagName === 'BODY') break;
    }
    const cell = el.closest('.jp-Cell');
    const section = cell && cell.querySelector('h2[id]');
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return (section ? '[' + section.id + '] ' : '') + parts.join(' > ') + (text ? ' "' + text + '"' : '');
  };
  const roots = [...document.querySelectorAll(scope)];
  const inScope = (e) => roots.some(r => r.contains(e));
  const all = roots.flatMap(r => [r, ...r.querySelectorAll('*')]).filter(e => e.getClientRects().length);
  const right = (e) => e.getBoundingClientRect().right;
  // elements sticking out of the window whose parent does not: where the overflow starts
  const wide = all.filter(e => right(e) > W + 1 && !(inScope(e.parentElement) && right(e.parentElement) > W + 1)
                               && getComputedStyle(e).display !== 'inline')
                  .map(e => name(e) + ' (right edge ' + Math.round(right(e)) + ' px > ' + W + ')');
  // boxes whose content is wider than they are, innermost first (their ancestors then overflow too)
  const over = all.filter(e => getComputedStyle(e).display !== 'inline' && e.clientWidth > 0
                               && e.scrollWidth > e.clientWidth + 1);
  const overflowing = over.filter(e => !over.some(d => d !== e && e.contains(d)))
                          .map(e => name(e) + ' (content ' + e.scrollWidth + ' px in a box of ' + e.clientWidth
                                    + ', overflow ' + getComputedStyle(e).overflowX + ')');
  const charts = all.filter(e => (e.tagName === 'IMG' || e.tagName === 'svg') && !e.parentElement.closest('svg'));
  const boxes = charts.map(e => e.getBoundingClientRect());
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 0.5 && h > 0.5) overlaps.push(name(charts[i]) + ' overlaps ' + name(charts[j]));
  }
  return {width: W, page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          wide, overflowing, overlaps, charts: charts.length, checked: all.length};
}"""

# Run in the page under print media: the page-break rules of the tables.
BREAKS_JS = r"""() => {
  const tables = [...document.querySelectorAll('table.rk-table')];
  const small = tables.filter(t => t.tBodies.length && t.tBodies[0].rows.length <= 15
                                   && !t.querySelector('td.rk-long'));
  const rows = tables.flatMap(t => t.tBodies.length ? [...t.tBodies[0].rows] : []);
  return {
    tables: tables.length,
    small: small.length,
    smallBreaking: small.filter(t => getComputedStyle(t).breakInside !== 'avoid').length,
    forced: tables.filter(t => ['page', 'left', 'right', 'always'].includes(getComputedStyle(t).breakBefore)).length,
    lastRows: tables.filter(t => t.tBodies.length && t.tBodies[0].rows.length > 2).map(
      t => getComputedStyle(t.tBodies[0].rows[t.tBodies[0].rows.length - 1]).breakBefore),
    firstRows: tables.filter(t => t.tBodies.length && t.tBodies[0].rows.length > 2).map(
      t => getComputedStyle(t.tBodies[0].rows[0]).breakAfter),
    rows: rows.length,
  };
}"""


def _chromium() -> str:
    try:
        return R.find_chromium()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"headless Chromium is needed for the layout test: {exc}")


@pytest.fixture(scope="module", params=["en", "ru"])
def sample_report(request, tmp_path_factory):
    """The audit of the bundled sample in one language, rendered once for this module."""
    out = tmp_path_factory.mktemp(f"layout_{request.param}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = rk.report.audit(rk.sample_path(), lang=request.param, out=out)
    return request.param, result.html


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(), headless=True,
                                     args=list(R.CHROMIUM_FLAGS))
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, html, width: int, media: str):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(html.resolve().as_uri(), wait_until="load")
    return page


def _problems(found: dict, where: str) -> list[str]:
    lines = []
    if found["page"] > found["width"] + 1:
        lines.append(f"{where}: the page is {found['page']} px wide in a {found['width']} px window")
    lines += [f"{where}: wider than the page: {x}" for x in found["wide"]]
    lines += [f"{where}: content wider than its box: {x}" for x in found["overflowing"]]
    lines += [f"{where}: charts overlap: {x}" for x in found["overlaps"]]
    return lines


def test_page_geometry_matches_the_css():
    css = (data_path("templates") / R.TEMPLATE_NAME / "static" / "reportkit.css").read_text(
        encoding="utf-8")
    portrait = re.search(r"@page\s*\{[^}]*size:\s*A4;\s*margin:\s*([^;}]*)", css)
    landscape = re.search(r"@page rk-landscape\s*\{[^}]*size:\s*A4 landscape;\s*margin:\s*([^;}]*)",
                          css)
    assert portrait and landscape, "the report's CSS no longer declares the pages this test assumes"
    # "top right bottom" (left = right): the widths above take 12 mm and 10 mm off each side
    assert portrait.group(1).split()[1] == "12mm"
    assert landscape.group(1).split()[1] == "10mm"
    assert re.search(r"\.rk-landscape\s*\{[^}]*page:\s*rk-landscape", css)


def _check_twice(page, landscape_width: int | None = None) -> tuple[dict, dict]:
    """The report without the landscape blocks, then the blocks alone (after resizing the
    window to ``landscape_width`` when given)."""
    hide = page.add_style_tag(content=f"{LANDSCAPE_BLOCK} {{ display: none !important; }}")
    rest = page.evaluate(CHECK_JS, "body")
    hide.evaluate("style => style.remove()")
    if landscape_width is not None:
        page.set_viewport_size({"width": landscape_width, "height": 900})
    blocks = page.evaluate(CHECK_JS, LANDSCAPE_BLOCK)
    # the whole report was looked at: its charts, and the at-risk, reactivation and duplicate lists
    assert rest["charts"] >= 10 and rest["checked"] > 1000 and blocks["checked"] > 1000
    return rest, blocks


def test_screen_1280(sample_report, browser):
    lang, html = sample_report
    page = _open(browser, html, SCREEN, "screen")
    try:
        rest, blocks = _check_twice(page)
    finally:
        page.close()
    problems = _problems(rest, f"{lang}, screen {SCREEN} px")
    problems += _problems(blocks, f"{lang}, screen {SCREEN} px, wide lists")
    assert not problems, "\n".join(problems)


def test_print_a4(sample_report, browser):
    lang, html = sample_report
    page = _open(browser, html, PORTRAIT, "print")
    try:
        portrait, landscape = _check_twice(page, LANDSCAPE)
        breaks = page.evaluate(BREAKS_JS)
    finally:
        page.close()
    problems = _problems(portrait, f"{lang}, print A4 portrait {PORTRAIT} px")
    problems += _problems(landscape, f"{lang}, print A4 landscape {LANDSCAPE} px")
    assert not problems, "\n".join(problems)
    # a small table moves whole to the next page; no table starts a page by force; a long
    # one keeps at least its first two and its last two rows together with their neighbours
    assert breaks["small"] >= 10 and breaks["smallBreaking"] == 0
    assert breaks["forced"] == 0
    assert set(breaks["lastRows"]) == {"avoid"} and set(breaks["firstRows"]) == {"avoid"}
