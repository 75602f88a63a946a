"""Strings multiplied through aliases: few nodes, but each a long string; bounded in characters, not only nodes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli_process, run_with_peak_memory

BASE = (ROOT / "tests" / "corpus" / "invalid" / "cjm005-custom-tag.yaml").read_text(encoding="utf-8")


def multiplied(folder: Path, length: int = 99_000, copies: int = 9_000) -> Path:
    """A valid journey but for one research note of ``length`` characters aliased ``copies`` times."""
    body = BASE.split("\n", 1)[1].replace("name: !Ref ad-name", "name: Sees an ad")
    aliases = ", ".join(["*big"] * copies)
    body = body.replace("  research: [Five customer interviews]", f"  research: [&big {'x' * length}, {aliases}]")
    path = folder / "multiplied.journey.yaml"
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size < 2 * 1024 * 1024  # under max-bytes: only the expansion is large
    return path


def test_a_long_string_aliased_9000_times_is_cjm005_at_the_alias(tmp_path: Path) -> None:
    path = multiplied(tmp_path)
    result, peak_kib = run_with_peak_memory("validate", "-F", "json", str(path))
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("CJM005", 10)]
    assert "aliases expand to more than 1,000,000 characters" in findings[0]["message"]
    # the 11th alias is the one over the limit: 10 copies of 99,000 characters fit, the 11th does not
    offset = len("  research: [&big ") + 99_000 + len(", *big") * 10 + len(", ")
    assert findings[0]["column"] == offset + 1
    assert peak_kib < 200 * 1024, f"peak memory {peak_kib} KiB"


def test_render_stops_before_multiplying_the_string(tmp_path: Path) -> None:
    path = multiplied(tmp_path)
    out = tmp_path / "map.md"
    result, peak_kib = run_with_peak_memory("render", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert "CJM005 aliases expand to more than 1,000,000 characters" in result.stderr
    assert not out.exists()
    assert peak_kib < 200 * 1024, f"peak memory {peak_kib} KiB"  # before: 3.2 GB and an 892 MB file


def test_the_limit_is_configurable_and_small_expansions_pass(tmp_path: Path) -> None:
    path = multiplied(tmp_path, length=1_000, copies=50)  # 50,000 characters: well within the default
    assert json.loads(run_cli_process("validate", "-F", "json", str(path)).stdout)["summary"]["error"] == 0
    (tmp_path / "cjm.toml").write_text("[limits]\nmax-alias-chars = 10000\n", encoding="utf-8")
    result = run_cli_process("validate", "-F", "json", str(path), cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["CJM005"]
    assert "more than 10,000 characters" in findings[0]["message"]
