"""Names that broke rendering: a journey whose id is 'index', and noncharacters in a name."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from cjm.scaffold import starter
from tests.conftest import EXAMPLES, Result, standalone

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz is not installed"
)


def journey(folder: Path, ident: str, stage_name: str = "First stage") -> Path:
    data = yaml.safe_load(starter("Demo", "blank"))
    data["id"] = ident
    data["stages"][0]["name"] = stage_name
    path = folder / f"{ident}.journey.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False), encoding="utf-8")
    return path


def test_a_journey_called_index_is_not_overwritten_by_the_site_index(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = journey(tmp_path, "index")
    other = tmp_path / EXAMPLES[0].name
    other.write_text(standalone(EXAMPLES[0].read_text(encoding="utf-8")), encoding="utf-8")
    site = tmp_path / "site"
    result = run_cli("render", str(path), str(other), "-o", str(site))
    assert result.exit_code == 2
    assert "the journey id 'index' would make its map index.html, which is the site's index page" in result.stderr
    assert not site.exists()  # refused before anything was written


def test_a_journey_called_index_still_renders_where_nothing_collides(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = journey(tmp_path, "index")
    assert run_cli("render", str(path), "-o", str(tmp_path / "map.html")).exit_code == 0
    assert run_cli("render", str(path), "-f", "mermaid,md", "-o", str(tmp_path / "out")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["index.md", "index.mmd"]


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "flow.png", "flow.pdf"])
def test_noncharacters_in_a_name_do_not_fail_graphviz(run_cli: Callable[..., Result], tmp_path: Path, fmt: str) -> None:
    path = journey(tmp_path, "odd", "A \ufffe B \uffff C")
    assert run_cli("validate", str(path)).exit_code == 0  # the file is valid, so it must render
    out = tmp_path / f"map.{fmt}"
    result = run_cli("render", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data
    if fmt == "svg":
        ET.fromstring(data)  # well-formed: the noncharacters were replaced, not passed through
        assert "\ufffe".encode() not in data
