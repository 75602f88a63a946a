"""The portfolio keys of the format: status, type, lifecycle (against a catalog) and nested journeys across files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.validate.nesting import cycle
from tests.conftest import Result

CATALOG = """cjm: 1
kind: catalog
lifecycle:
  - {id: discover, name: Discover}
  - {id: buy, name: Buy, description: From basket to payment}
  - {id: use, name: Use}
"""


def journey(ident: str, head: str = "", nests: tuple[str, ...] = ()) -> str:
    """A small journey; each id in ``nests`` is the nested journey of one action."""
    actions = "".join(
        f"      - {{id: step-{i}, name: Step {i}, journey: {target}}}\n" for i, target in enumerate(nests)
    )
    return (
        f"cjm: 1\nid: {ident}\ntitle: Journey {ident}\n{head}"
        "scope: {persona: p, scenario: s}\npersonas: [{id: p, name: P}]\n"
        "stages:\n  - id: s1\n    name: S1\n    actions:\n      - {id: first, name: First}\n" + actions
    )


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog.yaml"]\n')
    (tmp_path / "catalog.yaml").write_text(CATALOG)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def errors(run_cli: Callable[..., Result], root: Path, *paths: str) -> list[tuple[str, str, int, int, str]]:
    result = run_cli("validate", "--format", "json", *(paths or ["."]), cwd=root)
    found = json.loads(result.stdout)["findings"]
    return [(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in found if f["severity"] == "error"]


def test_status_type_and_lifecycle_load(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    head = "status: live\ntype: micro\nlifecycle: [discover, buy]\n"
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", head)})
    assert errors(run_cli, root) == []


def test_an_unknown_status_or_type_is_a_schema_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", "status: done\ntype: mega\n")})
    found = errors(run_cli, root)
    assert [(code, line, col) for _, code, line, col, _ in found] == [("CJM010", 4, 9), ("CJM010", 5, 7)]
    assert "draft" in found[0][4] and "macro" in found[1][4]


def test_an_unknown_lifecycle_stage_is_located_with_did_you_mean(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", "lifecycle: [discover, buyy]\n")})
    result = run_cli("validate", ".", cwd=root)
    assert result.exit_code == 1
    assert "a.journey.yaml:4:23: CJM021 error unknown lifecycle stage 'buyy'" in result.stdout
    assert "did you mean 'buy'? (defined in catalog.yaml:5)" in result.stdout


def test_a_lifecycle_without_a_catalog_says_where_stages_are_declared(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "a.journey.yaml").write_text(journey("a", "lifecycle: [discover]\n"))
    result = run_cli("validate", "a.journey.yaml", cwd=tmp_path)
    assert "CJM021 error unknown lifecycle stage 'discover'" in result.stdout
    assert "'lifecycle:' list of a workspace catalog" in result.stdout


def test_a_catalog_lifecycle_repeated_id_is_a_duplicate(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path, {"a.journey.yaml": journey("a")})
    (root / "catalog.yaml").write_text(CATALOG + "  - {id: buy, name: Buy again}\n")
    found = errors(run_cli, root)
    assert [(f, code, line) for f, code, line, _, _ in found] == [("catalog.yaml", "CJM020", 7)]


def test_a_nested_journey_must_exist(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(
        tmp_path, {"a.journey.yaml": journey("a", nests=("checkoutt",)), "b.journey.yaml": journey("checkout")}
    )
    found = errors(run_cli, root)
    assert [(f, code, line, col) for f, code, line, col, _ in found] == [("a.journey.yaml", "CJM023", 11, 45)]
    result = run_cli("validate", ".", cwd=root)
    assert "did you mean 'checkout'?" in result.stdout


def test_validating_one_file_reads_the_rest_of_the_workspace(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    """The nested journey lives in a file the run did not name: it is found, and so is a loop through it."""
    root = workspace(
        tmp_path,
        {"a.journey.yaml": journey("a", nests=("b",)), "b.journey.yaml": journey("b", nests=("c",))},
    )
    (root / "c.journey.yaml").write_text(journey("c"))
    assert errors(run_cli, root, "a.journey.yaml") == []
    (root / "c.journey.yaml").write_text(journey("c", nests=("a",)))
    found = errors(run_cli, root, "a.journey.yaml")
    assert [(f, code) for f, code, _, _, _ in found] == [("a.journey.yaml", "CJM024")]
    assert "a -> b -> c -> a" in found[0][4]


def test_every_journey_on_a_loop_is_told(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "a.journey.yaml": journey("a", nests=("b",)),
            "b.journey.yaml": journey("b", nests=("a",)),
            "c.journey.yaml": journey("c", nests=("a",)),  # leads into the loop, is not on it
        },
    )
    found = errors(run_cli, root)
    assert [(f, code, line, col) for f, code, line, col, _ in found] == [
        ("a.journey.yaml", "CJM024", 11, 45),
        ("b.journey.yaml", "CJM024", 11, 45),
    ]


def test_a_journey_with_a_shared_id_still_has_its_nested_journeys_checked(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    """CJM022 on a file does not make its actions' links disappear: the missing nested journey is told too."""
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", nests=("checkoutt",)), "b.journey.yaml": journey("a")})
    found = errors(run_cli, root)
    assert [(f, code, line, col) for f, code, line, col, _ in found] == [
        ("a.journey.yaml", "CJM022", 2, 5),
        ("a.journey.yaml", "CJM023", 11, 45),
        ("b.journey.yaml", "CJM022", 2, 5),
    ]


