"""`--outcome`: hand-computed classes, drivers (counts, rates, lift, p, q), customers at risk, and bad input.

The log (shop map, one journey per customer):
- lost L1-L4: ad, call, call (the hotline again), churned
- won W1-W4: ad, page view, order placed (the won event; the checkout step after it is cut)
- none N1-N2: ad, page view, long ago
- open O1: ad, call, call at the end of the log; O2: a page view shortly before it
Finished journeys: 10. Every finished journey reached Discover and Consider, ended in Consider and moved
forward Discover -> Consider, so those features are not compared. Compared, per class: the hotline
(touchpoint and rework) and the web site. For `lost`, each is the 2x2 table [[4, 0], [0, 6]]:
Fisher p = 1/210; for `won` the tables [[0, 4], [4, 2]] and [[4, 2], [0, 4]]: p = 16/210. BH over the six:
q = 2/210 for `lost` (rank 3 of 6: 1/210 * 6/3), 16/210 for `won`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.evidence.helpers import SHOP, at, check_json, write_log


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for n in range(1, 5):
        rows += [(f"L{n}", at(0), "ad_click", "ads"), (f"L{n}", at(1), "call", "phone"),
                 (f"L{n}", at(1, 1), "call", "phone"), (f"L{n}", at(2), "churned", "crm")]  # fmt: skip
        rows += [(f"W{n}", at(0), "ad_click", "ads"), (f"W{n}", at(1), "page_view", "web"),
                 (f"W{n}", at(2), "order_placed", "web"), (f"W{n}", at(3), "call", "phone")]  # fmt: skip
    for n in (1, 2):
        rows += [(f"N{n}", at(0), "ad_click", "ads"), (f"N{n}", at(1), "page_view", "web")]
    rows += [("O1", at(80), "ad_click", "ads"), ("O1", at(81), "call", "phone"), ("O1", at(81, 1), "call", "phone")]
    rows += [("O2", at(81, 0.5), "page_view", "web")]
    return rows


@pytest.fixture
def log(tmp_path: Path) -> str:
    return write_log(tmp_path / "log.csv", _rows())


OUTCOMES = ("--outcome", "lost=churned", "--outcome", "won=order_placed")


def _driver(report: dict, outcome: str, kind: str, ident: str) -> dict:
    return next(d for d in report["outcomes"]["drivers"] if d["outcome"] == outcome
                and d["feature"]["kind"] == kind and ident in d["feature"].values())  # fmt: skip


def test_classes_open_and_none(run_cli, log: str) -> None:
    report = check_json(run_cli, log, *OUTCOMES)
    classes = {c["id"]: (c["journeys"], c["cases"]) for c in report["outcomes"]["classes"]}
    assert classes == {"lost": (4, 4), "won": (4, 4), "none": (2, 2), "open": (2, 2)}
    assert report["outcomes"]["finished_journeys"] == 10
    assert report["outcomes"]["as_of"] == at(81, 1).replace(" ", "T")
    share = {c["id"]: c["share"] for c in report["outcomes"]["classes"]}
    assert share == {"lost": 0.4, "won": 0.4, "none": 0.2, "open": round(2 / 12, 4)}
    # the figures of the map are those of a run without outcomes
    plain = check_json(run_cli, log)
    assert {k: v for k, v in report.items() if k not in ("outcomes", "at_risk", "run", "findings")} == {
        k: v for k, v in plain.items() if k not in ("run", "findings")
    }


def test_as_of_and_active_days_decide_open(run_cli, log: str) -> None:
    later = check_json(run_cli, log, *OUTCOMES, "--as-of", "2027-01-01")
    assert {c["id"]: c["journeys"] for c in later["outcomes"]["classes"]}["open"] == 0
    wide = check_json(run_cli, log, *OUTCOMES, "--active-days", "200")
    counts = {c["id"]: c["journeys"] for c in wide["outcomes"]["classes"]}
    assert counts["open"] == 4 and counts["none"] == 0


def test_drivers_hand_computed(run_cli, log: str) -> None:
    report = check_json(run_cli, log, *OUTCOMES)
    section = report["outcomes"]
    assert section["tested"] == 6
    hotline = _driver(report, "lost", "touchpoint", "hotline")
    assert (hotline["with_feature"], hotline["with_feature_in_class"]) == (4, 4)
    assert (hotline["without_feature"], hotline["without_feature_in_class"]) == (6, 0)
    figures = (hotline["rate_with"], hotline["rate_without"], hotline["lift"], hotline["difference"])
    assert figures == (1.0, 0.0, None, 1.0)
    assert hotline["p_value"] == pytest.approx(1 / 210, rel=1e-3) and hotline["test"] == "fisher"
    assert hotline["q_value"] == pytest.approx(2 / 210, rel=1e-3) and hotline["driver"] is True
    rework = _driver(report, "lost", "rework", "hotline")
    assert rework["q_value"] == pytest.approx(2 / 210, rel=1e-3) and rework["driver"] is True
    site = _driver(report, "lost", "touchpoint", "site")
    assert (site["with_feature"], site["with_feature_in_class"], site["lift"], site["difference"]) == (6, 0, 0.0, -1.0)
    won = _driver(report, "won", "touchpoint", "site")
    assert (won["with_feature"], won["with_feature_in_class"], won["rate_with"]) == (6, 4, 0.6667)
    assert (won["without_feature"], won["without_feature_in_class"], won["rate_without"]) == (4, 0, 0.0)
    assert won["p_value"] == pytest.approx(16 / 210, rel=1e-3) and won["q_value"] == pytest.approx(16 / 210, rel=1e-3)
    assert won["driver"] is False
    # the checkout after the won event is not part of the journey: no feature of it is compared
    assert not [d for d in section["drivers"] if "checkout" in d["feature"].values()]
    assert [d["driver"] for d in section["drivers"]] == sorted((d["driver"] for d in section["drivers"]), reverse=True)
    # every lost journey called the hotline: a precondition of the loss here, no finding and no sign of risk for O1
    assert hotline["precondition"] is True and site["precondition"] is False
    assert not [f for f in report["findings"] if f["kind"] == "outcome-driver"]
    assert report["at_risk"]["journeys"] == 0 and report["at_risk"]["open_journeys"] == 2
    # an outcome event ends journeys: it stays among the unmapped events, but is no finding about the map
    assert "churned" in [u["event"] for u in report["unmapped"]]
    assert not [f for f in report["findings"] if f["kind"] == "unmapped-event" and "churned" in f["ids"]]
    plain = check_json(run_cli, log)
    assert [f for f in plain["findings"] if f["kind"] == "unmapped-event" and "churned" in f["ids"]]


def _risk_rows() -> list[tuple[str, str, str, str]]:
    """The log with four more lost customers who called the hotline, and two who did not (L9, L10): the
    hotline goes with the loss (8 of 8 callers lost, 2 of 8 others) without every lost journey showing it."""
    rows = _rows()
    for n in range(5, 9):
        rows += [(f"L{n}", at(0), "ad_click", "ads"), (f"L{n}", at(1), "call", "phone"),
                 (f"L{n}", at(1, 1), "call", "phone"), (f"L{n}", at(2), "churned", "crm")]  # fmt: skip
    for n in (9, 10):
        rows += [(f"L{n}", at(0), "ad_click", "ads"), (f"L{n}", at(1), "page_view", "web"),
                 (f"L{n}", at(2), "churned", "crm")]  # fmt: skip
    return rows


def test_at_risk_counts_in_text_ids_only_in_csv(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "risk.csv", _risk_rows())
    report = check_json(run_cli, log, *OUTCOMES)
    hotline = _driver(report, "lost", "touchpoint", "hotline")
    assert (hotline["with_feature"], hotline["with_feature_in_class"], hotline["without_feature_in_class"]) == (8, 8, 2)
    assert hotline["p_value"] == pytest.approx(90 / 12870, rel=1e-3) and hotline["driver"] is True
    assert (hotline["rate_without"], hotline["lift"], hotline["precondition"]) == (0.25, 4.0, False)
    finding = next(f for f in report["findings"] if f["kind"] == "outcome-driver" and "hotline" in f["ids"]
                   and "several times" not in f["message"])  # fmt: skip
    assert finding["severity"] == "warning"
    assert finding["message"].startswith(
        "customers who used “Hotline” ended as “lost” 4.0 times as often: 8 of 8 "
        "journeys vs 25% of the others (associated with, not proof of a cause"
    )
    risk = report["at_risk"]
    assert (risk["outcome"], risk["open_journeys"], risk["journeys"], risk["cases"]) == ("lost", 2, 1, 1)
    assert {r["reason"] for r in risk["reasons"]} == {"used “Hotline”", "used “Hotline” several times in a row"}
    assert risk["rows"][0]["case_id"] == "O1" and risk["rows"][0]["score"] == 2
    assert risk["rows"][0]["current_stage"] == "consider"
    out = tmp_path / "out"
    text = run_cli("evidence", "check", SHOP, "-e", log, *OUTCOMES, "-o", str(out))
    assert text.exit_code == 0, text.stderr
    assert "1 of 2 open journeys (1 customers)" in text.stdout and "O1" not in text.stdout
    md = run_cli("evidence", "check", SHOP, "-e", log, *OUTCOMES, "--format", "md")
    assert "### Customers at risk" in md.stdout and "O1" not in md.stdout
    with (out / "at_risk.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    listed = [(r["case_id"], r["journey"], r["current_stage"], r["score"]) for r in rows]
    assert listed == [("O1", "1", "consider", "2")]
    assert (out / "drivers.csv").read_text(encoding="utf-8").startswith("outcome,label,with_feature")


def test_outcomes_from_the_mapping_file(run_cli, log: str, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        f"sources:\n  - files: {json.dumps(log)}\n    case: case_id\n    time: timestamp\n    event: event\n"
        "    channel: channel\noutcomes:\n  lost: [churned]\n  won: order_placed\n",
        encoding="utf-8",
    )
    result = run_cli("evidence", "check", SHOP, "--mapping", str(mapping), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outcomes"] == check_json(run_cli, log, *OUTCOMES)["outcomes"]
    both = run_cli("evidence", "check", SHOP, "--mapping", str(mapping), "--outcome", "lost=churned")
    assert both.exit_code == 2 and "not both" in both.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--outcome", "lost=nothing_like_this*"), "no event in the log matches 'nothing_like_this*'"),
        (("--outcome", "lost"), "is not NAME=EVENT"),
        (("--outcome", "open=churned"), "cannot name an outcome"),
        (("--outcome", "lost=churned", "--outcome", "lost=x"), "named twice"),
        (("--outcome", "lost=churned", "--active-days", "-3"), "--active-days"),
        (("--outcome", "lost=churned", "--as-of", "last tuesday"), "--as-of"),
    ],
)
def test_bad_outcome_input_is_exit_2(run_cli, log: str, args: tuple[str, ...], message: str) -> None:
    result = run_cli("evidence", "check", SHOP, "-e", log, *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_class_no_journey_reached_is_a_warning(run_cli, tmp_path: Path) -> None:
    # churned appears only as the first event of a journey that is then cut... here: only after a win
    rows = [("a", at(0), "ad_click", "ads"), ("a", at(1), "order_placed", "web"), ("a", at(2), "churned", "crm"),
            ("b", at(0), "ad_click", "ads")]  # fmt: skip
    log = write_log(tmp_path / "l.csv", rows)
    report = check_json(run_cli, log, "--outcome", "won=order_placed", "--outcome", "lost=churned")
    assert {c["id"]: c["journeys"] for c in report["outcomes"]["classes"]}["lost"] == 0
    assert any(f["kind"] == "empty-outcome" and f["ids"] == ["lost"] for f in report["findings"])


def test_report_with_outcomes_and_segments_meets_the_schema(run_cli, log: str, tmp_path: Path) -> None:
    import jsonschema

    from cjm.evidence.model import EvidenceReport
    from tests.evidence.test_report_model import SCHEMA

    rows = [(*r, "pro" if r[0] < "M" else "basic") for r in _rows()]
    seg = write_log(tmp_path / "seg.csv", rows, ("case_id", "timestamp", "event", "channel", "plan"))
    data = check_json(run_cli, seg, *OUTCOMES, "--columns", "segment=plan", "--min-cases", "2")
    assert {"outcomes", "at_risk", "segments"} <= set(data)
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not [e.message for e in validator.iter_errors(data)]
    assert EvidenceReport.model_validate(data).to_json() == data
    assert "outcomes" not in check_json(run_cli, log), "without --outcome the report has no outcome sections"


def test_outcomes_through_aggregates_and_emitted_sql(run_cli, log: str, tmp_path: Path) -> None:
    import duckdb

    direct = check_json(run_cli, log, *OUTCOMES)
    out = tmp_path / "out"
    assert run_cli("evidence", "check", SHOP, "-e", log, *OUTCOMES, "-o", str(out)).exit_code == 0
    rebuilt = run_cli("evidence", "check", SHOP, "--aggregates", str(out / "aggregates"), *OUTCOMES, "-F", "json")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["outcomes"] == direct["outcomes"]
    # the warehouse route: the script emitted with --outcome, run in a database, its tables brought back
    sql = run_cli("evidence", "sql", SHOP, "--dialect", "duckdb", "--events-table", "crm_events", *OUTCOMES)
    assert sql.exit_code == 0, sql.stderr
    assert "cjm_outcome_stats" in sql.stdout.split("\n\n")[0], "the header lists the outcome tables"
    con = duckdb.connect()
    columns = "case_id, CAST(timestamp AS TIMESTAMP) AS ts, event, channel, CAST(NULL AS VARCHAR) AS source"
    con.execute(f"CREATE TABLE crm_events AS SELECT {columns} FROM read_csv('{log}', all_varchar = true)")
    con.execute(sql.stdout)
    folder = tmp_path / "warehouse"
    folder.mkdir()
    for table in ("cjm_totals", "cjm_key_stats", "cjm_touchpoint_stats", "cjm_channel_stats", "cjm_stage_stats",
                  "cjm_funnel_stats", "cjm_tp_stage_stats", "cjm_transition_stats", "cjm_edge_stats",
                  "cjm_variant_stats", "cjm_unmapped_stats", "cjm_meta", "cjm_outcome_stats", "cjm_feature_stats",
                  "cjm_stage_p90"):  # fmt: skip
        con.execute(f"COPY {table} TO '{folder / table}.csv' (HEADER)")
    warehouse = run_cli("evidence", "check", SHOP, "--aggregates", str(folder), *OUTCOMES, "-F", "json")
    assert warehouse.exit_code == 0, warehouse.stderr
    assert json.loads(warehouse.stdout)["outcomes"] == direct["outcomes"]
    fewer = run_cli("evidence", "check", SHOP, "--aggregates", str(folder), "--outcome", "lost=churned")
    assert fewer.exit_code == 2 and "2 outcome classes" in fewer.stderr
    (folder / "cjm_outcome_stats.csv").unlink()
    missing = run_cli("evidence", "check", SHOP, "--aggregates", str(folder), *OUTCOMES)
    assert missing.exit_code == 2 and "no outcome tables" in missing.stderr


def test_an_unmapped_event_can_be_a_driver_and_a_reason_for_risk(run_cli, tmp_path: Path) -> None:
    rows = _risk_rows() + [(f"L{n}", at(1, 2), "complaint", "crm") for n in range(1, 9)]
    rows.append(("O2", at(81, 0.6), "complaint", "crm"))
    report = check_json(run_cli, write_log(tmp_path / "c.csv", rows), *OUTCOMES)
    complaint = _driver(report, "lost", "unmapped", "complaint")
    assert (complaint["with_feature"], complaint["with_feature_in_class"], complaint["driver"]) == (8, 8, True)
    assert complaint["p_value"] == pytest.approx(90 / 12870, rel=1e-3) and complaint["q_value"] < 0.05
    rows_at_risk = {r["case_id"]: r for r in report["at_risk"]["rows"]}
    assert rows_at_risk["O2"]["reasons"] == ["had the event 'complaint', which is not on the map"]
    assert rows_at_risk["O1"]["score"] == 2
