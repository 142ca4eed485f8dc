"""The rendered report in a real headless Chromium (Debian's package, driven by Playwright).

No downloaded browser build: the test uses the system Chromium (``apt-get install chromium``)
and FAILS, saying so, when it is missing.
"""

from __future__ import annotations

import pytest

import reportkit.report.render as R

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _chromium() -> str:
    try:
        return R.find_chromium()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"headless Chromium is needed for the browser test: {exc}")


def _open(url: str, screenshot, *, print_media: bool = False):
    """Load a page; return (requests, console errors, page errors, dialogs, facts)."""
    from playwright.sync_api import sync_playwright

    requests, console, errors, dialogs = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True,
                                    args=list(R.CHROMIUM_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url, wait_until="load")
            page.wait_for_timeout(300)
            facts = page.evaluate("""() => ({
                scripts: document.querySelectorAll('script').length,
                title: document.title,
                images: Array.from(document.images).map(i => [i.complete, i.naturalWidth]),
                tocTargets: Array.from(document.querySelectorAll('nav.rk-toc a')).map(
                    a => !!document.getElementById(decodeURIComponent(a.hash.slice(1)))),
                cells: Array.from(document.querySelectorAll('td')).map(td => td.textContent),
                numAlign: Array.from(document.querySelectorAll('td.rk-num')).map(
                    td => getComputedStyle(td).textAlign),
            })""")
            page.screenshot(path=str(screenshot), full_page=True)
            if print_media:
                page.emulate_media(media="print")
                facts["breaks"] = page.evaluate("""() => Array.from(
                    document.querySelectorAll('.rk-section')).map(
                    h => getComputedStyle(h).breakBefore)""")
        finally:
            browser.close()
    return requests, console, errors, dialogs, facts


def test_report_renders_offline_without_errors(rendered_report, tmp_path):
    html, _ = rendered_report
    url = html.resolve().as_uri()
    shot = tmp_path / "report.png"
    requests, console, errors, dialogs, facts = _open(url, shot, print_media=True)
    assert [u for u in requests if not u.startswith("data:")] == [url]  # nothing but the file
    assert console == [] and errors == []
    assert dialogs == []  # the hostile client name did not run
    assert facts["scripts"] == 0
    assert facts["title"] == "Tiny & <Base>"
    assert facts["images"] and all(ok and width > 0 for ok, width in facts["images"])
    assert facts["tocTargets"] and all(facts["tocTargets"])
    assert "<script>alert(1)</script>" in facts["cells"]
    assert facts["numAlign"] and set(facts["numAlign"]) == {"right"}
    assert facts["breaks"] == ["page", "page"]
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_index_page_renders_offline(tmp_path):
    periods = [R.PeriodResult("2024-01", "done", html=tmp_path / "monthly_2024-01.html",
                              kpis={"clients": 10, "revenue": 1000.0}),
               R.PeriodResult("2024-02", "done", html=tmp_path / "monthly_2024-02.html",
                              kpis={"clients": 12, "revenue": 900.0}),
               R.PeriodResult("2024-03", "failed", error="<img src=x onerror=alert(1)>")]
    index = R.write_index(periods, tmp_path, lang="en", title="Base")
    url = index.resolve().as_uri()
    requests, console, errors, dialogs, facts = _open(url, tmp_path / "index.png")
    assert [u for u in requests if not u.startswith("data:")] == [url]
    assert console == [] and errors == [] and dialogs == []
    assert facts["scripts"] == 0
    assert len(facts["images"]) == 1 and facts["images"][0][1] > 0  # the trend figure
