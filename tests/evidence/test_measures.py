"""Surveys and periods away from DuckDB's own run: the emitted script, `--aggregates DIR`, and their bad input.

The same statements measure survey answers and figures per period wherever they run; a script emitted with
`--score --by week --from --to`, run in a fresh database and brought back with `--aggregates`, must give the
very report a direct `cjm evidence check` gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.helpers import DATA, SHOP, check_json
from tests.evidence.test_surveys import _survey_log

SURVEY = str(DATA / "survey.journey.yaml")
# The survey log runs from Monday 2026-01-05 to 2026-01-14: two ISO weeks, answers in both.
MEASURED = ("--by", "week", "--outcome", "won=order_placed")
CALENDAR = ("--from", "2025-12-01", "--to", "2026-03-31")


def _without_run(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "run"}


def _warehouse(run_cli: Callable[..., Any], log: str, folder: Path, *args: str) -> list[str]:
    """Emit the DuckDB script with ``args``, run it in a fresh DuckDB over the log's events, export every table
    its header names into ``folder``; returns those tables."""
    import duckdb

    sql = run_cli("evidence", "sql", SURVEY, "--dialect", "duckdb", "--events-table", "crm_events", *args)
    assert sql.exit_code == 0, sql.stderr
    header = sql.stdout.split("\n\n")[0]
    tables = re.search(r"Tables: (.*)\.$", header, re.MULTILINE)
    assert tables is not None, header
    con = duckdb.connect()
    con.execute("CREATE TABLE crm_events AS SELECT case_id, CAST(timestamp AS TIMESTAMP) AS ts, event, channel, "
                f"CAST(NULL AS VARCHAR) AS source, score FROM read_csv('{log}', all_varchar = true)")  # fmt: skip
    con.execute(sql.stdout)
    folder.mkdir()
    names = tables.group(1).split(", ")
    for table in names:
        con.execute(f"COPY {table} TO '{folder / table}.csv' (HEADER)")
    return names


def test_the_emitted_script_measures_surveys_and_periods_as_duckdb_does(run_cli, tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    direct = check_json(run_cli, log, "--columns", "score=score", *MEASURED, journey=SURVEY)
    assert [p["period"] for p in direct["periods"]["periods"]] == ["2026-W02", "2026-W03"]
    assert direct["periods"]["surveys"]["nps"] and direct["surveys"]["metrics"]
    # the report folder's aggregates rebuild the same report
    out = tmp_path / "out"
    assert run_cli("evidence", "check", SURVEY, "-e", log, "--columns", "score=score", *MEASURED, "-o", str(out),
                   "-F", "json").exit_code == 0  # fmt: skip
    assert (out / "aggregates" / "cjm_period_survey_stats.csv").exists()
    again = run_cli("evidence", "check", SURVEY, "--aggregates", str(out / "aggregates"), *MEASURED, "-F", "json")
    assert again.exit_code == 0, again.stderr
    assert _without_run(json.loads(again.stdout)) == _without_run(direct)
    # the warehouse route: the calendar is wider than the log, the script keeps the periods with events
    folder = tmp_path / "warehouse"
    names = _warehouse(run_cli, log, folder, "--score", *MEASURED, *CALENDAR)
    assert {"cjm_survey_stats", "cjm_periods", "cjm_log_span", "cjm_period_survey_stats",
            "cjm_period_outcome_stats"} <= set(names)  # fmt: skip
    rebuilt = run_cli("evidence", "check", SURVEY, "--aggregates", str(folder), *MEASURED, "-F", "json")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    report = json.loads(rebuilt.stdout)
    assert report["surveys"] == direct["surveys"] and report["periods"] == direct["periods"]
    assert _without_run(report) == _without_run(direct)
    assert report["run"]["semantics"]["periods"] == direct["run"]["semantics"]["periods"]
    # the same folder without --by: the report of a run without periods
    plain = run_cli("evidence", "check", SURVEY, "--aggregates", str(folder), "-F", "json")
    assert plain.exit_code == 0 and "periods" not in json.loads(plain.stdout)


def test_aggregates_that_cannot_give_the_periods_asked_for_are_refused(run_cli, tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    weekly = tmp_path / "weekly"
    _warehouse(run_cli, log, weekly, "--score", "--by", "week", *CALENDAR)
    monthly = run_cli("evidence", "check", SURVEY, "--aggregates", str(weekly), "--by", "month")
    assert monthly.exit_code == 2
    assert "computed per week, not per month: check with --by week" in monthly.stderr
    outcome = run_cli("evidence", "check", SURVEY, "--aggregates", str(weekly), "--by", "week", "--outcome", "w=x")
    assert outcome.exit_code == 2 and "no outcome tables" in outcome.stderr
    (weekly / "cjm_periods.csv").unlink()
    (weekly / "cjm_period_stats.csv").unlink()
    missing = run_cli("evidence", "check", SURVEY, "--aggregates", str(weekly), "--by", "week")
    assert missing.exit_code == 2
    assert "cjm_periods.csv, cjm_period_stats.csv (or .parquet) are missing" in missing.stderr
    assert "--by week --from DAY --to DAY" in missing.stderr
    # a calendar that misses the log's last days
    short = tmp_path / "short"
    _warehouse(run_cli, log, short, "--by", "week", "--from", "2026-01-01", "--to", "2026-01-08")
    beyond = run_cli("evidence", "check", SURVEY, "--aggregates", str(short), "--by", "week")
    assert beyond.exit_code == 2
    assert "the events run from 2026-01-05 to 2026-01-14" in beyond.stderr
    assert "--from 2026-01-05 --to 2026-01-14" in beyond.stderr
    # a script without --score: the metrics are listed as not measured, with how to measure them
    unscored = json.loads(run_cli("evidence", "check", SURVEY, "--aggregates", str(short), "-F", "json").stdout)
    assert unscored["surveys"]["score_column"] is False and "nps" in unscored["surveys"]["unmeasured"]
    assert "cjm evidence sql ... --score" in unscored["surveys"]["note"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", "week"), "--by week needs --from and --to"),
        (("--by", "week", "--from", "2026-01-01"), "--by week needs --from and --to"),
        (("--from", "2026-01-01", "--to", "2026-02-01"), "give --by week, month or quarter too"),
        (("--by", "day", *CALENDAR), "--by must be week, month or quarter, not 'day'"),
        (("--by", "month", "--from", "2026-02-01", "--to", "2026-01-01"), "--from 2026-02-01 comes after --to"),
        (("--by", "month", "--from", "2026-13-01", "--to", "2027-01-01"), "--from: '2026-13-01' is not a date"),
        (("--by", "week", "--from", "1990-01-01", "--to", "2026-01-01"), "choose a longer period"),
    ],
)
def test_sql_refuses_a_calendar_it_cannot_make(run_cli, args: tuple[str, ...], message: str) -> None:
    result = run_cli("evidence", "sql", SURVEY, "--dialect", "spark", *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_sql_score_needs_metrics_with_survey_events(run_cli) -> None:
    result = run_cli("evidence", "sql", SHOP, "--dialect", "duckdb", "--score")
    assert result.exit_code == 2
    assert "--score: no metric of the map lists survey events" in result.stderr


@pytest.mark.parametrize("dialect", ["spark", "databricks", "bigquery", "snowflake", "trino", "duckdb"])
def test_every_dialect_writes_the_survey_and_period_statements(run_cli, dialect: str) -> None:
    import sqlglot

    result = run_cli("evidence", "sql", SURVEY, "--dialect", dialect, "--score", *MEASURED, *CALENDAR)
    assert result.exit_code == 0, result.stderr
    statements = [s for s in result.stdout.split(";\n\n") if s.strip()]
    for table in ("cjm_calendar", "cjm_metric_patterns", "cjm_periods", "cjm_survey_stats", "cjm_period_stats",
                  "cjm_period_survey_stats", "cjm_period_outcome_stats"):  # fmt: skip
        assert any(f"CREATE TABLE {table}" in s for s in statements), table
    for statement in statements:  # what SQLGlot wrote, it reads back in the same dialect
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        sqlglot.parse_one(body, read=dialect)
    header = result.stdout.split("\n\n")[0]
    assert "case_id, ts, event, channel, source, score)" in header
    assert "--aggregates FOLDER --outcome NAME=... (the same classes, in the same order) --by week." in header
    assert "1764547200000000" in result.stdout  # the calendar starts on Monday 2025-12-01, in microseconds
