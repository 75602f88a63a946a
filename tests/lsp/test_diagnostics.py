"""Diagnostics of `cjm lsp` are those of `cjm validate -F json` for the same file, from the editor's text."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from tests.conftest import ROOT
from tests.lsp.conftest import JOURNEY, make_workspace
from tests.lsp.session import Session, at

Serve = Callable[[Path], Session]
_SEVERITY = {"error": 1, "warning": 2, "info": 3}


def _validate(cwd: Path, *paths: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The findings of one `cjm validate -F json` run, by file name, in the form the server's are compared in."""
    done = subprocess.run(
        [sys.executable, "-m", "cjm", "validate", "-F", "json", *(p.name for p in paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    out: dict[str, list[tuple[Any, ...]]] = {p.name: [] for p in paths}
    for f in json.loads(done.stdout)["findings"]:
        if f["rule"] == "CJM022":  # journey ids shared between the files of one run: not a one-file finding
            continue
        out[f["path"]].append(
            (
                f["rule"],
                (f["line"] - 1, f["column"] - 1, f["end_line"] - 1, f["end_column"]),
                _SEVERITY[f["severity"]],
                f["message"] + (f"\n{f['hint']}" if f["hint"] else ""),
            )
        )
    return out


def _published(found: list[lsp.Diagnostic]) -> list[tuple[Any, ...]]:
    return [
        (
            d.code,
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
            int(d.severity or 0),
            d.message,
        )
        for d in found
    ]


def test_diagnostics_equal_validate_on_the_examples_and_the_invalid_corpus(tmp_path: Path, serve: Serve) -> None:
    files = sorted((ROOT / "examples").glob("*.journey.yaml"))
    for source in sorted((ROOT / "tests" / "corpus" / "invalid").glob("*.yaml")):
        try:
            source.read_bytes().decode("utf-8")
        except UnicodeDecodeError:  # an editor sends text it has decoded already: no byte of Latin-1 reaches LSP
            continue
        copy = tmp_path / (source.stem + ".journey.yaml")
        shutil.copyfile(source, copy)
        files.append(copy)
    for path in files:
        if path.parent != tmp_path:
            shutil.copyfile(path, tmp_path / path.name)
    targets = [tmp_path / path.name for path in files]
    expected = _validate(tmp_path, *targets)
    session = serve(tmp_path)
    for target in targets:
        uri = session.open(target)
        assert _published(session.diagnostics(uri)) == expected[target.name], target.name
    assert len(targets) >= 50 and sum(map(len, expected.values())) >= 50


def test_the_editors_text_is_checked_not_the_file_on_disk(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    assert session.diagnostics(uri) == []
    version = session.replace(uri, JOURNEY.replace("[help-centre, form]", "[help-center, form]"))
    found = session.diagnostics(uri, version)
    assert [(d.code, d.message) for d in found] == [
        ("CJM021", "unknown touchpoint 'help-center'\ndid you mean 'help-centre'? (defined in catalog/shared.yaml:6)")
    ]
    assert found[0].range == lsp.Range(lsp.Position(12, 22), lsp.Position(12, 33))


def test_the_workspace_config_and_catalogs_apply(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path, 'catalog = ["catalog/*.yaml"]\nselect = ["ALL"]\n')
    text = JOURNEY.replace("touchpoints: [form]\n        emotion: 1", "touchpoints: [form]\n        emotion: -2")
    journey.write_text(text, encoding="utf-8")
    session = serve(tmp_path)
    uri = session.open(journey)
    published = _published(session.diagnostics(uri))
    assert published == _validate(tmp_path, journey)[journey.name]
    assert "CJM021" not in {code for code, *_ in published}  # the catalog's ids resolve


def test_a_half_typed_file_gets_its_syntax_error_and_the_server_keeps_answering(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)
    version = session.replace(uri, JOURNEY[: JOURNEY.index("touchpoints: [help") + 16])
    assert [d.code for d in session.diagnostics(uri, version)] == ["CJM001"]
    version = session.replace(uri, JOURNEY)
    assert session.diagnostics(uri, version) == []


def test_an_oversized_document_is_reported_not_parsed(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path, 'catalog = ["catalog/*.yaml"]\n[limits]\nmax-bytes = 2000\n')
    session = serve(tmp_path)
    text = JOURNEY + "".join(f"# padding line {n}\n" for n in range(200))
    uri = session.open(journey, text)
    found = session.diagnostics(uri)
    assert [d.code for d in found] == ["CJM005"]
    assert "over the limit of 2,000" in found[0].message


def test_a_catalog_being_edited_gets_its_own_findings(tmp_path: Path, serve: Serve) -> None:
    make_workspace(tmp_path)
    session = serve(tmp_path)
    catalog = tmp_path / "catalog" / "shared.yaml"
    uri = session.open(catalog)
    assert session.diagnostics(uri) == []
    version = session.replace(uri, catalog.read_text(encoding="utf-8").replace("channel: web", "channel: webb"))
    assert [d.code for d in session.diagnostics(uri, version)] == ["CJM010"]


def test_other_yaml_is_left_alone(tmp_path: Path, serve: Serve) -> None:
    session = serve(tmp_path)
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    assert session.diagnostics(session.open(workflow)) == []


def _utf16(text: str, start: int, end: int) -> str:
    """The characters between two UTF-16 offsets of a line."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_positions_are_utf16_after_an_emoji_on_the_same_line(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    text = JOURNEY.replace(
        "      - id: fill-form\n        name: Fills the return form\n",
        "      - {name: 🛒📦 Fills the form, id: fill-form, touchpoints: [helpcentre]}\n      - id: fill-form-2\n"
        "        name: Fills the return form\n",
    )
    uri = session.open(journey, text)
    found = session.diagnostics(uri)
    assert [d.code for d in found] == ["CJM021"]
    line = text.split("\n")[found[0].range.start.line]
    assert _utf16(line, found[0].range.start.character, found[0].range.end.character) == "helpcentre"
    place = at(uri, found[0].range.start.line, found[0].range.start.character + 1)
    definition = session.run(session.client.text_document_definition_async(lsp.DefinitionParams(**place)))
    assert definition == []  # the unknown id has no definition; the known one beside it does:
    form_at = line.index("fill-form") + 9 + 2  # just past its end, in UTF-16: the two emoji count twice
    hover = session.run(
        session.client.text_document_hover_async(lsp.HoverParams(**at(uri, found[0].range.start.line, form_at)))
    )
    assert hover is not None and "**action** `fill-form`: 🛒📦 Fills the form" in str(hover.contents)


def test_a_broken_cjm_toml_is_said_once_where_the_file_starts(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path, 'catalog = ["catalogue/*.yaml"]\n')  # a glob that matches nothing
    session = serve(tmp_path)
    found = session.diagnostics(session.open(journey))
    assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [(None, 0, 0)]
    assert found[0].message.startswith("cjm cannot check this file: ")
    assert "catalog: 'catalogue/*.yaml' matches no file" in found[0].message


def test_nested_journeys_are_checked_across_the_workspace_as_validate_checks_them(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    nested = JOURNEY.replace("id: returns", "id: refund").replace("title: Return an item", "title: Get a refund")
    (tmp_path / "refund.journey.yaml").write_text(
        nested.replace(
            "        name: Posts the parcel\n", "        name: Posts the parcel\n        journey: returns\n"
        ),
        encoding="utf-8",
    )  # refund nests returns
    linked = JOURNEY.replace(
        "        name: Posts the parcel\n", "        name: Posts the parcel\n        journey: refund\n"
    )
    journey.write_text(linked, encoding="utf-8")  # returns nests refund: a loop
    session = serve(tmp_path)
    uri = session.open(journey)
    expected = _validate(tmp_path, journey)[journey.name]
    assert [f[0] for f in expected] == ["CJM024"] and "returns -> refund -> returns" in expected[0][3]
    assert _published(session.diagnostics(uri)) == expected
    version = session.replace(uri, linked.replace("journey: refund", "journey: refnud"))
    found = session.diagnostics(uri, version)
    assert [(d.code, d.message.splitlines()[-1]) for d in found] == [("CJM023", "did you mean 'refund'?")]
