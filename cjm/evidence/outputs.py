"""`-o DIR`: the report as evidence.json, its tables as CSV, and the aggregate tables to rebuild it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from cjm.escape import spreadsheet_text
from cjm.evidence.aggregates import optional_tables
from cjm.evidence.analysis import RESULT_TABLES
from cjm.evidence.formats import render_json
from cjm.evidence.model import EvidenceReport
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
    return spreadsheet_text(text)  # event names and messages come from the data


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
SURVEY_COLUMNS = ("metric", "kind", "stage", "value", "low", "high", "responses", "current", "target", "unusable")
# One row per period and figure (tidy, for a spreadsheet's pivot table): reach per stage, fitness, unmapped share,
# outcome rates and survey scores, each with the count it rests on.
PERIOD_COLUMNS = ("period", "start", "figure", "id", "value", "count")


def survey_rows(report: EvidenceReport) -> list[list[Any]]:
    """Each measured metric overall (stage empty) and per stage."""
    rows: list[list[Any]] = []
    for m in report.surveys.metrics if report.surveys else []:
        rows.append([m.id, m.kind, "", m.overall.value, m.overall.low, m.overall.high, m.overall.responses,
                     m.current, m.target, m.unusable])  # fmt: skip
        rows += [[m.id, m.kind, s.stage or "(before the first step)", s.value, s.low, s.high, s.responses, "", "", ""]
                 for s in m.by_stage]  # fmt: skip
    return rows


def period_rows(report: EvidenceReport) -> list[list[Any]]:
    """The figures of ``--by``, one row per period and figure."""
    if report.periods is None:
        return []
    rows: list[list[Any]] = []
    for p in report.periods.periods:
        rows.append([p.period, p.start, "journeys", "", p.journeys, p.journeys])
        rows.append([p.period, p.start, "fitness", "", p.fitness, p.moves])
        rows.append([p.period, p.start, "unmapped_share", "", p.unmapped_share, p.events])
        rows += [[p.period, p.start, "reach", stage, figures.share, figures.reached]
                 for stage, figures in p.stages.items()]  # fmt: skip
        rows += [[p.period, p.start, "outcome", name, c.count / c.journeys if c.journeys else None, c.journeys]
                 for name, c in p.outcomes.items()]  # fmt: skip
    starts = {p.period: p.start for p in report.periods.periods}
    for metric, answers in report.periods.surveys.items():
        rows += [[a.period, starts.get(a.period, ""), "survey", metric, a.value, a.responses] for a in answers]
    return rows


def write_report_folder(folder: str, report: EvidenceReport, aggregates: dict[str, list[tuple[Any, ...]]] | None,
                  meta: dict[str, Any], at_risk: list[dict[str, Any]] | None = None) -> list[str]:  # fmt: skip
    """Write every output file atomically; returns the paths written.

    drivers.csv and at_risk.csv come with outcomes, surveys.csv with measured survey metrics, periods.csv with --by.
    """
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
    for name, columns, rows in (("surveys.csv", SURVEY_COLUMNS, survey_rows(report)),
                                 ("periods.csv", PERIOD_COLUMNS, period_rows(report))):  # fmt: skip
        if rows:
            write_atomic(base / name, _csv(columns, [[_cell(v) for v in row] for row in rows]))
            written.append(str(base / name))
    if aggregates is not None:
        present = {t: c for t, c in optional_tables().items() if t in aggregates}  # --outcome, surveys, --by
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
