"""Driver badges (`cjm render --evidence` of a report with outcomes) in a real headless Chromium.

Every badge stays inside its touchpoint chip, stage header or ghost card, its text inside the badge, and it is
legible: at full size, with the map zoomed to a laptop screen (its most compact layout: the narrowest columns
hold the most badges), in the dark scheme, and printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_pages import CONTRAST, OVERFLOWS, _screenshot, browser, on_a_laptop, open_page  # noqa: F401
from tests.conftest import run_cli_inprocess
from tests.render.test_driver_badges import EXAMPLE, example_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each badge's box, the box of the chip, header or card that holds it, and whether its text fits in it.
BOXES = """
() => [...document.querySelectorAll('.cjm-driver')].map(b => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const holder = b.closest('.cjm-tp, th, .cjm-card-item');
  return {text: b.textContent, badge: box(b), holder: box(holder), kind: holder.className,
          fits: b.scrollWidth <= b.clientWidth + 1 && b.scrollHeight <= b.clientHeight + 1};
})
"""


@pytest.fixture(scope="module")
def badge_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example map with the evidence of its CRM export and cancelled contracts."""
    out = tmp_path_factory.mktemp("badges")
    page = out / "badges.html"
    drawn = run_cli_inprocess("render", str(EXAMPLE), "--evidence", str(example_report(out / "ev")), "-o", str(page))
    assert drawn.exit_code == 0, drawn.stderr
    return page


def _inside(found: list[dict[str, Any]]) -> None:
    assert len(found) == 28, "every badge of the example is drawn"
    kinds = {f["kind"].split()[0] for f in found}
    assert kinds == {"cjm-tp", "cjm-stage", "cjm-card-item"}, "on chips, stage headers and a ghost card"
    for f in found:
        (left, top, right, bottom), (hl, ht, hr, hb) = f["badge"], f["holder"]
        assert hl - 0.5 <= left and right <= hr + 0.5 and ht - 0.5 <= top and bottom <= hb + 0.5, f
        assert right - left > 8 and bottom - top > 6, f"{f['text']}: squeezed"
        assert f["fits"], f"{f['text']}: its text overflows the badge"


@pytest.mark.parametrize("fit", [True, False], ids=["fitted-to-1440", "full-size"])
def test_each_badge_stays_inside_its_chip_or_header(
    badge_page: Path,
    open_page: Any,  # noqa: F811
    tmp_path: Path,
    fit: bool,
) -> None:
    page, _zoom = on_a_laptop(open_page, badge_page, fit)
    _inside(page.evaluate(BOXES))
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(CONTRAST, ".cjm-driver, .cjm-legend li") == []
    assert page.locator(".cjm-driver").first.is_visible()
    _screenshot(page, tmp_path, f"badges-{'fit' if fit else 'full'}", publish=False)


def test_the_badges_are_legible_in_the_dark(badge_page: Path, open_page: Any) -> None:  # noqa: F811
    page, _ = open_page(badge_page, scheme="dark", width=1440)
    assert page.evaluate(CONTRAST, ".cjm-driver") == []


def test_the_badges_print_inside_their_chips_and_headers(badge_page: Path, open_page: Any) -> None:  # noqa: F811
    page, _ = open_page(badge_page)
    page.emulate_media(media="print")
    _inside(page.evaluate(BOXES))
    assert page.evaluate(OVERFLOWS) == []
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.cjm-tp .cjm-driver'));"
        " return [s.backgroundColor, s.printColorAdjust || s.webkitPrintColorAdjust]; }"
    )
    assert colours == ["rgb(138, 31, 99)", "exact"], "printed in its own colour, as on screen"


# Each word of each touchpoint name that the browser drew on more than one line (broken inside the word).
BROKEN_WORDS = """
() => [...document.querySelectorAll('.cjm-tp-name')].flatMap(name => {
  const text = name.firstChild;
  if (!text) return [];
  const out = [];
  for (const m of text.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(text, m.index);
    range.setEnd(text, m.index + m[0].length);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) out.push(m[0]);
  }
  return out;
})
"""


def test_a_badge_never_splits_a_touchpoint_name_inside_a_word(badge_page: Path, open_page: Any) -> None:  # noqa: F811
    # A narrow column with a reach badge ("never seen") broke "Software comparison site" as "Softwar|e compari|son";
    # the badge now moves under the name when they do not fit side by side.
    page, _zoom = on_a_laptop(open_page, badge_page)
    assert page.evaluate(BROKEN_WORDS) == []
