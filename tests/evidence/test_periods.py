"""The journey over time (`--by`): per period figures, changes beyond chance, new unmapped events, bad input."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cjm.evidence.check import load_model
from cjm.evidence.periods import Period, benjamini_hochberg, calendar, period_section, two_proportions
from tests.evidence.helpers import DATA, SHOP, check_json, write_log

SURVEY = str(DATA / "survey.journey.yaml")

START = dt.datetime(2026, 1, 1, 8, 0)


def _shop_log(path: Path, seed: int, buy: Callable[[int], float], months: int = 6, per_month: int = 150) -> str:
    """Journeys on the shop map: ad, site, then an order with a chance that may change by month, then the app."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for month in range(months):
        for i in range(per_month):
            case = f"c{month}-{i}"
            t = START + dt.timedelta(days=30.4 * month + rng.uniform(0, 27), minutes=rng.uniform(0, 600))
            rows.append((case, f"{t:%Y-%m-%d %H:%M:%S}", "ad_click", "ads"))
            rows.append((case, f"{t + dt.timedelta(hours=1):%Y-%m-%d %H:%M:%S}", "page_view", "web"))
            if rng.random() < buy(month):
                rows.append((case, f"{t + dt.timedelta(hours=2):%Y-%m-%d %H:%M:%S}", "order_placed", "web"))
                rows.append((case, f"{t + dt.timedelta(hours=30):%Y-%m-%d %H:%M:%S}", "app_open", "app"))
            if rng.random() < 0.1:
                rows.append((case, f"{t + dt.timedelta(hours=3):%Y-%m-%d %H:%M:%S}", "faq_read", "web"))
    return write_log(path, rows)


def test_calendar_periods() -> None:
    weeks = calendar("week", dt.datetime(2026, 1, 1, 12), dt.datetime(2026, 1, 12))
    assert [(p.label, p.start.date().isoformat()) for p in weeks] == [
        ("2026-W01", "2025-12-29"), ("2026-W02", "2026-01-05"), ("2026-W03", "2026-01-12")]  # fmt: skip
    quarters = calendar("quarter", dt.datetime(2025, 11, 30), dt.datetime(2026, 4, 1))
    assert [p.label for p in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    months = calendar("month", dt.datetime(2025, 12, 31, 23, 59), dt.datetime(2026, 1, 1))
    assert [p.label for p in months] == ["2025-12", "2026-01"]
    assert months[1].micros()[0] == 1_767_225_600_000_000  # 2026-01-01T00:00Z


def test_two_proportion_test_and_benjamini_hochberg_by_hand() -> None:
    # 60/100 vs 40/100: pooled .5, se sqrt(.25 * .02) = .0707, z = 2.828, p = erfc(2.828 / sqrt 2) = .00468
    assert two_proportions(60, 100, 40, 100) == pytest.approx(0.004678, abs=1e-6)
    assert two_proportions(0, 10, 0, 10) == 1.0
    # p sorted .01, .02, .03, .5 with m = 4: q = .04, .04, .04, .5 (each the minimum of p * m / rank above it)
    assert benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])


def test_planted_drop_in_buying_is_found(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _shop_log(tmp_path / "log.csv", 7, lambda month: 0.6 if month < 4 else 0.3)
    report = check_json(run_cli, log, "--by", "month")
    section = report["periods"]
    assert [p["period"] for p in section["periods"]] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                                          "2026-06"]  # fmt: skip
    assert sum(p["journeys"] for p in section["periods"]) == report["journeys"] == 900
    changes = [f for f in report["findings"] if f["kind"] == "period-change"]
    assert {tuple(f["ids"]) for f in changes} >= {("buy", "2026-05"), ("use", "2026-05")}
    assert all(f["ids"][1] == "2026-05" for f in changes), [f["message"] for f in changes]
    buy = next(f for f in changes if f["ids"] == ["buy", "2026-05"])
    assert buy["message"].startswith("stage “Buy” was reached by ")
    assert "down from" in buy["message"] and "of the journeys that started in 2026-05" in buy["message"]


@pytest.mark.parametrize("seed", range(4))
def test_no_change_is_found_in_stationary_logs(run_cli: Callable[..., Any], tmp_path: Path, seed: int) -> None:
    report = check_json(run_cli, _shop_log(tmp_path / "log.csv", seed, lambda month: 0.5), "--by", "month")
    assert [f["message"] for f in report["findings"] if f["kind"] in ("period-change", "new-unmapped-event")] == []


def _stationary_section(seed: int) -> dict[str, Any]:
    """A period section from simulated counts: 12 months, 200 journeys each, every share constant."""
    model, _ = load_model(SHOP)
    rng = random.Random(seed)
    periods = [Period(f"p{i:02d}", dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)) for i in range(12)]
    stats, stages = [], []
    for i in range(12):
        n = 200
        moves = sum(1 for _ in range(600) if rng.random() < 0.9)
        stats.append((i, n, n, 600, moves, 0))
        for stage, share in ((0, 0.9), (1, 0.7), (3, 0.4), (4, 0.2)):
            stages.append((i, stage, sum(1 for _ in range(n) if rng.random() < share)))
    aggregates = {"cjm_period_stats": stats, "cjm_period_stage_stats": stages, "cjm_period_event_stats": []}
    return period_section(model, aggregates, "month", periods)


