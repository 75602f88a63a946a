"""`render --evidence REPORT`: a hostile JSON report is a clear error (exit 2), not a crash, hang or blow-up."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES, Result, run_with_peak_memory

B2B = str(next(p for p in EXAMPLES if p.name.startswith("b2b")))
DEEP = 100_000


def render(run_cli: Callable[..., Result], report: Path | str, tmp_path: Path) -> Result:
    return run_cli("render", B2B, "--evidence", str(report), "-o", str(tmp_path / "map.html"))


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_100000_deep_array_is_a_clear_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    report = tmp_path / "deep.json"
    report.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    refused(
        render(run_cli, report, tmp_path), "deep.json: not a cjm evidence report: arrays or objects nested too deeply"
    )
    assert not (tmp_path / "map.html").exists()


def test_a_100000_deep_object_is_a_clear_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    report = tmp_path / "deep.json"
    report.write_text('{"version": ' * DEEP + "1" + "}" * DEEP, encoding="utf-8")
    refused(
        render(run_cli, report, tmp_path), "deep.json: not a cjm evidence report: arrays or objects nested too deeply"
    )


def test_a_device_is_not_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    refused(render(run_cli, "/dev/zero", tmp_path), "/dev/zero: is a device, not a regular file")


def test_a_fifo_does_not_hang(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    refused(render(run_cli, fifo, tmp_path), "report.json: is a FIFO, not a regular file")


def test_not_utf8_is_a_clear_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    report = tmp_path / "latin1.json"
    report.write_bytes(b'{"version": 1, "run": {"map": "caf\xe9"}}')
    refused(render(run_cli, report, tmp_path), "latin1.json: cannot read the evidence report (not UTF-8 at byte 34)")


def test_a_huge_report_costs_the_limit_not_its_size(tmp_path: Path) -> None:
    report = tmp_path / "huge.json"
    with open(report, "wb") as stream:  # sparse: 3 GiB on paper, nothing on disk
        stream.truncate(3 * 1024**3)
    result, peak_kib = run_with_peak_memory("render", B2B, "--evidence", str(report), "-o", str(tmp_path / "m.html"))
    refused(result, "huge.json: is over 67,108,864 bytes, more than any evidence report")
    assert peak_kib < 400 * 1024, f"peak memory {peak_kib} KiB"
