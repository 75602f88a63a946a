"""A real LSP client session with `cjm lsp` over stdio, usable from ordinary (synchronous) tests.

pygls' client runs on an event loop in a thread of its own; each call waits for
its answer with a timeout, so a server that stops answering fails the test
instead of hanging it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

T = TypeVar("T")
TIMEOUT = 20.0


class Session:
    """One `cjm lsp` process and a client talking to it."""

    def __init__(self, cwd: Path, options: Any = None, watch: bool = False) -> None:
        """``options`` are the initializationOptions; ``watch`` says the client can watch files for the server."""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.published: dict[str, lsp.PublishDiagnosticsParams] = {}
        self.history: list[tuple[str, int | None]] = []  # (uri, version) of every publishDiagnostics, in order
        self.registrations: list[lsp.Registration] = []  # what the server asked the client to do for it
        self.changed = threading.Condition()
        self.versions: dict[str, int] = {}
        self.stderr: list[str] = []  # what the server logged
        self.client: LanguageClient = self.run(self._start(cwd, options, watch))

    async def _start(self, cwd: Path, options: Any, watch: bool) -> LanguageClient:
        client = LanguageClient("cjm-tests", "1")

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            with self.changed:
                self.published[params.uri] = params
                self.history.append((params.uri, params.version))
                self.changed.notify_all()

        @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(params: lsp.RegistrationParams) -> None:
            with self.changed:
                self.registrations.extend(params.registrations)
                self.changed.notify_all()

        await client.start_io(sys.executable, "-m", "cjm", "lsp", cwd=str(cwd))
        process = client._server  # pygls pipes the server's stderr and leaves it unread: read it, or a chatty
        assert process is not None and process.stderr is not None  # server would block on a full pipe
        self.drain = asyncio.ensure_future(self._drain(process.stderr))
        watching = lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True) if watch else None
        capabilities = lsp.ClientCapabilities(
            workspace=lsp.WorkspaceClientCapabilities(did_change_watched_files=watching)
        )
        await client.initialize_async(
            lsp.InitializeParams(
                capabilities=capabilities, root_uri=from_fs_path(str(cwd)), initialization_options=options
            )
        )
        client.initialized(lsp.InitializedParams())
        return client

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.stderr.append(line.decode("utf-8", "replace"))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT)

    def open(self, path: Path, text: str | None = None) -> str:
        """Open a document (with its disk text unless ``text`` is given); its URI."""
        uri = from_fs_path(str(path.resolve()))
        assert uri is not None
        self.versions[uri] = 1
        content = path.read_text(encoding="utf-8") if text is None else text
        item = lsp.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=content)
        self.loop.call_soon_threadsafe(self.client.text_document_did_open, lsp.DidOpenTextDocumentParams(item))
        return uri

    def replace(self, uri: str, text: str) -> int:
        """Send the document's whole new text; its new version."""
        self.versions[uri] += 1
        version = self.versions[uri]
        params = lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
        self.loop.call_soon_threadsafe(self.client.text_document_did_change, params)
        return version

    def burst(self, uri: str, texts: list[str]) -> int:
        """Send the texts as changes in one go (as on a paste or a multi-cursor edit); the last version."""
        params = []
        for text in texts:
            self.versions[uri] += 1
            params.append(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                    content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )

        def send() -> None:
            for one in params:
                self.client.text_document_did_change(one)

        self.loop.call_soon_threadsafe(send)
        return self.versions[uri]

    def save(self, uri: str) -> None:
        params = lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        self.loop.call_soon_threadsafe(self.client.text_document_did_save, params)

    def files_changed(self, *events: tuple[Path, lsp.FileChangeType]) -> None:
        """Tell the server what changed on disk, as a client that watches files for it does."""
        changes = [lsp.FileEvent(uri=from_fs_path(str(p.resolve())) or "", type=kind) for p, kind in events]
        params = lsp.DidChangeWatchedFilesParams(changes=changes)
        self.loop.call_soon_threadsafe(self.client.workspace_did_change_watched_files, params)

    def published_count(self) -> int:
        with self.changed:
            return len(self.history)

    def next_diagnostics(self, uri: str, after: int) -> list[lsp.Diagnostic]:
        """The diagnostics last published for the document, once one came after ``after`` publications in all."""
        with self.changed:
            done = self.changed.wait_for(lambda: any(u == uri for u, _ in self.history[after:]), TIMEOUT)
        assert done, f"no new diagnostics for {uri}"
        return list(self.published[uri].diagnostics)

    def wait_registered(self, method: str) -> lsp.Registration:
        with self.changed:
            self.changed.wait_for(lambda: any(r.method == method for r in self.registrations), TIMEOUT)
        return next(r for r in self.registrations if r.method == method)

    def diagnostics(self, uri: str, version: int = 1) -> list[lsp.Diagnostic]:
        """The diagnostics published for ``version`` of the document (waiting for them)."""
        with self.changed:
            done = self.changed.wait_for(
                lambda: uri in self.published and (self.published[uri].version or 0) >= version, TIMEOUT
            )
        assert done, f"no diagnostics for {uri} version {version}"
        return list(self.published[uri].diagnostics)

    def close(self) -> None:
        async def stop() -> None:
            await self.client.shutdown_async(None)
            self.client.exit(None)
            await self.client.stop()

        try:
            self.run(stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(TIMEOUT)


def at(uri: str, line: int, character: int) -> dict[str, Any]:
    """The text document and position of a request (0-based)."""
    return {"text_document": lsp.TextDocumentIdentifier(uri=uri), "position": lsp.Position(line, character)}
