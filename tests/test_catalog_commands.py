"""Journeys that reference a workspace catalog work in every command, not only validate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

CATALOG = """cjm: 1
kind: catalog
personas:
  - {id: shopper, name: Sam}
touchpoints:
  - {id: shop-site, name: Shop website, channel: web, departments: [product]}
"""
JOURNEY = """cjm: 1
id: {id}
title: A
scope: {{persona: shopper, scenario: Buy}}
stages:
  - id: s1
    name: Buy
    actions:
      - {{id: a1, name: Browse, touchpoints: [shop-site], emotion: {emotion}}}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "journeys").mkdir()
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog/*.yaml"]\n')
    (tmp_path / "catalog" / "shared.yaml").write_text(CATALOG)
    (tmp_path / "journeys" / "a.journey.yaml").write_text(JOURNEY.format(id="a", emotion=1))
    (tmp_path / "journeys" / "b.journey.yaml").write_text(JOURNEY.format(id="a", emotion=-1))
    return tmp_path


def test_validate_resolves_catalog_ids(run_cli: Callable[..., Result], workspace: Path) -> None:
    result = run_cli("validate", "-F", "json", "journeys/a.journey.yaml", cwd=workspace)
    assert '"CJM021"' not in result.stdout
    assert '"error": 0' in result.stdout


def test_render_and_export_resolve_catalog_ids(run_cli: Callable[..., Result], workspace: Path) -> None:
    render = run_cli("render", "journeys/a.journey.yaml", "-o", "out.html", cwd=workspace)
    assert render.exit_code == 0, render.stderr
    assert "Shop website" in (workspace / "out.html").read_text()
    export = run_cli("export", "mermaid", "journeys/a.journey.yaml", cwd=workspace)
    assert export.exit_code == 0, export.stderr
    assert "Browse" in export.stdout


def test_diff_resolves_catalog_ids(run_cli: Callable[..., Result], workspace: Path) -> None:
    result = run_cli("diff", "journeys/a.journey.yaml", "journeys/b.journey.yaml", "-F", "json", cwd=workspace)
    assert result.exit_code == 0, result.stderr
    assert '"emotion"' in result.stdout


def test_without_the_catalog_the_reference_is_a_located_error(run_cli: Callable[..., Result], workspace: Path) -> None:
    (workspace / "cjm.toml").write_text("")
    result = run_cli("render", "journeys/a.journey.yaml", "-o", "out.html", cwd=workspace)
    assert result.exit_code == 2
    assert "journeys/a.journey.yaml:4:" in result.stderr and "CJM021" in result.stderr
    assert not (workspace / "out.html").exists()
