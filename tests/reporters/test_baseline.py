"""Baselines: write today's findings, then report only new ones; keys survive moved lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, Result

JOURNEY = (ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.bad.journey.yaml").read_text(encoding="utf-8")


def setup(tmp_path: Path, text: str = JOURNEY) -> Path:
    (tmp_path / "cjm.toml").write_text('include = ["journeys/*.journey.yaml"]\n', encoding="utf-8")
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "a.journey.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def rules(result: Result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_round_trip(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = setup(tmp_path)
    written = run_cli("validate", "--strict", "-F", "json", "--write-baseline", "cjm-baseline.json", cwd=root)
    assert written.exit_code == 0 and rules(written) == [], "what the baseline records is not reported"
    assert "recorded 1 findings in cjm-baseline.json" in written.stderr
    data = json.loads((root / "cjm-baseline.json").read_text(encoding="utf-8"))
    (entry,) = data["findings"]
    assert data["version"] == 1 and set(entry) == {"path", "rule", "fingerprint", "message"}
    assert (entry["path"], entry["rule"]) == ("journeys/a.journey.yaml", "CJM103")

    again = run_cli("validate", "--strict", "-F", "json", "--baseline", "cjm-baseline.json", cwd=root)
    assert again.exit_code == 0 and rules(again) == []

    moved = "# a comment that moves every line down\n\n" + JOURNEY
    (root / "journeys" / "a.journey.yaml").write_text(moved, encoding="utf-8")
    after_move = run_cli("validate", "--strict", "-F", "json", "--baseline", "cjm-baseline.json", cwd=root)
    assert rules(after_move) == [], "keys do not use line numbers"

    new = moved.replace("        emotion: 1\n        backstage: [payment]\n", "        backstage: [payment]\n")
    (root / "journeys" / "a.journey.yaml").write_text(new, encoding="utf-8")
    fresh = run_cli("validate", "--strict", "-F", "json", "--baseline", "cjm-baseline.json", cwd=root)
    assert fresh.exit_code == 1
    assert [f["message"] for f in json.loads(fresh.stdout)["findings"]] == ["action 'pay' has no emotion"]


def test_baseline_is_independent_of_the_current_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = setup(tmp_path)
    run_cli("validate", "--write-baseline", "b.json", cwd=root)
    from_inside = run_cli("validate", "-F", "json", "--baseline", "../b.json", "a.journey.yaml", cwd=root / "journeys")
    assert rules(from_inside) == []


def test_core_errors_are_never_baselined(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = setup(tmp_path, JOURNEY.replace("touchpoints: [courier]", "touchpoints: [curier]"))
    result = run_cli("validate", "-F", "json", "--write-baseline", "b.json", cwd=root)
    assert result.exit_code == 1 and "CJM021" in rules(result)
    recorded = json.loads((root / "b.json").read_text(encoding="utf-8"))["findings"]
    assert not [f for f in recorded if "CJM021" in json.dumps(f)], "the lint findings beside it may be, never the error"


def test_bad_baseline_files_are_usage_errors(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = setup(tmp_path)
    missing = run_cli("validate", "--baseline", "nope.json", cwd=root)
    assert missing.exit_code == 2 and "create it with --write-baseline nope.json" in missing.stderr
    (root / "bad.json").write_text("{", encoding="utf-8")
    assert (
        "bad.json:1:2: the baseline is not valid JSON" in run_cli("validate", "--baseline", "bad.json", cwd=root).stderr
    )
    (root / "old.json").write_text('{"version": 7, "findings": []}', encoding="utf-8")
    assert "not a cjm baseline" in run_cli("validate", "--baseline", "old.json", cwd=root).stderr
    (root / "wrong.json").write_text('{"version": 1, "findings": [{"path": 1}]}', encoding="utf-8")
    assert "findings[0]: needs string" in run_cli("validate", "--baseline", "wrong.json", cwd=root).stderr
    both = run_cli("validate", "--baseline", "a", "--write-baseline", "b", cwd=root)
    assert both.exit_code == 2 and "cannot be used together" in both.stderr
