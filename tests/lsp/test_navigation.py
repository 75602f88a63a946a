"""The outline, go to definition, find references and hover, across a journey and its catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from tests.lsp.conftest import JOURNEY, make_workspace, position_of
from tests.lsp.session import Session, at

Serve = Callable[[Path], Session]


def _opened(tmp_path: Path, serve: Serve, config: str | None = None) -> tuple[Session, str, Path]:
    journey = make_workspace(tmp_path) if config is None else make_workspace(tmp_path, config)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)
    return session, uri, tmp_path / "catalog" / "shared.yaml"


def _where(locations: list[lsp.Location]) -> list[tuple[str, int, int, int]]:
    return [
        (Path(loc.uri).name, loc.range.start.line, loc.range.start.character, loc.range.end.character)
        for loc in locations
    ]


def test_the_outline_is_the_stages_with_their_actions(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve)
    found = session.run(
        session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri)))
    )
    assert found is not None
    outline = [(s.name, [c.name for c in s.children or []]) for s in found if isinstance(s, lsp.DocumentSymbol)]
    assert outline == [
        ("Ask for a return", ["Reads the return policy", "Fills the return form"]),
        ("Send it back", ["Posts the parcel"]),
    ]
    ask = found[0]
    assert isinstance(ask, lsp.DocumentSymbol)
    assert ask.selection_range == lsp.Range(lsp.Position(7, 8), lsp.Position(7, 11))


def _definition(
    session: Session, uri: str, needle: str, occurrence: int = 0, offset: int = 1
) -> list[tuple[str, int, int, int]]:
    line, character = position_of(JOURNEY, needle, offset, occurrence)
    found = session.run(session.client.text_document_definition_async(lsp.DefinitionParams(**at(uri, line, character))))
    assert isinstance(found, list)
    return _where([f for f in found if isinstance(f, lsp.Location)])


def test_definition_of_each_kind_of_reference(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve)
    journey = "returns.journey.yaml"
    assert _definition(session, uri, "help-centre") == [("shared.yaml", 5, 8, 19)]  # in the catalog
    assert _definition(session, uri, "shopper") == [("shared.yaml", 3, 9, 16)]
    assert _definition(session, uri, "crm-sync") == [("shared.yaml", 9, 9, 17)]
    assert _definition(session, uri, "form") == [(journey, 31, 8, 12)]  # the file's own touchpoint
    assert _definition(session, uri, "policy-unclear", occurrence=1) == [(journey, 15, 17, 31)]
    assert _definition(session, uri, "stage: ask", offset=8) == [(journey, 7, 8, 11)]
    assert _definition(session, uri, "Reads") == []  # not an id


def test_references_of_a_touchpoint_with_and_without_its_declaration(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve)
    line, character = position_of(JOURNEY, "  - id: form", 9)
    for declaration, count in ((True, 4), (False, 3)):
        params = lsp.ReferenceParams(
            context=lsp.ReferenceContext(include_declaration=declaration), **at(uri, line, character)
        )
        found = session.run(session.client.text_document_references_async(params))
        assert found is not None
        assert [loc.range.start.line for loc in found] == [12, 20, 28, 31][:count]


def test_references_of_a_catalog_id_include_its_catalog_declaration(tmp_path: Path, serve: Serve) -> None:
    session, uri, catalog = _opened(tmp_path, serve)
    line, character = position_of(JOURNEY, "help-centre", 2)
    params = lsp.ReferenceParams(context=lsp.ReferenceContext(include_declaration=True), **at(uri, line, character))
    found = session.run(session.client.text_document_references_async(params))
    assert found is not None
    assert sorted((Path(loc.uri).name, loc.range.start.line) for loc in found) == [
        ("returns.journey.yaml", 12),
        ("shared.yaml", 5),
    ]
    assert from_fs_path(str(catalog.resolve())) in {loc.uri for loc in found}


def _hover(session: Session, uri: str, line: int, character: int) -> str:
    found = session.run(session.client.text_document_hover_async(lsp.HoverParams(**at(uri, line, character))))
    assert found is not None and isinstance(found.contents, lsp.MarkupContent)
    return found.contents.value


def test_hover_names_the_definition(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve)
    text = _hover(session, uri, *position_of(JOURNEY, "help-centre", 3))
    assert text.startswith("**touchpoint** `help-centre`: Help centre (web)")
    assert "shared.yaml` line 6" in text
    assert _hover(session, uri, *position_of(JOURNEY, "form]", 1, 1)) == "**touchpoint** `form`: Return form (web)"
    assert "Sam the shopper" in _hover(session, uri, *position_of(JOURNEY, "shopper", 1))


def test_hover_on_a_diagnostic_gives_the_rules_summary(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve, 'catalog = ["catalog/*.yaml"]\n')  # the default rules
    codes = [d.code for d in session.diagnostics(uri)]
    assert "CJM112" in codes
    text = _hover(session, uri, *position_of(JOURNEY, "scope:", 1))
    assert "**CJM112** incomplete-scope: scope lacks start, end or goal" in text
    version = session.replace(uri, JOURNEY.replace("[help-centre, form]", "[help-centr, form]"))
    session.diagnostics(uri, version)
    text = _hover(session, uri, *position_of(JOURNEY, "help-centre", 2))
    assert "declared nowhere" in text
    assert "**CJM021** unknown-reference: a reference that resolves nowhere" in text


def test_references_of_a_catalog_id_from_the_catalog_reach_every_journey(tmp_path: Path, serve: Serve) -> None:
    session, _, catalog = _opened(tmp_path, serve)
    other = JOURNEY.replace("id: returns", "id: other").replace("[help-centre, form]", "[form, help-centre]")
    (tmp_path / "other.journey.yaml").write_text(other, encoding="utf-8")
    uri = session.open(catalog)
    session.diagnostics(uri)
    params = lsp.ReferenceParams(context=lsp.ReferenceContext(include_declaration=False), **at(uri, 5, 10))
    found = session.run(session.client.text_document_references_async(params))
    assert found is not None
    assert sorted((Path(loc.uri).name, loc.range.start.line, loc.range.start.character) for loc in found) == [
        ("other.journey.yaml", 12, 28),
        ("returns.journey.yaml", 12, 22),
    ]


def test_a_half_typed_document_keeps_the_outline_of_its_last_text_that_parsed(tmp_path: Path, serve: Serve) -> None:
    session, uri, _ = _opened(tmp_path, serve)
    shifted = "# a comment line\n" + JOURNEY  # parses: its ids are one line lower, and no request asked for them
    version = session.replace(uri, shifted)
    assert session.diagnostics(uri, version) == []
    version = session.replace(uri, shifted[: shifted.index("touchpoints: [help") + 16])
    assert [d.code for d in session.diagnostics(uri, version)] == ["CJM001"]
    found = session.run(
        session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri)))
    )
    assert found is not None and isinstance(found[0], lsp.DocumentSymbol)
    assert found[0].selection_range == lsp.Range(lsp.Position(8, 8), lsp.Position(8, 11))  # of the shifted text
