"""`--engine spark`: the analysis's statements run on a Spark session; only the small result tables come back.

The statements are those `cjm evidence sql --dialect spark` emits (the same SQL the Spark test checks
against DuckDB), so the report is built by the same code from the same tables. The session is local
(``local[*]``) or a cluster through Spark Connect (``--spark-remote sc://host:port``). The events are a
table or view the session knows (``case_id, ts, event, channel, source``), or files read through a log
mapping (``--columns``, ``--mapping`` or ``--preset``) with the same meaning as on DuckDB (spark_read.py).
The tables a run creates carry a prefix of their own and are dropped once their rows are fetched, so runs
can share a schema and leave nothing behind.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cjm.errors import DependencyError, InputError
from cjm.evidence.analysis import RESULT_TABLES
from cjm.evidence.dialects import emit_statements
from cjm.evidence.io import EXTENSIONS, LoadStats, is_uri
from cjm.evidence.mapping import LogMapping
from cjm.evidence.matching import MapModel
from cjm.evidence.measures import Measures, result_tables, surveyed
from cjm.evidence.outcomes import OUTCOME_TABLES, OutcomeSpec
from cjm.evidence.tables import Settings

Aggregates = dict[str, list[tuple[Any, ...]]]
_FILES = tuple(EXTENSIONS)  # the file names DuckDB's reader knows a format by
_CONNECT_PORT = 15002  # Spark Connect's default
_REACH_SECONDS = 10
_INSTALL = "--engine spark needs PySpark: pip install 'cjm[spark]' (and Java for a local session)"


def is_table(events: str) -> bool:
    """Whether ``--events`` names a table or view of the session rather than files."""
    name = events.lower().removesuffix(".gz")
    return not (name.endswith(_FILES) or is_uri(name) or any(ch in name for ch in "/\\*?["))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_remote(remote: str) -> None:
    """A Spark Connect address that answers: the client itself retries an unreachable one for minutes."""
    try:
        parts = urlsplit(remote)
        scheme, host, port = parts.scheme, parts.hostname, parts.port or _CONNECT_PORT
    except ValueError:  # a port that is not a number
        scheme, host, port = "", None, _CONNECT_PORT
    if scheme != "sc" or not host:
        raise InputError(f"--spark-remote: '{remote}' is not a Spark Connect address; write sc://host:port")
    try:
        socket.create_connection((host, port), timeout=_REACH_SECONDS).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"--spark-remote: cannot reach the Spark Connect server at {host}:{port} ({reason})") from None


@contextmanager
def spark_session(remote: str | None, given: Any = None) -> Iterator[Any]:
    """The session to run on: ``given``, or Spark Connect at ``remote``, or a local one (stopped after, if new).

    A local session keeps its tables in a temporary folder, never in a ``spark-warehouse`` of the current one.
    """
    if given is not None:
        yield given
        return
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise DependencyError(_INSTALL) from None
    if remote:
        check_remote(remote)
    warehouse = tempfile.mkdtemp(prefix="cjm-spark-")
    builder = SparkSession.builder.appName("cjm-evidence").config("spark.sql.session.timeZone", "UTC")
    if remote:
        builder = builder.remote(remote)
    else:
        builder = builder.master("local[*]").config("spark.sql.warehouse.dir", str(Path(warehouse) / "tables"))
        builder = builder.config("spark.ui.showConsoleProgress", "false").config("spark.ui.enabled", "false")
        builder = builder.config("spark.log.level", "OFF")  # cjm says what failed in one line; no Java stack traces
    try:
        existing = SparkSession.getActiveSession()  # e.g. a notebook's or a test's: used, and left running
        session = builder.getOrCreate()
    except (PySparkException, OSError, ImportError) as exc:  # no Java, no Spark Connect client
        shutil.rmtree(warehouse, ignore_errors=True)
        if isinstance(exc, ImportError):
            raise DependencyError(f"{_INSTALL}: {_first_line(exc)}") from None
        raise InputError(f"cannot start a Spark session ({remote or 'local'}): {_first_line(exc)}") from None
    try:
        yield session
    finally:
        if session is not existing:
            session.stop()
        shutil.rmtree(warehouse, ignore_errors=True)


@contextmanager
def readable_errors(where: str) -> Iterator[None]:
    """Spark's errors (a missing table, an unreachable server, a failed job) as one located line."""
    from pyspark.errors import PySparkException

    try:
        yield
    except PySparkException as exc:
        raise InputError(f"Spark could not run the analysis on {where}: {_first_line(exc)}") from None


