"""The corpus: every invalid file gives exactly its expected codes at their lines and columns.

The header lists every finding, lint warnings included: a file with errors is
still linted on the parts that validated, and a finding the errors could
have caused must not appear.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, Result

INVALID = sorted((ROOT / "tests" / "corpus" / "invalid").glob("*.yaml"))
VALID = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.yaml")) + EXAMPLES
_EXPECT = re.compile(r"(CJM\d{3})@(\d+):(\d+)")
_RELATED = re.compile(r"related@(\d+):(\d+)")


def expected(path: Path) -> set[tuple[str, int, int]]:
    """The ``# expect: CODE@line:col ...`` header of a corpus file (an empty file expects CJM003@1:1)."""
    raw = path.read_bytes()
    if not raw:
        return {("CJM003", 1, 1)}
    header = raw.split(b"\n", 1)[0].decode("ascii")
    assert header.startswith("# expect:"), f"{path.name} lacks its '# expect:' header"
    return {(c, int(line), int(col)) for c, line, col in _EXPECT.findall(header)}


def expected_related(path: Path) -> set[tuple[int, int]]:
    """The ``related@line:col`` entries of the header: the other places the findings point at."""
    header = path.read_bytes().split(b"\n", 1)[0].decode("ascii", "replace")
    return {(int(line), int(col)) for line, col in _RELATED.findall(header)}


