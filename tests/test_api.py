"""The Python API (cjm.api, cjm.load): one test per function, against what the commands give, and its import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import cjm
import cjm.api
from cjm.diagnostics import Diagnostic, Severity
from cjm.errors import ConfigError, DependencyError, InputError
from cjm.evidence.model import EvidenceReport
from cjm.model import Journey
from tests.conftest import EXAMPLES, ROOT, Result
from tests.evidence.helpers import SHOP, at, write_log
from tests.test_startup import HEAVY

B2C = ROOT / "examples" / "b2c-online-grocery.journey.yaml"
BAD = ROOT / "tests" / "corpus" / "invalid" / "cjm021-unknown-touchpoint.yaml"
PAIR = ROOT / "tests" / "diff" / "pairs" / "shipped"


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in json.loads(out.strip().splitlines()[-1])}


@pytest.mark.parametrize("statement", ["import cjm", "import cjm.api", "import cjm; cjm.load"])
def test_importing_the_api_is_cheap(statement: str) -> None:
    assert not _loaded_after(statement) & set(HEAVY)


def test_load() -> None:
    journey = cjm.load(B2C)
    assert isinstance(journey, Journey) and journey.id == "b2c-online-grocery"
    assert cjm.load is cjm.api.load and cjm.load(str(B2C)) == journey
    with pytest.raises(InputError, match=r"cjm021-unknown-touchpoint.yaml:46:23: CJM021 unknown touchpoint 'delivry'"):
        cjm.load(BAD)
    with pytest.raises(InputError):
        cjm.load(ROOT / "no-such.journey.yaml")


def test_validate_gives_the_findings_of_the_command(run_cli: Callable[..., Result]) -> None:
    found = cjm.api.validate(BAD)
    assert [(d.code, d.span.line, d.span.column, d.severity) for d in found] == [("CJM021", 46, 23, Severity.ERROR)]
    assert all(isinstance(d, Diagnostic) for d in found) and found[0].hint == "did you mean 'delivery'?"
    assert cjm.api.validate([str(p) for p in EXAMPLES]) == []
    command = json.loads(run_cli("validate", "-F", "json", str(BAD)).stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in command] == [("CJM021", 46, 23)]
    with pytest.raises(InputError, match="no journey files found"):
        cjm.api.validate(ROOT / "docs")
    assert cjm.api.validate(ROOT / "docs", allow_empty=True) == []


def test_render(run_cli: Callable[..., Result]) -> None:
    mermaid = cjm.api.render(B2C, "mermaid")
    assert mermaid == run_cli("render", "-F", "mermaid", str(B2C)).stdout
    html = cjm.api.render(cjm.load(B2C))
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>")
    with pytest.raises(ConfigError, match="unknown format 'gif'; choose from: html, pdf, png"):
        cjm.api.render(B2C, "gif")


def test_diff(run_cli: Callable[..., Result]) -> None:
    changes = cjm.api.diff(PAIR / "old.yaml", PAIR / "new.yaml")
    command = json.loads(run_cli("diff", "-F", "json", str(PAIR / "old.yaml"), str(PAIR / "new.yaml")).stdout)
    assert [(c.op, c.entity, c.id) for c in changes] == [(c["op"], c["entity"], c["id"]) for c in command["changes"]]
    assert cjm.api.diff(B2C, cjm.load(B2C)) == []


def test_evidence(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    rows = [("c1", at(0), "ad_click", "ads"), ("c1", at(1), "page_view", "web"), ("c2", at(0), "app_open", "app")]
    log = write_log(tmp_path / "events.csv", rows)
    report = cjm.api.evidence(SHOP, log)
    assert isinstance(report, EvidenceReport) and report.cases == 2 and report.run.map == cjm.load(SHOP).id
    command = run_cli("evidence", "check", SHOP, "--events", log, "-F", "json")
    assert report.model_dump(mode="json")["touchpoints"] == json.loads(command.stdout)["touchpoints"]
    assert cjm.api.evidence(SHOP, [log], gap_days=None).cases == 2
    with pytest.raises(ConfigError, match="--min-cases must be 1 or more"):
        cjm.api.evidence(SHOP, log, min_cases=0)


def test_evidence_without_the_extra_says_what_the_command_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlglot", None)  # as if not installed: find_spec finds nothing
    with pytest.raises(DependencyError) as caught:
        cjm.api.evidence(EXAMPLES[0], [])
    assert str(caught.value).startswith("cjm evidence needs sqlglot, which a plain install leaves out")
    assert 'pip install "cjm-cli[evidence]"' in str(caught.value)
