"""`--aggregates DIR`: read the aggregate tables a warehouse or Spark computed from `cjm evidence sql`.

Each table is ``DIR/<table>.csv`` or ``.parquet``, or a folder ``DIR/<table>/``
of part files as Spark writes them. Everything is read as text and converted
by the report builder, so CSV and Parquet give the same report.
"""

from __future__ import annotations

import glob
import os
from typing import Any

from cjm.errors import InputError
from cjm.evidence.analysis import RESULT_TABLES
from cjm.evidence.database import Resources, connect
from cjm.evidence.io import quote_ident, quote_text

META_TABLE = "cjm_meta"
META_COLUMNS = ("map_sha256", "gap_days", "window_days", "top_variants", "quantiles")


def _files(folder: str, table: str) -> tuple[list[str], str] | None:
    for ext in ("csv", "parquet"):
        single = os.path.join(folder, f"{table}.{ext}")
        if os.path.isfile(single):
            return [single], ext
        parts = sorted(p for p in glob.glob(os.path.join(folder, table, f"*.{ext}")) if os.path.getsize(p) >= 0)
        if parts:
            return parts, ext
    return None


def _scan(files: list[str], ext: str) -> str:
    listed = "[" + ", ".join(quote_text(f) for f in files) + "]"
    if ext == "csv":
        return f"read_csv({listed}, all_varchar = true, header = true, union_by_name = true)"
    return f"read_parquet({listed}, union_by_name = true)"


def optional_tables() -> dict[str, tuple[str, ...]]:
    """The tables only some scripts make: outcomes (--outcome), surveys (--score), periods (--by)."""
    from cjm.evidence.measures import PERIOD_OUTCOME_TABLES, PERIOD_SURVEY_TABLES, PERIOD_TABLES, SURVEY_TABLES
    from cjm.evidence.outcomes import OUTCOME_TABLES

    return {**OUTCOME_TABLES, **SURVEY_TABLES, **PERIOD_TABLES, **PERIOD_SURVEY_TABLES, **PERIOD_OUTCOME_TABLES}


def read_aggregates(folder: str, limits: Resources) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, Any]]:
    """The result tables and the run's recorded settings (empty when DIR has no cjm_meta table)."""
    import duckdb

    if not os.path.isdir(folder):
        raise InputError(f"{folder}: no such folder of aggregate tables")
    tables: dict[str, list[tuple[Any, ...]]] = {}
    meta: dict[str, Any] = {}
    extra = optional_tables()
    with connect(limits) as con:
        for table, columns in {**RESULT_TABLES, **extra, META_TABLE: META_COLUMNS}.items():
            found = _files(folder, table)
            if found is None:
                if table in extra or table == META_TABLE:
                    continue
                raise InputError(f"{folder}: the table {table} is missing (expected {table}.csv, {table}.parquet "
                                 f"or a folder {table}/ of part files)")  # fmt: skip
            files, ext = found
            try:
                have = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {_scan(files, ext)}").fetchall()]
            except duckdb.Error as exc:
                raise InputError(f"{files[0]}: cannot read: {str(exc).splitlines()[0]}") from None
            lower = {h.lower(): h for h in have}
            missing = [c for c in columns if c not in lower]
            if missing:
                raise InputError(f"{files[0]}: column(s) {', '.join(missing)} missing (has: {', '.join(have)})")
            select = ", ".join(f"CAST({quote_ident(lower[c])} AS VARCHAR)" for c in columns)
            rows = con.execute(f"SELECT {select} FROM {_scan(files, ext)}").fetchall()
            if table == META_TABLE:
                meta = dict(zip(columns, rows[0], strict=True)) if rows else {}
            else:
                tables[table] = [tuple(r) for r in rows]
    for key in ("gap_days", "window_days"):
        if meta.get(key) is not None:
            meta[key] = float(meta[key])
    if meta.get("top_variants") is not None:
        meta["top_variants"] = int(float(meta["top_variants"]))
    return tables, meta
