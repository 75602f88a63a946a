"""Shared fixtures: run the real cjm command, compare against golden files, read the corpus."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.journey.yaml"))
GOLDEN = ROOT / "tests" / "golden"


@dataclass
class Result:
    """What one cjm run did."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli_inprocess(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> Result:
    """Run ``cjm ARGS`` through the real entry point in this process (fast); exit code as main() maps it."""
    from cjm.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin, Path.cwd()
    sys.stdout, sys.stderr = out, err
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    if cwd is not None:
        os.chdir(cwd)
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    else:  # pragma: no cover - main always exits
        code = 0
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved[0], saved[1], saved[2]
        os.chdir(saved[3])
    return Result(code, out.getvalue(), err.getvalue())


def run_cli_process(*args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the installed ``cjm`` as a separate process, as a user or CI would."""
    exe = Path(sys.executable).parent / "cjm"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cjm"]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [*command, *args], input=stdin, capture_output=True, cwd=cwd, env=full_env, timeout=120, check=False
    )
    return Result(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """The cjm command, run in-process with colour off."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return run_cli_inprocess


@pytest.fixture
def run_process() -> Callable[..., Result]:
    """The installed cjm command, run as a subprocess."""
    return run_cli_process


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME; ``make goldens`` (CJM_UPDATE_GOLDENS=1) rewrites it."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("CJM_UPDATE_GOLDENS"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"missing golden {path}; run 'make goldens' and review the diff"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{name} differs from its golden; run 'make goldens' and review the diff"

    return check
