"""Every lint rule: a corpus file that triggers it (code and position asserted) and one that does not."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.rules import RULES
from tests.conftest import ROOT, Result

CORPUS = ROOT / "tests" / "corpus" / "rules"
BAD = sorted(CORPUS.glob("*.bad.journey.yaml"))
GOOD = sorted(CORPUS.glob("*.good.journey.yaml"))
_EXPECT = re.compile(r"(CJM\d{3})@(\d+):(\d+)")


def header(path: Path) -> tuple[set[tuple[str, int, int]], str]:
    """The expected findings of a corpus file and the cjm.toml its ``# config:`` lines make."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# expect:"), f"{path.name} lacks its '# expect:' header"
    expected = {(c, int(line), int(col)) for c, line, col in _EXPECT.findall(lines[0])}
    config = "".join(line[len("# config: ") :] + "\n" for line in lines if line.startswith("# config: "))
    return expected, config


def lint(run_cli: Callable[..., Result], path: Path, tmp_path: Path) -> tuple[Result, set[tuple[str, int, int]]]:
    _, config = header(path)
    (tmp_path / "cjm.toml").write_text(config, encoding="utf-8")
    result = run_cli("validate", "-F", "json", "--config", str(tmp_path / "cjm.toml"), str(path))
    assert result.exit_code in (0, 1), result.stderr
    found = {(f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]}
    return result, found


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name.split(".")[0])
def test_bad_file_triggers_its_rule_at_its_position(run_cli: Callable[..., Result], path: Path, tmp_path: Path) -> None:
    expected, _ = header(path)
    result, found = lint(run_cli, path, tmp_path)
    assert found == expected
    assert path.name[:6].upper() in {code for code, _, _ in found}, "the file name names the rule it triggers"
    assert result.exit_code == 0, "lint rules are warnings or infos: they fail only with --strict"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name.split(".")[0])
def test_good_file_has_no_findings(run_cli: Callable[..., Result], path: Path, tmp_path: Path) -> None:
    result, found = lint(run_cli, path, tmp_path)
    assert found == set()
    assert result.exit_code == 0


def test_every_rule_has_a_bad_and_a_good_corpus_file() -> None:
    for rule in RULES:
        stem = f"{rule.code.lower()}-{rule.name}"
        assert (CORPUS / f"{stem}.bad.journey.yaml").is_file(), stem
        assert (CORPUS / f"{stem}.good.journey.yaml").is_file(), stem
    assert len(BAD) == len(GOOD) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_documents_what_why_and_examples(rule: object) -> None:
    from cjm.rules import Rule

    assert isinstance(rule, Rule)
    doc = rule.doc
    assert "Why:" in doc and "Failing" in doc and "Passing" in doc, rule.code
    assert re.fullmatch(r"CJM1\d\d", rule.code) and re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)


def test_every_rule_module_is_registered() -> None:
    import importlib
    import pkgutil

    import cjm.rules

    registered = {id(r) for r in RULES}
    modules = [m.name for m in pkgutil.iter_modules(cjm.rules.__path__)]
    assert modules, "the rules package has family modules"
    for name in modules:
        family = importlib.import_module(f"cjm.rules.{name}")
        assert family.RULES, name
        assert all(id(r) in registered for r in family.RULES), f"cjm.rules.{name} is not gathered"
    assert len({r.code for r in RULES}) == len(RULES) == len({r.name for r in RULES})


def test_rules_command_lists_the_catalogue_and_explains_one(run_cli: Callable[..., Result]) -> None:
    listing = run_cli("rules")
    assert listing.exit_code == 0
    for rule in RULES:
        assert re.search(rf"^{rule.code}  {rule.name} +{rule.default_severity.value} ", listing.stdout, re.M)
    assert "CJM021  unknown-reference" in listing.stdout
    explained = run_cli("rules", "CJM109")
    assert explained.exit_code == 0
    assert explained.stdout.startswith("CJM109 unexplained-emotion-drop (warning by default)")
    assert "Failing:" in explained.stdout and "[rules.unexplained-emotion-drop]" in explained.stdout
    assert run_cli("rules", "action-count").stdout.startswith("CJM101 action-count")
    unknown = run_cli("rules", "CJM190")
    assert unknown.exit_code == 2 and "did you mean" in unknown.stderr


def test_docs_rules_page_is_the_generated_catalogue(run_cli: Callable[..., Result]) -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == run_cli("rules", "--format", "markdown").stdout, "regenerate: cjm rules -F markdown > docs/rules.md"
    for rule in RULES:
        assert f"## `{rule.code}` {rule.name}" in text


def test_strict_makes_warnings_fail(run_cli: Callable[..., Result]) -> None:
    path = str(CORPUS / "cjm103-missing-emotion.bad.journey.yaml")
    assert run_cli("validate", path).exit_code == 0
    assert run_cli("validate", "--strict", path).exit_code == 1
    info_only = str(CORPUS / "cjm113-no-research.bad.journey.yaml")
    assert run_cli("validate", "--strict", info_only).exit_code == 0, "infos never fail"
