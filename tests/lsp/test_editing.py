"""Rename of an id across the file and its catalog, refused on a collision; quick fixes for did-you-mean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import CATALOG, JOURNEY, make_workspace, position_of
from tests.lsp.session import Session, at

Serve = Callable[[Path], Session]


def _apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """The text with the edits applied (ASCII text: characters are UTF-16 units)."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = edit.range.start, edit.range.end
        assert start.line == end.line
        line = lines[start.line]
        lines[start.line] = line[: start.character] + edit.new_text + line[end.character :]
    return "\n".join(lines)


def _session(tmp_path: Path, serve: Serve) -> tuple[Session, str, Path]:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)
    return session, uri, journey


def _rename(session: Session, uri: str, line: int, character: int, new: str) -> dict[str, list[lsp.TextEdit]]:
    params = lsp.RenameParams(new_name=new, **at(uri, line, character))
    found = session.run(session.client.text_document_rename_async(params))
    assert found is not None and found.changes is not None
    return {Path(u).name: list(edits) for u, edits in found.changes.items()}


def test_rename_a_touchpoint_of_the_file(tmp_path: Path, serve: Serve) -> None:
    session, uri, journey = _session(tmp_path, serve)
    changes = _rename(session, uri, *position_of(JOURNEY, "  - id: form", 9), "return-form")
    assert list(changes) == ["returns.journey.yaml"]
    renamed = _apply(JOURNEY, changes["returns.journey.yaml"])
    assert renamed.count("return-form") == 4 and "[form]" not in renamed
    assert session.diagnostics(uri, session.replace(uri, renamed)) == []
    assert journey.read_text(encoding="utf-8") == JOURNEY  # the server writes no file


def test_rename_a_catalog_touchpoint_renames_it_in_the_catalog_too(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _session(tmp_path, serve)
    changes = _rename(session, uri, *position_of(JOURNEY, "help-centre", 1), "help-center")
    assert sorted(changes) == ["returns.journey.yaml", "shared.yaml"]
    assert "help-center" in _apply(CATALOG, changes["shared.yaml"]).splitlines()[5]
    assert "[help-center, form]" in _apply(JOURNEY, changes["returns.journey.yaml"])


def test_rename_a_stage_renames_the_metric_that_measures_it(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _session(tmp_path, serve)
    changes = _rename(session, uri, *position_of(JOURNEY, "id: ask", 5), "request")
    renamed = _apply(JOURNEY, changes["returns.journey.yaml"])
    assert "id: request" in renamed and "stage: request" in renamed


@pytest.mark.parametrize(
    ("needle", "offset", "new", "why"),
    [
        ("help-centre", 1, "form", "touchpoint 'form' already exists"),
        ("  - id: form", 9, "help-centre", "touchpoint 'help-centre' already exists ("),
        ("id: ask", 5, "send", "stage 'send' already exists"),
        ("id: ask", 5, "Ask Stage", "'Ask Stage' is not a valid id"),
        ("name: Ask", 7, "x", "no id here"),
    ],
)
def test_a_rename_that_would_collide_is_refused(
    tmp_path: Path, serve: Serve, needle: str, offset: int, new: str, why: str
) -> None:
    session, uri, _ = _session(tmp_path, serve)
    params = lsp.RenameParams(new_name=new, **at(uri, *position_of(JOURNEY, needle, offset)))
    with pytest.raises(JsonRpcInvalidParams) as refused:
        session.run(session.client.text_document_rename_async(params))
    assert why in str(refused.value)


def _actions(session: Session, uri: str, line: int) -> list[lsp.CodeAction]:
    params = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
        context=lsp.CodeActionContext(diagnostics=[]),
    )
    found = session.run(session.client.text_document_code_action_async(params))
    return [a for a in found or [] if isinstance(a, lsp.CodeAction)]


@pytest.mark.parametrize(
    ("wrong", "right", "title"),
    [
        ("[help-centre, form]", "[help-centr, form]", "Change 'help-centr' to 'help-centre'"),
        ("emotion: -1", "emotoin: -1", "Change 'emotoin' to 'emotion'"),
        ("severity: high", "severity: hihg", "Change 'hihg' to 'high'"),
        ("backstage: [crm-sync]", "backstage: ['crm-synk']", "Change 'crm-synk' to 'crm-sync'"),
    ],
)
def test_a_did_you_mean_hint_is_a_quick_fix(tmp_path: Path, serve: Serve, wrong: str, right: str, title: str) -> None:
    session, uri, _ = _session(tmp_path, serve)
    text = JOURNEY.replace(wrong, right)
    assert [d.code for d in session.diagnostics(uri, session.replace(uri, text))] in (["CJM021"], ["CJM010"])
    line = text.split("\n").index(next(t for t in text.split("\n") if right in t))
    actions = _actions(session, uri, line)
    assert [a.title for a in actions] == [title]
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    fixed = _apply(text, list(edit.changes[uri]))
    assert fixed == JOURNEY.replace(wrong, wrong.replace("[crm-sync]", "['crm-sync']"))
    assert session.diagnostics(uri, session.replace(uri, fixed)) == []


def test_no_fix_without_a_single_suggestion(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _session(tmp_path, serve)
    text = JOURNEY.replace("[help-centre, form]", "[zzz, form]")
    assert [d.code for d in session.diagnostics(uri, session.replace(uri, text))] == ["CJM021"]
    assert _actions(session, uri, position_of(text, "[zzz", 0)[0]) == []


EXCHANGE = """\
cjm: 1
id: exchange
title: Exchange an item
scope: {persona: shopper, scenario: Swap a size}
stages:
  - id: swap
    name: Swap
    actions:
      - {id: ask-swap, name: Asks for another size, touchpoints: [help-centre, desk]}
touchpoints:
  - {id: desk, name: Service desk, channel: in-person}
"""


def test_renaming_a_catalog_id_renames_it_in_every_journey_that_uses_it(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _session(tmp_path, serve)
    (tmp_path / "exchange.journey.yaml").write_text(EXCHANGE, encoding="utf-8")
    changes = _rename(session, uri, *position_of(JOURNEY, "help-centre", 1), "help-center")
    assert sorted(changes) == ["exchange.journey.yaml", "returns.journey.yaml", "shared.yaml"]
    assert "[help-center, desk]" in _apply(EXCHANGE, changes["exchange.journey.yaml"])
    refused = lsp.RenameParams(new_name="desk", **at(uri, *position_of(JOURNEY, "help-centre", 1)))
    with pytest.raises(JsonRpcInvalidParams) as why:  # the exchange journey has a 'desk' of its own
        session.run(session.client.text_document_rename_async(refused))
    assert "touchpoint 'desk' already exists" in str(why.value) and "exchange.journey.yaml" in str(why.value)


def test_a_journeys_own_touchpoint_is_renamed_in_that_journey_only(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _session(tmp_path, serve)
    (tmp_path / "other.journey.yaml").write_text(JOURNEY.replace("id: returns", "id: other"), encoding="utf-8")
    changes = _rename(session, uri, *position_of(JOURNEY, "  - id: form", 9), "return-form")
    assert list(changes) == ["returns.journey.yaml"]
