"""The exported JSON Schema: committed copy is fresh, and an independent validator agrees with cjm."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, Result
from tests.test_corpus import INVALID, VALID, expected

SCHEMA_FILE = ROOT / "schemas" / "journey.schema.json"
# codes whose defects a JSON Schema can express; the others (duplicate keys, references, ...) it cannot see
SCHEMA_LEVEL = {"CJM004", "CJM010", "CJM011"}
# schema-level defects that need code, not a schema: computed metric values and duration syntax
BEYOND_SCHEMA = {
    "cjm010-responses-disagree", "cjm010-custom-metric-events", "cjm010-bad-duration", "cjm004-missing-version",
}  # fmt: skip
# CJM010s of the YAML reader itself (a value its tag cannot read, a tagged key, an integer too large to print):
# the document has no JSON form for a schema to judge
READER_LEVEL = {
    "cjm010-bool-tag-not-a-boolean",
    "cjm010-timestamp-tag-not-a-date",
    "cjm010-integer-over-4300-digits",
    "cjm010-hex-integer-too-large",
    "cjm010-tag-on-mapping-key",
    "cjm010-reader-errors-do-not-stop-the-file",
}


class _TextDates(yaml.SafeLoader):
    """YAML as a JSON tool sees it: timestamps stay strings."""


_TextDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def test_committed_schema_is_fresh(run_cli: Callable[..., Result]) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(SCHEMA_FILE.read_text()), "run 'make schema' and commit it"


def test_schema_is_draft_2020_12_with_descriptions_everywhere() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for name, definition in [("Journey", schema), *schema["$defs"].items()]:
        for prop, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{prop} has no description"


def test_schema_written_to_a_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "out" / "journey.schema.json"
    assert run_cli("schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text()) == json.loads(SCHEMA_FILE.read_text())


def _schema_cases() -> list[Path]:
    cases = list(VALID)
    for path in INVALID:
        codes = {code for code, _, _ in expected(path)}
        if codes <= SCHEMA_LEVEL and path.stem not in BEYOND_SCHEMA | READER_LEVEL:
            cases.append(path)
    return cases


@pytest.mark.parametrize("path", _schema_cases(), ids=lambda p: p.stem)
def test_jsonschema_agrees_with_cjm(path: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    document = yaml.load(path.read_text("utf-8-sig"), Loader=_TextDates)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    cjm_invalid = path in INVALID
    assert bool(errors) == cjm_invalid, [e.message for e in errors][:3]


def test_examples_point_editors_at_the_schema() -> None:
    for path in EXAMPLES:
        assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/journey.schema.json")
