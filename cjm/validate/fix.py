"""Fixes: the unambiguous corrections the validator's hints name, for ``cjm validate --fix`` and the editor.

A fix is offered only when the diagnostic's hint names exactly one change
and the text under the diagnostic is what it changes, so applying it
changes that one word and nothing else:

- CJM010 and CJM021 "did you mean 'x'?": an unknown key, an enum value out
  of its list, or an unknown reference with one close match becomes the
  match;
- CJM011 (a bare yes/no/on/off where text is expected) and CJM010 "quote it
  to make it text": the word is put in double quotes.

Fixes are edits of the file's text, as an editor applies them, never a
re-dump of the YAML: every comment, blank line, quote and indentation stays
exactly where it was (``cjm fmt`` is the command that changes layout). A
file whose fixed text would no longer read as YAML is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cjm.diagnostics import Diagnostic, Report, Span
from cjm.discovery import read_limited
from cjm.errors import ConfigError, InputError
from cjm.output import rewrite
from cjm.validate.loader import load_text
from cjm.validate.run import RunOptions, check
from cjm.validate.yaml_reader import Limits, parse_yaml
from cjm.workspace import Workspace

FIXABLE = ("CJM010", "CJM011", "CJM021")
MAX_PASSES = 5  # a fix can uncover another finding; a few passes reach the point where nothing is left to fix
_SUGGESTION = re.compile(r"^did you mean '([^']+)'\?")
_QUOTE = re.compile(r'quote it(?:, | to make it text: )"([^"\\]+)"$')
_WORD = re.compile(r"[\w-]+")
_PLAIN = re.compile(r"[^\s\"'\\#,\[\]{}]+(?: [^\s\"'\\#,\[\]{}]+)*")  # one line of plain scalar, safe to quote
_READ_FAILURES = ("CJM001", "CJM003", "CJM005")


@dataclass(frozen=True)
class Fix:
    """Replace the characters of ``span`` (1-based, end inclusive, one line) with ``text``."""

    title: str
    span: Span
    text: str
    diagnostic: Diagnostic


@dataclass(frozen=True)
class FileFix:
    """One file's fixes: its text before and after, and the fixes applied."""

    path: str
    before: str
    after: str
    applied: tuple[Fix, ...]


@dataclass(frozen=True)
class FixRun:
    """What ``--fix`` did: the fixes per file (over every pass) and the report of what remains."""

    files: tuple[FileFix, ...]
    report: Report

    @property
    def count(self) -> int:
        return sum(len(f.applied) for f in self.files)


def fix_for(diagnostic: Diagnostic, lines: Sequence[str]) -> Fix | None:
    """The correction a diagnostic's hint names, when it is unambiguous, else None."""
    span = diagnostic.span
    if diagnostic.code not in FIXABLE or not diagnostic.hint:
        return None
    if span.line != span.end_line or not 0 < span.line <= len(lines):
        return None
    line = lines[span.line - 1]
    start, end = span.column - 1, span.end_column  # 0-based, end exclusive
    word = line[start:end]
    quote = _QUOTE.search(diagnostic.hint)
    if quote is not None and diagnostic.code in ("CJM010", "CJM011"):
        raw = quote.group(1)
        if word != raw or not _PLAIN.fullmatch(raw):
            return None
        return Fix(f"Quote {raw} as text", Span(span.line, start + 1, span.line, end), f'"{raw}"', diagnostic)
    suggestion = _SUGGESTION.match(diagnostic.hint)
    if suggestion is None:
        return None
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        start, end, word = start + 1, end - 1, word[1:-1]
    if not _WORD.fullmatch(word) or word == suggestion.group(1):
        return None
    replacement = suggestion.group(1)
    return Fix(
        f"Change '{word}' to '{replacement}'", Span(span.line, start + 1, span.line, end), replacement, diagnostic
    )


