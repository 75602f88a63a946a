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
from hypothesis import settings

# CI runs a fixed, reproducible set of generated examples, so the gate never flakes on a newly drawn input;
# local runs (and `make fuzz`) keep exploring new ones and turn what they find into regression tests.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.journey.yaml"))
# What makes examples/ a workspace: its config and the catalog with the lifecycle the examples name.
EXAMPLE_WORKSPACE = (ROOT / "examples" / "cjm.toml", ROOT / "examples" / "catalog.yaml")
GOLDEN = ROOT / "tests" / "golden"


def standalone(text: str) -> str:
    """An example's text without what needs its workspace (the lifecycle it names in the catalog, nested
    journeys in other files): valid on its own, wherever a test copies it."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.lstrip().startswith(("lifecycle:", "journey:"))
    )


def example_workspace(folder: Path) -> Path:
    """Make ``folder`` a workspace like examples/ (config and lifecycle catalog), so copied examples stay valid."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for path in EXAMPLE_WORKSPACE:
        shutil.copy(path, folder / path.name)
    return folder


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


def run_cli_process(
    *args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run the installed ``cjm`` as a separate process, as a user or CI would."""
    exe = Path(sys.executable).parent / "cjm"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cjm"]
    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    full_env = {**base, "NO_COLOR": "1", **(env or {})}
    done = subprocess.run(
        [*command, *args], input=stdin, capture_output=True, cwd=cwd, env=full_env, timeout=120, check=False
    )
    return Result(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


# A tiny process that starts the command and reports its peak memory. Linux counts the memory of the
# process that forked a child in that child's peak (exec keeps the larger of the two), so a child of a
# pytest worker holding 200 MB "peaks" at 200 MB whatever it does: the launcher keeps that floor small.
_PEAK_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_with_peak_memory(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> tuple[Result, int]:
    """Run the installed ``cjm ARGS`` as a process; return what it did and its peak memory in KiB."""
    import tempfile

    exe = Path(sys.executable).parent / "cjm"
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _PEAK_LAUNCHER, peak.name, str(exe), *args],
            input=stdin,
            capture_output=True,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=120,
            check=False,
        )
        kib = int(peak.read() or 0)
    result = Result(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    return result, kib


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


HOSTILE_LONG = "Long name " + "x" * 490


@pytest.fixture
def hostile_journey(tmp_path: Path) -> Path:
    """A valid journey whose every name is hostile to some output format (markup, quotes, DOT, Markdown, Mermaid)."""
    import yaml

    nasty = {
        "script": "<script>alert('x')</script> & <b>bold</b>",
        "quotes": "He said \"no\" and 'yes'",
        "dot": '"]; x [label="pwned"]; //',
        "emoji": "Pays 💳 then waits ⏳ 🚚",
        "rtl": "مرحبا بالعالم — שלום עולם",
        "newlines": "line one\nline two\n\nline four",
        "table": "a | b `code` ```fence``` \\| end",
        "mermaid": "Step 1: pay; #1 priority, 100%% sure %%{init}%% #58;",
        "keyword": "title deed check",
        "markdown": "# not a heading",
        "list": "- not a list",
        "backslash": "C:\\path\\new \\N \\l \\",
        "padded": "  padded name  ",
    }
    actions = [
        {"id": f"act-{key}", "name": text, "emotion": (i % 5) - 2, "feeling": text, "touchpoints": ["tp-hostile"]}
        for i, (key, text) in enumerate(nasty.items())
    ]
    actions.append({"id": "act-long", "name": HOSTILE_LONG, "backstage": ["bs-hostile"], "evidence": "assumed"})
    actions[0]["pain_points"] = [{"id": "pain-pipe", "text": "Pipe | in `pain`\nsecond line", "severity": "critical"}]
    actions[0]["opportunities"] = [{"text": "Fix | it <now>", "addresses": ["pain-pipe"], "impact": "high"}]
    data = {
        "cjm": 1,
        "id": "hostile",
        "title": 'Hostile "title" <script>: #1; | `x`',
        "description": "- starts like a list\n1. and a numbered one",
        "scope": {"persona": "zoe", "scenario": "Everything | escaped `here`", "goal": "<i>goal</i>"},
        "personas": [{"id": "zoe", "name": 'Zoë, "the" <admin>: #1; ok'}],
        "stages": [
            {"id": "first", "name": nasty["dot"], "actions": actions[:7]},
            {"id": "empty", "name": "Empty | stage", "pain_points": ["Stage-wide | pain"]},
            {"id": "second", "name": "Section: two; #2 %% `x`", "actions": actions[7:]},
        ],
        "touchpoints": [{"id": "tp-hostile", "name": nasty["script"], "channel": "web"}],
        "backstage": [{"id": "bs-hostile", "name": nasty["dot"], "systems": ["<CRM>", "ERP | SAP"]}],
    }
    path = tmp_path / "hostile.journey.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
