"""`cjm init`: every template gives a journey that validates, and nothing is overwritten."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import Result


@pytest.mark.parametrize(("template", "stages"), [("b2b", 7), ("b2c", 5), ("blank", 1)])
def test_template_validates(run_cli: Callable[..., Result], tmp_path: Path, template: str, stages: int) -> None:
    result = run_cli("init", "Partner onboarding", "--template", template, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "partner-onboarding.journey.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["id"] == "partner-onboarding"
    assert len(data["stages"]) == stages
    check = run_cli("validate", "-F", "json", str(path))
    assert check.exit_code == 0, check.stdout
    strict = run_cli("validate", "--strict", "-F", "json", str(path))
    assert strict.exit_code == 0, "a new file passes --strict: " + strict.stdout


def test_init_refuses_to_overwrite(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "x.journey.yaml"
    target.write_text("mine\n")
    result = run_cli("init", "x", cwd=tmp_path)
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.journey.yaml"]


def test_unknown_template_is_a_usage_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("init", "x", "--template", "b2g", cwd=tmp_path)
    assert result.exit_code == 2
    assert "b2b, b2c, blank" in result.stderr


def test_a_path_names_the_file_and_its_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("init", "journeys/Partner Onboarding", "--template", "b2c", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    target = tmp_path / "journeys" / "partner-onboarding.journey.yaml"
    assert yaml.safe_load(target.read_text())["id"] == "partner-onboarding"
    assert run_cli("validate", str(target)).exit_code == 0
