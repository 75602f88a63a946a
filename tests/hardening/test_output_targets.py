"""`-o` targets: regular files are replaced atomically, devices and FIFOs are streamed into, anything else refused."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.errors import InputError
from cjm.output import is_stream, rewrite, unchanged, write_atomic
from tests.conftest import EXAMPLES, Result, run_cli_process

JOURNEY = str(EXAMPLES[0])
CJM = str(Path(sys.executable).parent / "cjm")

# Every command whose -o goes through the writer: (arguments before the target, arguments after it).
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "validate --write-baseline": lambda out: ["validate", JOURNEY, "--write-baseline", out],
    "render": lambda out: ["render", JOURNEY, "-f", "mermaid", "-o", out],
    "diff": lambda out: ["diff", JOURNEY, JOURNEY, "-o", out],
    "export mermaid": lambda out: ["export", "mermaid", JOURNEY, "-o", out],
    "schema": lambda out: ["schema", "-o", out],
    "evidence sql": lambda out: ["evidence", "sql", JOURNEY, "--dialect", "duckdb", "-o", out],
    "import mermaid --force": lambda out: ["import", "mermaid", MERMAID, "-o", out, "--force"],
}
MERMAID = str(Path(__file__).parent / "data" / "tiny.mmd")


def cjm(*args: str) -> Result:
    return run_cli_process(*args)


# --- the writer itself -------------------------------------------------------------------------------


def test_missing_path_is_created_with_its_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    write_atomic(target, "hello")
    assert target.read_text() == "hello"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temp file left behind


def test_regular_file_is_replaced_by_a_rename(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    before = target.stat().st_ino
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_ino != before  # a new file renamed into place, not the old one truncated


def test_rewrite_keeps_the_mode_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private file is never world-readable while it is replaced: the temp file has its mode before the rename."""
    target = tmp_path / "private.txt"
    target.write_text("old")
    target.chmod(0o600)
    modes: list[int] = []
    real_replace = os.replace

    def replace(src: str, dst: object) -> None:
        modes.append(os.stat(src).st_mode & 0o777)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    rewrite(str(target), "new")
    assert target.read_text() == "new"
    assert modes == [0o600]
    assert target.stat().st_mode & 0o777 == 0o600


def test_dev_null_stays_a_device() -> None:
    write_atomic("/dev/null", "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert is_stream("/dev/null")


def test_fifo_is_streamed_into_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.symlink_to("/dev/null"), "is a symbolic link"),
        (lambda p: p.symlink_to("/proc/self/environ"), "is a symbolic link"),
        (lambda p: p.symlink_to("/proc/self/fd/1"), "is a symbolic link"),
        (lambda p: p.symlink_to(p.parent / "elsewhere.txt"), "is a symbolic link"),
        (lambda p: p.symlink_to(p.parent / "missing.txt"), "is a symbolic link"),
    ],
    ids=["directory", "link-to-device", "link-to-proc", "link-to-own-stdout", "link-to-file", "dangling-link"],
)
def test_other_targets_are_refused_and_left_as_they_were(
    tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    (tmp_path / "elsewhere.txt").write_text("keep me")
    target = tmp_path / "out.txt"
    make(target)
    before = os.lstat(target)
    with pytest.raises(InputError, match=message):
        write_atomic(target, "payload")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert (tmp_path / "elsewhere.txt").read_text() == "keep me"
    assert not (tmp_path / "missing.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", "out.txt"]


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(InputError, match="is a socket"):
            write_atomic(path, "payload")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_unchanged_never_reads_a_device() -> None:
    assert not unchanged("/dev/zero", b"\0" * 10)  # reading /dev/zero would never end
    assert not unchanged("/dev/null", b"")


# --- through every command ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_streams_into_dev_null(command: str) -> None:
    result = cjm(*COMMANDS[command]("/dev/null"))
    assert result.exit_code in (0, 1), result.stderr  # validate exits 1 on the example's findings
    assert "Traceback" not in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_symlink_and_a_directory(tmp_path: Path, command: str) -> None:
    link = tmp_path / "out.mmd"
    link.symlink_to("/proc/self/environ")
    result = cjm(*COMMANDS[command](str(link)))
    assert result.exit_code == 2, result.stderr
    assert f"{link}: is a symbolic link" in result.stderr
    assert "Traceback" not in result.stderr
    assert link.is_symlink()
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    if command != "render":  # for render a folder is where the files go
        result = cjm(*COMMANDS[command](str(folder)))
        assert result.exit_code == 2, result.stderr
        assert f"{folder}: is a directory" in result.stderr


@pytest.mark.parametrize("command", ["diff", "export mermaid", "schema", "render"])
def test_dev_stdout_writes_to_standard_output(command: str) -> None:
    result = cjm(*COMMANDS[command]("/dev/stdout"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


def test_dev_stdout_redirected_to_a_file_appends_where_the_shell_pointed(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("first line\n")
    with log.open("a") as handle:
        done = subprocess.run(
            [CJM, "schema", "-o", "/dev/stdout"], stdout=handle, stderr=subprocess.PIPE, timeout=60, check=False
        )
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("first line\n{")
    assert not log.is_symlink()


def test_render_site_refuses_a_planted_index_symlink(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    secret = site / "kept.html"  # inside the folder: only the writer stands between it and the index
    secret.write_text("untouched")
    (site / "index.html").symlink_to(secret)
    result = cjm("render", str(EXAMPLES[0]), str(EXAMPLES[1]), "-o", str(site))
    assert result.exit_code == 2
    assert "index.html: is a symbolic link" in result.stderr
    assert secret.read_text() == "untouched"
    assert (site / "index.html").is_symlink()


def test_import_without_force_still_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.journey.yaml"
    target.write_text("mine")
    result = cjm("import", "mermaid", MERMAID, "-o", str(target))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_text() == "mine"
