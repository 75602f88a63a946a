"""`-o DIR`: the report as evidence.json, its tables as CSV, and the aggregate tables to rebuild it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from cjm.evidence.analysis import RESULT_TABLES
from cjm.evidence.formats import render_json
from cjm.evidence.model import EvidenceReport
from cjm.evidence.outcomes import OUTCOME_TABLES
from cjm.output import write_atomic

# Each CSV table: the report list it comes from and its columns (lists and maps are joined as text).
CSV_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "touchpoints.csv": ("touchpoints", ("id", "status", "events", "cases", "rework", "declared_channel", "channels",
                                        "stages", "name")),
    "stages.csv": ("stages", ("id", "name", "status", "partly_verifiable", "reached_journeys", "reached_cases",
                              "entered_journeys", "continued_journeys", "ended_journeys", "median_hours_in_stage",
                              "skipped_journeys", "skipped_share")),
    "funnel.csv": ("funnel", ("id", "journeys", "cases", "conversion", "median_hours_from_previous")),
    "transitions.csv": ("transitions", ("kind", "from_stage", "to_stage", "count", "cases", "skipped")),
    "edges.csv": ("edges", ("from", "to", "count", "cases", "median_hours")),
    "variants.csv": ("variants", ("journeys", "cases", "path")),
    "unmapped.csv": ("unmapped", ("event", "events", "cases", "between")),
    "findings.csv": ("findings", ("severity", "kind", "message", "ids")),
}  # fmt: skip


# A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection): event names and
# messages come from the data, so such a cell is prefixed with an apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, dict):
        text = ";".join(f"{k}={v}" for k, v in value.items())
    elif isinstance(value, list):
        text = ">".join("" if v is None else str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


DRIVER_COLUMNS = ("outcome", "label", "with_feature", "with_feature_in_class", "without_feature",
                  "without_feature_in_class", "rate_with", "rate_without", "lift", "difference", "p_value", "q_value",
                  "test", "driver", "precondition")  # fmt: skip
AT_RISK_COLUMNS = ("case_id", "journey", "current_stage", "days_in_stage", "score", "reasons")


def write_report_folder(folder: str, report: EvidenceReport, aggregates: dict[str, list[tuple[Any, ...]]] | None,
                  meta: dict[str, Any], at_risk: list[dict[str, Any]] | None = None) -> list[str]:  # fmt: skip
    """Write every output file atomically; returns the paths written (drivers.csv and at_risk.csv with outcomes)."""
    base = Path(folder)
    written = []
    write_atomic(base / "evidence.json", render_json(report))
    written.append(str(base / "evidence.json"))
    data = report.to_json()
    for name, (key, columns) in CSV_TABLES.items():
        rows = [[_cell(item.get(c)) for c in columns] for item in data[key]]
        write_atomic(base / name, _csv(columns, rows))
        written.append(str(base / name))
    if "outcomes" in data:
        rows = [[_cell(d.get(c)) for c in DRIVER_COLUMNS] for d in data["outcomes"]["drivers"]]
        write_atomic(base / "drivers.csv", _csv(DRIVER_COLUMNS, rows))
        written.append(str(base / "drivers.csv"))
    if "at_risk" in data:
        rows = [[_cell("; ".join(r[c]) if c == "reasons" else r[c]) for c in AT_RISK_COLUMNS] for r in at_risk or []]
        write_atomic(base / "at_risk.csv", _csv(AT_RISK_COLUMNS, rows))
        written.append(str(base / "at_risk.csv"))
    if aggregates is not None:
        present = {t: c for t, c in OUTCOME_TABLES.items() if t in aggregates}  # with --outcome
        for table, columns in {**RESULT_TABLES, **present}.items():
            path = base / "aggregates" / f"{table}.csv"
            write_atomic(path, _csv(columns, [list(r) for r in aggregates.get(table, [])]))
            written.append(str(path))
        path = base / "aggregates" / "cjm_meta.csv"
        write_atomic(
            path, _csv(tuple(meta), [[json.dumps(v) if isinstance(v, (dict, list)) else v for v in meta.values()]])
        )
        written.append(str(path))
    return written
