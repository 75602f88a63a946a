"""The LSP methods the server answers, registered on a new server by ``build_server``."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from cjm.lsp import completion, navigation
from cjm.lsp.server import CjmServer, answering, to_position, to_range
from cjm.validate.fix import fixes

_ITEM_KIND = {
    "id": lsp.CompletionItemKind.Reference,
    "value": lsp.CompletionItemKind.EnumMember,
    "emotion": lsp.CompletionItemKind.Value,
}
TRIGGERS = [":", " ", "[", ",", "-"]


def build_server() -> CjmServer:
    """A server with every feature registered: diagnostics, outline, navigation, completion, rename, fixes."""
    ls = CjmServer()
    _documents(ls)
    _navigation(ls)
    _editing(ls)
    return ls


def _documents(ls: CjmServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @answering(None)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @answering(None)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @answering(None)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @answering(None)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.indexes.pop(uri, None)
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
        index = ls.indexes.get(uri)
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
        found = completion.choices(where, ls.indexes.get(uri), ls.catalogs(uri))
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
