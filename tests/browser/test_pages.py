"""The rendered pages in a real headless Chromium, network blocked: no errors, no requests, nothing overflows.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright. Without it the
tests skip on a laptop, but fail when CI is set: in CI they must run.
Set CJM_SCREENSHOTS=docs/screenshots to refresh the screenshots in the docs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, ROOT, example_workspace, standalone

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
HOSTILE = ROOT / "tests" / "render" / "hostile.journey.yaml"
MAX_SHOT_WIDTH = 2600

# Every element inside a map cell, card or panel must stay inside it (SVG content is placed by the view model).
OVERFLOWS = """
() => {
  const bad = [];
  const boxes = '.cjm-map td, .cjm-map th, .cjm-matrix-table td, .cjm-matrix-table th, .cjm-index-table td, '
    + '.cjm-index-table th, .cjm-card, .cjm-metric, .cjm-card-item, .cjm-tp, .cjm-box';
  for (const box of document.querySelectorAll(boxes)) {
    const outer = box.getBoundingClientRect();
    for (const el of box.querySelectorAll('*')) {
      if (el.parentElement.closest('svg')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const where = (el.className.baseVal ?? el.className) + ' in ' + (box.id || box.className);
      if (r.left < outer.left - 1 || r.right > outer.right + 1 || r.top < outer.top - 1 || r.bottom > outer.bottom + 1)
        bad.push('outside its box: ' + where);
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) bad.push('text overflows: ' + where);
    }
  }
  return bad;
}
"""

# WCAG contrast of text against the background it is drawn on (alpha backgrounds blended).
CONTRAST = """
(selectors) => {
  const rgba = (s) => (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let out = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse())
      out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
    return out;
  };
  const low = [];
  for (const el of document.querySelectorAll(selectors)) {
    if (!el.textContent.trim()) continue;
    const fg = rgba(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) low.push(`${el.className}: ${ratio.toFixed(2)} for "${el.textContent.trim().slice(0, 30)}"`);
  }
  return low;
}
"""
TEXT = (
    ".cjm-detail, .cjm-lane, .cjm-tp-channel, .cjm-badge, .cjm-stage-goal, .cjm-stage-name, .cjm-action-name, "
    ".cjm-card-text, .cjm-thought, .cjm-label, .cjm-legend li, .cjm-status-pill, .cjm-metric-target, .cjm-tag, "
    ".cjm-visibility-label, .cjm-depts li, .cjm-reach, .cjm-funnel-label, .cjm-stage-note, .cjm-kicker, "
    ".cjm-stage-number, dt, dd, p"
)


@dataclass
class Visit:
    """What one page load did."""

    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the module; skipped without one unless CI is set."""
    missing = not CHROMIUM.exists()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {CHROMIUM} or the playwright package is missing: install them (make install)")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a local file with every other request blocked and recorded; yields (page, visit)."""
    contexts = []

    def opener(path: Path, scheme: str = "light", width: int = 1600) -> tuple[Any, Visit]:
        context = browser.new_context(viewport={"width": width, "height": 1000}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(path.resolve().as_uri())
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("console", lambda msg: visit.errors.append(msg.text) if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
        page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
        context.route("**/*", lambda route: route.continue_() if route.request.url == visit.url else route.abort())
        page.goto(visit.url, wait_until="load")
        return page, visit

    yield opener
    for context in contexts:
        context.close()


def map_zoom(page: Any) -> float:
    """The zoom the fitted layout gives the map (1 at full size)."""
    return float(page.evaluate("() => getComputedStyle(document.querySelector('.cjm-map')).zoom"))


def on_a_laptop(open_page: Any, path: Path, fit: bool = True) -> tuple[Any, float]:
    """The page at 1440x900, fitted to the window (the default) or at full size; it fetched nothing and runs no
    script. Fitted, the map is zoomed below 0.7: its most compact layout. Returns the page and the map's zoom."""
    page, visit = open_page(path, width=1440)
    page.set_viewport_size({"width": 1440, "height": 900})
    assert visit.requests == [visit.url] and visit.errors == [] and page.locator("script").count() == 0
    if not fit:
        page.locator(".cjm-fit label").click()
    zoom = map_zoom(page)
    assert (zoom < 0.7) if fit else (zoom == 1), "fitted, the map is at its most compact: zoomed to the screen"
    return page, zoom


def _screenshot(page: Any, folder: Path, name: str, publish: bool = True) -> Path:
    """A full-page PNG, the viewport widened to show the whole map; also copied to $CJM_SCREENSHOTS."""
    width = page.evaluate(
        "() => Math.ceil(Math.max(document.documentElement.scrollWidth,"
        " ...[...document.querySelectorAll('.cjm-map')].map(t => t.getBoundingClientRect().right + 32)))"
    )
    page.set_viewport_size({"width": min(MAX_SHOT_WIDTH, max(1280, width)), "height": 1000})
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 10_000
    target = os.environ.get("CJM_SCREENSHOTS")
    if target and publish:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples rendered as a site, once for the module."""
    from tests.conftest import run_cli_inprocess

    out = tmp_path_factory.mktemp("site")
    journeys = example_workspace(tmp_path_factory.mktemp("journeys"))  # the examples' workspace, and the hostile map
    for path in [*EXAMPLES, HOSTILE]:
        shutil.copy(path, journeys / path.name)
    result = run_cli_inprocess("render", str(journeys), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_map_in_chromium(example: Path, site: Path, open_page: Any, tmp_path: Path) -> None:
    journey = load_journey(str(example))
    page, visit = open_page(site / f"{journey.id}.html")
    assert visit.requests == [visit.url], "nothing may be requested but the page itself"
    assert visit.errors == [] and visit.dialogs == []
    points = page.eval_on_selector_all(
        ".cjm-curve .cjm-emotion-point",
        "els => els.map(e => [e.dataset.action, e.getBoundingClientRect().x + e.getBoundingClientRect().width / 2])",
    )
    assert [p[0] for p in points] == [a.id for _, a in journey.actions()], "one point per action, in order"
    for action_id, x in points:  # each point sits in the middle of its action's column
        box = page.locator(f"#{journey.id}--{action_id}").bounding_box()
        assert abs(box["x"] + box["width"] / 2 - x) < 2, action_id
    segments = page.locator(".cjm-curve .cjm-seg").count()
    assert segments == len([a for _, a in journey.actions() if a.emotion is not None]) - 1, "the curve is connected"
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(CONTRAST, TEXT) == []
    shot = _screenshot(page, tmp_path, journey.id)
    assert shot.exists()


@pytest.mark.parametrize("example", EXAMPLES[:1], ids=[p.name for p in EXAMPLES[:1]])
def test_dark_theme_is_dark_and_readable(example: Path, site: Path, open_page: Any, tmp_path: Path) -> None:
    journey = load_journey(str(example))
    page, visit = open_page(site / f"{journey.id}.html", scheme="dark")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 18, 24)"
    assert page.evaluate(CONTRAST, TEXT) == []
    assert visit.errors == []
    _screenshot(page, tmp_path, f"{journey.id}-dark")


def test_hostile_text_stays_text_and_inside_its_cells(site: Path, open_page: Any, tmp_path: Path) -> None:
    page, visit = open_page(site / "hostile-text.html")
    assert visit.dialogs == [] and visit.errors == [] and visit.requests == [visit.url]
    assert page.locator("script, img, iframe").count() == 0
    assert "<script>alert('title')</script>" in page.locator("h1").inner_text()
    assert page.evaluate(OVERFLOWS) == []
    _screenshot(page, tmp_path, "hostile-text", publish=False)


def test_index_links_every_map_and_loads_nothing(site: Path, open_page: Any, tmp_path: Path) -> None:
    page, visit = open_page(site / "index.html")
    hrefs = page.eval_on_selector_all(".cjm-index-card a", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(hrefs) == sorted(p.name for p in site.glob("*.html") if p.name != "index.html")
    assert visit.requests == [visit.url] and visit.errors == []
    assert page.evaluate(OVERFLOWS) == []
    _screenshot(page, tmp_path, "index")


def test_print_layout_fits_an_a3_landscape_page(site: Path, open_page: Any) -> None:
    journey = load_journey(str(EXAMPLES[0]))
    page, _ = open_page(site / f"{journey.id}.html")
    page.emulate_media(media="print")
    width = page.evaluate("() => document.querySelector('.cjm-map').getBoundingClientRect().width")
    assert width <= 1528, "the map is zoomed to the printable width of A3 landscape"
    label, cell = page.evaluate(
        "() => [document.querySelector('.cjm-axis-name'), document.querySelector('.cjm-axis-cell')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert cell[0] <= label[0] and cell[1] <= label[1] and label[2] <= cell[2] and label[3] <= cell[3], (
        "the EMOTION label stays in its lane cell when printed, not at the top-left of page 1"
    )
    pdf = page.pdf(format="A3", landscape=True, print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")


def test_departments_are_shown_as_written(open_page: Any, tmp_path: Path) -> None:
    from tests.conftest import run_cli_inprocess

    text = standalone(EXAMPLES[0].read_text(encoding="utf-8"))
    assert "departments: [marketing]" in text
    journey = tmp_path / "depts.journey.yaml"
    journey.write_text(text.replace("departments: [marketing]", "departments: [IT, back-office-mutui]", 1))
    out = tmp_path / "depts.html"
    result = run_cli_inprocess("render", str(journey), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page, _ = open_page(out)
    shown = page.eval_on_selector_all(".cjm-dept-col", "els => els.map(e => e.innerText.trim())")
    assert "IT" in shown and "back-office-mutui" in shown, shown
    chips = page.eval_on_selector_all(".cjm-depts li", "els => els.map(e => e.innerText.trim())")
    assert "IT" in chips and "back-office-mutui" in chips, chips


def test_measured_survey_scores_beside_the_emotion_curve(open_page: Any, tmp_path: Path) -> None:
    """The example's survey answers drawn on its map: a second line per stage, metric cards, legend, print."""
    from tests.conftest import run_cli_inprocess

    example = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
    mapping = ROOT / "examples" / "evidence" / "crm-surveys-mapping.yaml"
    report = tmp_path / "evidence"
    done = run_cli_inprocess("evidence", "check", str(example), "--mapping", str(mapping), "-F", "json", "-o",
                             str(report))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    out = tmp_path / "surveys.html"
    drawn = run_cli_inprocess("render", str(example), "--evidence", str(report / "evidence.json"), "-o", str(out))
    assert drawn.exit_code == 0, drawn.stderr
    page, visit = open_page(out)
    assert visit.requests == [visit.url] and visit.errors == []
    marks = page.eval_on_selector_all(
        ".cjm-curve .cjm-measured-point",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })",
    )
    assert len(marks) == 3, "Active evaluation, Implementation and Loyalty have answers"
    heads = page.eval_on_selector_all(
        ".cjm-stage-name", "els => els.map(e => e.closest('th').getBoundingClientRect())"
    )  # the stages' header cells, in map order
    middles = sorted(h["x"] + h["width"] / 2 for h in heads)
    for x, _ in marks:  # each mark sits in the middle of a stage column
        assert min(abs(x - m) for m in middles) < 3
    zero = page.eval_on_selector(".cjm-curve .cjm-tick-zero", "e => e.getBoundingClientRect().y")
    texts = page.eval_on_selector_all(".cjm-curve .cjm-measured-label", "els => els.map(e => e.textContent)")
    labels = [float(t.replace("−", "-")) for t in texts]
    # Active evaluation: CES -0.25 from 855 answers and CSAT +0.5 from 141, weighted: -0.14; then +0.66, +0.24
    assert labels == [-0.1, 0.7, 0.2]
    top = page.eval_on_selector(".cjm-curve .cjm-tick", "e => e.getBoundingClientRect().y")  # the +2 line
    step = (zero - top) / 2  # px per emotion step as drawn (the map may be zoomed to the window)
    for (_, y), value in zip(marks, labels, strict=True):
        assert abs((zero - y) / step - value) < 0.06
    measured = page.locator(".cjm-metric-measured").all_inner_texts()
    assert measured[1].startswith("measured 66.6 from 580 responses")
    assert "Survey score measured per stage" in page.locator(".cjm-legend").inner_text()
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(CONTRAST, TEXT + ", .cjm-metric-measured") == []
    _screenshot(page, tmp_path, "survey-scores", publish=False)
    page.emulate_media(media="print")  # printed, the measured line stays inside the curve
    inside = page.evaluate(
        "() => { const c = document.querySelector('.cjm-curve').getBoundingClientRect();"
        " return [...document.querySelectorAll('.cjm-measured-point, .cjm-measured-label')].every(e => {"
        " const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= c.left - 1 && r.right <= c.right + 1"
        " && r.top >= c.top - 1 && r.bottom <= c.bottom + 1; }); }"
    )
    assert inside