def fixes(diagnostics: Sequence[Diagnostic], lines: Sequence[str], first: int = 1, last: int = 2**31) -> list[Fix]:
    """The fixes for the diagnostics on lines ``first``..``last`` (1-based; every line by default)."""
    out = []
    for diagnostic in diagnostics:
        if diagnostic.span.end_line < first or diagnostic.span.line > last:
            continue
        found = fix_for(diagnostic, lines)
        if found is not None:
            out.append(found)
    return out


def text_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML counts them (LF or CRLF ends a line), without their line ends."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def apply(text: str, found: Sequence[Fix]) -> tuple[str, tuple[Fix, ...]]:
    """``text`` with the fixes applied, last first; a fix overlapping one already applied is skipped."""
    lines = text.split("\n")
    applied: list[Fix] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for fix in sorted(found, key=lambda f: (f.span.line, f.span.column), reverse=True):
        start, end = fix.span.column - 1, fix.span.end_column
        if any(start < e and s < end for s, e in taken.get(fix.span.line, [])):
            continue
        line = lines[fix.span.line - 1]
        lines[fix.span.line - 1] = line[:start] + fix.text + line[end:]
        taken.setdefault(fix.span.line, []).append((start, end))
        applied.append(fix)
    return "\n".join(lines), tuple(reversed(applied))


def plan(report: Report, workspace: Workspace) -> list[FileFix]:
    """The fixes the report's findings allow, file by file, checked to leave each file readable YAML.

    Each file is read as the run read it (bounded, a regular file, no link out of the workspace).
    """
    limits = workspace.limits
    out = []
    for file in report.files:
        if not any(d.code in FIXABLE for d in file.diagnostics) or file.path.startswith("<"):
            continue
        try:
            data = read_limited(file.path, limits.max_bytes, workspace.root)
            if len(data) > limits.max_bytes:  # too large to read: its own finding says so, nothing to fix
                continue
            before = data.decode("utf-8")
        except (InputError, UnicodeDecodeError):
            continue
        after, applied = apply(before, fixes(file.diagnostics, text_lines(before)))
        if applied and _still_reads(after, file.path, limits):
            out.append(FileFix(file.path, before, after, applied))
    return out


def fix_text(text: str, path: str = "<text>", limits: Limits | None = None) -> tuple[str, tuple[Fix, ...]]:
    """One file's text with the fixes its own findings allow (no catalogs, no lint rules), to the point of none left."""
    limits = limits or Limits()
    applied: tuple[Fix, ...] = ()
    for _ in range(MAX_PASSES):
        found = fixes(load_text(text, path, limits).diagnostics, text_lines(text))
        after, done = apply(text, found)
        if not done or not _still_reads(after, path, limits):
            break
        text, applied = after, applied + done
    return text, applied


def _still_reads(text: str, path: str, limits: Limits) -> bool:
    parsed = parse_yaml(text, path, limits)
    return parsed.documents == 1 and not any(d.code in _READ_FAILURES for d in parsed.diagnostics)


def fix_paths(paths: list[str], workspace: Workspace, options: RunOptions, write: bool) -> FixRun:
    """Validate, apply the unambiguous fixes, validate again; repeat while fixes apply (at most MAX_PASSES).

    With ``write`` False nothing is written: one pass, and the report is of the files as they are.
    """
    if "-" in paths:
        raise ConfigError("--fix rewrites files: pass files or folders, not '-'")
    report = check(paths, workspace, options)
    done: dict[str, FileFix] = {}
    for _ in range(MAX_PASSES if write else 1):
        planned = plan(report, workspace)
        if not planned:
            break
        for item in planned:
            if write:
                rewrite(item.path, item.after)
            earlier = done.get(item.path)
            done[item.path] = (
                item
                if earlier is None
                else FileFix(item.path, earlier.before, item.after, earlier.applied + item.applied)
            )
        if not write:
            break
        if any(item.path in workspace.catalogs.files for item in planned):
            workspace = workspace.reloaded()  # the journeys are checked against the catalogs as now written
        report = check(paths, workspace, options)
    return FixRun(tuple(done[p] for p in sorted(done)), report)