@pytest.fixture(params=["libyaml", "pure"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with libyaml's C parser and once with PyYAML's pure-Python one: findings must agree."""
    from cjm.validate import yaml_reader as source

    if request.param == "pure":
        monkeypatch.setattr(source, "_FAST_LOADER", None)
    elif source._FAST_LOADER is None:
        pytest.skip("this PyYAML was built without libyaml")
    return str(request.param)


def findings(run_cli: Callable[..., Result], path: Path) -> tuple[Result, list[dict[str, object]]]:
    result = run_cli("validate", "--format", "json", str(path))
    return result, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_file_reports_its_code_at_its_position(
    run_cli: Callable[..., Result], path: Path, yaml_parser: str
) -> None:
    result, found = findings(run_cli, path)
    assert result.exit_code == 1, result.stderr
    every = [(f["rule"], f["line"], f["column"]) for f in found]
    assert len(every) == len(set(every)), "each finding once"
    assert set(every) == expected(path)
    assert {(r["line"], r["column"]) for f in found for r in f["related"]} == expected_related(path)
    errors = {code for code, _, _ in every if code < "CJM100"}
    assert path.stem.split("-")[0].upper() in errors, "file name names its code"


# syntax errors whose cause and symptom are on different lines (a duplicate's related place is its first, earlier)
CAUSE_AND_SYMPTOM = [p for p in INVALID if p.name.startswith("cjm001") and expected_related(p)]


def test_cause_versus_symptom_files_exist() -> None:
    assert len(CAUSE_AND_SYMPTOM) >= 7


@pytest.mark.parametrize("path", CAUSE_AND_SYMPTOM, ids=lambda p: p.stem)
def test_the_position_is_the_cause_and_the_symptom_is_related(path: Path) -> None:
    """Where cause and symptom are on different lines, the finding stands at the cause; the other line is related."""
    (_, line, _), *more = expected(path)
    (other, _), *others = sorted(expected_related(path))
    assert not more and not others
    assert line != other, "cause and symptom on different lines"


def test_independent_mistakes_all_show_in_one_run(run_cli: Callable[..., Result]) -> None:
    """A dozen mistakes of different kinds in one file: every one is reported at once, at its own place."""
    path = ROOT / "tests" / "corpus" / "invalid" / "cjm010-many-independent-mistakes.yaml"
    _, found = findings(run_cli, path)
    codes = {f["rule"] for f in found}
    assert {"CJM002", "CJM010", "CJM011", "CJM020", "CJM021"} <= codes, "schema, ids and references together"
    assert {"CJM103", "CJM106", "CJM107", "CJM117"} <= codes, "lint rules on the parts that validated"
    assert len([f for f in found if f["severity"] == "error"]) >= 12
    assert not {"CJM105", "CJM109"} & codes, "rules reading the broken parts stay silent"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_file_has_no_findings(run_cli: Callable[..., Result], path: Path, yaml_parser: str) -> None:
    result, found = findings(run_cli, path)
    assert found == [], found
    assert result.exit_code == 0


def test_corpus_covers_every_core_code() -> None:
    from cjm.diagnostics import CORE_CODES

    covered = {code for path in INVALID for code, _, _ in expected(path)}
    across_files = {"CJM022", "CJM023"}  # need two files: tests/test_one_workspace.py, tests/test_portfolio_format.py
    assert set(CORE_CODES) - across_files <= covered


def test_corpus_covers_every_reference_kind() -> None:
    messages = " ".join(p.read_text("utf-8", "replace") for p in INVALID if p.name.startswith("cjm021"))
    for section in (
        "touchpoints: [delivry]",
        "backstage: [payment]",
        "persona: shoper",
        "stage: buying",
        "addresses: [slow-paymnt]",
        "lifecycle: [purchase]",
    ):
        assert section in messages


def test_python_tag_is_never_executed(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    marker = Path("/tmp/cjm-pwned")
    marker.unlink(missing_ok=True)
    _, found = findings(run_cli, ROOT / "tests/corpus/invalid/cjm005-python-object-tag.yaml")
    assert [f["rule"] for f in found] == ["CJM005"]
    assert not marker.exists()


class _StrictCParser:
    """Stands in for a libyaml release with a limit of its own: it refuses every file at 1:1."""

    def __init__(self, text: str) -> None:
        self.text = text

    def get_event(self) -> object:
        raise yaml.scanner.ScannerError(problem="a limit of this libyaml release", problem_mark=None)

    def dispose(self) -> None:
        pass


@pytest.mark.parametrize("path", INVALID[::6] + VALID[:2], ids=lambda p: p.stem)
def test_a_c_parser_error_is_reported_as_the_pure_parser_reports_it(
    run_cli: Callable[..., Result], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cjm.validate import yaml_reader as source

    monkeypatch.setattr(source, "_FAST_LOADER", None)
    _, pure = findings(run_cli, path)
    monkeypatch.setattr(source, "_FAST_LOADER", _StrictCParser)
    _, strict = findings(run_cli, path)
    assert strict == pure


def test_the_environment_switch_forces_the_pure_parser() -> None:
    probe = "import cjm.validate.yaml_reader as s; print(s._FAST_LOADER)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={"CJM_YAML_PARSER": "pure"}, check=True
    )
    assert done.stdout.strip() == "None"


_BASE = (
    (ROOT / "tests" / "corpus" / "invalid" / "cjm010-bad-channel.yaml").read_text("utf-8").replace("socail", "social")
)


@pytest.mark.parametrize(
    ("old", "new", "codes"),
    [
        # a broken emotion is not a missing one, nor a drop to explain
        ("touchpoints: [shop-site]\n        emotion: 1", "touchpoints: [shop-site]\n        emotion: 9", ["CJM010"]),
        ("        emotion: 2\n", "        emotin: 2\n", ["CJM010"]),
        # a touchpoint with a bad channel is still declared: references to it are not unknown, nor is it unused
        ("channel: web", "channel: webb", ["CJM010"]),
        # a touchpoint whose id cannot be read: a reference to any touchpoint may be right
        ("{id: social-ad, name: Social ad,", "{name: Social ad,", ["CJM010"]),
        # an action that is not a mapping: the journey's action count is unknown, not too small
        (
            "      - id: browse\n        name: Browses lamps\n",
            "      - Browses lamps\n      - id: browse\n        name: B\n",
            ["CJM010"],
        ),
        # a broken opportunity may be the one that addresses the high pain point
        (
            "          - text: Cache the payment page\n",
            "          - text: Cache the payment page\n            impact: huge\n",
            ["CJM010"],
        ),
        # a misspelt reference: the touchpoint it meant is not "unused"
        ("touchpoints: [delivery]", "touchpoints: [delivry]", ["CJM021"]),
        # an independent warning beside an error still shows
        ("        emotion: 2\n", "        emotion: 2\n        duration: soon\n", ["CJM010"]),
        ("        touchpoints: [delivery]\n        emotion: 2\n", "        touchpoints: [delivery]\n", ["CJM103"]),
    ],
)
def test_a_broken_part_causes_no_finding_of_its_own(
    run_cli: Callable[..., Result], tmp_path: Path, old: str, new: str, codes: list[str]
) -> None:
    assert old in _BASE
    path = tmp_path / "j.journey.yaml"
    path.write_text(_BASE.replace(old, new, 1), "utf-8")
    _, found = findings(run_cli, path)
    assert sorted(f["rule"] for f in found) == codes, found


def test_lint_runs_beside_errors_on_what_validated(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    broken = _BASE.replace("channel: web", "channel: webb").replace(
        "        touchpoints: [delivery]\n        emotion: 2\n", "        touchpoints: [delivery]\n"
    )
    path = tmp_path / "j.journey.yaml"
    path.write_text(broken, "utf-8")
    _, found = findings(run_cli, path)
    assert sorted((f["rule"], f["line"]) for f in found) == [("CJM010", 49), ("CJM103", 44)]


def test_a_journey_id_used_twice_names_the_other_file_as_related(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.journey.yaml").write_text(_BASE, "utf-8")
    found = json.loads(run_cli("validate", "-F", "json", str(tmp_path)).stdout)["findings"]
    pairs = {(Path(f["path"]).name, Path(r["path"]).name, r["line"]) for f in found for r in f["related"]}
    assert pairs == {("a.journey.yaml", "b.journey.yaml", 3), ("b.journey.yaml", "a.journey.yaml", 3)}


def test_the_table_of_what_rules_read_names_real_rules() -> None:
    from cjm.rules import BY_CODE
    from cjm.validate.depends import READS_ACROSS

    assert set(READS_ACROSS) <= set(BY_CODE)
    assert all(reads.why and (reads.values or reads.items) for reads in READS_ACROSS.values())


def test_a_misfit_indentation_is_said_in_words_not_parser_terms(run_cli: Callable[..., Result]) -> None:
    path = ROOT / "tests" / "corpus" / "invalid" / "cjm001-indentation-fits-no-key.yaml"
    (finding,) = findings(run_cli, path)[1]
    assert finding["message"] == "the indentation of this line (7 spaces) does not fit the lines above it"
    assert "line 20 is indented by 8 spaces" in finding["hint"]
    assert "<block end>" not in finding["message"] + finding["hint"]
