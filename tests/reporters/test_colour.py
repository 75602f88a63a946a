"""--color auto|always|never on each command that colours; NO_COLOR, FORCE_COLOR and TERM=dumb as people set them."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from cjm.reporters.text import use_colour
from tests.conftest import ROOT, Result

BAD = str(ROOT / "tests" / "corpus" / "invalid" / "cjm021-unknown-touchpoint.yaml")
PAIR = (
    str(ROOT / "tests" / "diff" / "pairs" / "shipped" / "old.yaml"),
    str(ROOT / "tests/diff/pairs/shipped/new.yaml"),
)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "terminal", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # an empty NO_COLOR is not set (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "3"}, False, True),
        ({"FORCE_COLOR": "0"}, True, False),  # Node's reading: 0 and false turn colour off
        ({"FORCE_COLOR": "false"}, True, False),
        ({"FORCE_COLOR": ""}, False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),  # NO_COLOR first, as CPython reads them
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
    ],
)
def test_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], terminal: bool, expected: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Terminal() if terminal else io.StringIO()
    assert use_colour(stream) is expected
    assert use_colour(stream, "always") is True and use_colour(stream, "never") is False, "--color wins"


def test_color_option_on_validate(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    always = run_cli("validate", "--color", "always", BAD)
    assert "\x1b[31m" in always.stdout and always.exit_code == 1, "always, even with NO_COLOR and no terminal"
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    never = run_cli("validate", "--color", "never", BAD)
    assert "\x1b" not in never.stdout and never.exit_code == 1
    wrong = run_cli("validate", "--color", "sometimes", BAD)
    assert wrong.exit_code == 2 and "--color must be auto, always or never" in wrong.stderr


def test_color_option_on_diff(run_cli: Callable[..., Result]) -> None:
    always = run_cli("diff", "--color", "always", *PAIR)
    assert "\x1b[32m+\x1b[0m" in always.stdout and always.exit_code == 0
    never = run_cli("diff", "--color", "never", *PAIR)
    assert "\x1b" not in never.stdout and never.stdout


def test_force_color_zero_is_plain_in_a_process(run_process: Callable[..., Result]) -> None:
    result = run_process("validate", BAD, env={"NO_COLOR": "", "FORCE_COLOR": "0"})
    assert "\x1b" not in result.stdout and "CJM021" in result.stdout
