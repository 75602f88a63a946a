"""Conventions people know from ruff and friends: -h, one format option spelled -F or -f, --exit-zero,
--select/--extend-select/--ignore on the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import typer.main
from typer.core import TyperGroup

from cjm.cli import app
from tests.conftest import ROOT, Result

WARNS_110 = str(ROOT / "tests" / "corpus" / "rules" / "cjm110-unaddressed-pain.bad.journey.yaml")
INVALID = str(ROOT / "tests" / "corpus" / "invalid" / "cjm021-unknown-touchpoint.yaml")


def _commands(group: object = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        yield (*prefix, name), command
        if isinstance(command, TyperGroup):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands())


def test_the_command_table_is_read() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"validate", "render", "diff", "evidence check", "rules", "schema", "init"} <= names


@pytest.mark.parametrize("path", [(), *(p for p, _ in COMMANDS)], ids=lambda p: " ".join(p) or "cjm")
def test_dash_h_is_help_everywhere(run_cli: Callable[..., Result], path: tuple[str, ...]) -> None:
    short, long = run_cli(*path, "-h"), run_cli(*path, "--help")
    assert short.exit_code == 0, short.stderr
    assert short.stdout.startswith("Usage: cjm") and short.stdout == long.stdout


def test_every_format_option_takes_both_spellings() -> None:
    with_format = []
    for path, command in COMMANDS:
        for param in getattr(command, "params", []):
            if "--format" in param.opts:
                assert {"-F", "-f"} <= set(param.opts), f"cjm {' '.join(path)}: {param.opts}"
                with_format.append(path)
    assert {("validate",), ("render",), ("diff",), ("rules",)} <= set(with_format)


def test_format_spellings_do_the_same(run_cli: Callable[..., Result]) -> None:
    upper, lower = run_cli("validate", "-F", "json", WARNS_110), run_cli("validate", "-f", "json", WARNS_110)
    assert json.loads(upper.stdout) == json.loads(lower.stdout)
    mermaid = run_cli("render", "-F", "mermaid", WARNS_110)
    assert mermaid.exit_code == 0 and mermaid.stdout == run_cli("render", "-f", "mermaid", WARNS_110).stdout
    assert mermaid.stdout.lstrip().startswith(("journey", "---", "%%"))


def test_exit_zero_reports_but_passes(run_cli: Callable[..., Result]) -> None:
    failing = run_cli("validate", "--strict", WARNS_110)
    assert failing.exit_code == 1
    passing = run_cli("validate", "--strict", "--exit-zero", WARNS_110)
    assert passing.exit_code == 0 and passing.stdout == failing.stdout, "the same findings are shown"
    assert run_cli("validate", "--exit-zero", INVALID).exit_code == 0
    assert run_cli("validate", "--exit-zero", str(ROOT / "no-such-dir")).exit_code == 2, "errors still exit 2"


def _codes(result: Result) -> set[str]:
    return {finding["rule"] for finding in json.loads(result.stdout)["findings"]}


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ((), {"CJM110"}),
        (("--select", "CJM103"), set()),
        (("--select", "missing-emotion,unaddressed-pain"), {"CJM110"}),
        (("--select", "CJM103", "--extend-select", "cjm110"), {"CJM110"}),
        (("--ignore", "unaddressed-pain"), set()),
        (("--ignore", "CJM103", "--ignore", "CJM110"), set()),
        (("--extend-select", "CJM110", "--ignore", "CJM110"), set()),
    ],
)
def test_select_extend_select_and_ignore(
    run_cli: Callable[..., Result], args: tuple[str, ...], codes: set[str]
) -> None:
    result = run_cli("validate", "-F", "json", *args, WARNS_110)
    assert result.exit_code == 0, result.stderr
    assert _codes(result) == codes


def test_rule_choice_never_hides_core_errors(run_cli: Callable[..., Result]) -> None:
    selected = run_cli("validate", "-F", "json", "--select", "CJM103", INVALID)
    assert selected.exit_code == 1 and "CJM021" in _codes(selected)
    core = run_cli("validate", "--ignore", "CJM021", INVALID)
    assert core.exit_code == 2 and "CJM021 is a core error" in core.stderr


def test_unknown_rule_on_the_command_line_is_a_usage_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "--select", "missing-emotoin", WARNS_110)
    assert result.exit_code == 2
    assert "unknown rule 'missing-emotoin'; did you mean 'missing-emotion'?" in result.stderr
