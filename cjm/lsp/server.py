"""The language server: LSP requests over stdio, answered from the validator and the id indexes.

Every handler answers: a request the server cannot serve for a half-typed
file gets an empty answer, never an error that stops the session. The server
writes no file; a rename or a fix is a workspace edit the editor applies.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from cjm import __version__
from cjm.diagnostics import Diagnostic, Severity, Span
from cjm.lsp.analysis import Analysis, Workspaces, analyse
from cjm.lsp.index import FileIndex, Site

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


class CjmServer(LanguageServer):
    """The pygls server with what it knows of each open document."""

    def __init__(self) -> None:
        super().__init__("cjm", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.workspaces = Workspaces()
        self.analyses: dict[str, Analysis] = {}
        self.indexes: dict[str, FileIndex] = {}  # the last index of each document that parsed

    def lines(self, uri: str) -> list[str]:
        """The lines of a document as the editor has it, or as the disk has it when it is not open."""
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            return [line.rstrip("\r\n") for line in document.lines]
        path = to_fs_path(uri)
        try:
            return Path(path or "").read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []

    def refresh(self, uri: str) -> Analysis | None:
        """Check a document's current text and publish its diagnostics."""
        path = to_fs_path(uri)
        if path is None:
            return None
        document = self.workspace.get_text_document(uri)
        analysis = analyse(path, document.source, self.workspaces)
        self.analyses[uri] = analysis
        if analysis.index is not None:
            self.indexes[uri] = analysis.index
        lines = self.lines(uri)
        codec = self.workspace.position_codec
        found = [_diagnostic(d, lines, codec) for d in analysis.diagnostics]
        if analysis.problem:  # the document cannot be checked at all: say why where the file starts
            start = lsp.Position(line=0, character=0)
            message = f"cjm cannot check this file: {analysis.problem}"
            found.append(lsp.Diagnostic(lsp.Range(start, start), message, lsp.DiagnosticSeverity.Error, source="cjm"))
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
        )
        return analysis

    def catalogs(self, uri: str) -> list[FileIndex]:
        """The indexes of the workspace's catalog files, as edited where they are open."""
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.opened is None:
            return []
        out = []
        for file in analysis.opened.catalog_files:
            edited = self.indexes.get(from_fs_path(file) or "")
            index = edited or analysis.opened.catalogs.get(file)
            if index is not None:
                out.append(index)
        return out

    def journeys(self, uri: str) -> list[FileIndex]:
        """The indexes of the workspace's journeys, as edited where they are open."""
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.opened is None:
            return []
        edited = {index.file: index for index in self.indexes.values()}
        return [edited.get(index.file, index) for index in analysis.opened.journey_indexes()]

    def site_at(self, uri: str, position: lsp.Position) -> tuple[Site | None, FileIndex | None, int, int]:
        """The id under the cursor, the document's index, and the 1-based line and column."""
        lines = self.lines(uri)
        here = self.workspace.position_codec.position_from_client_units(lines, position)
        line, column = here.line + 1, here.character + 1
        index = self.indexes.get(uri)
        return (index.at(line, column) if index else None), index, line, column

    def location(self, site: Site) -> lsp.Location:
        uri = from_fs_path(site.file) or site.file
        return lsp.Location(uri=uri, range=to_range(site.span, self.lines(uri), self.workspace.position_codec))


def to_position(lines: Sequence[str], row: int, column: int, codec: PositionCodec) -> lsp.Position:
    """A 0-based position in code points as the client counts (UTF-16 by default)."""
    if 0 <= row < len(lines):
        text = lines[row]
        units = codec.client_num_units(text[:column])
        return lsp.Position(line=row, character=units + max(0, column - len(text)))
    return lsp.Position(line=max(row, 0), character=max(column, 0))


def to_range(span: Span, lines: Sequence[str], codec: PositionCodec) -> lsp.Range:
    """cjm's 1-based, end-inclusive span as an LSP range (0-based, end exclusive)."""
    return lsp.Range(
        start=to_position(lines, span.line - 1, span.column - 1, codec),
        end=to_position(lines, span.end_line - 1, span.end_column, codec),
    )


def _diagnostic(d: Diagnostic, lines: Sequence[str], codec: PositionCodec) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=to_range(d.span, lines, codec),
        message=d.message + (f"\n{d.hint}" if d.hint else ""),
        severity=_SEVERITY[d.severity],
        code=d.code,
        source="cjm",
        data={"name": d.name, "hint": d.hint},
    )


def answering(default: Any) -> Callable[[F], F]:
    """Answer ``default`` when a handler fails, so a half-typed file never costs the editor its server."""

    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def guarded(*args: Any) -> Any:
            try:
                return handler(*args)
            except JsonRpcInvalidParams:
                raise
            except Exception:  # the server's one handler: log it, answer, keep serving
                log.exception("cjm lsp: %s failed", handler.__name__)
                return default

        return guarded  # type: ignore[return-value]

    return decorate
