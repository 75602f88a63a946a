"""The typed evidence report: one set of models written by `cjm evidence check`, read back by everything else."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from cjm.evidence.model import EvidenceReport
from tests.conftest import ROOT
from tests.evidence.helpers import SHOP, at, write_log

SCHEMA = ROOT / "schemas" / "evidence.schema.json"
ROWS = [
    ("c1", at(0, 0), "ad_click", "ads"), ("c1", at(0, 1), "call", "phone"), ("c1", at(0, 2), "order_placed", "web"),
    ("c2", at(0, 0), "order_placed", "web"), ("c2", at(0, 2), "call", "phone"), ("c2", at(0, 3), "coupon", "web"),
    ("c3", at(0, 0), "ad_click", "ads"), ("c3", at(0, 5), "call", "phone"),
]  # fmt: skip


def _report(run_cli, tmp_path: Path, *args: str) -> dict:
    log = write_log(tmp_path / "log.csv", ROWS)
    result = run_cli("evidence", "check", SHOP, "-e", log, "-F", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_committed_evidence_schema_is_fresh_and_a_valid_schema(run_cli) -> None:
    result = run_cli("schema", "--evidence")
    assert result.exit_code == 0, result.stderr
    committed = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == committed, "run 'make schema' and commit it"
    jsonschema.Draft202012Validator.check_schema(committed)
    assert run_cli("schema", "--evidence", "--catalog").exit_code == 2


@pytest.mark.parametrize("args", [(), ("--min-cases", "3"), ("--explain-matching",), ("--gap-days", "none")])
def test_every_report_check_writes_meets_the_schema_and_reads_back_unchanged(run_cli, tmp_path: Path, args) -> None:
    data = _report(run_cli, tmp_path, *args)
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not [e.message for e in validator.iter_errors(data)]
    report = EvidenceReport.model_validate(data)
    assert report.to_json() == data  # the JSON is exactly the models: nothing added, nothing lost
    if "--min-cases" in args:
        assert any(t.suppressed for t in report.touchpoints) and "suppressed" in json.dumps(data)
    else:
        assert '"suppressed"' not in json.dumps(data)  # only where something is withheld


def test_the_report_is_frozen_and_strict(run_cli, tmp_path: Path) -> None:
    report = EvidenceReport.model_validate(_report(run_cli, tmp_path))
    with pytest.raises(ValidationError):
        report.touchpoints[0].cases = 1  # type: ignore[misc]
    data = report.to_json()
    data["stages"][0]["status"] = "maybe"
    with pytest.raises(ValidationError, match=r"stages\.0\.status"):
        EvidenceReport.model_validate(data)
    data = report.to_json() | {"fitness_v3": 1.0}
    with pytest.raises(ValidationError, match="fitness_v3"):
        EvidenceReport.model_validate(data)


def test_folder_output_and_gates_read_the_same_typed_report(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", ROWS)
    out = tmp_path / "out"
    result = run_cli(
        "evidence", "check", SHOP, "-e", log, "-F", "json", "-o", str(out), "--fail-on", "never_observed>0"
    )
    written = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    report = EvidenceReport.model_validate(written)
    never = sum(1 for t in report.touchpoints if t.status == "never_observed")
    assert result.exit_code == (1 if never else 0), result.stderr
    header = (out / "touchpoints.csv").read_text(encoding="utf-8").splitlines()
    assert len(header) == len(report.touchpoints) + 1
