"""SARIF rule metadata as code scanning wants it: help text and Markdown, helpUri into docs/rules.md, informationUri;
checked against the SARIF 2.1.0 schema and the requirements GitHub documents for uploads."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from cjm import __version__
from cjm.diagnostics import CORE_CODES
from cjm.rules import RULES
from tests.conftest import ROOT, Result

SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
INPUTS = [
    "tests/corpus/rules/cjm110-unaddressed-pain.bad.journey.yaml",
    "tests/corpus/rules/cjm100-unused-ignore.bad.journey.yaml",
    "tests/corpus/invalid/cjm021-unknown-touchpoint.yaml",
]


def _github_anchors(markdown: str) -> set[str]:
    """The fragments GitHub gives the headings of a Markdown file: lower case, punctuation dropped, spaces to '-'."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return anchors


def _sarif(run_cli: Callable[..., Result]) -> dict[str, Any]:
    result = run_cli("validate", "-F", "sarif", *(str(ROOT / p) for p in INPUTS))
    assert result.exit_code == 1, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    return log


def test_every_rule_has_help_and_a_help_uri_into_the_rules_docs(run_cli: Callable[..., Result]) -> None:
    log = _sarif(run_cli)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert urlsplit(driver["informationUri"]).scheme == "https"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [*CORE_CODES, *(r.code for r in RULES)], "core codes too"
    anchors = _github_anchors((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    docs_url = f"{driver['informationUri']}/blob/v{__version__}/docs/rules.md"
    for rule in rules:
        url, _, fragment = rule["helpUri"].partition("#")
        assert url == docs_url, rule["helpUri"]
        assert fragment in anchors, f"docs/rules.md has no heading for {rule['id']} (#{fragment})"
        assert fragment.startswith(rule["id"].lower())
        help_ = rule["help"]
        assert help_["text"].strip() and "``" not in help_["text"], rule["id"]
        assert f"**{rule['id']}**" in help_["markdown"] and f"]({rule['helpUri']})" in help_["markdown"]
        assert rule["fullDescription"]["text"] and rule["shortDescription"]["text"]


def test_what_github_code_scanning_requires_of_an_upload(run_cli: Callable[..., Result]) -> None:
    # https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
    log = _sarif(run_cli)
    assert log["version"] == "2.1.0" and str(log["$schema"]).endswith("sarif-2.1.0.json")
    runs = log["runs"]
    assert isinstance(runs, list) and 1 <= len(runs) <= 20, "at most 20 runs per file"
    run = runs[0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cjm" and driver["semanticVersion"] == __version__
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert all(isinstance(tag, str) for tag in rule["properties"]["tags"])
    results = run["results"]
    assert results and len(results) <= 25_000, "at most 25,000 results per run"
    for result in results:
        assert result["ruleId"] == ids[result["ruleIndex"]]
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 1_000, "at most 1,000 locations per result"
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not urlsplit(uri).scheme and not uri.startswith("/"), "relative to the checkout"
        assert physical["region"]["startLine"] >= 1
        assert result["partialFingerprints"], "alerts are tracked across commits by fingerprint"


def test_rule_explanations_are_plain_text(run_cli: Callable[..., Result]) -> None:
    explained = run_cli("rules", "CJM109")
    assert explained.exit_code == 0
    assert "``" not in explained.stdout and "`drop`" in explained.stdout
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "``" not in docs
    for code in CORE_CODES.values():
        assert f"## `{code.code}` {code.name}\n" in docs, "every core code has a section to link to"
