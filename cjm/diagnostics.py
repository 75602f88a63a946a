"""Findings as values: severities, source spans, diagnostics and the core error codes."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(str, enum.Enum):
    """How much a finding matters; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True)
class Span:
    """A region of a source file; lines and columns are 1-based, end inclusive of the last character."""

    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column)


class Related(NamedTuple):
    """Another place that explains a finding, e.g. where the YAML reader gave up on a quote opened earlier."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding at one place: what is wrong (message), how to mend it (hint), and places that explain it."""

    path: str
    span: Span
    code: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


@dataclass(frozen=True)
class CoreCode:
    """A diagnostic the loader emits: always an error, never switched off."""

    code: str
    name: str
    summary: str


CORE_CODES: Mapping[str, CoreCode] = {
    c.code: c
    for c in (
        CoreCode("CJM001", "yaml-syntax", "YAML does not parse"),
        CoreCode("CJM002", "duplicate-key", "a mapping repeats a key"),
        CoreCode(
            "CJM003",
            "not-a-journey",
            "empty file, several documents, top level not a mapping, not UTF-8",
        ),
        CoreCode("CJM004", "unsupported-version", "`cjm` missing or not a supported version"),
        CoreCode(
            "CJM005",
            "unsafe-yaml",
            "language tags, alias expansion over the limit, nesting too deep, input over a size limit",
        ),
        CoreCode(
            "CJM010",
            "schema",
            "missing required key, wrong type, unknown key, value out of range, bad enum, bad id",
        ),
        CoreCode("CJM011", "yaml-boolean-trap", "a bare yes/no/on/off where text is expected"),
        CoreCode("CJM020", "duplicate-id", "an id repeated within its kind"),
        CoreCode("CJM021", "unknown-reference", "a reference that resolves nowhere"),
        CoreCode("CJM022", "duplicate-journey-id", "two journey files of one workspace share an id"),
        CoreCode("CJM023", "unknown-nested-journey", "an action nests a journey no file of the workspace has"),
        CoreCode("CJM024", "nested-journey-cycle", "nested journeys lead back to the journey that holds them"),
    )
}


def core(
    code: str, path: str, span: Span, message: str, hint: str | None = None, related: tuple[Related, ...] = ()
) -> Diagnostic:
    """Build an error diagnostic for one of the loader's core codes."""
    return Diagnostic(path, span, code, CORE_CODES[code].name, Severity.ERROR, message, hint, related)


@dataclass(frozen=True)
class FileReport:
    """Everything found in one file, with the source lines the findings point at."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    lines: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """The outcome of checking a set of files, ready for a reporter."""

    files: tuple[FileReport, ...]
    suppressed: int = 0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for d in self.diagnostics:
            out[d.severity.value] += 1
        return out


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word`` (difflib ratio), or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean 'x'?" hint, or None."""
    best = closest(word, candidates)
    return f"did you mean '{best}'?" if best else None
