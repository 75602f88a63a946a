"""`cjm evidence sql`: the same analysis as a script for a warehouse or Spark, transpiled by SQLGlot.

The script creates the parameter tables (the map as numbers), a view
``cjm_events`` over the team's own events table, runs every statement of
:mod:`cjm.evidence.analysis`, and leaves the result tables (plus ``cjm_meta``)
to export as CSV or Parquet into a folder for ``cjm evidence check --aggregates DIR``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlglot
from sqlglot import exp

from cjm.errors import ConfigError
from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.matching import MapModel
from cjm.evidence.measures import PARAMETER_TABLES as MEASURE_PARAMETERS
from cjm.evidence.measures import Measures, parameter_rows, with_measures_and_outcomes
from cjm.evidence.outcomes import PARAMETER_TABLES as OUTCOME_PARAMETERS
from cjm.evidence.outcomes import OutcomeSpec
from cjm.evidence.tables import PARAMETER_TABLES, Settings, parameter_sql, table_sql


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


# Dialects whose views can be temporary (session-scoped): a permanent view cannot read a temporary one, and
# pyspark users hand their events over as a temporary view.
TEMPORARY_VIEWS = ("spark", "databricks")
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_TABLE_NAME = re.compile(r"[A-Za-z_][\w$-]{0,127}(\.[A-Za-z_][\w$-]{0,127}){0,3}", re.ASCII)


def emit_statements(
    model: MapModel, digest: str, settings: Settings, dialect: str, events_table: str, top_variants: int,
    approximate: bool, prefix: str = "", outcomes: OutcomeSpec | None = None, measures: Measures = Measures(),
) -> list[str]:  # fmt: skip
    """Every statement of the script, in order, written in ``dialect``.

    The script can run again in the same schema: each table is dropped before it is created (views are
    replaced), and ``prefix`` namespaces every table it creates, so several analyses can share a schema.
    With ``measures.surveys`` the events table has a ``score`` column, read as text as DuckDB reads it.
    """
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect '{dialect}'; choose from: {', '.join(DIALECTS)}")
    if prefix and not _PREFIX.match(prefix):
        raise ConfigError(f"--prefix: '{prefix}' is not a table-name prefix; use letters, digits and _ (e.g. team_a_)")
    approximate = approximate or dialect in APPROXIMATE_ONLY
    fix = DIALECTS[dialect]
    steps = with_measures_and_outcomes(statements(model, top_variants, approximate), measures, outcomes is not None,
                                       approximate)  # fmt: skip
    ours = {*PARAMETER_TABLES, *OUTCOME_PARAMETERS, *MEASURE_PARAMETERS, "cjm_events", "cjm_meta",
            *(step.table for step in steps)}  # fmt: skip
    if not _TABLE_NAME.fullmatch(events_table):  # it is also written into the script's header comment
        raise ConfigError(
            f"--events-table: {events_table!r} is not a table name: use letters, digits, _, - and $, "
            "with up to three dots (catalog.schema.table)"
        )
    try:
        source = exp.to_table(events_table)
    except sqlglot.errors.ParseError:
        raise ConfigError(f"--events-table: '{events_table}' is not a table name") from None
    if not source.db and source.name in ours | {prefix + name for name in ours}:
        raise ConfigError(f"--events-table: '{events_table}' is a table the script itself creates; "
                          "name your events table, or pass --prefix")  # fmt: skip

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.db and node.name in ours:
            renamed = node.copy()  # keeps its alias
            renamed.set("this", exp.to_identifier(prefix + node.name))
            return renamed
        return node

    def create(kind: str, name: str, query: str) -> list[str]:
        temporary = kind == "VIEW" and dialect in TEMPORARY_VIEWS
        head = "CREATE OR REPLACE TEMPORARY VIEW" if temporary else f"CREATE {kind}"
        tree = sqlglot.parse_one(f"{head} {name} AS {query}", read="duckdb")
        tree = tree.transform(rename)
        drop = [] if temporary else [_drop(kind, prefix + name, dialect)]
        return [*drop, _render(tree, dialect, fix)]

    out = []
    tables = parameter_sql(model, settings, dialect, prefix)
    if outcomes is not None:
        tables += [table_sql(n, OUTCOME_PARAMETERS[n], r, dialect, prefix) for n, r in outcomes.rows().items()]
    if measures.wanted():
        rows = parameter_rows(model, measures).items()
        tables += [table_sql(n, MEASURE_PARAMETERS[n], r, dialect, prefix) for n, r in rows]
    for name, sql in tables:
        out += [_drop("TABLE", name, dialect), *sql]
    # A score is text, trimmed, empty as missing: as DuckDB's reader gives it, whatever the table's type.
    score = ["NULLIF(TRIM(CAST(score AS VARCHAR)), '') AS score"] if measures.surveys else []
    columns = ", ".join(("case_id", "ts", "event", "channel", "source", *score))
    out += create("VIEW", "cjm_events", f"SELECT {columns} FROM {source.sql('duckdb')}")
    for step in steps:
        out += create("VIEW" if step.view else "TABLE", step.table, step.sql)
    meta = exp.select(
        exp.alias_(exp.Literal.string(digest), "map_sha256"),
        exp.alias_(_number(settings.gap_days), "gap_days"),
        exp.alias_(exp.Literal.number(settings.window_days), "window_days"),
        exp.alias_(exp.Literal.number(top_variants), "top_variants"),
        exp.alias_(exp.Literal.string("approximate" if approximate else "exact"), "quantiles"),
    )
    out += create("TABLE", "cjm_meta", meta.sql("duckdb"))
    return out


def _drop(kind: str, name: str, dialect: str) -> str:
    return sqlglot.transpile(f"DROP {kind} IF EXISTS {name}", read="duckdb", write=dialect)[0]


def _number(value: float | None) -> exp.Expression:
    return exp.cast(exp.null(), "DOUBLE") if value is None else exp.Literal.number(value)


def _render(tree: exp.Expression, dialect: str, fix: Callable[[exp.Expression], exp.Expression] | None) -> str:
    if fix is not None:
        tree = tree.transform(fix)
    return tree.sql(dialect=dialect, pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)


def script(statements_sql: list[str], dialect: str, events_table: str, map_id: str, prefix: str = "",
           outcomes: bool = False, measures: Measures = Measures(), by: str | None = None) -> str:  # fmt: skip
    """The statements as one script with a header saying what goes in and what comes out."""
    from cjm.evidence.measures import PERIOD_OUTCOME_TABLES, result_tables
    from cjm.evidence.outcomes import OUTCOME_TABLES

    measured = result_tables(measures.surveys, measures.periods)
    per_period = PERIOD_OUTCOME_TABLES if outcomes and measures.periods else {}
    names = (*RESULT_TABLES, *(OUTCOME_TABLES if outcomes else ()), *measured, *per_period, "cjm_meta")
    tables = ", ".join(prefix + name for name in names)
    score = ", score" if measures.surveys else ""
    check = (" --outcome NAME=... (the same classes, in the same order)" if outcomes else "") + (
        f" --by {by}" if by else ""
    )
    header = [
        f"-- cjm evidence analysis of journey '{map_id}', written for {dialect} by SQLGlot.",
        f"-- Input: {events_table}(case_id, ts, event, channel, source{score}): one row per event; ts a timestamp "
        "in UTC" + ("; score the survey answer." if score else "."),
        "-- It can run again in the same schema: every table it creates is dropped first (views are replaced).",
        "-- Output: export these tables as CSV or Parquet into one folder, each named after the table"
        + (f" without the prefix {prefix}" if prefix else "")
        + ",",
        f"--   then run: cjm evidence check MAP --aggregates FOLDER{check}. Tables: {tables}.",
    ]
    return "\n".join(header) + "\n\n" + ";\n\n".join(statements_sql) + ";\n"
