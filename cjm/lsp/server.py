"""The language server: LSP requests over stdio, answered from the validator and the id indexes.

Every handler answers: a request the server cannot serve for a half-typed
file gets an empty answer, never an error that stops the session. The server
writes no file; a rename or a fix is a workspace edit the editor applies.

Checks run one at a time on a worker thread, so requests are answered while a
document is being checked. A change is checked after a short pause
(``DEBOUNCE_MS``) that a newer change of the same document restarts: a burst
of changes is checked once, at its last version, and a check whose document
changed while it ran is not published (the newer version's check follows).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
DEBOUNCE_MS = 5.0  # the pause after a change before it is checked; initializationOptions {"debounceMs": n} sets it


class CjmServer(LanguageServer):
    """The pygls server with what it knows of each open document."""

    def __init__(self) -> None:
        super().__init__("cjm", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.workspaces = Workspaces()
        self.analyses: dict[str, Analysis] = {}
        self.parsed: dict[str, FileIndex] = {}  # the last index of each document that parsed
        self.debounce = DEBOUNCE_MS / 1000
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cjm-check")
        self.pending: dict[str, asyncio.Task[None]] = {}  # the check waiting or running for each document
        self.rediscover: set[str] = set()  # documents whose next check walks the catalog globs again

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

    def schedule(self, uri: str, rediscover: bool = False) -> None:
        """Check a document after the pause; a check of it still waiting is cancelled, as it would be stale."""
        if rediscover:
            self.rediscover.add(uri)
        waiting = self.pending.get(uri)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check(uri))

    def schedule_all(self) -> None:
        """Check every open document again (its workspace changed on disk)."""
        for uri in list(self.analyses):
            self.schedule(uri, rediscover=True)

    def forget(self, uri: str) -> None:
        """Drop what the server knows of a closed document; a check of it still waiting is cancelled."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.analyses.pop(uri, None)
        self.parsed.pop(uri, None)
        self.rediscover.discard(uri)

    async def _check(self, uri: str) -> None:
        await asyncio.sleep(self.debounce)
        path = to_fs_path(uri)
        document = self.workspace.text_documents.get(uri)
        if path is None or document is None:
            return
        version, text = document.version, document.source
        rediscover = uri in self.rediscover
        self.rediscover.discard(uri)
        previous = self.analyses.get(uri)
        loop = asyncio.get_running_loop()
        try:
            analysis = await loop.run_in_executor(
                self.checker, _analyse, path, text, self.workspaces, previous, rediscover
            )
        except asyncio.CancelledError:  # a newer change: its check runs next (the worker finishes this one unseen)
            if rediscover:
                self.rediscover.add(uri)
            raise
        current = self.workspace.text_documents.get(uri)
        if analysis is None or current is None or current.version != version or current.source != text:
            return  # changed while checked: the check of the newer text is on its way
        self.publish(uri, analysis, version)

    def publish(self, uri: str, analysis: Analysis, version: int | None) -> None:
        """Keep a document's analysis and send its diagnostics to the editor."""
        self.analyses[uri] = analysis
        lines = self.lines(uri)
        codec = self.workspace.position_codec
        found = [_diagnostic(d, lines, codec) for d in analysis.diagnostics]
        if analysis.problem:  # the document cannot be checked at all: say why where the file starts
            start = lsp.Position(line=0, character=0)
            message = f"cjm cannot check this file: {analysis.problem}"
            found.append(lsp.Diagnostic(lsp.Range(start, start), message, lsp.DiagnosticSeverity.Error, source="cjm"))
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
        )
        self.checker.submit(self.index, uri)  # built after the diagnostics are out, before the next check

    def index(self, uri: str) -> FileIndex | None:
        """The document's id index: of its current text, or of the last text that parsed (while it is half-typed)."""
        analysis = self.analyses.get(uri)
        index = analysis.index if analysis is not None else None
        if index is not None and self.analyses.get(uri) is analysis:  # not closed meanwhile
            self.parsed[uri] = index
        return index or self.parsed.get(uri)

    def catalogs(self, uri: str) -> list[FileIndex]:
        """The indexes of the workspace's catalog files, as edited where they are open."""
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.opened is None:
            return []
        out = []
        for file in analysis.opened.catalog_files:
            edited = self.index(from_fs_path(file) or "")
            index = edited or analysis.opened.catalogs.get(file)
            if index is not None:
                out.append(index)
        return out

    def journeys(self, uri: str) -> list[FileIndex]:
        """The indexes of the workspace's journeys, as edited where they are open."""
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.opened is None:
            return []
        edited = {index.file: index for index in map(self.index, list(self.analyses)) if index is not None}
        return [edited.get(index.file, index) for index in analysis.opened.journey_indexes()]

    def site_at(self, uri: str, position: lsp.Position) -> tuple[Site | None, FileIndex | None, int, int]:
        """The id under the cursor, the document's index, and the 1-based line and column."""
        lines = self.lines(uri)
        here = self.workspace.position_codec.position_from_client_units(lines, position)
        line, column = here.line + 1, here.character + 1
        index = self.index(uri)
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


_analyse = answering(None)(analyse)  # a check that fails is logged and publishes nothing; the server goes on
