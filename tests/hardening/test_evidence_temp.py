"""The evidence spill folder (/tmp/cjm-evidence-*) goes away on every way out: a limit DuckDB refuses,
a DuckDB error, and SIGTERM, whether it arrives between queries or in the middle of one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli_process

JOURNEY = str(ROOT / "examples" / "b2b-fleet-software.journey.yaml")
MAPPING = str(ROOT / "examples" / "evidence" / "crm-mapping.yaml")

# The real entry point, with the log reader replaced by something slow: a sleep between queries, or a
# DuckDB query that would run for hours. Either way the run is inside the connection when SIGTERM comes.
_SLOW_RUN = """
import sys, time
import cjm.evidence.io as io
def slow_load(con, mapping, *rest):
    if sys.argv[1] == "sleep":
        time.sleep(60)
    while sys.argv[1] == "deaf":  # code that swallows every exception, as C code checking for signals may
        try:
            time.sleep(60)
        except BaseException:
            pass
    con.execute("SELECT count(*) FROM range(100000000000) a, range(10) b").fetchall()
io.load = slow_load
from cjm.cli import main
main(sys.argv[2:])
"""


def _spill_folders(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("cjm-evidence-"))


def test_a_memory_limit_duckdb_refuses_leaves_no_folder(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    result = run_cli_process(
        "evidence", "check", JOURNEY, "--mapping", MAPPING, "--memory-limit", "0", env={"TMPDIR": str(tmp)}
    )
    assert result.exit_code == 2 and "cannot start DuckDB with these limits" in result.stderr
    assert _spill_folders(tmp) == []


def test_a_duckdb_error_during_the_run_leaves_no_folder(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    log = tmp_path / "log.csv"
    log.write_text('case_id,timestamp,event,channel\nc1,"unclosed,2026-01-01,a,web\n')
    result = run_cli_process("evidence", "check", JOURNEY, "--events", str(log), env={"TMPDIR": str(tmp)})
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert _spill_folders(tmp) == []


def _terminate(tmp_path: Path, where: str, signals: int = 1) -> tuple[int, str, float, Path]:
    """Start a slow evidence run, send it SIGTERM once inside the connection; its exit code, stderr, time
    from the signal to the exit, and its temporary folder."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    command = [sys.executable, "-c", _SLOW_RUN, where, "evidence", "check", JOURNEY, "--mapping", MAPPING]
    env = {**os.environ, "TMPDIR": str(tmp), "NO_COLOR": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _spill_folders(tmp) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert _spill_folders(tmp), "the run never created its spill folder"
        time.sleep(0.3)  # inside the sleep, or inside the DuckDB query
        sent = time.monotonic()
        for _ in range(signals):
            process.send_signal(signal.SIGTERM)
            time.sleep(0.2)
        _, err = process.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:  # pragma: no cover - only when the test fails
            process.kill()
            process.wait()
    return process.returncode, err.decode("utf-8", "replace"), took, tmp


STOPPED = "cjm: error: stopped: the run received SIGTERM; its temporary files were removed"


@pytest.mark.parametrize("where", ["sleep", "query"])
def test_sigterm_mid_run_is_a_normal_exit_that_removes_the_folder(tmp_path: Path, where: str) -> None:
    code, stderr, took, tmp = _terminate(tmp_path, where)
    assert code == 2, stderr
    assert STOPPED in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert _spill_folders(tmp) == []
    assert took < 8, "DuckDB's query is interrupted, not waited for"


def test_a_run_that_swallows_the_stop_is_ended_after_the_grace_period(tmp_path: Path) -> None:
    code, stderr, took, tmp = _terminate(tmp_path, "deaf")
    assert code == 128 + signal.SIGTERM and STOPPED in stderr
    assert _spill_folders(tmp) == []
    assert 9 < took < 30


def test_a_second_sigterm_ends_the_run_at_once(tmp_path: Path) -> None:
    code, stderr, took, tmp = _terminate(tmp_path, "deaf", signals=2)
    assert code == 128 + signal.SIGTERM and STOPPED in stderr
    assert _spill_folders(tmp) == []
    assert took < 5