_CREATED = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(TEMPORARY\s+)?(TABLE|VIEW)\s+([\w`.]+)", re.IGNORECASE)


def created(sql: list[str]) -> list[tuple[str, str]]:
    """(TABLE or VIEW, name) of everything the statements create, views first (they read the tables)."""
    found = [(m.group(2).upper(), m.group(3)) for m in (_CREATED.match(s) for s in sql) if m]
    return sorted(dict.fromkeys(found), key=lambda kind_name: kind_name[0] != "VIEW")


def run_spark(
    spark: Any, model: MapModel, digest: str, settings: Settings, events: str, top_variants: int, approximate: bool,
    prefix: str = "", outcomes: OutcomeSpec | None = None, measures: Measures = Measures(),
) -> Aggregates:  # fmt: skip
    """Run every statement on the session (with the outcome, survey and period statements when asked), fetch the
    result tables, then drop what the run created."""
    from pyspark.errors import PySparkException

    prefix = prefix or f"cjm_{secrets.token_hex(4)}_"  # a run of its own: another one in the schema is not touched
    tables = {**RESULT_TABLES, **(OUTCOME_TABLES if outcomes is not None else {}),
              **result_tables(measures.surveys, measures.periods, outcomes is not None)}  # fmt: skip
    script = emit_statements(model, digest, settings, "spark", events, top_variants, approximate, prefix, outcomes,
                             measures)  # fmt: skip
    try:
        for sql in script:
            spark.sql(sql)
        return {
            table: [tuple(r) for r in spark.sql(f"SELECT {', '.join(columns)} FROM {prefix}{table}").collect()]
            for table, columns in tables.items()
        }
    finally:
        try:
            for kind, name in created(script):
                spark.sql(f"DROP {kind} IF EXISTS {name}")
        except PySparkException:  # the session is gone (the error that ended the run is the one to report)
            pass


@dataclass(frozen=True)
class SparkRun:
    """What a Spark run brings back: the result tables, what reading the files gave, whether scores were read."""

    aggregates: Aggregates
    stats: LoadStats | None
    score_column: bool


def _has_score(spark: Any, events: str | LogMapping, source: str) -> bool:
    """Whether the events carry survey scores: the mapping names a score, or the table has a ``score`` column."""
    if not isinstance(events, str):
        return events.has_score()
    return "score" in {str(c).lower() for c in spark.table(source).columns}


def _calendar(spark: Any, source: str, by: str | None) -> tuple[tuple[int, int], ...] | None:
    """The periods of ``--by`` from the events' first to their last time (None without ``--by``)."""
    from cjm.evidence.periods import calendar, moment

    if by is None:
        return None
    first, last = spark.table(source).selectExpr("unix_micros(MIN(ts))", "unix_micros(MAX(ts))").collect()[0]
    if first is None or last is None:
        return ()
    return tuple(p.micros() for p in calendar(by, moment(int(first)), moment(int(last))))


def analyse(
    spark: Any, events: str | LogMapping, model: MapModel, digest: str, settings: Settings, top_variants: int,
    approximate: bool, outcomes: OutcomeSpec | None = None, by: str | None = None,
) -> SparkRun:  # fmt: skip
    """The result tables of the analysis of a table, or of the files a mapping names (with what reading gave).

    Survey answers are measured when the map's metrics name their events and the events have a score; the
    calendar of ``--by`` is made from the events' first and last time, as on DuckDB.
    """
    from cjm.evidence.spark_read import INPUT_VIEW, load_spark

    where = events if isinstance(events, str) else "the mapped files"
    with readable_errors(where):
        stats = None if isinstance(events, str) else load_spark(spark, events)
        source = events if isinstance(events, str) else INPUT_VIEW
        score = _has_score(spark, events, source)
        measures = Measures(score and bool(surveyed(model)), _calendar(spark, source, by))
        aggregates = run_spark(spark, model, digest, settings, source, top_variants, approximate, "", outcomes,
                               measures)  # fmt: skip
        return SparkRun(aggregates, stats, score)
