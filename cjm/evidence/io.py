"""Reading event logs into DuckDB: files and globs, formats, mapped columns only, timestamps and bad rows.

Every file is described before it is read, so a missing column is reported
with the file's name and its real columns. The usable events land in the
table ``cjm_input``; rows without a case id, an event name or a time are kept
there and counted (never silently dropped); a time that is present but does
not parse stops the run with the file, row and column named.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjm.diagnostics import did_you_mean
from cjm.errors import InputError
from cjm.evidence.locate import locate_value
from cjm.evidence.mapping import EmitSpec, FieldSpec, LogMapping, SourceSpec, TimeSpec

if TYPE_CHECKING:
    import duckdb

    from cjm.evidence.outcomes import ColumnMarks

EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet",
               ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}  # fmt: skip
# An explicit UTC offset (or Z) after a clock time: such values are instants, not naive local times.
OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$"
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")  # fmt: skip
EPOCH_MICROS = {"epoch_s": 1_000_000, "epoch_ms": 1_000, "epoch_us": 1}


def quote_ident(name: str) -> str:
    """A column name as a quoted DuckDB identifier (never spliced raw): double quotes, inner ones doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(value: str) -> str:
    """A string as a DuckDB literal: single quotes, inner ones doubled (a backslash is an ordinary character)."""
    return "'" + value.replace("'", "''") + "'"


def is_uri(path: str) -> bool:
    """A path for a cluster to read (s3a://, hdfs://, file:// ...), not one on this machine (Spark's reader)."""
    return "://" in path


# The per-part counts of a load, in the order ``tally`` reads them (DuckDB's reader adds a column after them).
COUNTS = (
    "SELECT part, COUNT(*), SUM(CASE WHEN case_id IS NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN event IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN ts IS NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN case_id IS NULL OR event IS NULL OR ts IS NULL THEN 1 ELSE 0 END), MIN(bad_time)"
)


@dataclass(frozen=True)
class Part:
    """One file read under one event spec of one source: the unit errors and rejects are reported by."""

    file: str
    format: str
    time_column: str
    time_format: str


@dataclass(frozen=True)
class Described:
    """One file of a source, with its columns and their DuckDB types."""

    path: str
    format: str
    delimiter: str | None
    columns: dict[str, str]


@dataclass(frozen=True)
class LoadStats:
    """What reading the log gave: usable events and, per file, rows that could not be used."""

    files: list[str]
    rows: int
    usable: int
    rejected: list[dict[str, Any]]


def expand(patterns: list[str]) -> list[str]:
    """The files a list of paths and globs names, sorted; a pattern that matches nothing is an InputError."""
    found: list[str] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matches = sorted(m for m in glob.glob(pattern, recursive=True) if os.path.isfile(m))
            if not matches:
                raise InputError(f"{pattern}: matches no file")
            found.extend(matches)
        elif os.path.isdir(pattern):
            raise InputError(f"{pattern}: is a folder; name the files or a glob like '{pattern}/*.csv'")
        elif not os.path.isfile(pattern):
            raise InputError(f"{pattern}: no such file")
        else:
            found.append(pattern)
    return list(dict.fromkeys(found))


def file_format(path: str, declared: str | None) -> str:
    """The log format of a file: as declared, or from its extension (``.gz`` looked through)."""
    if declared:
        return declared
    suffixes = [s.lower() for s in Path(path).suffixes if s.lower() not in (".gz", ".gzip", ".zst")]
    fmt = EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; add 'format:' (csv, tsv, parquet, json, jsonl)"
        )
    return fmt


def scan(path: str, fmt: str, delimiter: str | None = None) -> str:
    """The DuckDB table function that reads one file, every CSV column as text."""
    where = quote_text(path)
    if fmt in ("csv", "tsv"):
        delim = quote_text(delimiter or ("\t" if fmt == "tsv" else ","))
        return f"read_csv({where}, all_varchar = true, header = true, delim = {delim})"
    if fmt == "parquet":
        return f"read_parquet({where})"
    shape = "'newline_delimited'" if fmt == "jsonl" else "'auto'"
    return f"read_json({where}, format = {shape})"


def describe(con: duckdb.DuckDBPyConnection, path: str, fmt: str, delimiter: str | None) -> dict[str, str]:
    """The columns and DuckDB types of one file; an empty or unreadable file is an InputError naming it."""
    import duckdb

    if os.path.getsize(path) == 0:
        raise InputError(f"{path}: the file is empty")
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {scan(path, fmt, delimiter)}").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read as {fmt}: {_first_line(exc)}") from None
    return {str(r[0]): str(r[1]) for r in rows}


