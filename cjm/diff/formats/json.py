"""The JSON diff: the spec's object per file, with a stable fingerprint on every change."""

from __future__ import annotations

from typing import Any

from cjm.diff.portfolio import portfolio_changes
from cjm.diff.report import DiffReport, FileDiff
from cjm.escape import json_text

VERSION = 1


def file_object(diff: FileDiff) -> dict[str, Any]:
    """``{"version", "old", "new", "status", "changes", "summary"}`` for one file."""
    return {
        "version": VERSION,
        "old": diff.old_path,
        "new": diff.new_path,
        "status": diff.status,
        "changes": [c.to_dict() for c in diff.changes],
        "summary": diff.summary.to_dict(),
    }


def format_json(report: DiffReport) -> str:
    """One file object for a two-file diff; for ``--base`` an object listing one file object per changed file."""
    if report.base is None and len(report.files) == 1:
        data = file_object(report.files[0])
    else:
        impacts = {
            k: sum(f.summary.impacts.get(k, 0) for f in report.files) for k in ("positive", "negative", "neutral")
        }
        data = {
            "version": VERSION,
            "base": report.base,
            "files": [file_object(f) for f in report.files],
            "summary": {"files": len(report.files), "changes": len(report.changes), "impact": impacts},
        }
        if report.base is not None:
            data["portfolio"] = portfolio_changes(report).to_dict()
    return json_text(data) + "\n"
