"""The reach trend per stage (`cjm render --evidence` of a `--by month` report) in a real headless Chromium.

Each verifiable stage header carries its line, visible and inside the header: at full size, with the map zoomed
to a laptop screen (its most compact layout: a one-action stage is the narrowest header), and printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cjm.render.trend import HEIGHT, WIDTH
from tests.browser.test_pages import CONTRAST, OVERFLOWS, TEXT, _screenshot, browser, map_zoom, on_a_laptop, open_page  # noqa: F401
from tests.conftest import ROOT, run_cli_inprocess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLE = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
MAPPING = ROOT / "examples" / "evidence" / "crm-surveys-mapping.yaml"

# Each trend's box, its header cell's box, and whether every drawn part of its SVG stays inside the SVG.
BOXES = """
() => [...document.querySelectorAll('.cjm-trend')].map(t => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const svg = t.querySelector('svg'), s = svg.getBoundingClientRect();
  const parts = [...svg.querySelectorAll('path, circle')].every(e => {
    const r = e.getBoundingClientRect();
    return r.left >= s.left - 0.5 && r.right <= s.right + 0.5 && r.top >= s.top - 0.5 && r.bottom <= s.bottom + 0.5;
  });
  return {stage: t.closest('th').id, trend: box(t), line: box(svg), cell: box(t.closest('th')), parts,
          span: t.closest('th').colSpan};
})
"""


@pytest.fixture(scope="module")
def trend_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example map with the evidence of its CRM export and survey answers by month."""
    out = tmp_path_factory.mktemp("trend")
    done = run_cli_inprocess("evidence", "check", str(EXAMPLE), "--mapping", str(MAPPING), "--by", "month",
                             "-F", "json", "-o", str(out / "ev"))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    page = out / "trend.html"
    drawn = run_cli_inprocess("render", str(EXAMPLE), "--evidence", str(out / "ev" / "evidence.json"), "-o", str(page))
    assert drawn.exit_code == 0, drawn.stderr
    return page


def _inside(found: list[dict[str, Any]], zoom: float) -> None:
    for t in found:
        (left, top, right, bottom), (cl, ct, cr, cb) = t["trend"], t["cell"]
        assert cl - 1 <= left and right <= cr + 1 and ct - 1 <= top and bottom <= cb + 1, t["stage"]
        lw, lh = t["line"][2] - t["line"][0], t["line"][3] - t["line"][1]
        assert abs(lw - WIDTH * zoom) < 1 and abs(lh - HEIGHT * zoom) < 1, f"{t['stage']}: squeezed ({lw} x {lh})"
        assert t["parts"], f"{t['stage']}: a ring or dot outside the drawing"


@pytest.mark.parametrize("fit", [True, False], ids=["fitted-to-1440", "full-size"])
def test_each_stage_trend_is_visible_inside_its_header(
    trend_page: Path,
    open_page: Any,  # noqa: F811
    tmp_path: Path,
    fit: bool,
) -> None:
    page, zoom = on_a_laptop(open_page, trend_page, fit)
    found = page.evaluate(BOXES)
    # every stage but Trigger (none of its touchpoints has events) has a line; Out of market is one action wide
    assert [t["stage"].split("--stage-")[1] for t in found] == [
        "out-of-market", "initial-consideration", "active-evaluation", "purchase-decision", "implementation",
        "loyalty",
    ]  # fmt: skip
    assert found[0]["span"] == 1, "the narrowest header holds its trend too"
    _inside(found, zoom)
    assert all(page.locator(".cjm-trend-line").nth(i).is_visible() for i in range(len(found)))
    ring = page.locator("#b2b-fleet-software--stage-out-of-market .cjm-trend-flag")
    assert ring.count() == 1 and ring.is_visible(), "the drop from 43% to 25% in 2025-06 is beyond chance"
    assert page.locator(".cjm-trend-flag").count() == 1
    label = page.locator("#b2b-fleet-software--stage-out-of-market .cjm-trend-label").inner_text()
    assert label.startswith("Reached by 39% of journeys in 2025-01, 40% in 2026-03")
    assert "down in 2025-06, beyond chance" in label
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(CONTRAST, TEXT + ", .cjm-trend-label, .cjm-trend-note") == []
    _screenshot(page, tmp_path, f"trend-{'fit' if fit else 'full'}", publish=False)


def test_the_trend_prints_inside_its_header(trend_page: Path, open_page: Any) -> None:  # noqa: F811
    page, _ = open_page(trend_page)
    page.emulate_media(media="print")
    found = page.evaluate(BOXES)
    assert len(found) == 6
    _inside(found, map_zoom(page))
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.cjm-row-stages th'));"
        " return [s.backgroundColor, s.printColorAdjust || s.webkitPrintColorAdjust]; }"
    )
    assert colours == ["rgb(30, 42, 74)", "exact"], "printed on the header's own dark ground, as on screen"
