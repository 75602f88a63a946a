"""Several reports from one validate run: -F FMT[=FILE], repeated, and -o FILE, as ruff and Spectral do it."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.errors import ConfigError
from cjm.reporters.outputs import Destination, parse_destinations
from tests.conftest import ROOT, Result

INVALID = ROOT / "tests" / "corpus" / "invalid"
BAD = str(INVALID / "cjm021-unknown-touchpoint.yaml")


def test_one_run_writes_every_format_once(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    sarif, junit = tmp_path / "cjm.sarif", tmp_path / "report.xml"
    result = run_cli("validate", "-F", "text", "-F", f"sarif={sarif}", "--format", f"junit={junit}", BAD)
    assert result.exit_code == 1
    assert "CJM021 error unknown touchpoint 'delivry'" in result.stdout, "text on standard output"
    assert "Found 1 error in 1 file" in result.stdout
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CJM021"]
    suite = ET.parse(junit).getroot()
    assert "CJM021" in ET.tostring(suite, encoding="unicode")
    alone = run_cli("validate", "-F", "sarif", BAD)
    assert json.loads(alone.stdout)["runs"][0]["results"] == log["runs"][0]["results"], "same report as alone"


def test_output_option_takes_the_format_without_a_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "out" / "findings.json"
    result = run_cli("validate", "-F", "json", "-o", str(target), BAD)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["error"] == 1
    plain = tmp_path / "plain.txt"
    assert run_cli("validate", "-o", str(plain), BAD).exit_code == 1
    text = plain.read_text(encoding="utf-8")
    assert "CJM021" in text and "\x1b" not in text, "the default format, never coloured in a file"


def test_a_file_is_never_coloured(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "report.txt"
    result = run_cli("validate", "-F", "text", "-F", f"json={target}", BAD)
    assert "\x1b[31m" in result.stdout, "FORCE_COLOR colours standard output"
    assert "\x1b" not in target.read_text(encoding="utf-8")
    coloured = run_cli("validate", "-o", str(target), BAD)
    assert coloured.exit_code == 1 and "\x1b" not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-F", "text", "-F", "json"), "would both write to standard output"),
        (("-F", "xml=a.xml"), "unknown format 'xml'"),
        (("-F", "sarif="), "no file after '='"),
        (("-F", "json=a.json", "-F", "json=b.json"), "--format json is given twice"),
        (("-F", "json=same.out", "-F", "sarif=same.out"), "both the json and the sarif report would be written"),
        (("-F", "json=a.json", "-o", "b.txt"), "every --format has its own"),
    ],
)
def test_bad_format_entries_are_clear_usage_errors(
    run_cli: Callable[..., Result], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("validate", *args, BAD, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir()), "nothing is written when the request is wrong"


def test_output_refuses_what_other_outputs_refuse(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("keep\n")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    linked = run_cli("validate", "-o", str(tmp_path / "link.txt"), BAD)
    assert linked.exit_code == 2 and "symbolic link" in linked.stderr
    assert (tmp_path / "real.txt").read_text() == "keep\n"
    folder = run_cli("validate", "-F", f"sarif={tmp_path}", BAD)
    assert folder.exit_code == 2 and "is a directory" in folder.stderr


def test_dash_names_standard_output() -> None:
    assert parse_destinations(["json=-"], None, "text") == (Destination("json", None),)
    assert parse_destinations([], "x.txt", "github") == (Destination("github", "x.txt"),)
    assert parse_destinations([], None, "text") == (Destination("text", None),)
    with pytest.raises(ConfigError):
        parse_destinations(["json=-", "text"], None, "text")


def test_stdout_stays_valid_json_with_files_beside(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("validate", "-F", "json", "-F", f"gitlab={tmp_path / 'cq.json'}", "--statistics", BAD)
    assert json.loads(result.stdout)["statistics"][0]["rule"] == "CJM021", "the JSON report carries the counts"
    assert "CJM021" not in result.stderr
    sarif = run_cli("validate", "-F", "sarif", "-F", f"text={tmp_path / 'log.txt'}", "--statistics", BAD)
    assert "CJM021  unknown-reference" in sarif.stderr, "beside SARIF on stdout, the counts go to stderr"
    assert json.loads(sarif.stdout)["version"] == "2.1.0"
    assert json.loads((tmp_path / "cq.json").read_text())[0]["check_name"].startswith("CJM021")


def test_a_report_never_replaces_a_journey(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    journey = tmp_path / "mine.yaml"
    journey.write_text((INVALID / "cjm021-unknown-touchpoint.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = journey.read_bytes()
    named = run_cli("validate", "-o", str(journey), str(journey))
    assert named.exit_code == 2 and "is a journey file; the text report would replace it" in named.stderr
    suffix = run_cli("validate", "-F", f"json={tmp_path / 'other.journey.yaml'}", str(journey))
    assert suffix.exit_code == 2 and "is a journey file" in suffix.stderr
    assert journey.read_bytes() == before and not (tmp_path / "other.journey.yaml").exists()
