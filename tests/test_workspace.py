"""The workspace: include/exclude discovery, catalogs shared across journeys, and cross-file references."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, Result

JOURNEY = (ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.good.journey.yaml").read_text(encoding="utf-8")
CATALOG = """cjm: 1
kind: catalog
personas:
  - {id: shopper, name: Online shopper}
touchpoints:
  - {id: call-centre, name: Call centre, channel: phone, departments: [support]}
  - {id: courier, name: Courier, channel: in-person, departments: [logistics]}
backstage:
  - {id: refunds, name: Refund handling, owner: Finance}
departments: [support, logistics, marketing]
"""


def shared_journey() -> str:
    """The corpus journey, with its persona and courier touchpoint moved to the catalog."""
    text = JOURNEY.replace("personas:\n  - {id: shopper, name: Online shopper}\n", "")
    text = text.replace("  - {id: courier, name: Courier, channel: in-person, departments: [logistics]}\n", "")
    assert "id: courier" not in text and "id: shopper" not in text
    return text


def validate(run_cli: Callable[..., Result], cwd: Path, *args: str) -> tuple[Result, dict[str, Any]]:
    result = run_cli("validate", "-F", "json", *args, cwd=cwd)
    assert result.exit_code in (0, 1), result.stderr
    return result, json.loads(result.stdout)


def make(tmp_path: Path, journey: str, catalog: str = CATALOG, config: str = 'catalog = ["catalog/*.yaml"]\n') -> Path:
    (tmp_path / "journeys").mkdir(parents=True)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "journeys" / "kettle.journey.yaml").write_text(journey, encoding="utf-8")
    (tmp_path / "catalog" / "shared.yaml").write_text(catalog, encoding="utf-8")
    (tmp_path / "cjm.toml").write_text(config, encoding="utf-8")
    return tmp_path


def test_references_resolve_through_the_catalog(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    result, payload = validate(run_cli, root)
    assert payload["findings"] == [] and payload["files"] == 1
    assert result.exit_code == 0
    without = make(tmp_path / "alone", shared_journey(), config="")
    _, alone = validate(run_cli, without)
    assert {f["rule"] for f in alone["findings"]} == {"CJM021"}, "without the catalog the ids are unknown"


def test_unknown_reference_names_where_the_closest_id_lives(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey().replace("touchpoints: [courier]", "touchpoints: [curier]"))
    result, payload = validate(run_cli, root)
    assert result.exit_code == 1
    (finding,) = payload["findings"]
    assert finding["rule"] == "CJM021" and finding["message"] == "unknown touchpoint 'curier'"
    assert finding["hint"] == "did you mean 'courier'? (defined in catalog/shared.yaml:7)"


def test_catalog_departments_join_the_configured_list(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    journey = shared_journey().replace("departments: [marketing]}", "departments: [marketing, legal, suport]}")
    root = make(tmp_path, journey, config='catalog = ["catalog/*.yaml"]\ndepartments = ["legal"]\n')
    _, payload = validate(run_cli, root)
    assert [(f["rule"], f["hint"]) for f in payload["findings"]] == [("CJM115", "did you mean 'support'?")]


def test_catalog_problems_are_reported_in_the_catalog(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    (root / "catalog" / "broken.yaml").write_text(CATALOG.replace("channel: phone", "channel: fax"), encoding="utf-8")
    (root / "catalog" / "more.yaml").write_text(
        "cjm: 1\nkind: catalog\ntouchpoints:\n  - {id: courier, name: Parcel courier, channel: in-person}\n",
        encoding="utf-8",
    )
    result, payload = validate(run_cli, root)
    assert result.exit_code == 1
    found = [(f["path"], f["rule"], f["line"], f["message"]) for f in payload["findings"]]
    # broken.yaml is a copy of shared.yaml with one broken entry: its other entries still count, so every
    # id it shares with the other catalogs is a duplicate, reported in the same run as the broken entry
    assert found == [
        ("catalog/broken.yaml", "CJM010", 6, found[0][3]),
        ("catalog/more.yaml", "CJM020", 4, "duplicate touchpoint id 'courier' (first in catalog/broken.yaml:7)"),
        ("catalog/shared.yaml", "CJM020", 4, "duplicate persona id 'shopper' (first in catalog/broken.yaml:4)"),
        ("catalog/shared.yaml", "CJM020", 6, "duplicate touchpoint id 'call-centre' (first in catalog/broken.yaml:6)"),
        ("catalog/shared.yaml", "CJM020", 7, "duplicate touchpoint id 'courier' (first in catalog/broken.yaml:7)"),
        ("catalog/shared.yaml", "CJM020", 9, "duplicate backstage id 'refunds' (first in catalog/broken.yaml:9)"),
    ]
    assert "fax" in found[0][3]
    assert payload["files"] == 4, "the journey and the three catalogs with findings"


def test_a_journey_listed_as_catalog_is_flagged(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, JOURNEY, catalog=JOURNEY)
    _, payload = validate(run_cli, root)
    assert [(f["path"], f["rule"]) for f in payload["findings"]] == [("catalog/shared.yaml", "CJM003")]


def test_catalog_glob_matching_nothing_is_a_usage_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, JOURNEY, config='catalog = ["catalogue/*.yaml"]\n')
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 2
    assert "catalog: 'catalogue/*.yaml' matches no file" in result.stderr


def test_include_and_exclude_globs_are_relative_to_the_workspace(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    for name in ("journeys/a.journey.yaml", "journeys/drafts/b.journey.yaml", ".hidden/c.journey.yaml", "d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(JOURNEY, encoding="utf-8")
    (tmp_path / "cjm.toml").write_text('include = ["**/*.yaml"]\nexclude = ["journeys/drafts/*"]\n')
    _, payload = validate(run_cli, tmp_path)
    assert payload["files"] == 2, "d.yaml and journeys/a.journey.yaml; drafts excluded, hidden folders skipped"
    _, inside = validate(run_cli, tmp_path / "journeys")
    assert inside["files"] == 2, "the config is found upward and its globs stay relative to it"
    _, folder = validate(run_cli, tmp_path, "journeys")
    assert folder["files"] == 1, "exclude applies to folder searches too"


def test_examples_validate_together_with_no_findings(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    result, payload = validate(run_cli, tmp_path, "--strict", "examples")
    assert payload["findings"] == [] and result.exit_code == 0
