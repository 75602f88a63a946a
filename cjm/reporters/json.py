"""The machine-readable report: one JSON object, exactly as the CLI spec defines it."""

from __future__ import annotations

from typing import Any, TextIO

from cjm.diagnostics import Diagnostic, Report
from cjm.escape import json_text
from cjm.reporters import ReportOptions, statistics


def finding(d: Diagnostic) -> dict[str, Any]:
    """One finding as the spec's JSON object."""
    return {
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "rule": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
        "related": [
            {
                "path": r.path,
                "line": r.span.line,
                "column": r.span.column,
                "end_line": r.span.end_line,
                "end_column": r.span.end_column,
                "message": r.message,
            }
            for r in d.related
        ],
    }


def report_json(report: Report, stream: TextIO, options: ReportOptions | None = None) -> None:
    """Write ``{"version", "files", "findings", "summary"}``; nothing else goes to the stream.

    ``--statistics`` adds ``"statistics": [{"rule", "name", "severity", "count"}]``.
    """
    payload: dict[str, Any] = {
        "version": 1,
        "files": len(report.files),
        "findings": [finding(d) for d in report.diagnostics],
        "summary": report.counts(),
    }
    if options is not None and options.statistics:
        payload["statistics"] = [
            {"rule": code, "name": name, "severity": severity, "count": n}
            for code, name, severity, n in statistics(report)
        ]
    stream.write(json_text(payload) + "\n")  # the data exact; no raw control or bidi character
