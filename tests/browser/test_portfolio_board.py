"""The portfolio on the site's index in headless Chromium: the lifecycle board, blind spots, backlog and pain
tables stay inside their boxes, read with enough contrast in both themes, load nothing, and print on A3."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_pages import CONTRAST, OVERFLOWS, browser, open_page  # noqa: F401 - fixtures
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOXES = (
    ".cjm-board-card, .cjm-board-segment, .cjm-board-head, .cjm-board-blind, .cjm-backlog td, .cjm-backlog th, "
    ".cjm-pain-table td, .cjm-pain-table th, .cjm-dept-table td, .cjm-dept-table th"
)
BOARD_OVERFLOWS = OVERFLOWS.replace(OVERFLOWS[OVERFLOWS.index("const boxes") : OVERFLOWS.index("for (const box")],
                                    f"const boxes = '{BOXES}';\n  ")  # fmt: skip
TEXT = (
    ".cjm-status-chip, .cjm-board-owner, .cjm-board-nest, .cjm-board-type, .cjm-board-evidence, .cjm-blind-label, "
    ".cjm-board-description, .cjm-board-stage, .cjm-sev-chip, .cjm-detail-inline, .cjm-blind-summary, "
    ".cjm-journeys-cell, .cjm-board-title a, .cjm-num"
)
STAGES = ["Discover", "Evaluate", "Buy", "Onboard", "Use", "Get help", "Renew"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import run_cli_inprocess

    out = tmp_path_factory.mktemp("portfolio")
    checked = run_cli_inprocess(
        "evidence", "check", str(ROOT / "examples" / "b2b-fleet-software.journey.yaml"),
        "--mapping", str(ROOT / "examples" / "evidence" / "crm-mapping.yaml"), "-F", "json", "-o", str(out / "ev"),
    )  # fmt: skip
    assert checked.exit_code in (0, 1), checked.stderr
    report = out / "ev" / "evidence.json"
    result = run_cli_inprocess("render", str(ROOT / "examples"), "-o", str(out / "site"), "--evidence", str(report))
    assert result.exit_code == 0, result.stderr
    return out / "site"


def test_board_columns_blind_spot_cards_and_links(site: Path, open_page: Any) -> None:  # noqa: F811
    page, visit = open_page(site / "index.html", width=1400)
    assert visit.requests == [visit.url] and visit.errors == [] and visit.dialogs == []
    assert page.locator("script, iframe, img, object").count() == 0
    heads = page.eval_on_selector_all(".cjm-board-stage", "els => els.map(e => e.innerText.trim())")
    assert [h.lower() for h in heads] == [s.lower() for s in STAGES]
    tops = page.eval_on_selector_all(
        ".cjm-board-head", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, "the lifecycle is one row of columns"
    blind = page.locator(".cjm-board-blind")
    assert blind.count() == 1 and "Blind spot" in blind.inner_text()
    get_help = page.locator(".cjm-board-head").nth(STAGES.index("Get help")).bounding_box()
    assert abs(blind.bounding_box()["x"] - get_help["x"]) < 1, "the blind spot stands in its stage's column"
    assert "Blind spots: Get help" in page.locator(".cjm-blind-summary").inner_text()
    titles = page.eval_on_selector_all(".cjm-board-card .cjm-board-title a", "els => els.map(e => e.innerText)")
    assert sorted(titles) == sorted(
        ["Buying fleet-scheduling software", "First grocery order with FreshCart",
         "Choosing a delivery slot and paying at FreshCart", "Buying fleet-scheduling software from the price list"]
    )  # fmt: skip
    fleet = page.locator(".cjm-board-card", has_text="Buying fleet-scheduling software")
    assert fleet.locator(".cjm-board-evidence").inner_text() == "Evidence: 3,000 customers"
    band = page.locator(".cjm-board-segment", has=fleet).bounding_box()
    onboard = page.locator(".cjm-board-head").nth(STAGES.index("Onboard")).bounding_box()
    assert band["x"] + band["width"] >= onboard["x"] + onboard["width"] - 1, "the band spans Discover to Onboard"
    nests = page.eval_on_selector_all(".cjm-board-nest a", "els => els.map(e => e.getAttribute('href'))")
    assert "grocery-checkout.html" in nests and "b2c-online-grocery.html" in nests, "nested journeys both ways"
    ranks = page.eval_on_selector_all(".cjm-backlog tbody tr td:first-child", "els => els.map(e => e.innerText)")
    assert ranks == [str(n) for n in range(1, len(ranks) + 1)] and len(ranks) == 9


@pytest.fixture(scope="module")
def italian_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples with `lang: it` on every journey: the board's longer Italian labels."""
    from tests.conftest import run_cli_inprocess

    out = tmp_path_factory.mktemp("portfolio-it")
    shutil.copytree(ROOT / "examples", out / "esempi")
    for path in (out / "esempi").rglob("*.journey.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("\ncjm: 1\n", "\ncjm: 1\nlang: it\n", 1))
    result = run_cli_inprocess("render", str(out / "esempi"), "-o", str(out / "sito"))
    assert result.exit_code == 0, result.stderr
    return out / "sito"


def test_the_italian_board_fits_its_boxes_and_reads(italian_site: Path, open_page: Any) -> None:  # noqa: F811
    for width in (1400, 900):
        page, visit = open_page(italian_site / "index.html", width=width)
        assert "Punto cieco" in page.locator(".cjm-board-blind").inner_text()
        assert page.evaluate(BOARD_OVERFLOWS) == [], width
        assert page.evaluate(CONTRAST, TEXT) == [], width
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "no page scroll"
        assert visit.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_overflows_and_text_reads(site: Path, open_page: Any, scheme: str) -> None:  # noqa: F811
    for width in (1400, 900):
        page, visit = open_page(site / "index.html", scheme=scheme, width=width)
        assert page.evaluate(BOARD_OVERFLOWS) == [], width
        assert page.evaluate(CONTRAST, TEXT) == [], (scheme, width)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "no page scroll"
        assert visit.errors == []


def test_the_board_prints_on_a3_landscape(site: Path, open_page: Any, tmp_path: Path) -> None:  # noqa: F811
    page, _ = open_page(site / "index.html", width=1400)
    page.emulate_media(media="print")
    width = page.evaluate("() => document.querySelector('.cjm-board').getBoundingClientRect().width")
    assert width <= 1528, "the board fits the printable width of A3 landscape"
    assert page.evaluate(BOARD_OVERFLOWS) == []
    pdf = page.pdf(format="A3", landscape=True, print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    shot = tmp_path / "portfolio-board.png"
    page.locator(".cjm-portfolio").first.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    target = os.environ.get("CJM_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(target) / shot.name)