def load(con: duckdb.DuckDBPyConnection, mapping: LogMapping, marks: ColumnMarks | None = None) -> LoadStats:
    """Read every source into ``cjm_input`` and the view ``cjm_events``; raise InputError on unusable data.

    With ``marks``, each event also gets ``outcome``: the number of the outcome class its row's value of the
    marks' column stands for (NULL for any other value, and in the files of a source without that column).
    """
    import duckdb

    parts: list[Part] = []
    selects: list[str] = []
    read: list[Described] = []
    for source in mapping.sources:
        described = []
        for path in expand(source.files):
            fmt = file_format(path, source.format)
            described.append(Described(path, fmt, source.delimiter, describe(con, path, fmt, source.delimiter)))
        if marks is not None:
            _same_columns(marks, described)
        for one in described:
            for emit in source.emits():
                sql, part_info = _select(len(parts), one, source, emit, mapping.timezone, marks)
                parts.append(part_info)
                selects.append(sql)
        read += described
    if marks is not None and not any(marks.column in f.columns for f in read):
        raise InputError(f"{marks.where}.{marks.classes[0][1]}: no file of the log has the column '{marks.column}'"
                         + _missing(marks.column, read[0].columns, read[0].path))  # fmt: skip
    body = "\nUNION ALL\n".join(selects)
    # Parquet is cheap to scan twice (checks, then analysis); text formats are parsed once into a table.
    kind = "VIEW" if all(p.format == "parquet" for p in parts) else "TABLE"
    try:
        con.execute(f"CREATE OR REPLACE {kind} cjm_input AS {body}")
    except duckdb.Error as exc:
        files = ", ".join(sorted({p.file for p in parts}))
        raise InputError(f"{files}: cannot read: {_first_line(exc)}") from None
    # One pass gives the counts, per part a time that does not parse (the smallest: the same on every run), and
    # with marks the outcome classes its usable rows mark (bit k: class k).
    kept = "case_id IS NOT NULL AND event IS NOT NULL AND ts IS NOT NULL"
    seen = f", BIT_OR(CASE WHEN {kept} THEN CAST(1 AS INTEGER) << outcome END)"
    counts = con.execute(
        f"{COUNTS}{seen if marks is not None else ''} FROM cjm_input GROUP BY part ORDER BY part"
    ).fetchall()
    stats = tally(parts, counts)
    if marks is not None:
        _check_marks(con, marks, read, [int(r[7] or 0) for r in counts])
    # Without rejected rows the filter is left out: pushed into the scan, it would trim every id a second time.
    keep = "WHERE case_id IS NOT NULL AND event IS NOT NULL AND ts IS NOT NULL" if any(r[5] for r in counts) else ""
    extra = ", outcome" if marks is not None else ""
    view = f"CREATE OR REPLACE VIEW cjm_events AS SELECT case_id, ts, event, channel, source, segment, score{extra} "
    con.execute(f"{view} FROM cjm_input {keep}")
    return stats


def tally(parts: list[Part], counts: list[tuple[Any, ...]]) -> LoadStats:
    """The load's statistics from its per-part counts (part, rows, missing case, event, time, rejected, a bad
    time), on DuckDB and Spark alike; a time that is present but does not parse stops the run with file, row and
    column named, and so does a file with a header but no rows."""
    bad = next(((int(r[0]), str(r[6])) for r in counts if r[6] is not None), None)
    if bad is not None:
        failed = parts[bad[0]]
        where = "row ?" if is_uri(failed.file) else locate_value(failed.file, failed.format, failed.time_column, bad[1])
        hint = "set the time format in a --mapping file (format: epoch_ms, or a strptime pattern like '%d.%m.%Y %H:%M')"
        raise InputError(
            f"{failed.file}:{where}: column '{failed.time_column}': cannot read '{bad[1]}' as a time "
            f"(format {failed.time_format})\n  {hint}"
        )
    per_part = {int(r[0]): r for r in counts}
    with_rows = {parts[i].file for i in per_part}
    for each in parts:
        if each.file not in with_rows:
            raise InputError(f"{each.file}: has a header but no rows")
    rejected = [
        {"file": parts[i].file, "time_column": parts[i].time_column, "rows": int(r[5]), "missing_case": int(r[2]),
         "missing_event": int(r[3]), "missing_time": int(r[4])}
        for i, r in sorted(per_part.items()) if r[5]
    ]  # fmt: skip
    rows = sum(int(r[1]) for r in counts)
    return LoadStats(sorted({p.file for p in parts}), rows, rows - sum(int(r[5]) for r in counts), rejected)


