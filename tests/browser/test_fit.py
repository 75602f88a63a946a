"""The map fits a laptop screen (1440x900): the first screen shows the map, every action and the whole curve.

Script-free: the header's cards fold into a <details>, and a checkbox (on by default) zooms the map to the
window with CSS alone (down to half size; a wider map scrolls). Set CJM_SCREENSHOTS=docs/screenshots to
refresh the screenshots in the docs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cjm.workspace import load_journey
from tests.browser.test_pages import browser, open_page, site  # noqa: F401 - fixtures
from tests.conftest import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOX = (
    "(el) => { const r = el.getBoundingClientRect();"
    " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"
)


def _visible(page: Any, selector: str, width: int, height: int) -> list[bool]:
    boxes = page.eval_on_selector_all(selector, f"els => els.map({BOX})")
    return [
        b["left"] >= 0 and b["right"] <= width + 0.5 and b["top"] >= 0 and b["bottom"] <= height + 0.5 for b in boxes
    ]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_a_laptop_screen_shows_the_whole_grid_and_curve(example: Path, site: Path, open_page: Any) -> None:  # noqa: F811
    journey = load_journey(str(example))
    page, visit = open_page(site / f"{journey.id}.html", width=1440)
    page.set_viewport_size({"width": 1440, "height": 900})
    assert page.locator("script").count() == 0 and visit.errors == []
    actions = [a for _, a in journey.actions()]
    assert all(_visible(page, ".cjm-row-actions .cjm-action", 1440, 900)), "every action on the first screen"
    assert len(_visible(page, ".cjm-row-actions .cjm-action", 1440, 900)) == len(actions)
    assert all(_visible(page, ".cjm-row-stages th", 1440, 900)), "every stage header on the first screen"
    assert all(_visible(page, ".cjm-curve", 1440, 900)), "the whole emotion curve at once"
    assert all(_visible(page, ".cjm-curve .cjm-emotion-point", 1440, 900))
    assert not page.locator(".cjm-persona").is_visible(), "the scope and persona cards are folded"
    page.locator(".cjm-about > summary").click()
    assert page.locator(".cjm-persona").is_visible()
    if os.environ.get("CJM_SCREENSHOTS"):
        page.locator(".cjm-about > summary").click()
        page.screenshot(path=str(Path(os.environ["CJM_SCREENSHOTS"]) / f"{journey.id}-1440.png"))


def test_unticking_fit_shows_the_map_at_full_size(site: Path, open_page: Any) -> None:  # noqa: F811
    journey = load_journey(str(EXAMPLES[0]))
    page, _ = open_page(site / f"{journey.id}.html", width=1440)
    fitted = page.evaluate("() => document.querySelector('.cjm-map').getBoundingClientRect().width")
    page.locator(".cjm-fit label").click()
    full = page.evaluate("() => document.querySelector('.cjm-map').getBoundingClientRect().width")
    assert fitted <= 1440 - 64 < full, (fitted, full)
    assert page.locator(".cjm-row-actions .cjm-action").first.is_visible()


def test_the_b2b_example_is_not_cut_after_stage_4_at_1600_px(site: Path, open_page: Any) -> None:  # noqa: F811
    page, _ = open_page(site / "b2b-fleet-software.html", width=1600)
    assert all(_visible(page, ".cjm-row-stages th", 1600, 1000)), "all seven stages"


def test_a_big_map_never_shrinks_below_half_size(open_page: Any, tmp_path: Path) -> None:  # noqa: F811
    from tests.conftest import run_cli_inprocess
    from tests.render.test_printed import big_journey

    out = tmp_path / "big.html"
    assert run_cli_inprocess("render", str(big_journey(tmp_path, stages=4)), "-o", str(out)).exit_code == 0
    page, _ = open_page(out, width=1440)
    zoom = page.evaluate("() => getComputedStyle(document.querySelector('.cjm-map')).zoom")
    assert float(zoom) == 0.5, "48 actions would be unreadable fitted into 1440 px: it scrolls at half size"