def test_a_journey_nesting_itself_is_a_loop_of_one(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", nests=("a",))})
    found = errors(run_cli, root)
    assert [(f, code, line, col) for f, code, line, col, _ in found] == [("a.journey.yaml", "CJM024", 11, 45)]
    assert "leads back here: a -> a" in found[0][4]


def test_cycle_finds_the_shortest_way_back() -> None:
    graph = {"a": {"b", "c"}, "b": {"d"}, "c": {"a"}, "d": {"a"}}
    assert cycle(graph, "b", "a") == ["b", "d", "a"]
    assert cycle(graph, "c", "a") == ["c", "a"]
    assert cycle({"a": {"b"}, "b": set()}, "b", "a") is None


def test_a_diff_names_status_and_lifecycle_changes(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "old.journey.yaml": journey("a", "status: draft\nlifecycle: [discover]\n"),
            "new.journey.yaml": journey("a", "status: live\nlifecycle: [discover, buy]\n", nests=("b",)),
            "b.journey.yaml": journey("b"),
        },
    )
    result = run_cli("diff", "old.journey.yaml", "new.journey.yaml", cwd=root)
    assert "Journey status: draft → live" in result.stdout
    assert "Journey lifecycle: discover → discover, buy" in result.stdout


def test_the_json_schemas_know_the_portfolio_keys() -> None:
    """Editors check the new keys through the published schemas: enums, id patterns, the catalog lifecycle."""
    import jsonschema
    import yaml

    from cjm.schema import catalog_schema, journey_schema

    good = yaml.safe_load(journey("a", "status: validated\ntype: blueprint\nlifecycle: [buy]\n", nests=("b",)))
    jsonschema.validate(good, journey_schema())
    for bad in ({"status": "done"}, {"type": "mega"}, {"lifecycle": ["Not An Id"]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, **bad}, journey_schema())
    nested = yaml.safe_load(journey("a", nests=("Bad Id",)))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(nested, journey_schema())
    jsonschema.validate(yaml.safe_load(CATALOG), catalog_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cjm": 1, "kind": "catalog", "lifecycle": [{"id": "buy"}]}, catalog_schema())


def test_report_writes_to_a_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path, {"a.journey.yaml": journey("a", "lifecycle: [buy]\n")})
    result = run_cli("report", "owners", "-F", "csv", "-o", "owners.csv", cwd=root)
    assert result.exit_code == 0 and result.stdout == ""
    assert (root / "owners.csv").read_text().startswith("owner,journeys,pain_points")
