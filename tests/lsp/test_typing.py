"""Random edits typed into a journey: the server publishes diagnostics for each version and answers every request."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import JOURNEY, make_workspace
from tests.lsp.session import Session, at

Serve = Callable[[Path], Session]
TOKENS = [
    "\n", "  ", "- ", ": ", ":", "[", "]", "{", "}", ",", "'", '"', "#", "\t", "&a ", "*a", "!!str ", "? ",
    "touchpoints: [", "backstage: [", "emotion: ", "channel: ", "addresses: [", "stage: ", "persona: ",
    "id: ", "help-centre", "form", "ask", "-1", "3", "yes", "😀", "é", "\u202e", "stages:\n  - ",
]  # fmt: skip
edit = st.tuples(
    st.floats(0, 1),  # where, as a fraction of the text
    st.integers(0, 40),  # how many characters to delete there
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=6).map("".join),
)


def _requests(session: Session, uri: str, line: int, character: int) -> None:
    """Every request the server answers, at one position; each must answer (a refusal is an answer)."""
    client, place = session.client, at(uri, line, character)
    document = lsp.TextDocumentIdentifier(uri=uri)
    session.run(client.text_document_completion_async(lsp.CompletionParams(**place)))
    session.run(client.text_document_hover_async(lsp.HoverParams(**place)))
    session.run(client.text_document_definition_async(lsp.DefinitionParams(**place)))
    context = lsp.ReferenceContext(include_declaration=True)
    session.run(client.text_document_references_async(lsp.ReferenceParams(context=context, **place)))
    session.run(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(document)))
    session.run(client.text_document_prepare_rename_async(lsp.PrepareRenameParams(**place)))
    span = lsp.Range(lsp.Position(0, 0), lsp.Position(line, character))
    actions = lsp.CodeActionParams(document, span, lsp.CodeActionContext(diagnostics=[]))
    session.run(client.text_document_code_action_async(actions))
    with contextlib.suppress(JsonRpcInvalidParams):  # no id there, or a collision: refused, and said so
        session.run(client.text_document_rename_async(lsp.RenameParams(new_name="renamed-id", **place)))


def test_random_edits_always_get_an_answer(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits=st.lists(edit, min_size=1, max_size=4), where=st.tuples(st.integers(0, 60), st.integers(0, 40)))
    def typing(edits: list[tuple[float, int, str]], where: tuple[int, int]) -> None:
        text = JOURNEY
        for fraction, deleted, inserted in edits:
            at_char = int(fraction * len(text))
            text = text[:at_char] + inserted + text[at_char + deleted :]
        found = session.diagnostics(uri, session.replace(uri, text))
        assert all(d.code and d.code.startswith("CJM") for d in found)
        _requests(session, uri, *where)

    typing()
    # a handler that failed is logged by the server's guard as "cjm lsp: <handler> failed"
    assert not [line for line in session.stderr if "cjm lsp:" in line], "".join(session.stderr)
