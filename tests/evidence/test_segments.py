"""`segment=COLUMN`: per-segment figures side by side, hand-computed, with suppression and bad input.

The log of test_outcomes with a plan column: L1, L2, W1, W2 are "pro"; L3, L4, W3, W4, N1, N2 "basic";
O1 and O2 have no plan. Every move follows the map. Pro: 4 customers, 4 journeys, all reach Discover and
Consider, W1 and W2 go on to Buy (the whole journey counts here, also after the outcome event); lost 2 and
won 2 of 4 finished. Basic: 6 customers, lost 2, won 2, none 2 of 6 finished. No value: the 2 open ones.
"""

from __future__ import annotations

from pathlib import Path

from tests.evidence.helpers import SHOP, check_json, write_log
from tests.evidence.test_outcomes import OUTCOMES, _rows

PLANS = {"L1": "pro", "L2": "pro", "W1": "pro", "W2": "pro", "L3": "basic", "L4": "basic", "W3": "basic",
         "W4": "basic", "N1": "basic", "N2": "basic", "O1": "", "O2": ""}  # fmt: skip
HEADER = ("case_id", "timestamp", "event", "channel", "plan")


def _log(tmp_path: Path, plans: dict[str, str] = PLANS) -> str:
    return write_log(tmp_path / "seg.csv", [(*r, plans[r[0]]) for r in _rows()], HEADER)


def _segment(report: dict, name: str) -> dict:
    return next(v for v in report["segments"]["values"] if v["segment"] == name)


def test_segments_side_by_side(run_cli, tmp_path: Path) -> None:
    report = check_json(run_cli, _log(tmp_path), "--columns", "segment=plan", *OUTCOMES)
    assert [v["segment"] for v in report["segments"]["values"]] == ["basic", "pro", "(no value)"]
    pro, basic, none = _segment(report, "pro"), _segment(report, "basic"), _segment(report, "(no value)")
    assert (pro["cases"], pro["journeys"], pro["fitness"], pro["conforming_journeys"]) == (4, 4, 1.0, 1.0)
    reached = {s["id"]: (s["reached_journeys"], s["reached_share"]) for s in pro["stages"]}
    assert reached == {"discover": (4, 1.0), "consider": (4, 1.0), "buy": (2, 0.5), "use": (0, 0.0)}
    assert pro["outcomes"] == {"lost": {"journeys": 2, "share": 0.5}, "won": {"journeys": 2, "share": 0.5},
                               "none": {"journeys": 0, "share": 0.0}}  # fmt: skip
    assert basic["cases"] == 6 and basic["outcomes"]["none"] == {"journeys": 2, "share": 0.3333}
    assert (none["cases"], none["open_journeys"]) == (2, 2)
    paths = [(p["path"], p["journeys"]) for p in pro["paths"]]
    assert sorted(paths) == [(["ads", "hotline"], 2), (["ads", "site", "checkout", "hotline"], 2)]
    text = run_cli("evidence", "check", SHOP, "-e", _log(tmp_path), "--columns", "segment=plan", *OUTCOMES)
    assert "Segments by plan, side by side" in text.stdout
    assert "pro: 4 customers, 4 journeys, 100% of moves follow the map" in text.stdout


def test_small_segments_are_suppressed_and_mixed_customers_counted(run_cli, tmp_path: Path) -> None:
    rows = [(*r, PLANS[r[0]]) for r in _rows()] + [("L1", "2026-01-05 09:30:00", "ad_click", "ads", "enterprise")]
    log = write_log(tmp_path / "mixed.csv", rows, HEADER)
    report = check_json(run_cli, log, "--columns", "segment=plan", "--min-cases", "3")
    assert _segment(report, "(no value)") == {"segment": "(no value)", "cases": None, "suppressed": True}
    assert report["segments"]["mixed_cases"] == 1
    assert _segment(report, "enterprise")["suppressed"] is True  # L1: "enterprise" < "pro"
    assert _segment(report, "pro")["cases"] == 3


def test_missing_or_empty_segment_column_is_exit_2(run_cli, tmp_path: Path) -> None:
    log = _log(tmp_path)
    missing = run_cli("evidence", "check", SHOP, "-e", log, "--columns", "segment=tier")
    assert missing.exit_code == 2 and "column 'tier' is missing" in missing.stderr
    empty = write_log(tmp_path / "empty.csv", [(*r, "") for r in _rows()], HEADER)
    result = run_cli("evidence", "check", SHOP, "-e", empty, "--columns", "segment=plan")
    assert result.exit_code == 2 and "segment column 'plan' has no value in any row" in result.stderr
    assert "Traceback" not in result.stderr + missing.stderr
