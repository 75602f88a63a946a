"""Help a CX lead can read: every value is named by what it is (FILE, N, FMT), never by a Python type."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import typer.main
from typer.core import TyperGroup

from cjm.cli import app
from tests.conftest import Result

PYTHON_TYPES = re.compile(r"<(?:str|int|float|bool|list|path|int range)[^>]*>|\b(?:TEXT|INTEGER|FLOAT|BOOLEAN|PATH)\b")
TYPER_BRACES = re.compile(r"\{[a-z_]+\}")
METAVAR = re.compile(r"[A-Z][A-Z|,=.\[\]]*(?:\.\.\.)?")


def _commands(group: object = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        yield (*prefix, name), command
        if isinstance(command, TyperGroup):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands())


@pytest.mark.parametrize("path", [(), *(p for p, _ in COMMANDS)], ids=lambda p: " ".join(p) or "cjm")
def test_help_shows_no_python_type(run_cli: Callable[..., Result], path: tuple[str, ...]) -> None:
    shown = run_cli(*path, "--help")
    assert shown.exit_code == 0, shown.stderr
    assert not PYTHON_TYPES.findall(shown.stdout), shown.stdout
    assert not TYPER_BRACES.findall(shown.stdout), shown.stdout


@pytest.mark.parametrize("path", [p for p, c in COMMANDS if not isinstance(c, TyperGroup)], ids=" ".join)
def test_every_value_has_a_meaningful_name(run_cli: Callable[..., Result], path: tuple[str, ...]) -> None:
    shown = run_cli(*path, "--help").stdout
    command = dict(COMMANDS)[path]
    for param in command.params:  # type: ignore[attr-defined]
        if getattr(param, "is_flag", False) or param.param_type_name != "option" or param.hidden:
            continue
        long = next(opt for opt in param.opts if opt.startswith("--"))
        found = re.search(rf"^ +(?:-\w, )*{re.escape(long)} (\S+)", shown, re.MULTILINE)
        assert found, f"cjm {' '.join(path)} {long} is not in the help"
        after = found.group(1)
        assert METAVAR.fullmatch(after) and after != "VALUE", f"cjm {' '.join(path)} {long}: {after!r}"
    usage = shown.splitlines()[0]
    assert usage.startswith(f"Usage: cjm {' '.join(path)} [OPTIONS]")
    assert not re.search(r"\b[a-z_]+\.\.\.", usage), usage
