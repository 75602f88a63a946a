"""`cjm validate --fix`: the unambiguous fixes the hints name, comments and layout kept, idempotent, never harmful."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.validate.fix import fix_text
from cjm.validate.loader import load_text
from tests.conftest import EXAMPLES, ROOT, Result
from tests.strategies import journey_documents

CORPUS = ROOT / "tests" / "corpus"
INVALID = CORPUS / "invalid"
READ_FAILURES = {"CJM001", "CJM003", "CJM005"}


def _copy(tmp_path: Path, name: str, journey_id: str) -> Path:
    target = tmp_path / f"{journey_id}.journey.yaml"
    text = (INVALID / name).read_text(encoding="utf-8").replace("id: corpus\n", f"id: {journey_id}\n", 1)
    target.write_text("# our team's map: keep this comment\n" + text, encoding="utf-8")
    return target


def test_fix_applies_the_three_kinds_and_keeps_everything_else(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    ref = _copy(tmp_path, "cjm021-unknown-touchpoint.yaml", "ref")
    key = _copy(tmp_path, "cjm010-unknown-key.yaml", "key")
    trap = _copy(tmp_path, "cjm011-boolean-trap-feeling.yaml", "trap")
    before = {p: p.read_text(encoding="utf-8") for p in (ref, key, trap)}
    result = run_cli("validate", "--fix", str(tmp_path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "All good: 3 files checked, no findings." in result.stdout
    assert f"{ref}:47:23: fixed CJM021: Change 'delivry' to 'delivery'" in result.stderr
    assert f"{key}:27:9: fixed CJM010: Change 'emotions' to 'emotion'" in result.stderr
    assert f"{trap}:49:18: fixed CJM011: Quote yes as text" in result.stderr
    assert "cjm: fixed 3 findings in 3 files" in result.stderr
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b]
        assert len(changed) == 1, "one line changes; comments, blank lines and order stay"
        assert new.startswith("# our team's map: keep this comment\n")
    assert "        touchpoints: [delivery]\n" in ref.read_text(encoding="utf-8")
    assert '        feeling: "yes"\n' in trap.read_text(encoding="utf-8")
    again = run_cli("validate", "--fix", str(tmp_path))
    assert again.exit_code == 0 and "cjm: nothing to fix" in again.stderr


def test_fix_diff_shows_and_writes_nothing(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    ref = _copy(tmp_path, "cjm021-unknown-touchpoint.yaml", "ref")
    before = ref.read_bytes()
    result = run_cli("validate", "--fix", "--diff", str(ref))
    assert result.exit_code == 1, "something would be fixed"
    assert f"--- a/{ref}\n+++ b/{ref}\n" in result.stdout
    assert "-        touchpoints: [delivry]\n+        touchpoints: [delivery]\n" in result.stdout
    assert "would fix CJM021" in result.stderr
    assert ref.read_bytes() == before
    assert run_cli("validate", "--diff", str(ref)).exit_code == 2, "--diff alone is a usage error"
    assert run_cli("validate", "--fix", "--diff", "-F", "json", str(ref)).exit_code == 2, "a diff is not a report"


def test_what_remains_decides_the_exit_code(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copy(INVALID / "cjm010-emotion-out-of-range.yaml", tmp_path / "a.journey.yaml")
    before = (tmp_path / "a.journey.yaml").read_bytes()
    result = run_cli("validate", "--fix", str(tmp_path))
    assert result.exit_code == 1 and "CJM010" in result.stdout and "nothing to fix" in result.stderr
    assert (tmp_path / "a.journey.yaml").read_bytes() == before


def test_a_fixed_catalog_is_read_again_for_the_report(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    """A fix in a catalog file leaves no stale finding: the report is of the catalog as it now is."""
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog.yaml"]\n')
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("cjm: 1\nkind: catalog\ntouchpoints:\n  - {id: mail, name: Mail, channel: emial}\n")
    shutil.copy(EXAMPLES[0], tmp_path / "a.journey.yaml")
    result = run_cli("validate", "--fix", "--format", "json", ".", cwd=tmp_path)
    assert "catalog.yaml:4:37: fixed CJM010: Change 'emial' to 'email'" in result.stderr
    assert "channel: email}" in catalog.read_text()
    assert "catalog.yaml" not in result.stdout
    assert result.exit_code == run_cli("validate", "--format", "json", ".", cwd=tmp_path).exit_code


def test_fix_refuses_stdin(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "--fix", "-", stdin=b"cjm: 1\n")
    assert result.exit_code == 2 and "not '-'" in result.stderr


def test_fix_keeps_crlf_line_ends_and_permissions(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = (INVALID / "cjm021-unknown-touchpoint.yaml").read_text(encoding="utf-8")
    target = tmp_path / "w.journey.yaml"
    target.write_bytes(text.replace("\n", "\r\n").encode())
    target.chmod(0o640)
    assert run_cli("validate", "--fix", str(target)).exit_code == 0
    data = target.read_bytes()
    assert b"[delivery]\r\n" in data and data.count(b"\r\n") == text.count("\n")
    assert target.stat().st_mode & 0o777 == 0o640


def _corpus() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.yaml") if p.is_file()) + EXAMPLES


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: str(p.relative_to(ROOT)))
def test_fixing_the_corpus_never_breaks_a_file_and_is_idempotent(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return  # not text: nothing a fix could touch
    before = load_text(text, path.name)
    fixed, applied = fix_text(text, path.name)
    if not before.diagnostics:
        assert not applied and fixed == text, "a valid file is never changed"
    after = load_text(fixed, path.name)
    read_before = {d.code for d in before.diagnostics} & READ_FAILURES
    assert {d.code for d in after.diagnostics} & READ_FAILURES <= read_before, "a fix never breaks the YAML"
    # a fixed key can let checks run that its error stopped (a list of personas now read): no count is compared
    assert fix_text(fixed, path.name) == (fixed, ()), "fixing twice changes nothing"


_TYPOS = ["  emotions: 1", "  feeling: yes", "  channel: wbe", "  severity: hihg", "  touchpoints: [shoop]", " on"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(journey_documents(max_stages=3, max_actions=3), st.data())
def test_fix_is_idempotent_and_harmless_on_generated_journeys(document: dict[str, Any], data: st.DataObject) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    assert fix_text(text) == (text, ()), "a valid journey is left as it is"
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(i + 1, " " * (len(lines[i]) - len(lines[i].lstrip())) + data.draw(st.sampled_from(_TYPOS)))
    broken = "\n".join(lines) + "\n"
    before = load_text(broken, "g.journey.yaml")
    fixed, applied = fix_text(broken, "g.journey.yaml")
    after = load_text(fixed, "g.journey.yaml")
    if not {d.code for d in before.diagnostics} & READ_FAILURES:
        assert not {d.code for d in after.diagnostics} & READ_FAILURES
    assert fix_text(fixed, "g.journey.yaml") == (fixed, ())
    changed = sum(a != b for a, b in zip(broken.splitlines(), fixed.splitlines(), strict=True))
    assert changed <= len(applied), "only the lines a fix names change"
