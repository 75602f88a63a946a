"""`cjm evidence` as users run it: outputs, gates, aggregates, SQL emission, profiling and every bad input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.evidence.helpers import SHOP, at, check_json, funnel, stage, touchpoint, write_log

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "b2b-fleet-software.journey.yaml")
MAPPING = str(ROOT / "examples" / "evidence" / "crm-mapping.yaml")
ROWS = [("c1", at(0), "ad_click", "ads"), ("c1", at(1), "page_view", "web"), ("c2", at(0), "app_open", "app")]


def test_example_walkthrough_text_and_markdown(run_cli, golden) -> None:
    text = run_cli("evidence", "check", EXAMPLE, "--mapping", MAPPING)
    assert text.exit_code == 0, text.stderr
    golden("evidence/example.txt", text.stdout)
    md = run_cli("evidence", "check", EXAMPLE, "--mapping", MAPPING, "--format", "md")
    golden("evidence/example.md", md.stdout)
    assert "community_post" in text.stdout and "Software comparison site" in text.stdout


def test_the_example_counts_customers_who_enter_late_in_their_stage(run_cli) -> None:
    """CRM data rarely sees the first stages: search ads' and account reviews' customers show in their stages."""
    result = run_cli("evidence", "check", EXAMPLE, "--mapping", MAPPING, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert touchpoint(report, "search-ads")["cases"] == 3000
    assert stage(report, "initial-consideration")["reached_journeys"] == 3000  # search ads' stage, in any order
    assert stage(report, "loyalty")["reached_journeys"] == touchpoint(report, "account-review")["cases"] == 834
    assert funnel(report, "loyalty")["journeys"] == 103  # the ordered funnel, named as such, follows fewer


def test_short_form_is_check(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    short = run_cli("evidence", SHOP, "--events", log, "--format", "json")
    assert short.exit_code == 0, short.stderr
    assert json.loads(short.stdout)["cases"] == 2


def test_output_folder_and_aggregates_give_the_same_report(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    out = tmp_path / "out"
    summary = run_cli("evidence", "check", SHOP, "-e", log, "-F", "json", "-o", str(out))
    assert summary.exit_code == 0, summary.stderr
    assert summary.stdout.startswith(f"Evidence report for the map shop written to {out}")
    assert len(summary.stdout.splitlines()) <= 4 and "{" not in summary.stdout  # a summary, not the JSON
    report = json.loads((out / "evidence.json").read_text())
    assert report == check_json(run_cli, log)
    assert (out / "touchpoints.csv").read_text().splitlines()[0].startswith("id,status,events,cases")
    again = run_cli("evidence", "check", SHOP, "--aggregates", str(out / "aggregates"), "--format", "json")
    assert again.exit_code == 0, again.stderr
    rebuilt = json.loads(again.stdout)
    for key in (
        "cases",
        "journeys",
        "touchpoints",
        "stages",
        "transitions",
        "edges",
        "variants",
        "unmapped",
        "fitness",
    ):
        assert rebuilt[key] == report[key], key


def test_aggregates_for_another_map_version_are_refused(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    assert run_cli("evidence", "check", SHOP, "-e", log, "-o", str(tmp_path / "out")).exit_code == 0
    changed = tmp_path / "shop.journey.yaml"
    changed.write_text(Path(SHOP).read_text() + "# edited\n")
    result = run_cli("evidence", "check", str(changed), "--aggregates", str(tmp_path / "out" / "aggregates"))
    assert result.exit_code == 2 and "another version" in result.stderr


def test_fail_on_gates(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    tripped = run_cli("evidence", "check", SHOP, "-e", log, "--fail-on", "never_observed>0", "--format", "json")
    assert tripped.exit_code == 1 and "never_observed is" in tripped.stderr
    passed = run_cli("evidence", "check", SHOP, "-e", log, "--fail-on", "fitness<0.1,rejected_rows>0", "-F", "json")
    assert passed.exit_code == 0, passed.stderr
    bad = run_cli("evidence", "check", SHOP, "-e", log, "--fail-on", "fitnes<0.8")
    assert bad.exit_code == 2 and "unknown metric 'fitnes'" in bad.stderr


def test_explain_matching_lists_keys_and_overlaps(run_cli, tmp_path: Path) -> None:
    overlapping = tmp_path / "shop.journey.yaml"
    overlapping.write_text(Path(SHOP).read_text().replace("events: [blog_read]", 'events: [blog_read, "ad_c*"]'))
    log = write_log(tmp_path / "a.csv", ROWS)
    report = check_json(run_cli, log, "--explain-matching", journey=str(overlapping))
    keys = {k["event"]: (k["touchpoint"], k["also"]) for k in report["run"]["matching"]["keys"]}
    assert keys["ad_click"] == ("ads", ["blog"]) and keys["page_view"] == ("site", [])
    assert report["run"]["matching"]["overlaps"][0]["chosen"] == "ads"
    assert any(f["kind"] == "overlapping-patterns" for f in report["findings"])


@pytest.mark.parametrize("dialect", ["spark", "databricks", "bigquery", "snowflake", "trino", "duckdb"])
def test_sql_emits_every_statement(run_cli, dialect: str) -> None:
    result = run_cli("evidence", "sql", SHOP, "--dialect", dialect, "--events-table", "crm.events")
    assert result.exit_code == 0, result.stderr
    for table in ("cjm_patterns", "cjm_ord", "cjm_totals", "cjm_unmapped_stats", "cjm_meta"):
        assert f"CREATE TABLE {table}" in result.stdout
        assert f"DROP TABLE IF EXISTS {table}" in result.stdout  # the script can run again
    if dialect in ("spark", "databricks"):  # a temporary view may read the team's temporary view of events
        assert "CREATE OR REPLACE TEMPORARY VIEW cjm_ev" in result.stdout
    else:
        assert "DROP VIEW IF EXISTS cjm_ev" in result.stdout and "CREATE VIEW cjm_ev" in result.stdout
    assert "crm.events" in result.stdout


def test_the_warehouse_script_runs_twice_with_a_prefix_and_gives_the_report(run_cli, tmp_path: Path) -> None:
    import duckdb

    log = write_log(tmp_path / "a.csv", [*ROWS, ("c1", f"{at(2)}.250000", "call", "phone"),
                                         ("c1", f"{at(2)}.750000", "order_placed", "web")])  # fmt: skip
    expected = check_json(run_cli, log)
    result = run_cli("evidence", "sql", SHOP, "--dialect", "duckdb", "--events-table", "crm", "--prefix", "team_a_")
    assert result.exit_code == 0, result.stderr
    con = duckdb.connect()
    con.execute(f"CREATE TABLE crm AS SELECT case_id, CAST(timestamp AS TIMESTAMP) AS ts, event, channel, "
                f"CAST(NULL AS VARCHAR) AS source FROM read_csv('{log}', all_varchar = true)")  # fmt: skip
    for _ in range(2):  # the same script again, in the same schema
        con.execute(result.stdout)
    folder = tmp_path / "aggregates"
    folder.mkdir()
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    assert "cjm_totals" not in tables and "team_a_cjm_totals" in tables
    for table in tables:
        if table.startswith("team_a_cjm_"):
            con.execute(f"COPY {table} TO '{folder / table.removeprefix('team_a_')}.csv' (HEADER)")
    rebuilt = run_cli("evidence", "check", SHOP, "--aggregates", str(folder), "-F", "json")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    report = json.loads(rebuilt.stdout)
    for key in ("journeys", "touchpoints", "stages", "funnel", "transitions", "edges", "variants", "fitness"):
        assert report[key] == expected[key], key
    clash = run_cli("evidence", "sql", SHOP, "--dialect", "spark", "--events-table", "cjm_events", "--prefix", "x_")
    assert clash.exit_code == 2 and "a table the script itself creates" in clash.stderr


def test_sql_quotes_user_patterns(run_cli, tmp_path: Path) -> None:
    tricky = tmp_path / "shop.journey.yaml"
    tricky.write_text(Path(SHOP).read_text().replace("events: [blog_read]", 'events: ["it\'s_100%"]'))
    result = run_cli("evidence", "sql", str(tricky), "--dialect", "duckdb")
    assert result.exit_code == 0, result.stderr
    assert "'it''s\\_100\\%'" in result.stdout
    assert run_cli("evidence", "sql", SHOP, "--dialect", "oracle").exit_code == 2


def test_profile_describes_a_log(run_cli, tmp_path: Path) -> None:
    rows = [*ROWS, ("c2", "2026-01-05", "app_open", "app"), ("c2", "2026-01-05", "call", "phone")]
    log = write_log(tmp_path / "a.csv", rows)
    result = run_cli("evidence", "profile", log, "--format", "json")
    assert result.exit_code == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["rows"] == 5 and [c["name"] for c in profile["columns"]] == [
        "case_id",
        "timestamp",
        "event",
        "channel",
    ]
    assert profile["time"]["date_only"] == 2 and profile["ties"]["events"] == 2
    assert profile["events"]["top"][0] == {"event": "app_open", "count": 2}
    text = run_cli("evidence", "profile", log)
    assert "dates without a time" in text.stdout and "ties: 2 events" in text.stdout


def _error(run_cli, *args: str) -> str:
    result = run_cli("evidence", "check", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_unparseable_time_names_file_row_and_column(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [*ROWS, ("c3", "yesterday noon", "ad_click", "ads")])
    message = _error(run_cli, SHOP, "-e", log)
    assert f"{log}:row 4 (line 5): column 'timestamp': cannot read 'yesterday noon' as a time" in message


def test_unparseable_time_in_gzip_and_jsonl(run_cli, tmp_path: Path) -> None:
    gz = tmp_path / "a.csv.gz"
    gz.write_bytes(gzip.compress(b"case_id,timestamp,event\nc1,2026-01-01 10:00:00,ad_click\nc1,31/12/2026,call\n"))
    assert f"{gz}:row 2 (line 3)" in _error(run_cli, SHOP, "-e", str(gz))
    jl = tmp_path / "a.jsonl"
    jl.write_text(
        '{"case_id": "c1", "timestamp": "2026-01-01", "event": "x"}\n'
        '{"case_id": "c1", "timestamp": "soon", "event": "x"}\n'
    )
    assert f"{jl}:line 2: column 'timestamp'" in _error(run_cli, SHOP, "-e", str(jl))


def test_missing_column_names_the_file_and_suggests(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS, header=("case_id", "timestamp", "event_name", "channel"))
    message = _error(run_cli, SHOP, "-e", log)
    assert f"{log}: column 'event' is missing" in message and "event_name" in message


def test_empty_and_header_only_files(run_cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert f"{empty}: the file is empty" in _error(run_cli, SHOP, "-e", str(empty))
    header = write_log(tmp_path / "header.csv", [])
    assert f"{header}: has a header but no rows" in _error(run_cli, SHOP, "-e", header)


def test_bad_paths_options_and_maps(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    assert "no such file" in _error(run_cli, SHOP, "-e", str(tmp_path / "nope.csv"))
    assert "matches no file" in _error(run_cli, SHOP, "-e", str(tmp_path / "*.parquet"))
    assert "--events" in _error(run_cli, SHOP)
    assert "unknown preset" in _error(run_cli, SHOP, "-e", log, "--preset", "sap")
    assert "unknown role 'user'" in _error(run_cli, SHOP, "-e", log, "--columns", "user=x")
    assert "unknown format" in _error(run_cli, SHOP, "-e", log, "--format", "xml")
    assert "not a size" in _error(run_cli, SHOP, "-e", log, "--memory-limit", "lots")
    assert "--min-cases" in _error(run_cli, SHOP, "-e", log, "--min-cases", "0")
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text("cjm: 1\nid: x\n")
    assert "not a valid journey" in _error(run_cli, str(broken), "-e", log)


def test_numeric_times_need_a_format(run_cli, tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    import duckdb

    path = tmp_path / "a.parquet"
    duckdb.sql(f"COPY (SELECT 'c1' AS case_id, 1767261600000 AS timestamp, 'ad_click' AS event) TO '{path}'")
    assert "holds numbers" in _error(run_cli, SHOP, "-e", str(path))


def test_import_cjm_cli_stays_light() -> None:
    code = "import sys, cjm.cli; print(sorted(m for m in ('duckdb', 'sqlglot', 'rich', 'pyspark') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("dialect", "path"),
    [
        ("spark", "LISTAGG(CAST(tp AS STRING), ' ') WITHIN GROUP (ORDER BY"),  # COLLECT_LIST would lose the order
        ("databricks", "LISTAGG(CAST(tp AS STRING), ' ') WITHIN GROUP (ORDER BY"),
        ("bigquery", "ARRAY_TO_STRING(ARRAY_AGG(CAST(tp AS STRING) ORDER BY pos), ' ')"),  # strings only there
        ("snowflake", "ARRAY_TO_STRING(ARRAY_AGG(tp) WITHIN GROUP (ORDER BY"),
        ("trino", "ARRAY_JOIN(ARRAY_AGG(tp ORDER BY pos NULLS FIRST), ' ')"),
        ("duckdb", "ARRAY_TO_STRING(ARRAY_AGG(tp ORDER BY pos NULLS FIRST), ' ')"),
    ],
)
def test_sql_keeps_the_order_of_a_journeys_path(run_cli, dialect: str, path: str) -> None:
    result = run_cli("evidence", "sql", SHOP, "--dialect", dialect, "--events-table", "crm.events")
    assert result.exit_code == 0, result.stderr
    journeys = next(s for s in result.stdout.split(";\n") if "CREATE TABLE cjm_journeys" in s)
    assert path in " ".join(journeys.split()).replace("( ", "(").replace(" )", ")")


def test_gap_days_none_keeps_one_journey_per_customer_in_valid_json_and_sql(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [("c1", at(0), "ad_click", "ads"), ("c1", at(400), "page_view", "web")])
    assert check_json(run_cli, log)["journeys"] == 2
    for value in ("none", "inf", "Infinity"):
        result = run_cli("evidence", "check", SHOP, "-e", log, "-F", "json", "--gap-days", value)
        assert result.exit_code == 0, result.stderr
        assert "Infinity" not in result.stdout and "NaN" not in result.stdout
        report = json.loads(result.stdout)
        assert report["journeys"] == 1 and report["run"]["semantics"]["gap_days"] is None
    sql = run_cli("evidence", "sql", SHOP, "--dialect", "spark", "--gap-days", "none")
    assert sql.exit_code == 0, sql.stderr
    assert "inf" not in sql.stdout.lower().replace("information", "")
    assert "(CAST(NULL AS BIGINT), 5184000000000)" in sql.stdout


@pytest.mark.parametrize(
    ("option", "value"),
    [("--gap-days", "nan"), ("--gap-days", "-3"), ("--gap-days", "soon"), ("--window-days", "nan"),
     ("--window-days", "inf"), ("--window-days", "none")],
)  # fmt: skip
def test_gap_and_window_must_be_positive_numbers(run_cli, tmp_path: Path, option: str, value: str) -> None:
    log = write_log(tmp_path / "a.csv", ROWS)
    result = run_cli("evidence", "check", SHOP, "-e", log, option, value)
    assert result.exit_code == 2
    assert f"{option}: '{value}' is not a positive number of days" in result.stderr
    assert "Traceback" not in result.stderr


def test_csv_tables_neutralise_formulas_from_the_data(run_cli, tmp_path: Path) -> None:
    import csv

    formula = '=HYPERLINK("http://x","y")'
    log = write_log(tmp_path / "a.csv", [*ROWS, ("c1", at(3), formula, "web"), ("c2", at(3), "@sum", "web")])
    out = tmp_path / "out"
    assert run_cli("evidence", "check", SHOP, "-e", log, "-o", str(out)).exit_code == 0
    with (out / "unmapped.csv").open(newline="") as handle:
        events = {row["event"] for row in csv.DictReader(handle)}
    assert events == {"'" + formula, "'@sum"}
    with (out / "findings.csv").open(newline="") as handle:
        messages = [row["message"] for row in csv.DictReader(handle)]
    assert all(not m.startswith(("=", "+", "-", "@")) for m in messages)
    report = json.loads((out / "evidence.json").read_text())
    assert {u["event"] for u in report["unmapped"]} == {formula, "@sum"}  # the JSON keeps the data as it is


def test_top_variants_is_capped_and_stage_tables_follow_the_map(run_cli, tmp_path: Path) -> None:
    # the use stage first in the data, discover last: the tables still list the stages in the map's order
    rows = [("c1", at(0), "app_open", "app"), ("c1", at(1), "order_placed", "web"), ("c1", at(2), "ad_click", "ads"),
            ("c2", at(0), "page_view", "web"), ("c3", at(0), "app_open", "app")]  # fmt: skip
    log = write_log(tmp_path / "log.csv", rows)
    report = check_json(run_cli, log, "--top-variants", "1")
    order = ["discover", "consider", "decide", "buy", "use"]
    assert [s["id"] for s in report["stages"]] == order
    assert [f["id"] for f in report["funnel"]] == [s for s in order if s != "decide"]  # decide: no events defined
    assert len(report["variants"]) == 1 and report["variants"][0]["journeys"] == 1
    text = run_cli("evidence", "check", SHOP, "--events", log).stdout
    stages_table = text[text.index("Stages (journeys)") : text.index("Funnel in map order")]
    places = [stages_table.index(name) for name in ("Discover", "Consider", "Decide", "Buy", "Use")]
    assert places == sorted(places)
    for bad in ("0", "10001"):
        refused = run_cli("evidence", "check", SHOP, "--events", log, "--top-variants", bad)
        assert refused.exit_code == 2 and "--top-variants must be between 1 and 10000" in refused.stderr
