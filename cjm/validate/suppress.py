"""Inline suppression: ``# cjm: ignore[CODE,...]`` for a line, ``# cjm: ignore-file[CODE,...]`` for a file.

Comments are found with YAML's rule: ``#`` at the start of a line or after
whitespace, outside quotes. A directive inside a block scalar (``|``, ``>``)
is text, not a comment, to YAML; cjm reads it as a directive all the same,
which only matters for a journey that quotes this syntax in a description.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cjm.diagnostics import CORE_CODES, Diagnostic, Severity, Span, closest
from cjm.validate.yaml_reader import split_lines

_DIRECTIVE = re.compile(r"#\s*cjm:\s*(ignore-file|ignore)\s*\[([^\]]*)\]")
_UNUSED = "CJM100"


@dataclass(frozen=True)
class Directive:
    """One ignore comment: where it stands, whether it covers the file, and the rules it names."""

    span: Span
    file_wide: bool
    refs: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"ignore{'-file' if self.file_wide else ''}[{', '.join(self.refs)}]"


def _comment_start(line: str) -> int | None:
    """The index of the '#' that starts a YAML comment on ``line``, or None."""
    quote: str | None = None
    i = 0
    while i < len(line):
        char = line[i]
        if quote == "'" and char == "'":
            if line[i + 1 : i + 2] == "'":  # '' is an escaped quote
                i += 2
                continue
            quote = None
        elif quote == '"' and char == "\\":
            i += 2
            continue
        elif quote == '"' and char == '"':
            quote = None
        elif quote is None and char in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif quote is None and char == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def directives(text: str) -> list[Directive]:
    """Every ignore directive in ``text``, in file order."""
    if not _DIRECTIVE.search(text):  # one pass over the text: most files have no directive at all
        return []
    out = []
    for number, line in enumerate(split_lines(text), start=1):
        if "cjm:" not in line:
            continue
        start = _comment_start(line)
        if start is None:
            continue
        for match in _DIRECTIVE.finditer(line, start):
            refs = tuple(r.strip() for r in match.group(2).split(",") if r.strip())
            span = Span(number, match.start() + 1, number, match.end())
            out.append(Directive(span, match.group(1) == "ignore-file", refs))
    return out


@dataclass(frozen=True)
class Suppressed:
    """The findings left after inline ignores, how many were silenced, and the ignores that did nothing."""

    kept: tuple[Diagnostic, ...]
    suppressed: int
    unused: tuple[Diagnostic, ...]


def apply(
    path: str,
    findings: Iterable[Diagnostic],
    found: list[Directive],
    codes: Mapping[str, str],
    unused_severity: Severity | None,
) -> Suppressed:
    """Drop the rule findings the directives silence; report directives that silence nothing.

    ``codes`` maps every rule code and name to its code; ``unused_severity``
    is CJM100's severity, or None when CJM100 is off for this file.
    """
    resolved = [(d, [(ref, codes.get(ref.upper()) or codes.get(ref)) for ref in d.refs]) for d in found]
    used: set[tuple[int, str]] = set()
    kept: list[Diagnostic] = []
    silenced = 0
    for finding in findings:
        hit = next(
            (
                (i, code)
                for i, (d, refs) in enumerate(resolved)
                for _, code in refs
                if code == finding.code and (d.file_wide or d.span.line == finding.span.line)
            ),
            None,
        )
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit)
            silenced += 1
    unused: list[Diagnostic] = []
    if unused_severity is not None:
        for i, (d, refs) in enumerate(resolved):
            for ref, code in refs:
                if code is None or (i, code) not in used:
                    message, hint = _why_unused(d, ref, code, codes)
                    unused.append(Diagnostic(path, d.span, _UNUSED, "unused-ignore", unused_severity, message, hint))
    return Suppressed(tuple(kept), silenced, tuple(unused))


def _why_unused(d: Directive, ref: str, code: str | None, codes: Mapping[str, str]) -> tuple[str, str | None]:
    if code is None and ref.upper() in CORE_CODES:
        return f"{ref.upper()} is a core error and cannot be ignored", "fix the error instead, and remove the comment"
    if code is None:
        best = closest(ref.upper() if ref[:3].upper() == "CJM" else ref, list(codes))
        return f"unknown rule '{ref}' in {d.label}", (
            f"did you mean '{best}'?" if best else "run 'cjm rules' for the list"
        )
    where = "in this file" if d.file_wide else "on this line"
    return f"{d.label} suppresses no {code} finding {where}", f"remove {code} from the comment"
