"""Reporters turn a Report into text on a stream; the registry is this dict."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cjm.diagnostics import Diagnostic, Related, Report, Severity


@dataclass(frozen=True)
class ReportOptions:
    """How to report: the folder paths are relative to, what fails the run, and what to leave out."""

    root: Path | None = None  # repository root for the CI formats; None keeps paths as given
    failing: Severity = Severity.ERROR
    quiet: bool = False
    statistics: bool = False
    colour: bool | None = None  # None: the text reporter decides from its stream (a terminal, NO_COLOR, ...)


Reporter = Callable[[Report, TextIO, ReportOptions], None]


def relative(path: str, root: Path | None) -> str:
    """``path`` relative to ``root`` with '/' separators, as CI systems want; unchanged when outside it."""
    if root is None or path.startswith("<"):
        return path.replace(os.sep, "/")
    absolute = os.path.abspath(path)
    try:
        inside = os.path.commonpath([absolute, str(root)]) == str(root)
    except ValueError:
        inside = False
    return (os.path.relpath(absolute, root) if inside else path).replace(os.sep, "/")


def see_also(related: Related, d: Diagnostic, root: Path | None = None) -> str:
    """A related place in words, for formats with one location per finding: "related: line 22, column 16: ..."."""
    where = f"line {related.span.line}, column {related.span.column}"
    if related.path != d.path:
        where = f"{relative(related.path, root)}, {where}"
    return f"related: {where}: {related.message}"


def _lazy(module: str, function: str) -> Reporter:
    """A reporter that imports its module on first use, so start-up loads only the one a run asks for."""

    def report(report: Report, stream: TextIO, options: ReportOptions) -> None:
        import importlib

        getattr(importlib.import_module(module), function)(report, stream, options)

    return report


REPORTERS: Mapping[str, Reporter] = {
    "text": _lazy("cjm.reporters.text", "report_text"),
    "json": _lazy("cjm.reporters.json", "report_json"),
    "github": _lazy("cjm.reporters.github", "report_github"),
    "sarif": _lazy("cjm.reporters.sarif", "report_sarif"),
    "junit": _lazy("cjm.reporters.junit", "report_junit"),
    "gitlab": _lazy("cjm.reporters.gitlab", "report_gitlab"),
}
CI_FORMATS = frozenset({"github", "sarif", "junit", "gitlab"})  # paths relative to the repository root


def statistics(report: Report) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count) per rule, most frequent first."""
    counts: dict[tuple[str, str, str], int] = {}
    for d in report.diagnostics:
        k = (d.code, d.name, d.severity.value)
        counts[k] = counts.get(k, 0) + 1
    return sorted(((*k, n) for k, n in counts.items()), key=lambda row: (-row[3], row[0]))
