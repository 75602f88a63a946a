"""The Spark SQL that `cjm evidence sql --dialect spark` emits gives DuckDB's results on the fixtures.

One short local Spark session (local[1], few shuffle partitions) for the whole module. Skipped only
when PySpark or Java is missing outside CI; in CI (env CI set) a missing Spark is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.check import CheckOptions, load_model, run_check
from cjm.evidence.dialects import emit_statements
from cjm.evidence.engine import Limits
from cjm.evidence.tables import PARAMETER_TABLES, Settings
from tests.evidence.helpers import SHOP, at, write_log


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _spark_available() and not os.environ.get("CI"), reason="needs pyspark and Java"),
]

JVM_OPTIONS = "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  # a short run: the quick JIT
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


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One local Spark session for the module."""
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[1]").appName("cjm-evidence-test")
        .config("spark.sql.shuffle.partitions", "1").config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false").config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC").config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", JVM_OPTIONS).getOrCreate()
    )  # fmt: skip
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


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


def test_spark_sql_equals_duckdb(spark: Any, tmp_path: Path) -> None:
    journey = SHOP  # shared and stageless touchpoints, an unverifiable stage, a channel pattern
    log = write_log(tmp_path / "log.csv", ROWS)
    options = CheckOptions(events=[log], limits=Limits(memory_limit="512MB", threads=1))
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
