"""Odd environments and lost-data guarantees: no HOME, non-UTF-8 locale, no TTY, odd paths, failed writes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, example_workspace, run_with_peak_memory, standalone

CJM = [str(Path(sys.executable).parent / "cjm")]


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    """Run cjm with exactly ``env`` (plus PATH when absent): nothing inherited by accident."""
    environment = {"PATH": os.environ["PATH"], **(env or {})}
    return subprocess.run(
        [*CJM, *args], input=stdin, capture_output=True, env=environment, cwd=cwd, timeout=120, check=False
    )


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_no_home_and_no_tty(tmp_path: Path) -> None:
    result = run("validate", str(ROOT / "examples"), env={"LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    rendered = run("render", str(ROOT / "examples"), "-o", str(tmp_path / "site"), env={})
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert b"\x1b[" not in rendered.stdout + rendered.stderr


def test_non_utf8_locale_still_writes_utf8(tmp_path: Path) -> None:
    journey = tmp_path / "été.journey.yaml"
    text = standalone(EXAMPLES[1].read_text())
    journey.write_text(text.replace("[word-of-mouth]", "[bouche-à-oreille]"), encoding="utf-8")
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    text = run("validate", str(journey), env=env)
    assert text.returncode == 1, text.stderr
    assert "bouche-à-oreille" in text.stdout.decode("utf-8")
    machine = run("validate", "-F", "json", str(journey), env=env)
    payload = json.loads(machine.stdout.decode("utf-8"))
    assert payload["findings"][0]["rule"] == "CJM010"
    assert "Traceback" not in machine.stderr.decode("utf-8", "replace")


def test_paths_with_spaces_accents_and_windows_line_endings(tmp_path: Path) -> None:
    folder = tmp_path / "my maps" / "équipe CX"
    example_workspace(folder)
    for path in EXAMPLES:
        (folder / path.name).write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert run("validate", str(folder)).returncode == 0
    out = tmp_path / "site dir"
    assert run("render", str(folder), "-o", str(out)).returncode == 0
    assert len(list(out.glob("*.html"))) == len(EXAMPLES) + 1
    changed = folder / "changed copy.journey.yaml"
    changed.write_bytes((folder / EXAMPLES[0].name).read_bytes().replace(b"emotion: -2", b"emotion: -1", 1))
    diff = run("diff", str(folder / EXAMPLES[0].name), str(changed), "-F", "json")
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["changes"]


def test_commands_never_modify_their_inputs(tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work)
    before = fingerprint(work)
    a, b, *_ = sorted(work.glob("*.journey.yaml"))
    for args in (
        ["validate", str(work)],
        ["validate", "-F", "sarif", str(work)],
        ["render", str(work), "-o", str(tmp_path / "site")],
        ["render", str(a), "-f", "md,mermaid,dot", "-o", str(tmp_path / "more")],
        ["diff", str(a), str(b)],
        ["export", "mermaid", str(a)],
    ):
        assert run(*args, cwd=work).returncode in (0, 1), args
    assert fingerprint(work) == before


def test_a_failed_render_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("previous map")
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text(EXAMPLES[0].read_text().replace("emotion: -2", "emotion: -9", 1))
    result = run("render", str(broken), "-o", str(target))
    assert result.returncode == 2
    assert b"CJM010" in result.stderr
    assert target.read_text() == "previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.journey.yaml", "map.html"]


def test_without_graphviz_svg_fails_cleanly_and_html_still_works(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git", "sh"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir)}
    svg = tmp_path / "map.svg"
    svg.write_text("previous svg")
    result = run("render", str(EXAMPLES[0]), "-f", "svg", "-o", str(svg), env=env)
    assert result.returncode == 2
    assert b"graphviz" in result.stderr.lower()
    assert b"Traceback" not in result.stderr
    assert svg.read_text() == "previous svg"
    html = run("render", str(EXAMPLES[0]), "-o", str(tmp_path / "map.html"), env=env)
    assert html.returncode == 0, html.stderr


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("render", str(EXAMPLES[0]), "-o", str(blocker / "sub" / "map.html"))
    assert result.returncode == 2
    assert b"cannot write" in result.stderr or b"Not a directory" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_checkout(tmp_path: Path) -> None:
    work = tmp_path / "ro"
    shutil.copytree(ROOT / "examples", work)
    for path in [work, *work.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        assert run("validate", str(work), cwd=work).returncode == 0
        result = run("render", str(work), "-o", str(work / "site"), cwd=work)
        assert result.returncode == 2 and b"Traceback" not in result.stderr
    finally:
        for path in [work, *work.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_validate_writes_nothing_into_the_checkout(tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work)
    before = sorted(p.name for p in work.rglob("*"))
    assert run("validate", str(work), cwd=work).returncode == 0
    assert sorted(p.name for p in work.rglob("*")) == before


def test_empty_stdin_is_a_located_finding() -> None:
    result = run("validate", "-F", "json", "-", stdin=b"")
    assert result.returncode == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["CJM003"]


def test_alias_bomb_is_refused_with_bounded_memory() -> None:
    bomb = str(ROOT / "tests" / "corpus" / "invalid" / "cjm005-billion-laughs.yaml")
    result, peak_kib = run_with_peak_memory("validate", "-F", "json", bomb)
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["CJM005"]
    assert peak_kib < 200 * 1024, f"peak memory {peak_kib} KiB"
