"""The Spark SQL that `cjm evidence sql --dialect spark` emits gives DuckDB's results on the fixtures.

They share the test run's one local Spark session (tests/evidence/conftest.py), skipped only when PySpark
or Java is missing outside CI; in CI (env CI set) a missing Spark is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.check import CheckOptions, load_model, run_check, run_spark_check
from cjm.evidence.database import Resources
from cjm.evidence.dialects import emit_statements
from cjm.evidence.model import EvidenceReport
from cjm.evidence.tables import PARAMETER_TABLES, Settings
from tests.evidence.helpers import SHOP, at, write_log

pytestmark = [pytest.mark.slow]  # the session-scoped `spark` fixture (conftest.py) skips without Java

ROWS = [
    ("c1", at(0, 0), "ad_click", "ads"), ("c1", at(0, 1), "blog_read", "web"), ("c1", at(0, 1), "ad_view", "ads"),
    ("c1", at(0, 3), "wishlist_add", "web"), ("c1", at(0, 5), "page_view", "web"), ("c1", at(1, 0), "call", "phone"),
    ("c1", at(1, 2), "call", "phone"), ("c1", at(2, 0), "order_placed", "web"), ("c1", at(3, 0), "app_open", "app"),
    ("c1", at(3, 5), "blog_read", "web"), ("c1", at(120, 0), "ad_click", "ads"), ("c2", at(0, 0), "page_view", "web"),
    ("c2", at(0, 2), "app_open", "app"), ("c2", at(0, 4), "newsletter_open", "email"), ("c3", at(0, 0), "review", ""),
    ("c3", at(0, 1), "ad_click", "ads"), ("c3", at(70, 0), "page_view", "email"), ("c3", at(71, 0), "page_view", "web"),
    ("c4", at(5, 0), "order_placed", "web"), ("c4", at(5, 0), "ad_click", "ads"),
    ("c4", at(6, 0), "wishlist_add", "web"),
    # one journey whose events span more than the gap: it takes the path that splits journeys after the sort
    ("c5", at(0, 0), "ad_click", "ads"), ("c5", at(60, 0), "page_view", "web"),
    ("c5", at(120, 0), "order_placed", "web"),
]  # fmt: skip


def _normal(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (int,)) or hasattr(value, "as_integer_ratio"):
        return round(float(value), 6)
    return str(value)


def _rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(_normal(v) for v in r) for r in rows), key=repr)


# Events within one second, in an order the tie-break (stage, then event name) would reverse: compared in
# whole seconds, c7 would jump from discover to buy; in microseconds it goes back from buy to discover.
SUBSECOND = [
    ("c7", f"{at(0, 0)}.100000", "order_placed", "web"), ("c7", f"{at(0, 0)}.900000", "ad_click", "ads"),
    ("c7", f"{at(0, 1)}.000001", "page_view", "web"), ("c7", f"{at(0, 1)}.000000", "call", "phone"),
    ("c8", f"{at(0, 0)}.999999", "blog_read", "web"), ("c8", f"{at(0, 0)}.000001", "app_open", "app"),
    ("c8", f"{at(0, 0)}.500000", "app_open", "app"),
]  # fmt: skip


def _results(spark: Any, prefix: str = "") -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: [tuple(r) for r in spark.sql(f"SELECT {', '.join(columns)} FROM {prefix}{table}").collect()]
        for table, columns in RESULT_TABLES.items()
    }


def _run(spark: Any, rows: list[tuple[str, str, str, str]], events_table: str, prefix: str = "") -> None:
    """Hand the events to Spark as a temporary view (as pyspark users do) and run the emitted script on it."""
    model, digest = load_model(SHOP)
    frame = spark.createDataFrame(
        [(c, t, e, ch or None, None) for c, t, e, ch in rows],
        "case_id string, ts string, event string, channel string, source string",
    )
    frame.selectExpr("case_id", "CAST(ts AS TIMESTAMP) AS ts", "event", "channel", "source").createOrReplaceTempView(
        events_table
    )
    for statement in emit_statements(model, digest, Settings(), "spark", events_table, 10, False, prefix):
        spark.sql(statement)


def _duckdb(rows: list[tuple[str, str, str, str]], tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    log = write_log(tmp_path / "log.csv", rows)
    return run_check(SHOP, CheckOptions(events=[log], limits=Resources(memory_limit="512MB", threads=1))).aggregates


def test_spark_sql_on_a_temporary_view_keeps_sub_second_order_and_runs_again(spark: Any, tmp_path: Path) -> None:
    duck = _duckdb(ROWS + SUBSECOND, tmp_path)
    c7 = [r for r in duck["cjm_transition_stats"] if r[0] == "loop_back"]
    assert c7, "the fixture must order c7's events by microseconds (a loop-back from buy to discover)"
    _run(spark, ROWS + SUBSECOND, "crm_events_view", prefix="t2_")
    first = _results(spark, "t2_")
    _run(spark, ROWS + SUBSECOND, "crm_events_view", prefix="t2_")  # the same script again, in the same schema
    again = _results(spark, "t2_")
    for table in RESULT_TABLES:
        assert _rows(first[table]) == _rows(duck[table]), table
        assert _rows(again[table]) == _rows(first[table]), table


def test_spark_sql_equals_duckdb(spark: Any, tmp_path: Path) -> None:
    journey = SHOP  # shared and stageless touchpoints, an unverifiable stage, a channel pattern
    log = write_log(tmp_path / "log.csv", ROWS)
    options = CheckOptions(events=[log], limits=Resources(memory_limit="512MB", threads=1))
    duck = run_check(journey, options).aggregates
    model, digest = load_model(journey)
    views = {"cjm_events", *(s.table for s in statements(model, 10, False) if s.view)}
    tables = {s.table for s in statements(model, 10, False)} | set(PARAMETER_TABLES) | {"cjm_meta"}
    for view in views:
        spark.sql(f"DROP VIEW IF EXISTS {view}")
    for table in tables - views:
        spark.sql(f"DROP TABLE IF EXISTS {table}")
    frame = spark.createDataFrame(
        [(c, t, e, ch or None, None) for c, t, e, ch in ROWS],
        "case_id string, ts string, event string, channel string, source string",
    )
    frame.createOrReplaceTempView("raw_events")
    spark.sql("DROP TABLE IF EXISTS events")
    spark.sql(
        "CREATE TABLE events AS SELECT case_id, CAST(ts AS TIMESTAMP) AS ts, event, channel, source FROM raw_events"
    )
    for statement in emit_statements(model, digest, Settings(), "spark", "events", 10, False):
        spark.sql(statement)
    for table, columns in RESULT_TABLES.items():
        got = [tuple(r) for r in spark.sql(f"SELECT {', '.join(columns)} FROM {table}").collect()]
        assert _rows(got) == _rows(duck[table]), table
    meta = spark.sql("SELECT map_sha256, quantiles FROM cjm_meta").collect()[0]
    assert (meta[0], meta[1]) == (digest, "exact")


def _without_run(report: EvidenceReport) -> dict[str, Any]:
    return {k: v for k, v in report.to_json().items() if k != "run"}


def test_engine_spark_builds_the_same_report_as_duckdb(spark: Any, tmp_path: Path, run_cli: Any) -> None:
    rows = ROWS + SUBSECOND
    duck = run_check(SHOP, CheckOptions(events=[write_log(tmp_path / "log.csv", rows)],
                                        limits=Resources(memory_limit="512MB", threads=1))).report  # fmt: skip
    frame = spark.createDataFrame(
        [(c, t, e, ch or None, None) for c, t, e, ch in rows],
        "case_id string, ts string, event string, channel string, source string",
    )
    frame.selectExpr("case_id", "CAST(ts AS TIMESTAMP) AS ts", "event", "channel", "source").createOrReplaceTempView(
        "crm_view"
    )
    on_spark = run_spark_check(SHOP, CheckOptions(events=["crm_view"]), spark=spark)
    assert _without_run(on_spark.report) == _without_run(duck)
    assert on_spark.report.run.input.engine == "spark"
    # as users run it: a Parquet file with its own column names (the module's session is the active one)
    import duckdb

    path = tmp_path / "crm.parquet"
    duckdb.sql(
        f"COPY (SELECT case_id AS contact, CAST(timestamp AS TIMESTAMP) AS occurred_at, event AS name, "
        f"NULLIF(channel, '') AS medium FROM read_csv('{tmp_path / 'log.csv'}', header = true, all_varchar = true)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    result = run_cli("evidence", "check", SHOP, "--engine", "spark", "--events", str(path), "-F", "json",
                     "--columns", "case=contact,time=occurred_at,event=name,channel=medium")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert _without_run(EvidenceReport.model_validate_json(result.stdout)) == _without_run(duck)
    missing = run_cli("evidence", "check", SHOP, "--engine", "spark", "--events", str(path))
    assert missing.exit_code == 2 and "column 'case_id' is missing" in missing.stderr, missing.stderr


def test_engine_spark_computes_the_same_outcomes_and_drivers(spark: Any, tmp_path: Path) -> None:
    from cjm.evidence.outcomes import build_spec, parse_class
    from tests.evidence.test_outcomes import _rows as outcome_rows

    rows = outcome_rows()
    spec = build_spec([parse_class("lost=churned"), parse_class("won=order_*")], "30", None)
    log = write_log(tmp_path / "log.csv", rows)
    duck = run_check(SHOP, CheckOptions(events=[log], outcomes=spec,
                                        limits=Resources(memory_limit="512MB", threads=1))).report  # fmt: skip
    frame = spark.createDataFrame(
        [(c, t, e, ch or None, None) for c, t, e, ch in rows],
        "case_id string, ts string, event string, channel string, source string",
    )
    frame.selectExpr("case_id", "CAST(ts AS TIMESTAMP) AS ts", "event", "channel", "source").createOrReplaceTempView(
        "outcome_view"
    )
    on_spark = run_spark_check(SHOP, CheckOptions(events=["outcome_view"], outcomes=spec), spark=spark).report
    assert on_spark.outcomes is not None and duck.outcomes is not None
    assert on_spark.outcomes.model_dump() == duck.outcomes.model_dump()
    assert any(d.driver for d in on_spark.outcomes.drivers)


def test_spark_counts_more_customers_than_an_int_multiplied_by_a_million_holds(spark: Any, tmp_path: Path) -> None:
    # 2,148 customers and more overflowed Spark's INT row numbers (case number * 10^6 + journey number)
    rows = [(f"k{n:05d}", at(n % 7, 0), "ad_click", "ads") for n in range(2200)]
    rows += [(f"k{n:05d}", at(n % 7, 1), "call", "phone") for n in range(0, 2200)]  # the hotline: shared
    duck = _duckdb(rows, tmp_path)
    _run(spark, rows, "many_customers_view", prefix="big_")
    got = _results(spark, "big_")
    for table in ("cjm_totals", "cjm_tp_stage_stats", "cjm_stage_stats"):
        assert _rows(got[table]) == _rows(duck[table]), table
    assert duck["cjm_totals"][0][0] == 2200


def test_engine_spark_measures_surveys_and_periods_as_duckdb_does(spark: Any, tmp_path: Path, run_cli: Any) -> None:
    from cjm.evidence.outcomes import build_spec, parse_class
    from tests.evidence.test_measures import SURVEY
    from tests.evidence.test_surveys import _survey_log

    log = _survey_log(tmp_path / "log.csv")
    spec = build_spec([parse_class("won=order_placed")], "30", None)
    options = CheckOptions(events=[log], columns="score=score", outcomes=spec, by="week",
                           limits=Resources(memory_limit="512MB", threads=1))  # fmt: skip
    duck = run_check(SURVEY, options).report
    assert duck.surveys is not None and duck.periods is not None and duck.periods.surveys
    # a view with a score column: the scores are read, as the mapping's score column is on DuckDB
    import duckdb

    rows = duckdb.sql(f"SELECT * FROM read_csv('{log}', all_varchar = true)").fetchall()
    frame = spark.createDataFrame([(c, t, e, ch or None, None, s) for c, t, e, ch, s in rows],
                                  "case_id string, ts string, event string, channel string, source string, "
                                  "score string")  # fmt: skip
    frame.selectExpr("case_id", "CAST(ts AS TIMESTAMP) AS ts", "event", "channel", "source", "score") \
        .createOrReplaceTempView("survey_view")  # fmt: skip
    on_spark = run_spark_check(SURVEY, CheckOptions(events=["survey_view"], outcomes=spec, by="week"), spark=spark)
    assert _without_run(on_spark.report) == _without_run(duck)
    # as users run it: the CSV file and its score column named with --columns
    result = run_cli("evidence", "check", SURVEY, "--engine", "spark", "--events", log, "--columns", "score=score",
                     "--by", "week", "--outcome", "won=order_placed", "-F", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert _without_run(EvidenceReport.model_validate_json(result.stdout)) == _without_run(duck)
