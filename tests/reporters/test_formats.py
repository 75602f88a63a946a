"""Every output format on the same input: goldens, the official SARIF schema, escaping, and the CI default."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from cjm.reporters import REPORTERS
from cjm.reporters.github import escape_data, escape_property
from tests.conftest import ROOT, Result

# The SARIF 2.1.0 JSON Schema as OASIS published it (2.1.0-rtm.5), taken unchanged from the
# @microsoft/jest-sarif npm package (lib/schemas/sarif-2.1.0-rtm.5.json).
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
INPUTS = [
    "tests/corpus/rules/cjm110-unaddressed-pain.bad.journey.yaml",
    "tests/corpus/rules/cjm100-unused-ignore.bad.journey.yaml",
    "tests/corpus/invalid/cjm021-unknown-touchpoint.yaml",
    "tests/corpus/rules/cjm103-missing-emotion.good.journey.yaml",
]


@pytest.fixture
def ci(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """cjm run from the checkout root, as a CI job runs it, with the repository root fixed."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT))

    def run(*args: str) -> Result:
        return run_cli("validate", *args, *INPUTS, cwd=ROOT)

    return run


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_each_format_matches_its_golden(
    ci: Callable[..., Result], golden: Callable[[str, str], None], name: str
) -> None:
    result = ci("--format", name)
    assert result.exit_code == 1, result.stderr
    suffix = {"json": "json", "sarif": "sarif.json", "gitlab": "json", "junit": "xml"}.get(name, "txt")
    golden(f"reporters/all.{name}.{suffix}", result.stdout)


def test_sarif_is_valid_against_the_official_schema(ci: Callable[..., Result]) -> None:
    log = json.loads(ci("--format", "sarif").stdout)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    from cjm.diagnostics import CORE_CODES
    from cjm.rules import RULES

    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == [*CORE_CODES, *(r.code for r in RULES)], "the whole catalogue, core and lint"
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert not res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_sarif_without_findings_is_still_valid(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "-F", "sarif", str(ROOT / INPUTS[-1]))
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == [] and result.exit_code == 0


def test_junit_has_one_case_per_file_and_fails_by_threshold(ci: Callable[..., Result]) -> None:
    root = ET.fromstring(ci("--format", "junit").stdout)
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == sorted(INPUTS)
    assert root.get("tests") == "4" and root.get("failures") == "1", "only the invalid file has an error"
    strict = ET.fromstring(ci("--format", "junit", "--strict").stdout)
    assert strict.get("failures") == "2", "with --strict the warning fails its file too; infos never do"


def test_gitlab_issues_have_the_code_quality_keys(ci: Callable[..., Result]) -> None:
    issues = json.loads(ci("--format", "gitlab").stdout)
    assert len(issues) == 3
    assert len({i["fingerprint"] for i in issues}) == 3
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= issue.keys()
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["path"] in INPUTS


def test_github_is_the_default_under_github_actions(ci: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    lines = ci().stdout.splitlines()
    assert lines[0] == "cjm: 1 error, 1 warning, 1 info (4 files checked)", "the summary comes first"
    assert lines[1].startswith("::error file=tests/corpus/invalid/cjm021-unknown-touchpoint.yaml,line=46,col=23,")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[1:])


def test_github_paths_are_relative_to_the_repository_root(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT / "tests"))
    out = run_cli("validate", "-F", "github", INPUTS[0], cwd=ROOT).stdout
    assert "file=corpus/rules/cjm110-unaddressed-pain.bad.journey.yaml," in out


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("a:b,c") == "a:b,c", "messages keep ':' and ','"


def test_quiet_and_statistics(ci: Callable[..., Result]) -> None:
    quiet = ci("--quiet").stdout
    assert "Found" not in quiet and "CJM021" in quiet
    stats = ci("--statistics")
    assert stats.stdout.splitlines()[:3] == [
        "1  CJM021  unknown-reference          error",
        "1  CJM100  unused-ignore              info",
        "1  CJM110  unaddressed-pain           warning",
    ]
    assert stats.stdout.rstrip().endswith("(4 files checked).")
    as_json = json.loads(ci("--statistics", "-F", "json").stdout)
    assert {s["rule"]: s["count"] for s in as_json["statistics"]} == {"CJM021": 1, "CJM100": 1, "CJM110": 1}
    sarif = ci("--statistics", "-F", "sarif")
    json.loads(sarif.stdout)
    assert "CJM110  unaddressed-pain" in sarif.stderr, "statistics go to stderr so stdout stays valid"


def test_exit_codes_follow_the_failing_severity(run_cli: Callable[..., Result]) -> None:
    warning = str(ROOT / INPUTS[0])
    info = str(ROOT / INPUTS[1])
    assert run_cli("validate", warning).exit_code == 0
    assert run_cli("validate", "--strict", warning).exit_code == 1
    assert run_cli("validate", "--strict", info).exit_code == 0
    assert run_cli("validate", str(ROOT / INPUTS[2])).exit_code == 1


def test_stdout_is_only_the_report(ci: Callable[..., Result], tmp_path: Path) -> None:
    for name in ("json", "sarif", "gitlab"):
        json.loads(ci("-F", name).stdout)
    ET.fromstring(ci("-F", "junit").stdout)


UNCLOSED = "tests/corpus/invalid/cjm001-unclosed-quote-runs-on.yaml"  # opens a quote on line 4, fails on line 11


def test_text_shows_the_cause_and_the_related_place_each_with_its_line(run_cli: Callable[..., Result]) -> None:
    out = run_cli("validate", UNCLOSED, cwd=ROOT).stdout
    assert f"{UNCLOSED}:4:8: CJM001 error the quoted text opened here is never closed" in out
    assert f"related: {UNCLOSED}:11:15: the YAML reader gave up here" in out
    assert '   4 | title: "Corpus journey' in out and '  11 |   research: ["Five customer interviews"]' in out


def test_json_and_sarif_carry_the_related_place(run_cli: Callable[..., Result]) -> None:
    (finding,) = json.loads(run_cli("validate", "-F", "json", UNCLOSED, cwd=ROOT).stdout)["findings"]
    assert (finding["line"], finding["column"]) == (4, 8)
    assert [(r["line"], r["column"]) for r in finding["related"]] == [(11, 15)]
    log = json.loads(run_cli("validate", "-F", "sarif", UNCLOSED, cwd=ROOT).stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (result,) = log["runs"][0]["results"]
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 11
    assert related["physicalLocation"]["artifactLocation"]["uri"] == UNCLOSED
    assert "gave up here" in related["message"]["text"]


@pytest.mark.parametrize("name", ["github", "gitlab", "junit"])
def test_one_location_formats_mention_the_related_place(run_cli: Callable[..., Result], name: str) -> None:
    out = run_cli("validate", "-F", name, UNCLOSED, cwd=ROOT).stdout
    assert "related: line 11, column 15: the YAML reader gave up here" in out
