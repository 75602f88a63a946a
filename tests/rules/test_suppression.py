"""Inline ignores (line and file), per-file-ignores, and the unused-ignore report (CJM100)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cjm.validate.suppress import directives
from tests.conftest import ROOT, Result

BASE = (ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.bad.journey.yaml").read_text(encoding="utf-8")
NO_EMOTION = "      - id: compare\n"  # the line CJM103 points at in BASE


def run(run_cli: Callable[..., Result], tmp_path: Path, text: str, config: str = "") -> list[tuple[str, int, str]]:
    (tmp_path / "cjm.toml").write_text(config, encoding="utf-8")
    target = tmp_path / "journeys" / "a.journey.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    result = run_cli("validate", "-F", "json", "journeys/a.journey.yaml", cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    return [(f["rule"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]


def test_baseline_file_has_the_finding(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    assert [code for code, _, _ in run(run_cli, tmp_path, BASE)] == ["CJM103"]


def test_line_ignore_silences_that_rule_on_that_line(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace(NO_EMOTION, "      - id: compare  # cjm: ignore[CJM103]\n")
    assert run(run_cli, tmp_path, text) == []
    by_name = BASE.replace(NO_EMOTION, "      - id: compare  # cjm: ignore[missing-emotion, CJM104]\n")
    found = run(run_cli, tmp_path, by_name)
    assert [(c, m) for c, _, m in found] == [
        ("CJM100", "ignore[missing-emotion, CJM104] suppresses no CJM104 finding on this line")
    ]


def test_ignore_on_another_line_is_unused_and_the_finding_stays(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace(
        "        name: Compares two models\n", "        name: Compares two models  # cjm: ignore[CJM103]\n"
    )
    found = run(run_cli, tmp_path, text)
    assert sorted(code for code, _, _ in found) == ["CJM100", "CJM103"]


def test_file_ignore_anywhere_silences_the_rule_in_the_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE + "# cjm: ignore-file[CJM103]\n"
    assert run(run_cli, tmp_path, text) == []


def test_unknown_and_core_codes_in_ignores_are_reported(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace(NO_EMOTION, "      - id: compare  # cjm: ignore[CJM103, CJM130, CJM021]\n")
    messages = {m for c, _, m in run(run_cli, tmp_path, text) if c == "CJM100"}
    assert messages == {
        "unknown rule 'CJM130' in ignore[CJM103, CJM130, CJM021]",
        "CJM021 is a core error and cannot be ignored",
    }


def test_core_errors_are_never_silenced(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace("touchpoints: [courier]\n", "touchpoints: [curier]  # cjm: ignore[CJM021]\n")
    found = sorted(c for c, _, _ in run(run_cli, tmp_path, text))
    # rules still run on the parts that validated, but CJM100 does not: a finding held back would look unused
    assert found == ["CJM021", "CJM103"], found


def test_unused_ignore_can_be_switched_off(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace(NO_EMOTION, "      - id: compare  # cjm: ignore[CJM103, CJM104]\n")
    assert run(run_cli, tmp_path, text, 'ignore = ["unused-ignore"]\n') == []


def test_per_file_ignores_match_workspace_relative_globs(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    assert run(run_cli, tmp_path, BASE, '[per-file-ignores]\n"journeys/*.yaml" = ["CJM103"]\n') == []
    assert run(run_cli, tmp_path, BASE, '[per-file-ignores]\n"a.journey.yaml" = ["missing-emotion"]\n') == []
    assert len(run(run_cli, tmp_path, BASE, '[per-file-ignores]\n"drafts/*.yaml" = ["CJM103"]\n')) == 1


def test_directives_outside_comments_are_text() -> None:
    text = 'name: "a # cjm: ignore[CJM103]"\nname: it\'s # cjm: ignore[CJM104]\nx: a#cjm: ignore[CJM105]\n'
    found = directives(text)
    assert [(d.span.line, d.refs) for d in found] == [(2, ("CJM104",))]
    assert found[0].span.column == 12 and not found[0].file_wide


def test_suppressed_count_shows_in_the_summary(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = BASE.replace(NO_EMOTION, "      - id: compare  # cjm: ignore[CJM103]\n")
    (tmp_path / "a.journey.yaml").write_text(text, encoding="utf-8")
    result = run_cli("validate", str(tmp_path / "a.journey.yaml"))
    assert "1 file checked, 1 suppressed, no findings" in result.stdout