def _select(
    part: int, file: Described, source: SourceSpec, emit: EmitSpec, zone: str, marks: ColumnMarks | None = None
) -> tuple[str, Part]:
    """The SELECT that turns one file's rows into (part, case_id, ts, event, channel, source, bad_time), and with
    ``marks`` an outcome class number."""
    assert emit.event is not None and emit.time is not None  # checked by SourceSpec
    path, fmt, columns = file.path, file.format, file.columns
    mark, carry = (f", {_mark(marks, columns)} AS outcome", ", outcome") if marks is not None else ("", "")
    time = emit.time
    for spec in (source.case, emit.event, emit.channel, emit.source, source.segment, emit.score):
        if spec is not None and spec.column is not None and not (spec.optional and spec.column not in columns):
            require_column(path, columns, spec.column)
    require_column(path, columns, time.column)
    raw_time = _text(time.column, columns[time.column])
    ts = _time_expr(path, time, columns[time.column], raw_time, time.timezone or zone)
    case = _field(source.case, columns)
    inner_case = f"COALESCE({case}, '')" if source.case_separator else case
    inner = (
        f"SELECT {inner_case} AS case_raw, {_field(emit.event, columns)} AS event, "
        f"{_field(emit.channel, columns)} AS channel, {_field(emit.source, columns)} AS source, "
        f"{_field(source.segment, columns)} AS segment, {_field(emit.score, columns)} AS score{mark}, "
        f"{raw_time} AS time_raw, {ts} AS ts FROM {scan(path, fmt, source.delimiter)}"
    )
    if source.case_separator:
        split = f"UNNEST(string_split(case_raw, {quote_text(source.case_separator)}))"
        inner = (
            f"SELECT {split} AS case_raw, event, channel, source, segment, score{carry}, time_raw, ts FROM ({inner})"
        )
    # A plain column is trimmed already (_text); trimming it again costs a full pass over the ids, and a pushed
    # down filter on the nested expression evaluates it several times per row.
    plain = source.case is not None and source.case.value is None and not source.case.map
    case_id = "case_raw" if plain and not source.case_separator else "NULLIF(TRIM(case_raw), '')"
    sql = (
        f"SELECT CAST({part} AS INTEGER) AS part, {case_id} AS case_id, ts, event, channel, source, segment, score"
        f"{carry}, CASE WHEN time_raw IS NOT NULL AND ts IS NULL THEN time_raw END AS bad_time FROM ({inner})"
    )
    return sql, Part(path, fmt, time.column, time.format)


def require_column(path: str, columns: dict[str, str], name: str) -> None:
    if name not in columns:
        raise InputError(f"{path}: column '{name}' is missing" + _missing(name, columns, "the file"))


def _missing(name: str, columns: dict[str, str], whose: str) -> str:
    """What to add to "column NAME is missing": a likely meant column, and the file's columns."""
    hint = did_you_mean(name, columns)
    listed = ", ".join(list(columns)[:20])
    return (f"; {hint}" if hint else "") + f" ({whose} has: {listed})"


def _same_columns(marks: ColumnMarks, files: list[Described]) -> None:
    """Refuse a source whose files disagree on the outcome column: one file of a monthly export renamed it.

    A source none of whose files has the column marks no outcome (its events are ordinary events): a web log
    beside the CRM export that holds the deal stage.
    """
    lacking = [f for f in files if marks.column not in f.columns]
    if lacking and len(lacking) < len(files):
        first, where = lacking[0], f"{marks.where}.{marks.classes[0][1]}"
        hint = _missing(marks.column, first.columns, first.path)
        raise InputError(f"{where}: {first.path} lacks the column '{marks.column}' that other files of its source "
                         f"have{hint}")  # fmt: skip


def _check_marks(con: duckdb.DuckDBPyConnection, marks: ColumnMarks, read: list[Described], seen: list[int]) -> None:
    """Stop when no usable row has any value of an outcome class: its class would silently be empty."""
    found = 0
    for bits in seen:
        found |= bits
    for number, name, values in marks.classes:
        if not found & (1 << number):
            listed = ", ".join(f"'{v}'" for v in values)
            raise InputError(f"{marks.where}.{name}: no row of the log has {listed} in the column '{marks.column}' "
                             "(values match exactly, upper and lower case as written, spaces around them ignored); "
                             f"{_common_values(con, marks.column, read)}")  # fmt: skip


