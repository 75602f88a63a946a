"""A version 2 report on the HTML map: stage figures, unverifiable stages, shared touchpoints per stage."""

from __future__ import annotations

import json
from pathlib import Path

from tests.evidence.helpers import SHOP, at, write_log


def test_the_map_shows_stage_reach_no_data_for_an_unverifiable_stage_and_a_shared_touchpoint_per_stage(
    run_cli, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0, 0), "ad_click", "ads"), ("c1", at(0, 1), "call", "phone"),        # hotline in consider
        ("c2", at(0, 0), "order_placed", "web"), ("c2", at(0, 2), "call", "phone"),    # hotline in buy
        ("c3", at(0, 0), "order_placed", "web"), ("c3", at(0, 5), "call", "phone"),    # hotline in buy
    ])  # fmt: skip
    out = tmp_path / "out"
    result = run_cli("evidence", "check", SHOP, "-e", log, "-F", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert json.loads((out / "evidence.json").read_text())["version"] == 2
    page = run_cli("render", SHOP, "--evidence", str(out / "evidence.json"))
    assert page.exit_code == 0, page.stderr
    html = page.stdout
    assert "no data: none of its touchpoints has events" in html  # decide: no touchpoint with events
    assert "suppressed customers" not in html
    assert "observed: 3 customers, 3 events; 1 in Consider, 2 in Buy" in html  # the hotline, per stage
    assert "2 customers reached it" in html  # buy: c2 and c3 entered late, and count
    assert "Journeys that follow the map all the way" in html


def test_withheld_figures_do_not_break_the_text_and_markdown_reports(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("c1", at(1), "wishlist_add", "web"), ("c1", at(2), "page_view", "web"),
        ("c2", at(0), "ad_click", "ads"), ("c2", at(1), "page_view", "web"),
        ("c3", at(0), "ad_click", "ads"),
    ])  # fmt: skip
    for fmt in ("text", "md"):
        result = run_cli("evidence", "check", SHOP, "-e", log, "--min-cases", "2", "-F", fmt)
        assert result.exit_code == 0, result.stderr
        assert "wishlist_add" in result.stdout and "place withheld" in result.stdout


def test_event_names_from_the_data_reach_the_terminal_as_plain_text(run_cli, tmp_path: Path) -> None:
    hostile = "[bold]promo[/bold]\x1b[31m\u202e"
    log = write_log(tmp_path / "a.csv", [("c1", at(0), "ad_click", "ads"), ("c1", at(1), hostile, "web")])
    for fmt in ("text", "md"):
        result = run_cli("evidence", "check", SHOP, "-e", log, "-F", fmt)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "[bold]promo[/bold]?[31m?" in result.stdout  # markup shown, not applied; control characters as ?
