"""A log mapping read by Spark: the sources, columns, renames, times and rejected rows of DuckDB's reader (io.py).

Spark reads each file (CSV and TSV as text, Parquet, JSON); one SELECT per file and event spec turns its rows
into (part, case_id, ts, event, channel, source, score, bad_time), and their union is the temporary view the analysis
reads. Local paths and globs are expanded and checked here, with the same errors as DuckDB's reader; a URI
(``s3a://``, ``hdfs://``, ``abfss://`` ...) is handed to Spark as it is, for the cluster to read.
"""

from __future__ import annotations

import os
import re
from typing import Any

from cjm.errors import ConfigError, InputError
from cjm.evidence.io import (
    COUNTS,
    EPOCH_MICROS,
    OFFSET,
    LoadStats,
    Part,
    expand,
    file_format,
    is_uri,
    require_column,
    tally,
)
from cjm.evidence.mapping import EmitSpec, FieldSpec, LogMapping, SourceSpec, TimeSpec

RAW_VIEW = "cjm_input_rows"
INPUT_VIEW = "cjm_input"
_NUMERIC = re.compile(r"^(tinyint|smallint|int|integer|bigint|float|double|decimal.*|byte|short|long)$")
# strptime directives (as DuckDB reads them) in Java DateTimeFormatter letters; numbers unpadded when they stand
# alone ('d' reads 5 and 05), two letters next to another number (%Y%m%d). Spark parses no weekday names.
_DIRECTIVES = {"Y": "yyyy", "y": "yy", "m": "M", "d": "d", "H": "H", "I": "h", "M": "m", "S": "s", "f": "SSSSSS",
               "p": "a", "b": "MMM", "B": "MMMM", "j": "D", "z": "XX", "Z": "z"}  # fmt: skip
_NUMBERS = {"m", "d", "H", "I", "M", "S", "j"}


