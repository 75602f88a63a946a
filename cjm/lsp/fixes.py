"""Quick fixes: the unambiguous did-you-mean corrections the validator already suggests.

A fix is offered only when the diagnostic's hint names exactly one word and
the text under the diagnostic is the word it corrects (an unknown reference,
an unknown key, an enum value out of its list), so applying it changes that
word and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cjm.diagnostics import Diagnostic, Span

FIXABLE = ("CJM010", "CJM021")
_SUGGESTION = re.compile(r"^did you mean '([^']+)'\?")
_WORD = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Fix:
    """Replace the characters of ``span`` (1-based, end inclusive, one line) with ``text``."""

    title: str
    span: Span
    text: str
    diagnostic: Diagnostic


def fix_for(diagnostic: Diagnostic, lines: Sequence[str]) -> Fix | None:
    """The correction a diagnostic's hint names, when it is unambiguous, else None."""
    if diagnostic.code not in FIXABLE or not diagnostic.hint:
        return None
    suggestion = _SUGGESTION.match(diagnostic.hint)
    span = diagnostic.span
    if suggestion is None or span.line != span.end_line or not 0 < span.line <= len(lines):
        return None
    line = lines[span.line - 1]
    start, end = span.column - 1, span.end_column  # 0-based, end exclusive
    word = line[start:end]
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        start, end, word = start + 1, end - 1, word[1:-1]
    if not _WORD.fullmatch(word) or word == suggestion.group(1):
        return None
    replacement = suggestion.group(1)
    return Fix(
        f"Change '{word}' to '{replacement}'", Span(span.line, start + 1, span.line, end), replacement, diagnostic
    )


def fixes(diagnostics: Sequence[Diagnostic], lines: Sequence[str], first: int, last: int) -> list[Fix]:
    """The fixes for the diagnostics on lines ``first``..``last`` (1-based)."""
    out = []
    for diagnostic in diagnostics:
        if diagnostic.span.end_line < first or diagnostic.span.line > last:
            continue
        found = fix_for(diagnostic, lines)
        if found is not None:
            out.append(found)
    return out
