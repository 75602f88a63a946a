"""Completion: ids where a reference is expected, enum values, and emotions with their meaning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp

from cjm.model import CHANNELS, SEVERITIES
from tests.lsp.conftest import JOURNEY, make_workspace, position_of
from tests.lsp.session import Session, at

Serve = Callable[[Path], Session]


def _items(session: Session, uri: str, line: int, character: int) -> list[lsp.CompletionItem]:
    found = session.run(session.client.text_document_completion_async(lsp.CompletionParams(**at(uri, line, character))))
    assert isinstance(found, list)
    return found


def _labels(session: Session, uri: str, text: str, needle: str, offset: int, occurrence: int = 0) -> list[str]:
    return [item.label for item in _items(session, uri, *position_of(text, needle, offset, occurrence))]


def _session(tmp_path: Path, serve: Serve) -> tuple[Session, str]:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)
    return session, uri


def test_ids_where_a_reference_is_expected(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    assert _labels(session, uri, JOURNEY, "[form]", 1) == ["form", "help-centre"]  # the file's, then the catalog's
    assert _labels(session, uri, JOURNEY, "[crm-sync]", 1) == ["crm-sync"]
    assert _labels(session, uri, JOURNEY, "[policy-unclear]", 1) == ["policy-unclear"]
    assert _labels(session, uri, JOURNEY, "stage: ask", 7) == ["ask", "send"]
    assert _labels(session, uri, JOURNEY, "persona: shopper", 9) == ["shopper"]


def test_the_catalogs_ids_say_where_they_come_from(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    items = _items(session, uri, *position_of(JOURNEY, "[form]", 1))
    assert [item.detail for item in items] == ["touchpoint: Return form", "touchpoint: Help centre (catalog)"]


def test_ids_in_a_block_list_being_typed(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    text = JOURNEY.replace("touchpoints: [form]\n        backstage", "touchpoints:\n          - he\n        backstage")
    session.diagnostics(uri, session.replace(uri, text))
    items = _items(session, uri, *position_of(text, "- he", 4))
    assert [item.label for item in items] == ["form", "help-centre"]
    edit = items[1].text_edit
    assert isinstance(edit, lsp.TextEdit)
    line, character = position_of(text, "- he", 2)
    assert edit.range == lsp.Range(lsp.Position(line, character), lsp.Position(line, character + 2))  # replaces "he"


def test_enum_values(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    assert _labels(session, uri, JOURNEY, "channel: web", 9) == list(CHANNELS)
    assert _labels(session, uri, JOURNEY, "severity: high", 10) == list(SEVERITIES)
    assert _labels(session, uri, JOURNEY, "kind: ces", 6) == ["nps", "ces", "csat", "custom"]
    text = JOURNEY.replace("        emotion: 0\n", "        emotion: 0\n        evidence: \n", 1)
    session.diagnostics(uri, session.replace(uri, text))
    assert _labels(session, uri, text, "evidence: ", 10) == ["observed", "reported", "assumed"]
    text = text.replace("evidence: ", "opportunities: [{text: Call back, impact: , effort: }]\n        x: ")
    session.diagnostics(uri, session.replace(uri, text))
    assert _labels(session, uri, text, "impact: ", 8) == ["low", "medium", "high"]
    assert _labels(session, uri, text, "effort: ", 8) == ["low", "medium", "high"]


def test_emotions_with_their_meaning(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    items = _items(session, uri, *position_of(JOURNEY, "emotion: -1", 9))
    assert [(item.label, item.detail) for item in items] == [
        ("-2", "very negative"),
        ("-1", "negative"),
        ("0", "neutral"),
        ("1", "positive"),
        ("2", "very positive"),
    ]


def test_nothing_is_offered_in_a_key_free_text_or_a_comment(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    assert _labels(session, uri, JOURNEY, "touchpoints: [form]", 3) == []  # in the key
    assert _labels(session, uri, JOURNEY, "name: Reads", 8) == []  # free text
    text = JOURNEY.replace("emotion: 1", "emotion: 1  # touchpoints: ")
    session.diagnostics(uri, session.replace(uri, text))
    assert _labels(session, uri, text, "# touchpoints: ", 15) == []


def test_a_position_past_the_end_of_the_document_is_answered(tmp_path: Path, serve: Serve) -> None:
    session, uri = _session(tmp_path, serve)
    # found by the typing test: read as the end of the last line ("stage: ask"), the range started at 1 - 3
    items = _items(session, uri, 500, 1)
    assert [item.label for item in items] == ["ask", "send"]
    assert all(isinstance(item.text_edit, lsp.TextEdit) and item.text_edit.range.start.character >= 0 for item in items)
    assert not any("cjm lsp:" in entry for entry in session.stderr)
