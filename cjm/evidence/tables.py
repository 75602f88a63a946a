"""The map and the run's settings as small parameter tables: loaded with bound parameters, or emitted as SQL.

User text (event patterns) reaches DuckDB only as bound parameters; in an
emitted script it is a literal quoted by SQLGlot for the target dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cjm.evidence.matching import MapModel, pattern_rows, stage_rows, touchpoint_rows, tp_stage_rows

if TYPE_CHECKING:
    import duckdb
    from sqlglot import exp

Row = tuple[object, ...]


@dataclass(frozen=True)
class Settings:
    """The analysis choices that are data, not SQL: the journey gap (None: no splitting) and the funnel window."""

    gap_days: float | None = 90.0
    window_days: float = 60.0

    def micros(self) -> tuple[int | None, int]:
        """The gap and the window in whole microseconds, the unit every engine compares times in."""
        gap = None if self.gap_days is None else round(self.gap_days * 86_400_000_000)
        return gap, round(self.window_days * 86_400_000_000)


# Each parameter table and its columns with their (DuckDB) types.
PARAMETER_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "cjm_settings": (("gap_us", "BIGINT"), ("window_us", "BIGINT")),
    "cjm_patterns": (("tp", "INTEGER"), ("event_like", "VARCHAR"), ("channel_like", "VARCHAR"),
                     ("source_like", "VARCHAR")),
    "cjm_touchpoints": (("tp", "INTEGER"), ("first_stage", "INTEGER"), ("flow", "INTEGER"), ("shared", "INTEGER")),
    "cjm_tp_stages": (("tp", "INTEGER"), ("stage", "INTEGER")),
    "cjm_stages": (("stage", "INTEGER"), ("verifiable", "INTEGER"), ("stage_rank", "INTEGER")),
}  # fmt: skip


def parameter_rows(model: MapModel, settings: Settings) -> dict[str, list[Row]]:
    """The rows of every parameter table."""
    return {
        "cjm_settings": [settings.micros()],
        "cjm_patterns": list(pattern_rows(model)),
        "cjm_touchpoints": list(touchpoint_rows(model)),
        "cjm_tp_stages": list(tp_stage_rows(model)),
        "cjm_stages": list(stage_rows(model)),
    }


def load_parameters(con: duckdb.DuckDBPyConnection, model: MapModel, settings: Settings) -> None:
    """Create the parameter tables in DuckDB, filled with bound parameters."""
    for name, rows in parameter_rows(model, settings).items():
        load_table(con, name, PARAMETER_TABLES[name], rows)


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: tuple[tuple[str, str], ...], rows: Sequence[Row]
) -> None:
    """Create one parameter table in DuckDB, filled with bound parameters."""
    con.execute(f"CREATE OR REPLACE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
    # One INSERT per 500 rows: DuckDB's executemany runs one statement per row, 0.1 s for a few hundred.
    row_marks = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(row_marks for _ in chunk)
        con.execute(f"INSERT INTO {name} VALUES {values}", [v for r in chunk for v in r])


def parameter_sql(model: MapModel, settings: Settings, dialect: str, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Per parameter table: its name (with ``prefix``) and its CREATE TABLE and INSERT statements for ``dialect``."""
    return [
        table_sql(name, PARAMETER_TABLES[name], rows, dialect, prefix)
        for name, rows in parameter_rows(model, settings).items()
    ]


def table_sql(
    name: str, columns: tuple[tuple[str, str], ...], rows: list[Row], dialect: str, prefix: str = ""
) -> tuple[str, list[str]]:
    """One parameter table's name (with ``prefix``) and its CREATE TABLE and INSERT statements for ``dialect``."""
    import sqlglot
    from sqlglot import exp

    table = prefix + name
    create = f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)})"
    sql = [sqlglot.transpile(create, read="duckdb", write=dialect)[0]]
    if rows:
        values = exp.values([tuple(_literal(v, t) for v, (_, t) in zip(r, columns, strict=True)) for r in rows])
        insert = exp.insert(values, table, columns=[c for c, _ in columns])
        sql.append(insert.sql(dialect=dialect))
    return table, sql


def _literal(value: object, kind: str) -> exp.Expression:
    from sqlglot import exp

    if value is None:
        return exp.cast(exp.null(), kind)
    if kind == "VARCHAR":
        return exp.Literal.string(str(value))
    return exp.Literal.number(value)
