"""EvidenceFinding the row of a bad value in a log file, so an error can name file, row and column.

Only used on the error path: DuckDB finds that a value is bad, this module
finds where it stands by reading the file in order.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from typing import IO

_MAX_FIELD = 64 * 1024 * 1024


def locate_value(path: str, fmt: str, column: str, value: str) -> str:
    """'row N' (1-based data row; 'line N' for text formats where that differs), or 'row ?' when not found."""
    if fmt in ("csv", "tsv"):
        found = _in_csv(path, "\t" if fmt == "tsv" else ",", column, value)
    elif fmt == "jsonl":
        found = _in_jsonl(path, column, value)
    elif fmt == "parquet":
        found = _in_parquet(path, column, value)
    else:
        found = _in_json(path, column, value)
    return found or "row ?"


def _open(path: str) -> IO[str]:
    raw = open(path, "rb")  # noqa: SIM115 - wrapped and closed by the caller's with
    head = raw.read(2)
    raw.seek(0)
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw  # type: ignore[assignment]
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")


def _in_csv(path: str, delimiter: str, column: str, value: str) -> str | None:
    csv.field_size_limit(_MAX_FIELD)
    with _open(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, [])
        if column not in header:
            return None
        index = header.index(column)
        for number, row in enumerate(reader, start=1):
            if index < len(row) and row[index].strip() == value:
                return f"row {number} (line {reader.line_num})"
    return None


def _in_jsonl(path: str, column: str, value: str) -> str | None:
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and _same(record.get(column), value):
                return f"line {number}"
    return None


def _in_json(path: str, column: str, value: str) -> str | None:
    with _open(path) as handle:
        try:
            data = json.load(handle)
        except ValueError:
            return None
    for number, record in enumerate(_records(data), start=1):
        if _same(record.get(column), value):
            return f"record {number}"
    return None


def _records(data: object) -> Iterator[dict[str, object]]:
    items = data if isinstance(data, list) else [data]
    yield from (item for item in items if isinstance(item, dict))


def _in_parquet(path: str, column: str, value: str) -> str | None:
    import duckdb

    from cjm.evidence.io import quote_ident, quote_text

    config: dict[str, str | bool | int | float | list[str]] = {
        "threads": 1,
        "memory_limit": "512MB",
        "autoinstall_known_extensions": False,  # never fetch an extension: cjm makes no network connection
        "autoload_known_extensions": False,
    }
    con = duckdb.connect(":memory:", config=config)
    try:
        row = con.execute(
            f"SELECT file_row_number FROM read_parquet({quote_text(path)}, file_row_number = true) "
            f"WHERE TRIM(CAST({quote_ident(column)} AS VARCHAR)) = ? ORDER BY 1 LIMIT 1",
            [value],
        ).fetchone()
    finally:
        con.close()
    return f"row {int(row[0]) + 1}" if row else None


def _same(found: object, value: str) -> bool:
    if found is None:
        return False
    text = found if isinstance(found, str) else json.dumps(found)
    return text.strip() == value
