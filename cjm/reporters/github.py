"""GitHub Actions workflow commands: a summary line, then one ``::error``/``::warning``/``::notice`` per finding."""

from __future__ import annotations

from typing import TextIO

from cjm.diagnostics import Diagnostic, Report, Severity
from cjm.escape import github_data as escape_data
from cjm.escape import github_property as escape_property
from cjm.reporters import ReportOptions, relative, see_also

__all__ = ["annotation", "escape_data", "escape_property", "report_github", "summary"]

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def annotation(d: Diagnostic, options: ReportOptions) -> str:
    """One finding as a workflow command."""
    props = [
        ("file", relative(d.path, options.root)),
        ("line", str(d.span.line)),
        ("col", str(d.span.column)),
        ("endLine", str(d.span.end_line)),
    ]
    if d.span.end_line == d.span.line:
        props.append(("endColumn", str(d.span.end_column)))
    props.append(("title", f"{d.code} {d.name}"))
    related = "".join(f"\n{see_also(r, d, options.root)}" for r in d.related)
    body = d.message + related + (f"\nhint: {d.hint}" if d.hint else "")
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_COMMANDS[d.severity]} {rendered}::{escape_data(body)}"


def summary(report: Report) -> str:
    """The one-line outcome, printed first because GitHub shows only the first annotations of a step."""
    counts = report.counts()
    files = len(report.files)
    checked = f"{files} file{'' if files == 1 else 's'} checked"
    if not any(counts.values()):
        return f"cjm: no findings ({checked})"
    parts = [f"{counts[s]} {s}{'' if counts[s] == 1 else 's'}" for s in ("error", "warning", "info") if counts[s]]
    return f"cjm: {', '.join(parts)} ({checked})"


def report_github(report: Report, stream: TextIO, options: ReportOptions) -> None:
    """Write the summary (unless quiet), then every finding as an annotation."""
    if not options.quiet:
        stream.write(summary(report) + "\n")
    for d in report.diagnostics:
        stream.write(annotation(d, options) + "\n")
