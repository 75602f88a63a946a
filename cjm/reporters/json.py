"""The machine-readable report: one JSON object, exactly as the CLI spec defines it."""

from __future__ import annotations

import json
from typing import Any, TextIO

from cjm.diagnostics import Diagnostic, Report


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
    }


def report_json(report: Report, stream: TextIO) -> None:
    """Write ``{"version", "files", "findings", "summary"}``; nothing else goes to the stream."""
    payload = {
        "version": 1,
        "files": len(report.files),
        "findings": [finding(d) for d in report.diagnostics],
        "summary": report.counts(),
    }
    json.dump(payload, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
