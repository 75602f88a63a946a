"""`--engine spark --mapping`: the mapping file means on Spark what it means on DuckDB.

A CRM export and an order feed, read through one mapping file (renamed columns and values, constants, a
multi-valued id column, two events per row, a strptime time format, naive times in a named zone, instants
with an offset, a row without a customer): the report on the shared local Spark session is DuckDB's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.helpers import SHOP

pytestmark = [pytest.mark.slow]

MAPPING = """\
timezone: Europe/Berlin
sources:
  - files: exports/crm-*.csv          # relative to this file, as on DuckDB
    case: Contact IDs
    case_separator: ";"
    time: {column: When, format: "%d.%m.%Y %H:%M:%S"}
    event:
      column: Activity
      map: {AD: ad_click, BLOG: blog_read, PAGE: page_view, CALL: call, APP: app_open}
    channel: {column: Medium, map: {Web: web, Phone: phone, Ads: ads, App: app}, default: other}
    source: {value: crm}
  - files: orders.jsonl
    format: jsonl
    case: customer
    channel: {value: web}
    events:
      - {event: {value: order_placed}, time: created}
      - {event: {value: app_open}, time: {column: delivered, timezone: UTC}}
"""
CRM = """\
Contact IDs,When,Activity,Medium
c1;c2,05.01.2026 09:00:00,AD,Ads
c1,05.01.2026 09:30:15,BLOG,Web
c1,05.01.2026 10:00:00,PAGE,Web
c2,06.01.2026 11:00:00,PAGE,Mail
c2,06.01.2026 11:05:00,CALL,Phone
,06.01.2026 12:00:00,PAGE,Web
c3,07.01.2026 08:00:00,PAGE,Web
c3,07.01.2026 08:00:00,newsletter_open,Email
c4, 08.01.2026 09:00:00 ,AD,Ads
"""
ORDERS = """\
{"customer": "c1", "created": "2026-01-05T10:30:00+01:00", "delivered": "2026-01-07 08:00:00"}
{"customer": "c3", "created": "2026-01-07T07:30:00Z", "delivered": "2026-01-09 18:00:00"}
{"customer": "c4", "created": "2026-01-08 10:00:00", "delivered": null}
"""


def _files(folder: Path) -> str:
    (folder / "exports").mkdir()
    (folder / "exports" / "crm-2026.csv").write_text(CRM, encoding="utf-8")
    (folder / "orders.jsonl").write_text(ORDERS, encoding="utf-8")
    (folder / "crm.yaml").write_text(MAPPING, encoding="utf-8")
    return str(folder / "crm.yaml")


def _report(run_cli: Any, *args: str) -> dict[str, Any]:
    result = run_cli("evidence", "check", SHOP, "-F", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_mapping_file_gives_the_same_report_on_spark_as_on_duckdb(
    spark: Any, tmp_path: Path, run_cli: Any
) -> None:  # fmt: skip
    mapping = _files(tmp_path)
    duck = _report(run_cli, "--mapping", mapping)
    on_spark = _report(run_cli, "--mapping", mapping, "--engine", "spark")  # the shared session is the active one
    assert {k: v for k, v in on_spark.items() if k != "run"} == {k: v for k, v in duck.items() if k != "run"}
    # What reading gave: 9 CRM rows (c1;c2 is two events) and 3 orders of two events each, one without a time.
    for got in (duck["run"]["input"], on_spark["run"]["input"]):
        assert (got["rows"], got["usable_rows"], got["rejected_rows"]) == (16, 14, 2)
        assert [(r["rows"], r["missing_case"], r["missing_time"]) for r in got["rejected"]] == [(1, 1, 0), (1, 0, 1)]
    assert on_spark["run"]["input"]["engine"] == "spark"
    assert on_spark["run"]["events_files"] == duck["run"]["events_files"]
    # hand-checked: c1, c2 (split from "c1;c2") and c4 saw the ads; c2's page view came by mail, not the web site
    touchpoints = {t["id"]: t for t in on_spark["touchpoints"]}
    assert touchpoints["ads"]["cases"] == 3
    assert touchpoints["site"]["cases"] == 2


def test_a_time_that_does_not_parse_is_the_same_located_error_on_spark(
    spark: Any, tmp_path: Path, run_cli: Any
) -> None:  # fmt: skip
    mapping = _files(tmp_path)
    crm = tmp_path / "exports" / "crm-2026.csv"
    crm.write_text(CRM + "c5,2026-01-09 10:00,AD,Ads\n", encoding="utf-8")
    duck = run_cli("evidence", "check", SHOP, "--mapping", mapping)
    on_spark = run_cli("evidence", "check", SHOP, "--mapping", mapping, "--engine", "spark")
    assert duck.exit_code == on_spark.exit_code == 2
    assert f"{crm}:row 10 (line 11): column 'When': cannot read '2026-01-09 10:00' as a time" in on_spark.stderr
    assert on_spark.stderr == duck.stderr
    crm.write_text(CRM.replace("Contact IDs", "Contacts"), encoding="utf-8")
    missing = run_cli("evidence", "check", SHOP, "--mapping", mapping, "--engine", "spark")
    assert missing.exit_code == 2 and "column 'Contact IDs' is missing; did you mean 'Contacts'?" in missing.stderr


def test_the_strptime_formats_spark_reads() -> None:
    from cjm.errors import ConfigError
    from cjm.evidence.spark_read import java_pattern

    assert java_pattern("%d.%m.%Y %H:%M:%S") == "d.M.yyyy H:m:s"
    assert java_pattern("%Y%m%d%H%M") == "yyyyMMddHHmm"  # adjacent numbers keep their widths
    assert java_pattern("%Y-%m-%dT%H:%M:%S.%f%z") == "yyyy-M-d'T'H:m:s.SSSSSSXX"
    assert java_pattern("%d %b %Y, %I %p o'clock 100%%") == "d MMM yyyy, h a' o''clock 100%'"
    with pytest.raises(ConfigError, match="cannot read '%a'"):
        java_pattern("%a %d.%m.%Y")


def test_what_spark_reads_as_a_table_and_what_a_run_drops() -> None:
    from cjm.evidence.check import load_model
    from cjm.evidence.dialects import emit_statements
    from cjm.evidence.spark import created, is_table
    from cjm.evidence.tables import Settings

    assert is_table("crm.events") and is_table("main.crm.events_2026")
    for path in ("log.csv", "crm.CSV.GZ", "exports/*.parquet", "s3a://bucket/crm", "events.jsonl", "C:\\x"):
        assert not is_table(path), path
    model, digest = load_model(SHOP)
    script = emit_statements(model, digest, Settings(), "spark", "crm_view", 10, False, "run1_")
    dropped = created(script)
    assert ("VIEW", "run1_cjm_events") in dropped and ("TABLE", "run1_cjm_meta") in dropped
    assert ("TABLE", "run1_cjm_settings") in dropped
    assert all(name.startswith("run1_") for _, name in dropped)
    assert [kind for kind, _ in dropped] == sorted(kind for kind, _ in dropped)[::-1]  # views before tables


def test_what_spark_does_not_take_is_said_before_spark_starts(run_cli: Any, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("case_id,timestamp,event,plan\nc1,2026-01-05 09:00:00,ad_click,pro\n", encoding="utf-8")
    segments = run_cli("evidence", "check", SHOP, "--events", str(log), "--columns", "segment=plan",
                       "--engine", "spark")  # fmt: skip
    assert segments.exit_code == 2 and "--engine spark does not compare segments yet" in segments.stderr
    table = run_cli("evidence", "check", SHOP, "--events", "crm.events", "--columns", "case=contact",
                    "--engine", "spark")  # fmt: skip
    assert table.exit_code == 2
    assert "the table 'crm.events' must have the columns case_id, ts, event, channel, source" in table.stderr
