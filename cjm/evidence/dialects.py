"""`cjm evidence sql`: the same analysis as a script for a warehouse or Spark, transpiled by SQLGlot.

The script creates the parameter tables (the map as numbers), a view
``cjm_events`` over the team's own events table, runs every statement of
:mod:`cjm.evidence.analysis`, and leaves the result tables (plus ``cjm_meta``)
to export as CSV or Parquet into a folder for ``cjm evidence check --aggregates DIR``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp

from cjm.errors import ConfigError
from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.matching import MapModel
from cjm.evidence.tables import Settings, parameter_sql


def _micros(node: exp.Expression, write: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
    """The analysis's epoch_us(ts) (integer microseconds) written the dialect's way."""
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "epoch_us" and len(node.expressions) == 1:
        return write(node.expressions[0].copy())
    return node


def _unix_micros(ts: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="UNIX_MICROS", expressions=[ts])


def _snowflake(node: exp.Expression) -> exp.Expression:
    """Snowflake: DATE_PART(EPOCH_MICROSECOND, ts)."""
    return _micros(node, lambda ts: exp.Anonymous(this="DATE_PART", expressions=[exp.var("EPOCH_MICROSECOND"), ts]))


def _trino(node: exp.Expression) -> exp.Expression:
    """Trino has no integer epoch in microseconds: the seconds as a double (exact to 0.24 us today), rounded."""
    return _micros(
        node,
        lambda ts: exp.cast(
            exp.Anonymous(
                this="ROUND",
                expressions=[
                    exp.Mul(
                        this=exp.Anonymous(this="TO_UNIXTIME", expressions=[ts]),
                        expression=exp.Literal.number("1000000"),
                    )
                ],
            ),
            "BIGINT",
        ),
    )


def _ordered_array(node: exp.Expression) -> exp.Order | None:
    """The ORDER BY inside ARRAY_TO_STRING(ARRAY_AGG(x ORDER BY ...), sep), or None for any other node."""
    if isinstance(node, exp.ArrayToString) and isinstance(node.this, exp.ArrayAgg):
        inner = node.this.this
        return inner if isinstance(inner, exp.Order) else None
    return None


def _spark(node: exp.Expression) -> exp.Expression:
    """Spark's exact median is PERCENTILE(x, q) (its PERCENTILE_CONT takes only WITHIN GROUP), and its
    COLLECT_LIST has no order: an ordered, joined ARRAY_AGG becomes LISTAGG(...) WITHIN GROUP (ORDER BY ...).
    Times are UNIX_MICROS: UNIX_TIMESTAMP would compare whole seconds and reorder events within one."""
    node = _micros(node, _unix_micros)
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    order = _ordered_array(node)
    if order is not None:
        text = exp.Order(this=exp.cast(order.this.copy(), "VARCHAR"), expressions=[o.copy() for o in order.expressions])
        return exp.GroupConcat(this=text, separator=node.expression.copy())
    return node


def _bigquery(node: exp.Expression) -> exp.Expression:
    """BigQuery: times are UNIX_MICROS, and ARRAY_TO_STRING takes only strings."""
    node = _micros(node, _unix_micros)
    order = _ordered_array(node)
    if order is not None:
        order.set("this", exp.cast(order.this.copy(), "VARCHAR"))
    return node


# Each dialect SQLGlot writes for us, with the rewrites its SQL needs beyond SQLGlot's own.
DIALECTS: dict[str, Callable[[exp.Expression], exp.Expression] | None] = {
    "spark": _spark,
    "databricks": _spark,
    "bigquery": _bigquery,
    "snowflake": _snowflake,
    "trino": _trino,
    "duckdb": None,
}
# Dialects without an exact median: the script always uses approximate quantiles there.
APPROXIMATE_ONLY = ("trino",)


def emit_statements(
    model: MapModel, digest: str, settings: Settings, dialect: str, events_table: str, top_variants: int,
    approximate: bool,
) -> list[str]:  # fmt: skip
    """Every statement of the script, in order, written in ``dialect``."""
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect '{dialect}'; choose from: {', '.join(DIALECTS)}")
    approximate = approximate or dialect in APPROXIMATE_ONLY
    fix = DIALECTS[dialect]
    out = parameter_sql(model, settings, dialect)
    try:
        source = exp.to_table(events_table)
    except sqlglot.errors.ParseError:
        raise ConfigError(f"--events-table: '{events_table}' is not a table name") from None
    columns = ", ".join(("case_id", "ts", "event", "channel", "source"))
    view = f"CREATE VIEW cjm_events AS SELECT {columns} FROM {source.sql('duckdb')}"
    out.append(_write(view, dialect, fix))
    for step in statements(model, top_variants, approximate):
        out.append(_write(f"CREATE {'VIEW' if step.view else 'TABLE'} {step.table} AS {step.sql}", dialect, fix))
    meta = exp.select(
        exp.alias_(exp.Literal.string(digest), "map_sha256"),
        exp.alias_(_number(settings.gap_days), "gap_days"),
        exp.alias_(exp.Literal.number(settings.window_days), "window_days"),
        exp.alias_(exp.Literal.number(top_variants), "top_variants"),
        exp.alias_(exp.Literal.string("approximate" if approximate else "exact"), "quantiles"),
    )
    out.append(_write(f"CREATE TABLE cjm_meta AS {meta.sql('duckdb')}", dialect, fix))
    return out


def _number(value: float | None) -> exp.Expression:
    return exp.cast(exp.null(), "DOUBLE") if value is None else exp.Literal.number(value)


def _write(sql: str, dialect: str, fix: Callable[[exp.Expression], exp.Expression] | None) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb")
    if fix is not None:
        tree = tree.transform(fix)
    return tree.sql(dialect=dialect, pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)


def script(statements_sql: list[str], dialect: str, events_table: str, map_id: str) -> str:
    """The statements as one script with a header saying what goes in and what comes out."""
    header = [
        f"-- cjm evidence analysis of journey '{map_id}', written for {dialect} by SQLGlot.",
        f"-- Input: {events_table}(case_id, ts, event, channel, source): one row per event; ts a timestamp in UTC.",
        "-- Output: export these tables as CSV or Parquet into one folder, named after the table,",
        f"--   then run: cjm evidence check MAP --aggregates FOLDER. Tables: {', '.join(RESULT_TABLES)}, cjm_meta.",
    ]
    return "\n".join(header) + "\n\n" + ";\n\n".join(statements_sql) + ";\n"