def spark_text(value: str) -> str:
    """A string as a Spark SQL literal: backslashes and single quotes escaped (Spark reads escapes in literals)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_ident(name: str) -> str:
    """A column name as a quoted Spark identifier: backticks, inner ones doubled."""
    return "`" + name.replace("`", "``") + "`"


def java_pattern(pattern: str) -> str:
    """A strptime pattern (``%d.%m.%Y %H:%M``) as the Java pattern Spark parses with; unknown ones are an error."""
    tokens = re.findall(r"%.|%$|[^%]+", pattern, re.DOTALL)
    for token in tokens:
        if token.startswith("%") and token[1:] not in _DIRECTIVES and token != "%%":
            raise ConfigError(f"time format '{pattern}': --engine spark cannot read '{token}'; "
                              f"use {', '.join('%' + c for c in _DIRECTIVES)}")  # fmt: skip
    numeric = [t.startswith("%") and t[1:] in _NUMBERS | {"Y", "y", "f"} for t in tokens]
    out: list[str] = []
    literal = ""
    for i, token in enumerate(tokens):
        if not token.startswith("%") or token == "%%":
            literal += token[-1] if token == "%%" else token
            continue
        out.append(_quoted(literal))
        literal = ""
        letters = _DIRECTIVES[token[1]]
        adjacent = (i > 0 and numeric[i - 1]) or (i + 1 < len(tokens) and numeric[i + 1])
        out.append(letters * 2 if token[1] in _NUMBERS and adjacent and len(letters) == 1 else letters)
    out.append(_quoted(literal))
    return "".join(out)


def _quoted(text: str) -> str:
    if not text:
        return ""
    return "'" + text.replace("'", "''") + "'" if re.search(r"[A-Za-z']", text) else text


def source_files(patterns: list[str]) -> list[str]:
    """The files a source names: local paths and globs expanded (DuckDB's errors), URIs as they are."""
    found: list[str] = []
    for pattern in patterns:
        found.extend([pattern] if is_uri(pattern) else expand([pattern]))
    return list(dict.fromkeys(found))


def _json_array(path: str) -> bool:
    """Whether a local .json file holds one JSON array (Spark's multiLine) rather than one object per line."""
    if is_uri(path):
        return False
    with open(path, "rb") as handle:
        return handle.read(4096).lstrip().startswith(b"[")


def read_file(spark: Any, path: str, fmt: str, delimiter: str | None) -> Any:
    """One file as a Spark DataFrame (CSV and TSV as text); an empty local file is an InputError naming it."""
    if not is_uri(path) and os.path.getsize(path) == 0:
        raise InputError(f"{path}: the file is empty")
    if fmt in ("csv", "tsv"):
        sep = delimiter or ("\t" if fmt == "tsv" else ",")
        reader = spark.read.option("header", True).option("sep", sep).option("escape", '"')
        return reader.option("multiLine", True).csv(path)
    if fmt == "parquet":
        return spark.read.parquet(path)
    return spark.read.option("multiLine", fmt == "json" and _json_array(path)).json(path)


def _text(column: str) -> str:
    return f"NULLIF(TRIM(CAST({spark_ident(column)} AS STRING)), '')"


def _field(spec: FieldSpec | None, columns: dict[str, str]) -> str:
    if spec is None or (spec.optional and spec.column not in columns):
        return "CAST(NULL AS STRING)"
    if spec.value is not None:
        return spark_text(spec.value)
    assert spec.column is not None
    text = _text(spec.column)
    if not spec.map:
        return text
    whens = " ".join(f"WHEN {spark_text(k)} THEN {spark_text(v)}" for k, v in spec.map.items())
    fallback = spark_text(spec.default) if spec.default is not None else text
    return f"CASE {text} {whens} ELSE {fallback} END"


def _naive(expr: str, zone: str) -> str:
    """A naive local time in ``zone`` as UTC (the session's time zone is UTC)."""
    return expr if zone == "UTC" else f"to_utc_timestamp({expr}, {spark_text(zone)})"


def time_expr(path: str, spec: TimeSpec, kind: str, zone: str) -> str:
    """The expression giving the UTC time of a row (NULL when the value is missing or does not parse)."""
    ref, raw = spark_ident(spec.column), _text(spec.column)
    if kind == "timestamp":
        return ref
    if kind in ("timestamp_ntz", "date"):
        return _naive(f"CAST({ref} AS TIMESTAMP)", zone)
    if spec.format in EPOCH_MICROS:
        micros = f"TRY_CAST(ROUND(TRY_CAST({raw} AS DOUBLE) * {EPOCH_MICROS[spec.format]}) AS BIGINT)"
        inside = f"{micros} > -9000000000000000 AND {micros} < 9000000000000000"  # DuckDB's range, as io.py
        return f"CASE WHEN {inside} THEN timestamp_micros({micros}) END"
    if _NUMERIC.match(kind):
        raise InputError(
            f"{path}: column '{spec.column}' holds numbers ({kind}); say how to read them in a --mapping file: "
            "time: {column: ..., format: epoch_ms} (or epoch_s, epoch_us)"
        )
    if kind != "string":
        raise InputError(f"{path}: column '{spec.column}' has type {kind}, which is not a time")
    if spec.format == "auto":
        local = _naive(f"TRY_CAST({raw} AS TIMESTAMP)", zone)
        return f"CASE WHEN {raw} RLIKE {spark_text(OFFSET)} THEN TRY_CAST({raw} AS TIMESTAMP) ELSE {local} END"
    parsed = f"try_to_timestamp({raw}, {spark_text(java_pattern(spec.format))})"
    return parsed if "%z" in spec.format or "%Z" in spec.format else _naive(parsed, zone)


def part_sql(
    part: int, view: str, path: str, columns: dict[str, str], source: SourceSpec, emit: EmitSpec, zone: str
) -> str:
    """The SELECT that turns one file's rows into (part, case_id, ts, event, channel, source, score, bad_time)."""
    assert emit.event is not None and emit.time is not None  # checked by SourceSpec
    for spec in (source.case, emit.event, emit.channel, emit.source, emit.score):
        if spec is not None and spec.column is not None and not (spec.optional and spec.column not in columns):
            require_column(path, columns, spec.column)
    require_column(path, columns, emit.time.column)
    ts = time_expr(path, emit.time, columns[emit.time.column], emit.time.timezone or zone)
    inner = (
        f"SELECT {_field(source.case, columns)} AS case_raw, "
        f"{_field(emit.event, columns)} AS event, {_field(emit.channel, columns)} AS channel, "
        f"{_field(emit.source, columns)} AS source, {_field(emit.score, columns)} AS score, "
        f"{_text(emit.time.column)} AS time_raw, {ts} AS ts FROM {view}"
    )
    if source.case_separator:
        quoted = "\\Q" + source.case_separator.replace("\\E", "\\E\\\\E\\Q") + "\\E"  # a literal, not a regex
        split = f"explode(split(COALESCE(case_raw, ''), {spark_text(quoted)}, -1))"
        inner = f"SELECT {split} AS case_raw, event, channel, source, score, time_raw, ts FROM ({inner})"
    return (
        f"SELECT CAST({part} AS INT) AS part, NULLIF(TRIM(case_raw), '') AS case_id, ts, event, channel, source, "
        f"score, CASE WHEN time_raw IS NOT NULL AND ts IS NULL THEN time_raw END AS bad_time FROM ({inner})"
    )


def load_spark(spark: Any, mapping: LogMapping) -> LoadStats:
    """Read every source into the temporary view ``cjm_input``; raise InputError on unusable data, as io.load."""
    parts: list[Part] = []
    selects: list[str] = []
    for source in mapping.sources:
        for path in source_files(source.files):
            fmt = file_format(path, source.format)
            frame = read_file(spark, path, fmt, source.delimiter)
            columns = {str(name): str(kind) for name, kind in frame.dtypes}
            view = f"cjm_file_{len(parts)}"
            frame.createOrReplaceTempView(view)
            for emit in source.emits():
                selects.append(part_sql(len(parts), view, path, columns, source, emit, mapping.timezone))
                assert emit.time is not None
                parts.append(Part(path, fmt, emit.time.column, emit.time.format))
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {RAW_VIEW} AS " + "\nUNION ALL\n".join(selects))
    counts = [tuple(r) for r in spark.sql(f"{COUNTS} FROM {RAW_VIEW} GROUP BY part ORDER BY part").collect()]
    stats = tally(parts, counts)
    spark.sql(
        f"CREATE OR REPLACE TEMPORARY VIEW {INPUT_VIEW} AS SELECT case_id, ts, event, channel, source, score "
        f"FROM {RAW_VIEW} WHERE case_id IS NOT NULL AND event IS NOT NULL AND ts IS NOT NULL"
    )
    return stats
