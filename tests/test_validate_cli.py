"""`cjm validate` as a user runs it: exit codes, formats, stdin, several files, colour."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema

from tests.conftest import EXAMPLES, ROOT, Result, standalone

INVALID = ROOT / "tests" / "corpus" / "invalid"
OUTPUT_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "validate-output.schema.json").read_text())


def test_examples_are_valid(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", str(ROOT / "examples"))
    assert result.exit_code == 0, result.stdout + result.stderr
    journeys = sorted((ROOT / "examples").rglob("*.journey.yaml"))  # with the second persona's map in evidence/
    assert f"{len(journeys)} files checked" in result.stdout


def test_lint_is_an_alias_of_validate(run_cli: Callable[..., Result]) -> None:
    assert run_cli("lint", str(EXAMPLES[0])).exit_code == 0


def test_text_report_shows_location_code_frame_and_hint(
    run_cli: Callable[..., Result], golden: Callable[[str, str], None]
) -> None:
    path = INVALID / "cjm021-unknown-touchpoint.yaml"
    result = run_cli("validate", str(path.relative_to(ROOT)), cwd=ROOT)
    assert result.exit_code == 1
    golden("validate/unknown-touchpoint.txt", result.stdout)
    assert (
        "tests/corpus/invalid/cjm021-unknown-touchpoint.yaml:46:23: CJM021 error unknown touchpoint 'delivry'"
        in result.stdout
    )
    assert "hint: did you mean 'delivery'?" in result.stdout
    assert "^^^^^^^" in result.stdout


def test_json_output_matches_its_schema_for_every_corpus_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    files = [str(p) for p in sorted(INVALID.glob("*.yaml"))]
    for example in EXAMPLES:  # valid files beside them, outside the examples' own workspace
        (tmp_path / example.name).write_text(standalone(example.read_text()))
    result = run_cli("validate", "--format", "json", *files, str(tmp_path))
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, OUTPUT_SCHEMA)
    assert payload["files"] == len(list(INVALID.glob("*.yaml"))) + len(EXAMPLES)
    assert payload["summary"]["error"] >= len(list(INVALID.glob("*.yaml")))
    assert result.exit_code == 1


def test_folder_search_takes_only_journey_files(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    shutil.copy(EXAMPLES[0], tmp_path / "a.journey.yaml")
    (tmp_path / "notes.yaml").write_text("not: a journey\n")
    result = run_cli("validate", "-F", "json", str(tmp_path))
    assert json.loads(result.stdout)["files"] == 1


def test_one_bad_file_never_stops_the_rest(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    good = tmp_path / EXAMPLES[0].name
    good.write_text(standalone(EXAMPLES[0].read_text()))
    files = [str(INVALID / "cjm003-latin1.yaml"), str(INVALID / "cjm005-deep-nesting.yaml"), str(good)]
    payload = json.loads(run_cli("validate", "-F", "json", *files).stdout)
    assert payload["files"] == 3
    assert sorted({f["path"] for f in payload["findings"]}) == sorted(files[:2])


def test_stdin_with_a_name(run_cli: Callable[..., Result]) -> None:
    data = standalone(EXAMPLES[0].read_text()).encode().replace(b"[buyers-guide-pdf]", b"[guide-pfd]")
    result = run_cli("validate", "-F", "json", "--stdin-filename", "journeys/x.journey.yaml", "-", stdin=data)
    found = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"]) for f in found] == [("journeys/x.journey.yaml", "CJM021")]
    assert result.exit_code == 1


def test_missing_path_is_a_usage_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "no/such/place")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_empty_selection_fails_unless_allowed(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no journey files found" in result.stderr
    assert run_cli("validate", "--allow-empty", str(tmp_path)).exit_code == 0


def test_unknown_format_and_option_are_usage_errors(run_cli: Callable[..., Result]) -> None:
    assert run_cli("validate", "--format", "xml", str(EXAMPLES[0])).exit_code == 2
    assert run_cli("validate", "--no-such-option").exit_code == 2


def test_colour_only_when_forced_and_never_with_no_color(run_process: Callable[..., Result]) -> None:
    path = str(INVALID / "cjm021-unknown-touchpoint.yaml")
    plain = run_process("validate", path)
    assert "\x1b[" not in plain.stdout
    forced = run_process("validate", path, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[31m" in forced.stdout
    assert forced.exit_code == 1


def test_values_cannot_inject_terminal_escapes(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    evil = tmp_path / "evil.journey.yaml"
    evil.write_text(EXAMPLES[0].read_text().replace("[buyers-guide-pdf]", '["bad\\e[31mred"]'))
    result = run_cli("validate", str(evil))
    assert "\x1b" not in result.stdout
    assert "\\x1b" in result.stdout


def test_version_and_help(run_process: Callable[..., Result]) -> None:
    from cjm import __version__

    result = run_process("--version")
    assert result.stdout.strip() == f"cjm {__version__}"
    assert result.exit_code == 0
    assert "validate" in run_process("--help").stdout


def test_a_process_pool_reports_exactly_what_one_process_does(
    run_process: Callable[..., Result], tmp_path: Path
) -> None:
    source = standalone(EXAMPLES[0].read_text())
    for i in range(60):
        text = source.replace("id: b2b-fleet-software", f"id: copy-{i}")
        if i % 7 == 0:
            text = text.replace("[buyers-guide-pdf]", "[buyers-guide-pfd]")
        (tmp_path / f"c{i:03d}.journey.yaml").write_text(text)
    serial = run_process("validate", "-F", "json", "--jobs", "1", str(tmp_path))
    pooled = run_process("validate", "-F", "json", "--jobs", "2", str(tmp_path))
    assert serial.exit_code == pooled.exit_code == 1
    assert json.loads(serial.stdout) == json.loads(pooled.stdout)
    assert json.loads(pooled.stdout)["summary"]["error"] == 9