def _common_values(con: duckdb.DuckDBPyConnection, column: str, read: list[Described]) -> str:
    """The column's most common values in the first file that has it (read again: only when a class is empty)."""
    file = next(f for f in read if column in f.columns)
    values = f"SELECT {_text(column, file.columns[column])} AS v FROM {scan(file.path, file.format, file.delimiter)}"
    rows = con.execute(
        f"SELECT v FROM ({values}) WHERE v IS NOT NULL GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT 9"
    ).fetchall()
    if not rows:
        return f"the column is empty in {file.path}"
    shown = ", ".join(f"'{r[0]}'" for r in rows[:8]) + (", ..." if len(rows) > 8 else "")
    return f"{file.path} has: {shown}"


def _mark(marks: ColumnMarks, columns: dict[str, str]) -> str:
    """The class number a row's value of the outcome column stands for (trimmed, exact), else NULL."""
    if marks.column not in columns:
        return "CAST(NULL AS TINYINT)"
    whens = " ".join(f"WHEN {quote_text(v)} THEN {number}" for number, _, values in marks.classes for v in values)
    return f"CAST(CASE {_text(marks.column, columns[marks.column])} {whens} END AS TINYINT)"


def _text(column: str, kind: str) -> str:
    """A column as trimmed text, NULL when empty (JSON values unquoted)."""
    ref = quote_ident(column)
    value = f"({ref} ->> '$')" if kind == "JSON" else f"CAST({ref} AS VARCHAR)"
    # DuckDB's TRIM (spaces, and Unicode space separators) costs half a second per 10 million values; an
    # ASCII value that neither starts nor ends with a space is already trimmed, and is passed through.
    guard = f"{value} LIKE ' %' OR {value} LIKE '% ' OR strlen({value}) <> length({value})"
    return f"NULLIF(CASE WHEN {guard} THEN TRIM({value}) ELSE {value} END, '')"


def _field(spec: FieldSpec | None, columns: dict[str, str]) -> str:
    if spec is None or (spec.optional and spec.column not in columns):
        return "CAST(NULL AS VARCHAR)"
    if spec.value is not None:
        return quote_text(spec.value)
    assert spec.column is not None
    text = _text(spec.column, columns[spec.column])
    if not spec.map:
        return text
    whens = " ".join(f"WHEN {quote_text(k)} THEN {quote_text(v)}" for k, v in spec.map.items())
    fallback = quote_text(spec.default) if spec.default is not None else text
    return f"CASE {text} {whens} ELSE {fallback} END"


def _naive(expr: str, zone: str) -> str:
    """A naive local timestamp read in ``zone`` and expressed as naive UTC."""
    return expr if zone == "UTC" else f"timezone('UTC', timezone({quote_text(zone)}, {expr}))"


def _time_expr(path: str, spec: TimeSpec, kind: str, raw: str, zone: str) -> str:
    """The expression giving a naive UTC TIMESTAMP (NULL when the value is missing or does not parse)."""
    ref = quote_ident(spec.column)
    base = kind.split("(")[0].upper()
    if base in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return f"timezone('UTC', {ref})"
    if base.startswith("TIMESTAMP") or base == "DATE":
        return _naive(f"CAST({ref} AS TIMESTAMP)", zone)
    if spec.format in EPOCH_MICROS:
        micros = f"TRY_CAST(TRY_CAST({raw} AS DOUBLE) * {EPOCH_MICROS[spec.format]} AS BIGINT)"
        # make_timestamp fails outside its range; such values are unparseable, not an internal error
        return f"CASE WHEN abs({micros}) < 9000000000000000 THEN make_timestamp({micros}) END"
    if base in _NUMERIC or base.startswith("DECIMAL"):
        raise InputError(
            f"{path}: column '{spec.column}' holds numbers ({kind}); say how to read them in a --mapping file: "
            "time: {column: ..., format: epoch_ms} (or epoch_s, epoch_us)"
        )
    if base not in ("VARCHAR", "JSON"):
        raise InputError(f"{path}: column '{spec.column}' has type {kind}, which is not a time")
    if spec.format == "auto":
        instant = f"timezone('UTC', TRY_CAST({raw} AS TIMESTAMPTZ))"
        local = _naive(f"TRY_CAST({raw} AS TIMESTAMP)", zone)
        return f"CASE WHEN regexp_matches({raw}, {quote_text(OFFSET)}) THEN {instant} ELSE {local} END"
    parsed = f"try_strptime({raw}, {quote_text(spec.format)})"
    if "%z" in spec.format or "%Z" in spec.format:
        return f"timezone('UTC', {parsed})"
    return _naive(parsed, zone)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return re.sub(r"\s+", " ", text.splitlines()[0] if text else type(exc).__name__)[:400]