def test_false_alarms_across_many_stationary_seeds_stay_rare() -> None:
    # 100 simulated stationary years, 55 tests each; BH at q < .05 keeps the chance of any false alarm in a run
    # at or under 5% when nothing changes: allow 10 of 100 runs (measured: see the assertion's message)
    alarms = [seed for seed in range(100) if any(c["q"] < 0.05 for c in _stationary_section(seed)["changes"])]
    assert len(alarms) <= 10, alarms


def test_new_unmapped_event_and_an_empty_period(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    rows = [(f"a{i}", f"2026-01-{10 + i:02d} 09:00:00", "ad_click", "ads") for i in range(6)]
    rows += [(f"b{i}", f"2026-03-{10 + i:02d} 09:00:00", "ad_click", "ads") for i in range(6)]
    rows += [(f"b{i}", f"2026-03-{10 + i:02d} 10:00:00", "chatbot_opened", "web") for i in range(6)]
    report = check_json(run_cli, write_log(tmp_path / "log.csv", rows), "--by", "month")
    kinds = {(f["kind"], tuple(f["ids"])) for f in report["findings"]}
    assert ("new-unmapped-event", ("chatbot_opened", "2026-03")) in kinds
    assert ("empty-period", ("2026-02",)) in kinds
    february = report["periods"]["periods"][1]
    assert (february["journeys"], february["fitness"], february["stages"]["discover"]["share"]) == (0, None, None)


def test_by_bad_values_and_engines(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", [("a", "2026-01-10 09:00:00", "ad_click", "ads")])
    bad = run_cli("evidence", "check", SHOP, "--events", log, "--by", "day")
    assert bad.exit_code == 2 and "--by must be week, month or quarter, not 'day'" in bad.stderr
    wide = write_log(tmp_path / "wide.csv", [("a", "1990-01-10 09:00:00", "ad_click", "ads"),
                                             ("a", "2026-01-10 09:00:00", "ad_click", "ads")])  # fmt: skip
    too_many = run_cli("evidence", "check", SHOP, "--events", wide, "--by", "week")
    assert too_many.exit_code == 2 and "choose a longer period" in too_many.stderr


def test_markdown_has_a_compact_table_per_figure(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _shop_log(tmp_path / "log.csv", 3, lambda month: 0.5, months=2, per_month=20)
    md = run_cli("evidence", "check", SHOP, "--events", log, "--by", "month", "-F", "md")
    assert md.exit_code == 0, md.stderr
    assert "### Journeys per month (by the month they started in)" in md.stdout
    assert "| period | Discover | Consider | Buy | Use |" in md.stdout
    assert "| 2026-01 | 20 |" in md.stdout


def test_survey_scores_per_period(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    rows = []
    months = {
        "01": ["9", "10", "9", "10", "9", "9", "7", "8", "3", "0"],  # 6 promoters, 2 detractors of 10: 40
        "02": ["9", "10", "7", "8", "3", "0", "6", "5", "2", "1"],
    }  # 2 promoters, 6 detractors of 10: -40
    for month, scores in months.items():
        for i, score in enumerate(scores):
            rows += [
                (f"c{month}{i}", f"2026-{month}-{10 + i:02d} 09:00:00", "ad_click", "ads", ""),
                (f"c{month}{i}", f"2026-{month}-{10 + i:02d} 10:00:00", "nps_answered", "web", score),
            ]
    log = write_log(tmp_path / "log.csv", rows, ("case_id", "timestamp", "event", "channel", "score"))
    report = check_json(run_cli, log, "--columns", "score=score", "--by", "month", journey=SURVEY)
    series = report["periods"]["surveys"]["nps"]
    assert [(e["period"], e["value"], e["responses"]) for e in series] == [
        ("2026-01", 40.0, 10),
        ("2026-02", -40.0, 10),
    ]
    # each: variance .6 + .2 - .4^2 = .64, standard error 100 * sqrt(.64 / 10) = 25.3
    assert [e["se"] for e in series] == [25.2982, 25.2982]
    # pooled over both: p = d = .4, variance .8, se 100 * sqrt(.8 * (1/10 + 1/10)) = 40, z = 80 / 40 = 2
    tested = [c for c in report["periods"]["changes"] if c["figure"] == "survey"]
    assert [(c["id"], c["old"], c["new"], c["p"]) for c in tested] == [("nps", 40.0, -40.0, 0.0455)]
    # the nps answers are not unmapped events in any period
    assert all(p["unmapped_share"] == 0 for p in report["periods"]["periods"])


def test_outcome_rates_per_period_and_a_planted_change(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _shop_log(tmp_path / "log.csv", 11, lambda month: 0.6 if month < 4 else 0.3)
    report = check_json(run_cli, log, "--by", "month", "--outcome", "won=order_placed")
    rows = report["periods"]["periods"]
    january = rows[0]["outcomes"]["won"]
    # every journey of January is finished (no event in the last 30 days): the rate is over all of them
    assert january["journeys"] == rows[0]["journeys"] == 150
    assert january["count"] == rows[0]["stages"]["buy"]["reached"]
    tested = {(c["id"], c["to"]) for c in report["periods"]["changes"] if c["figure"] == "outcome" and c["q"] < 0.05}
    assert ("won", "2026-05") in tested
    md = run_cli(
        "evidence", "check", SHOP, "--events", log, "--by", "month", "--outcome", "won=order_placed", "-F", "md"
    )
    assert "### Outcomes, share of the journeys that started that month" in md.stdout
