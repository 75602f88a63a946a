"""The terminal report: ``path:line:col: CODE severity message``, a code frame, a hint, a summary."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

from cjm.diagnostics import Diagnostic, Report, Severity, Span
from cjm.escape import visible as safe  # one line per value: a newline in a path cannot forge a result line
from cjm.reporters import ReportOptions, statistics

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_OFF = ("0", "false", "no", "off")


def use_colour(stream: TextIO, choice: str = "auto") -> bool:
    """Whether to colour ``stream``: ``--color always|never``, else the environment, else whether it is a terminal.

    As the community conventions say (no-color.org, force-color.org, and
    CPython's own order): a non-empty ``NO_COLOR`` turns colour off; a
    non-empty ``FORCE_COLOR`` turns it on, except ``0`` or ``false``, which
    turn it off (as Node's tools read it); ``TERM=dumb`` turns it off; then
    colour only on a terminal. ``--color`` overrides all of them.
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force:
        return force.strip().lower() not in _OFF
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Style:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def _frame(span: Span, source: str, style: _Style, colour: str) -> list[str]:
    line = safe(source.expandtabs(1))
    width = len(str(span.line))
    gutter = " " * max(width, 4)
    start = max(span.column, 1)
    end = span.end_column if span.end_line == span.line else len(line)
    length = max(1, min(end, len(line)) - start + 1)
    return [
        f"{style('2', f'{span.line:>{len(gutter)}} |')} {line}",
        f"{style('2', f'{gutter} |')} {' ' * (start - 1)}{style(colour, '^' * length)}",
    ]


def format_diagnostic(
    d: Diagnostic, source: str | None, style: _Style, lines: Mapping[int, str] | None = None
) -> list[str]:
    """The lines that show one diagnostic: head, code frame, each related place with its frame, hint.

    ``lines`` holds the file's source lines by number, for the frames of related places.
    """
    head = (
        f"{style('1', f'{safe(d.path)}:{d.span.line}:{d.span.column}:')} "
        f"{style('1', d.code)} {style(_COLOURS[d.severity], d.severity.value)} {safe(d.message)}"
    )
    out = [head]
    if source is not None and source.strip():
        out.extend(_frame(d.span, source, style, _COLOURS[d.severity]))
    for related in d.related:
        where = f"{safe(related.path)}:{related.span.line}:{related.span.column}:"
        out.append(f"  {style('36', 'related:')} {where} {safe(related.message)}")
        other = (lines or {}).get(related.span.line) if related.path == d.path else None
        if other is not None and other.strip():
            out.extend(_frame(related.span, other, style, "36"))
    if d.hint:
        out.append(f"  {style('32', 'hint:')} {safe(d.hint)}")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def statistics_lines(report: Report) -> list[str]:
    """One line per rule: count, code, name and severity, most frequent first."""
    rows = statistics(report)
    width = max((len(str(n)) for *_, n in rows), default=1)
    return [f"{n:>{width}}  {code}  {name:<26} {severity}" for code, name, severity, n in rows]


def report_text(report: Report, stream: TextIO, options: ReportOptions | None = None) -> None:
    """Write every finding with its code frame (or, with --statistics, counts per rule), then a summary."""
    options = options or ReportOptions()
    style = _Style(use_colour(stream) if options.colour is None else options.colour)
    if options.statistics:
        lines = statistics_lines(report)
        stream.write("".join(line + "\n" for line in lines) + ("\n" if lines else ""))
    else:
        for file in report.files:
            for d in file.diagnostics:
                shown = format_diagnostic(d, file.lines.get(d.span.line), style, file.lines)
                stream.write("\n".join(shown) + "\n\n")
    if options.quiet:
        return
    counts = report.counts()
    files = len(report.files)
    muted = f", {report.suppressed} suppressed" if report.suppressed else ""
    if not any(counts.values()):
        stream.write(style("32", f"All good: {_plural(files, 'file')} checked{muted}, no findings.") + "\n")
        return
    parts = [_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s]]
    with_findings = sum(1 for f in report.files if f.diagnostics)
    stream.write(
        f"Found {', '.join(parts)} in {_plural(with_findings, 'file')} ({_plural(files, 'file')} checked{muted}).\n"
    )
