"""cjm evidence without the evidence extra: one clear message naming the install, and help still works."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT, run_cli_inprocess

MAP = str(ROOT / "examples" / "b2b-fleet-software.journey.yaml")
EVENTS = str(ROOT / "examples" / "evidence" / "crm-export.csv.gz")
COMMANDS = [
    ("evidence", "check", MAP, "--events", EVENTS),
    ("evidence", MAP, "--events", EVENTS),  # the short form
    ("evidence", "profile", EVENTS),
    ("evidence", "sql", MAP, "--dialect", "duckdb"),
]


@pytest.mark.parametrize("missing", [("duckdb",), ("sqlglot",), ("duckdb", "sqlglot")])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_evidence_without_the_extra_names_the_install(
    monkeypatch: pytest.MonkeyPatch, missing: tuple[str, ...], args: tuple[str, ...]
) -> None:
    for name in missing:  # as if not installed: importing it fails and find_spec finds nothing
        monkeypatch.setitem(sys.modules, name, None)
    result = run_cli_inprocess(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cjm: error: cjm evidence needs {' and '.join(missing)},")
    assert 'pip install "cjm-cli[evidence]"' in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_evidence_help_works_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    monkeypatch.setitem(sys.modules, "sqlglot", None)
    for args in (("evidence", "--help"), ("evidence", "check", "--help"), ("evidence", "sql", "--help")):
        result = run_cli_inprocess(*args)
        assert result.exit_code == 0 and "Usage:" in result.stdout, args


def test_with_the_extra_evidence_runs() -> None:
    result = run_cli_inprocess("evidence", "sql", MAP, "--dialect", "duckdb")
    assert result.exit_code == 0, result.stderr
    assert "SELECT" in result.stdout.upper()
