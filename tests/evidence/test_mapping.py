"""Reading logs: formats, globs and gzip, --columns, mapping files (constants, value maps, multi-valued ids,
two events per row, epoch-ms, time zones) and presets."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.evidence.helpers import SHOP, at, check_json, moves, write_log

ROWS = [("c1", at(0, 0), "ad_click", "ads"), ("c1", at(0, 2), "page_view", "web"), ("c2", at(1, 0), "app_open", "app")]


def _mapping(run_cli, tmp_path: Path, text: str) -> dict:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    result = run_cli("evidence", "check", SHOP, "--mapping", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_format_gives_the_same_report(run_cli, tmp_path: Path) -> None:
    import duckdb

    csv_path = write_log(tmp_path / "log.csv", ROWS)
    expected = check_json(run_cli, csv_path)
    tsv = tmp_path / "log.tsv"
    tsv.write_text(Path(csv_path).read_text().replace(",", "\t"))
    (tmp_path / "part-1.csv.gz").write_bytes(gzip.compress(Path(csv_path).read_bytes()))
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps(dict(zip(("case_id", "timestamp", "event", "channel"), r, strict=True))) + "\n" for r in ROWS
        )
    )
    parquet = tmp_path / "log.parquet"
    duckdb.sql(f"COPY (SELECT case_id, CAST(timestamp AS TIMESTAMP) AS timestamp, event, channel "
               f"FROM read_csv('{csv_path}')) TO '{parquet}'")  # fmt: skip
    for path in (str(tsv), str(tmp_path / "part-*.csv.gz"), str(jsonl), str(parquet)):
        report = check_json(run_cli, path)
        for key in ("cases", "events", "touchpoints", "transitions", "edges", "variants"):
            assert report[key] == expected[key], (path, key)


def test_columns_option_maps_names(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS, header=("contact", "occurred_at", "name", "medium"))
    report = check_json(run_cli, log, "--columns", "case=contact,time=occurred_at,event=name,channel=medium")
    assert report["cases"] == 2 and report["matched_events"] == 3
    assert report["run"]["input"]["mapping"]["sources"][0]["case"] == {"column": "contact"}


def test_mapping_with_two_sources_time_zones_constants_and_value_maps(run_cli, tmp_path: Path) -> None:
    write_log(tmp_path / "web.csv", [("c1", "2026-01-05T10:00:00Z", "AD")], header=("visitor", "when", "kind"))
    # naive Berlin time 10:30 is 09:30 UTC: before the ad, so site -> ads is a loop back
    write_log(tmp_path / "crm.csv", [("c1", "05.01.2026 10:30", "Web")], header=("contact", "created", "origin"))
    report = _mapping(
        run_cli,
        tmp_path,
        """
sources:
  - files: web.csv
    case: visitor
    time: when
    event: {column: kind, map: {AD: ad_click}}
    channel: {value: ads}
  - files: crm.csv
    case: contact
    time: {column: created, format: "%d.%m.%Y %H:%M", timezone: Europe/Berlin}
    event: {value: page_view}
    channel: {column: origin, map: {Web: web}, default: other}
""",
    )
    assert moves(report) == {("loop_back", "consider", "discover"): (1, 1), ("end", "discover", None): (1, 1)}
    assert report["edges"][0]["median_hours"] == 0.5


def test_multi_valued_ids_two_events_per_row_and_epoch_ms(run_cli, tmp_path: Path) -> None:
    opened, closed = 1767603600000, 1767603600000 + 3 * 3600 * 1000  # 2026-01-05 09:00 UTC, +3h
    write_log(tmp_path / "cases.csv", [("a;b", opened, closed), ("c", opened, "")],
              header=("contacts", "opened_ms", "closed_ms"))  # fmt: skip
    report = _mapping(
        run_cli,
        tmp_path,
        """
sources:
  - files: cases.csv
    case: contacts
    case_separator: ";"
    channel: {value: phone}
    events:
      - {event: {value: call}, time: {column: opened_ms, format: epoch_ms}}
      - {event: {value: order_placed}, time: {column: closed_ms, format: epoch_ms}}
""",
    )
    assert report["cases"] == 3 and report["events"] == 5
    assert report["run"]["input"]["rejected"][0]["missing_time"] == 1  # c's case is not closed yet
    assert moves(report)[("forward", "consider", "buy")] == (2, 2)  # a first step at the hotline: its earliest stage
    assert report["edges"] == [{"from": "hotline", "to": "checkout", "count": 2, "cases": 2, "median_hours": 3.0}]


def test_salesforce_case_preset(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "cases.csv", [("003A", "2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "Phone")],
                    header=("ContactId", "CreatedDate", "ClosedDate", "Origin"))  # fmt: skip
    report = check_json(run_cli, log, "--preset", "salesforce-case")
    assert {u["event"] for u in report["unmapped"]} == {"case_opened", "case_closed"}
    assert report["events"] == 2


def test_mapping_file_errors_are_located(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("sources:\n  - files: a.csv\n    case: id\n    tme: t\n")
    result = run_cli("evidence", "check", SHOP, "--mapping", str(path))
    assert result.exit_code == 2 and f"{path}: sources.0" in result.stderr
    path.write_text("timezone: Mars/Olympus\nsources:\n  - {files: a.csv, case: id, time: t, event: e}\n")
    result = run_cli("evidence", "check", SHOP, "--mapping", str(path))
    assert result.exit_code == 2 and "unknown time zone 'Mars/Olympus'" in result.stderr
    path.write_text("sources: [\n")
    broken = run_cli("evidence", "check", SHOP, "--mapping", str(path))
    assert broken.exit_code == 2 and f"{path}:2:1: CJM001" in broken.stderr, "located like a journey"
