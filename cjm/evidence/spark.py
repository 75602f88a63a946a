"""`--engine spark`: the analysis's statements run on a Spark session; only the small result tables come back.

The statements are those `cjm evidence sql --dialect spark` emits (the same SQL the Spark test checks
against DuckDB), so the report is built by the same code from the same tables. The session is local
(``local[*]``) or a cluster through Spark Connect (``--spark-remote sc://host:port``). The events are a
table or view the session knows (``case_id, ts, event, channel, source``), or a Parquet or CSV path that
Spark reads, with ``--columns`` naming its columns.
"""

from __future__ import annotations

from typing import Any

from cjm.errors import DependencyError, InputError
from cjm.evidence.analysis import RESULT_TABLES
from cjm.evidence.dialects import emit_statements
from cjm.evidence.matching import MapModel
from cjm.evidence.outcomes import OUTCOME_TABLES, OutcomeSpec
from cjm.evidence.tables import Settings

Aggregates = dict[str, list[tuple[Any, ...]]]
_FIELDS = ("case", "time", "event", "channel", "source")
_DEFAULTS = {"case": "case_id", "time": "timestamp", "event": "event", "channel": "channel", "source": "source"}
_INPUT_VIEW = "cjm_input"
_FILES = (".parquet", ".csv", ".csv.gz")


def session(remote: str | None) -> Any:
    """A Spark session: Spark Connect at ``remote``, else a local one (an active session is reused)."""
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise DependencyError(
            "--engine spark needs PySpark: pip install pyspark (and Java for a local session)"
        ) from None
    builder = SparkSession.builder.appName("cjm-evidence").config("spark.sql.session.timeZone", "UTC")
    builder = builder.remote(remote) if remote else builder.master("local[*]")
    try:
        return builder.getOrCreate()
    except (PySparkException, OSError, ImportError) as exc:  # no Java, no server, no Spark Connect client
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot start a Spark session ({remote or 'local'}): {first}") from None


def _columns(text: str | None) -> dict[str, str]:
    names = dict(_DEFAULTS)
    for part in (p for p in (text or "").split(",") if p.strip()):
        key, _, value = part.partition("=")
        if key.strip() not in _FIELDS or not value.strip():
            raise InputError(f"--columns: '{part}' is not FIELD=COLUMN with FIELD one of {', '.join(_FIELDS)}")
        names[key.strip()] = value.strip()
    return names


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def events_source(spark: Any, events: str, columns: str | None) -> str:
    """The table the analysis reads: ``events`` itself, or a temporary view over the file it names."""
    if not events.lower().endswith(_FILES):
        return events
    names = _columns(columns)
    reader = spark.read.parquet if events.lower().endswith(".parquet") else spark.read.option("header", True).csv
    frame = reader(events)
    have = set(frame.columns)
    missing = [names[f] for f in ("case", "time", "event") if names[f] not in have]
    if missing:
        raise InputError(f"{events}: column(s) {', '.join(missing)} missing (has: {', '.join(frame.columns)})")
    select = [
        f"CAST({_quote(names['case'])} AS STRING) AS case_id", f"CAST({_quote(names['time'])} AS TIMESTAMP) AS ts",
        f"CAST({_quote(names['event'])} AS STRING) AS event",
        *(f"CAST({_quote(names[f])} AS STRING) AS {f}" if names[f] in have else f"CAST(NULL AS STRING) AS {f}"
          for f in ("channel", "source")),
    ]  # fmt: skip
    frame.selectExpr(*select).where(
        "case_id IS NOT NULL AND ts IS NOT NULL AND event IS NOT NULL"
    ).createOrReplaceTempView(_INPUT_VIEW)
    return _INPUT_VIEW


def run_spark(
    spark: Any, model: MapModel, digest: str, settings: Settings, events: str, top_variants: int, approximate: bool,
    prefix: str = "", outcomes: OutcomeSpec | None = None,
) -> Aggregates:  # fmt: skip
    """Run every statement on the session (with the outcome statements when asked) and fetch the result tables."""
    from pyspark.errors import PySparkException

    tables = {**RESULT_TABLES, **(OUTCOME_TABLES if outcomes is not None else {})}
    try:
        for sql in emit_statements(model, digest, settings, "spark", events, top_variants, approximate, prefix,
                                   outcomes):  # fmt: skip
            spark.sql(sql)
        return {
            table: [tuple(r) for r in spark.sql(f"SELECT {', '.join(columns)} FROM {prefix}{table}").collect()]
            for table, columns in tables.items()
        }
    except PySparkException as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"Spark could not run the analysis on {events}: {first}") from None
