"""`cjm fmt`: one layout, comments and blank lines kept, meaning never changed, idempotent."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.fmt import format_bytes, format_text
from cjm.validate.loader import load_text
from tests.conftest import EXAMPLES, Result
from tests.strategies import journey_documents

MESSY = """# The kettle journey: a comment above everything
title: Buy a kettle   # what the map is about
id: kettle
cjm: 1
scope: {scenario: Buy one, persona: shopper}

personas:
  - name: Shopper
    id: shopper

stages:
  # the only stage
  - name: Buy
    actions:
      - emotion: 1
        name: Pays
        id: pay
        duration: 2m
        touchpoints: [shop]
    id: buy

touchpoints:
  - {channel: web, name: Shop, id: shop}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_take_the_documented_order_and_comments_stay(tmp_path: Path) -> None:
    after = format_text(MESSY)
    assert after.splitlines()[:4] == [
        "# The kettle journey: a comment above everything",
        "cjm: 1",
        "id: kettle",
        "title: Buy a kettle   # what the map is about",
    ]
    assert "  # the only stage\n  - id: buy\n    name: Buy\n" in after
    assert "      - id: pay\n        name: Pays\n        touchpoints: [shop]\n        emotion: 1\n" in after
    assert "  - {id: shop, name: Shop, channel: web}" in after
    assert "\n\nstages:" in after and "\n\ntouchpoints:" in after, "blank lines between sections are kept"
    assert format_text(after) == after


def test_every_example_is_already_formatted() -> None:
    for example in EXAMPLES:
        result = format_bytes(example.read_bytes(), str(example))
        assert result.after == result.before, f"run: cjm fmt {example.name}"


def test_check_and_diff_change_nothing(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    path = write(tmp_path, "a.journey.yaml", MESSY)
    check = run_cli("fmt", "--check", str(path), cwd=tmp_path)
    assert check.exit_code == 1 and "1 file would be reformatted" in check.stderr
    diff = run_cli("fmt", "--diff", str(path), cwd=tmp_path)
    assert diff.exit_code == 1 and diff.stdout.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert "+cjm: 1\n" in diff.stdout
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_rewrites_only_what_changes_and_keeps_the_mode(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    messy = write(tmp_path, "a.journey.yaml", MESSY)
    tidy = write(tmp_path, "b.journey.yaml", format_text(MESSY).replace("id: kettle", "id: kettle-b"))
    messy.chmod(0o600)
    os.utime(tidy, (1_000_000, 1_000_000))
    result = run_cli("fmt", str(tmp_path), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "1 file reformatted, 1 unchanged" in result.stderr
    assert messy.read_text(encoding="utf-8") == format_text(MESSY)
    assert messy.stat().st_mode & 0o777 == 0o600
    assert tidy.stat().st_mtime == 1_000_000, "an unchanged file is not rewritten"
    again = run_cli("fmt", "--check", str(tmp_path), cwd=tmp_path)
    assert again.exit_code == 0 and "0 files would be reformatted, 2 unchanged" in again.stderr


def test_a_file_that_does_not_parse_is_left_alone_and_located(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    broken = write(tmp_path, "a.journey.yaml", "cjm: 1\nid: x\ntitle: 'open\n")
    result = run_cli("fmt", str(broken), cwd=tmp_path)
    assert result.exit_code == 1
    assert f"{broken}:" in result.stderr and "CJM001" in result.stderr and "not formatted" in result.stderr
    assert broken.read_text(encoding="utf-8") == "cjm: 1\nid: x\ntitle: 'open\n"


def test_a_link_inside_the_workspace_stays_a_link(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = write(tmp_path, "real.yaml", MESSY)
    link = tmp_path / "a.journey.yaml"
    link.symlink_to(target)
    assert run_cli("fmt", str(link), cwd=tmp_path).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == format_text(MESSY)


def test_catalogs_of_the_workspace_are_formatted_too(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    write(tmp_path, "cjm.toml", 'catalog = ["shared.yaml"]\n')
    catalog = write(
        tmp_path, "shared.yaml", "kind: catalog\ncjm: 1\ntouchpoints:\n- {name: Shop, id: shop, channel: web}\n"
    )
    write(tmp_path, "a.journey.yaml", format_text(MESSY))
    assert run_cli("fmt", cwd=tmp_path).exit_code == 0
    assert (
        catalog.read_text(encoding="utf-8")
        == "cjm: 1\nkind: catalog\ntouchpoints:\n  - {id: shop, name: Shop, channel: web}\n"
    )


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(journey_documents(), st.randoms(use_true_random=False), st.booleans())
def test_fmt_never_changes_the_journey_and_is_idempotent(
    document: dict[str, Any], rng: random.Random, flow: bool
) -> None:
    text = yaml.safe_dump(_shuffled(document, rng), allow_unicode=True, sort_keys=False, default_flow_style=flow)
    before = load_text(text, "g.journey.yaml")
    assert before.journey is not None, [d.message for d in before.diagnostics]
    after_text = format_text(text)
    after = load_text(after_text, "g.journey.yaml")
    assert after.journey == before.journey
    assert [d.code for d in after.diagnostics] == [d.code for d in before.diagnostics]
    assert format_text(after_text) == after_text
