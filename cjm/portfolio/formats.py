"""`cjm report` tables (opportunities, pains, owners) as Markdown, CSV or JSON: same input, same bytes.

Each report is one table of plain values; a format writes any table. Text from journey files is made
safe for where it goes: Markdown cells are inert (:func:`cjm.escape.markdown_inline`), CSV cells never
start a spreadsheet formula and never hold a control character, JSON escapes what a terminal would obey.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cjm.escape import json_text, markdown_inline, spreadsheet_text, visible
from cjm.model import Journey
from cjm.portfolio.backlog import Reach, backlog
from cjm.portfolio.tables import owner_rows, pain_rows

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One report: a title, column names (also the JSON keys) and rows of plain values."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def opportunities(journeys: Sequence[Journey], evidence: Mapping[str, Reach]) -> Table:
    """The backlog across journeys, best score first, with every factor of the score."""
    rows = tuple(
        (
            o.rank, o.score, o.text, o.journey_id, o.stage, o.action, o.id, o.owner, o.impact, o.effort,
            "; ".join(o.addresses), o.pain, o.impact_points, o.effort_points, o.reached, o.reach,
        )
        for o in backlog(journeys, evidence)
    )  # fmt: skip
    columns = (
        "rank", "score", "opportunity", "journey", "stage", "action", "id", "owner", "impact", "effort",
        "addresses", "pain", "impact_points", "effort_points", "customers_reached", "reach",
    )  # fmt: skip
    note = (
        "score = pain x impact / effort x reach. pain: severity points of the pain points addressed "
        "(low 1, medium 2, high 3, critical 4; none addressed counts 1); impact and effort: low 1, medium 2, "
        "high 3 (medium when not given); reach: 1 + share of the evidence report's customers who reached "
        "the place, 1 without evidence."
    )
    return Table("opportunities", "Opportunity backlog across journeys", columns, rows, note)


def pains(journeys: Sequence[Journey], evidence: Mapping[str, Reach]) -> Table:
    """Every pain point, once per touchpoint and department of the action that holds it."""
    rows = tuple(
        (r.touchpoint, r.channel, r.department, r.severity, r.text, r.journey_id, r.stage, r.action, r.id, r.owner,
         r.evidence)
        for r in pain_rows(journeys)
    )  # fmt: skip
    columns = (
        "touchpoint", "channel", "department", "severity", "pain_point", "journey", "stage", "action", "id",
        "owner", "evidence",
    )  # fmt: skip
    note = "One row per pain point, touchpoint and department: a pain at two touchpoints is two rows."
    return Table("pains", "Pain points by touchpoint and department", columns, rows, note)


def owners(journeys: Sequence[Journey], evidence: Mapping[str, Reach]) -> Table:
    """Who owns what across journeys: journeys, pain points, opportunities, touchpoints, backstage processes."""
    rows = tuple(
        (o.owner, "; ".join(o.journeys), o.pain_points, o.severe, o.opportunities, "; ".join(o.touchpoints),
         "; ".join(o.backstage))
        for o in owner_rows(journeys)
    )  # fmt: skip
    columns = ("owner", "journeys", "pain_points", "high_or_critical", "opportunities", "touchpoints", "backstage")
    return Table("owners", "Owners across journeys", columns, rows)


REPORTS: dict[str, Callable[[Sequence[Journey], Mapping[str, Reach]], Table]] = {
    "opportunities": opportunities,
    "pains": pains,
    "owners": owners,
}


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def csv_cell(value: Cell) -> str:
    """A CSV cell: numbers as written, text with control characters made visible and formulas defused."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return _number(value)
    return visible(spreadsheet_text(value))


def to_csv(table: Table) -> str:
    """The table as CSV with a header row (RFC 4180 quoting, LF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([csv_cell(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def to_markdown(table: Table) -> str:
    """The table as a GitHub-flavoured Markdown section: a heading, the note, the table."""
    lines = [f"## {table.title}", ""]
    if table.note:
        lines += [table.note, ""]
    if not table.rows:
        return "\n".join([*lines, "_Nothing to report._"]) + "\n"
    lines.append("| " + " | ".join(table.columns) + " |")
    lines.append("|" + "|".join("--:" if _numeric(table, i) else "---" for i in range(len(table.columns))) + "|")
    for row in table.rows:
        cells = [_number(v) if isinstance(v, int | float) else markdown_inline(v or "") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _numeric(table: Table, column: int) -> bool:
    values = [row[column] for row in table.rows if row[column] is not None]
    return bool(values) and all(isinstance(v, int | float) for v in values)


def to_json(table: Table) -> str:
    """The table as JSON: ``{"version": 1, "report": NAME, "rows": [{column: value}]}``."""
    payload: dict[str, Any] = {
        "version": 1,
        "report": table.name,
        "rows": [dict(zip(table.columns, row, strict=True)) for row in table.rows],
    }
    if table.note:
        payload["note"] = table.note
    return json_text(payload) + "\n"


FORMATS: dict[str, Callable[[Table], str]] = {
    "md": to_markdown,
    "markdown": to_markdown,
    "csv": to_csv,
    "json": to_json,
}
