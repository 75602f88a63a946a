"""The corpus: every invalid file gives exactly its expected codes at their lines and columns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, Result

INVALID = sorted((ROOT / "tests" / "corpus" / "invalid").glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.yaml")) + EXAMPLES
_EXPECT = re.compile(r"(CJM\d{3})@(\d+):(\d+)")


def expected(path: Path) -> set[tuple[str, int, int]]:
    """The ``# expect: CODE@line:col ...`` header of a corpus file (an empty file expects CJM003@1:1)."""
    raw = path.read_bytes()
    if not raw:
        return {("CJM003", 1, 1)}
    header = raw.split(b"\n", 1)[0].decode("ascii")
    assert header.startswith("# expect:"), f"{path.name} lacks its '# expect:' header"
    return {(c, int(line), int(col)) for c, line, col in _EXPECT.findall(header)}


def findings(run_cli: Callable[..., Result], path: Path) -> tuple[Result, list[dict[str, object]]]:
    result = run_cli("validate", "--format", "json", str(path))
    return result, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_file_reports_its_code_at_its_position(run_cli: Callable[..., Result], path: Path) -> None:
    result, found = findings(run_cli, path)
    assert result.exit_code == 1, result.stderr
    errors = {(f["rule"], f["line"], f["column"]) for f in found if f["severity"] == "error"}
    assert errors == expected(path)
    assert path.stem.split("-")[0].upper() in {code for code, _, _ in errors}, "file name names its code"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_file_has_no_findings(run_cli: Callable[..., Result], path: Path) -> None:
    result, found = findings(run_cli, path)
    assert found == [], found
    assert result.exit_code == 0


def test_corpus_covers_every_core_code() -> None:
    from cjm.diagnostics import CORE_CODES

    covered = {code for path in INVALID for code, _, _ in expected(path)}
    assert set(CORE_CODES) <= covered


def test_corpus_covers_every_reference_kind() -> None:
    messages = " ".join(p.read_text("utf-8", "replace") for p in INVALID if p.name.startswith("cjm021"))
    for section in (
        "touchpoints: [delivry]",
        "backstage: [payment]",
        "persona: shoper",
        "stage: buying",
        "addresses: [slow-paymnt]",
    ):
        assert section in messages


def test_python_tag_is_never_executed(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    marker = Path("/tmp/cjm-pwned")
    marker.unlink(missing_ok=True)
    _, found = findings(run_cli, ROOT / "tests/corpus/invalid/cjm005-python-object-tag.yaml")
    assert [f["rule"] for f in found] == ["CJM005"]
    assert not marker.exists()
