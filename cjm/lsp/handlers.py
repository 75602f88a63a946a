"""The LSP methods the server answers, registered on a new server by ``build_server``."""

from __future__ import annotations

import os

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from cjm.lsp import completion, navigation
from cjm.lsp.analysis import CONFIG_NAMES
from cjm.lsp.server import CjmServer, answering, to_position, to_range
from cjm.validate.fix import fixes

_ITEM_KIND = {
    "id": lsp.CompletionItemKind.Reference,
    "value": lsp.CompletionItemKind.EnumMember,
    "emotion": lsp.CompletionItemKind.Value,
}
TRIGGERS = [":", " ", "[", ",", "-"]
# the files whose creation, change or deletion can change a workspace: its configuration and its catalogs
WATCHED = ["**/cjm.toml", "**/pyproject.toml", "**/*.yaml", "**/*.yml"]


def build_server() -> CjmServer:
    """A server with every feature registered: diagnostics, outline, navigation, completion, rename, fixes."""
    ls = CjmServer()
    _session(ls)
    _documents(ls)
    _navigation(ls)
    _editing(ls)
    return ls


def _session(ls: CjmServer) -> None:
    @ls.feature(lsp.INITIALIZE)
    @answering(None)
    def initialize(params: lsp.InitializeParams) -> None:
        ls.debounce = debounce_seconds(params.initialization_options, ls.debounce)

    @ls.feature(lsp.INITIALIZED)
    @answering(None)
    def initialized(params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is None or not watched.dynamic_registration:
            return  # without file events, a workspace is looked at again on open, save and each change
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
        )
        registration = lsp.Registration(id="cjm-watched-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
        registration.register_options = options
        ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @answering(None)
    def did_change_watched_files(params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(_changes_workspace(ls, event) for event in params.changes):
            ls.checker.submit(ls.workspaces.forget)  # on the checks' thread, before the checks scheduled next
            ls.schedule_all()


def debounce_seconds(options: object, default: float) -> float:
    """The pause before a change is checked, from initializationOptions {"debounceMs": n} (0 to 1000 ms)."""
    value = options.get("debounceMs") if isinstance(options, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1000:
        return value / 1000
    return default


def _changes_workspace(ls: CjmServer, event: lsp.FileEvent) -> bool:
    """A configuration file, a YAML file created or deleted (it may be a catalog the globs name), or a catalog."""
    path = os.path.abspath(to_fs_path(event.uri) or "")
    if os.path.basename(path) in CONFIG_NAMES:
        return True
    if not path.endswith((".yaml", ".yml")):
        return False
    if event.type != lsp.FileChangeType.Changed:
        return True
    return any(path in opened.catalog_files for opened in list(ls.workspaces.by_folder.values()))


def _documents(ls: CjmServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @answering(None)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, rediscover=True)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @answering(None)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @answering(None)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        # a saved catalog or cjm.toml changes the other documents' findings: each is looked at again
        # (a document whose text and workspace are unchanged is not checked again, only republished)
        ls.schedule(params.text_document.uri, rediscover=True)
        ls.schedule_all()

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @answering(None)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _symbol(ls: CjmServer, uri: str, entry: navigation.Outline) -> lsp.DocumentSymbol:
    site, codec, lines = entry.site, ls.workspace.position_codec, ls.lines(uri)
    selection = to_range(site.span, lines, codec)
    whole = to_range(site.extent, lines, codec) if site.extent else selection
    if (whole.start.line, whole.start.character) > (selection.start.line, selection.start.character):
        whole = selection
    return lsp.DocumentSymbol(
        name=site.name or site.ident,
        detail=f"{site.kind} {site.ident}",
        kind=lsp.SymbolKind.Module if site.kind == "stage" else lsp.SymbolKind.Event,
        range=whole,
        selection_range=selection,
        children=[_symbol(ls, uri, child) for child in entry.children],
    )


def _navigation(ls: CjmServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @answering([])
    def document_symbol(params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        uri = params.text_document.uri
        index = ls.index(uri)
        return [_symbol(ls, uri, entry) for entry in navigation.outline(index)] if index else []

    @ls.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @answering([])
    def definition(params: lsp.DefinitionParams) -> list[lsp.Location]:
        uri = params.text_document.uri
        site, index, _, _ = ls.site_at(uri, params.position)
        if site is None or index is None:
            return []
        return [ls.location(s) for s in navigation.definitions(site, index, ls.catalogs(uri))]

    @ls.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @answering([])
    def references(params: lsp.ReferenceParams) -> list[lsp.Location]:
        uri = params.text_document.uri
        site, index, _, _ = ls.site_at(uri, params.position)
        if site is None or index is None:
            return []
        found = navigation.references(
            site, index, ls.catalogs(uri), params.context.include_declaration, ls.journeys(uri)
        )
        return [ls.location(s) for s in found]

    @ls.feature(lsp.TEXT_DOCUMENT_HOVER)
    @answering(None)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        site, index, line, column = ls.site_at(uri, params.position)
        analysis = ls.analyses.get(uri)
        here = [
            d
            for d in (analysis.diagnostics if analysis else ())
            if d.span.line <= line <= d.span.end_line
            and (d.span.line < line or d.span.column <= column)
            and (d.span.end_line > line or column <= d.span.end_column + 1)
        ]
        text = navigation.hover_text(site, index, ls.catalogs(uri), here)
        if text is None:
            return None
        where = to_range(site.span, ls.lines(uri), ls.workspace.position_codec) if site else None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=where)


def _editing(ls: CjmServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=TRIGGERS))
    @answering([])
    def complete(params: lsp.CompletionParams) -> list[lsp.CompletionItem]:
        uri = params.text_document.uri
        lines = ls.lines(uri)
        here = ls.workspace.position_codec.position_from_client_units(lines, params.position)
        where = completion.place(lines, here.line, here.character)
        if where is None:
            return []
        # from the position as the server reads it: a position past the end of its line is clamped to it
        codec, column = ls.workspace.position_codec, here.character
        start = to_position(lines, here.line, max(column - len(where.typed), 0), codec)
        span = lsp.Range(start=start, end=to_position(lines, here.line, column, codec))
        found = completion.choices(where, ls.index(uri), ls.catalogs(uri))
        return [
            lsp.CompletionItem(
                label=choice.text,
                kind=_ITEM_KIND[choice.kind],
                detail=choice.detail,
                sort_text=f"{n:04d}",
                text_edit=lsp.TextEdit(range=span, new_text=choice.text),
            )
            for n, choice in enumerate(found)
        ]

    @ls.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @answering(None)
    def prepare_rename(params: lsp.PrepareRenameParams) -> lsp.Range | None:
        uri = params.text_document.uri
        site, _, _, _ = ls.site_at(uri, params.position)
        return to_range(site.span, ls.lines(uri), ls.workspace.position_codec) if site else None

    @ls.feature(lsp.TEXT_DOCUMENT_RENAME)
    @answering(None)
    def rename(params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        uri = params.text_document.uri
        site, index, _, _ = ls.site_at(uri, params.position)
        if site is None or index is None:
            raise JsonRpcInvalidParams("no id here to rename")
        renamed = navigation.rename(site, params.new_name, index, ls.catalogs(uri), ls.journeys(uri))
        if renamed.refused:
            raise JsonRpcInvalidParams(renamed.refused)
        changes: dict[str, list[lsp.TextEdit]] = {}
        for target in renamed.sites:
            location = ls.location(target)
            changes.setdefault(location.uri, []).append(lsp.TextEdit(range=location.range, new_text=params.new_name))
        return lsp.WorkspaceEdit(changes=changes)

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    @answering([])
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analyses.get(uri)
        if analysis is None:
            return []
        lines, codec = ls.lines(uri), ls.workspace.position_codec
        first, last = params.range.start.line + 1, params.range.end.line + 1
        out = []
        for fix in fixes(analysis.diagnostics, lines, first, last):
            edit = lsp.TextEdit(range=to_range(fix.span, lines, codec), new_text=fix.text)
            out.append(
                lsp.CodeAction(
                    title=fix.title,
                    kind=lsp.CodeActionKind.QuickFix,
                    is_preferred=True,
                    edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
        return out
