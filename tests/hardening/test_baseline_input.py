"""The --baseline file is read like every other input: bounded (limit + 1 byte), never from a FIFO or a device."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, Result, run_with_peak_memory

EXAMPLE = str(ROOT / "examples" / "b2c-online-grocery.journey.yaml")


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_dev_zero_as_baseline_is_refused_unread(run_cli: Callable[..., Result]) -> None:
    refused(run_cli("validate", EXAMPLE, "--baseline", "/dev/zero"), "/dev/zero: is a device, not a regular file")


def test_a_fifo_as_baseline_is_refused_without_waiting(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    refused(run_cli("validate", EXAMPLE, "--baseline", str(fifo)), "baseline.json: is a FIFO, not a regular file")


def test_an_oversized_baseline_costs_the_limit_not_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "baseline.json"
    with huge.open("wb") as stream:  # 3 GB, sparse: nothing on disk, everything if read whole
        stream.truncate(3 * 1024**3)
    result, peak_kib = run_with_peak_memory("validate", EXAMPLE, "--baseline", str(huge))
    refused(result, "larger than 67,108,864 bytes; this is not a cjm baseline")
    assert peak_kib < 250 * 1024, f"peak memory {peak_kib} KiB"


def test_a_deeply_nested_baseline_is_a_clear_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    deep = tmp_path / "baseline.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused(run_cli("validate", EXAMPLE, "--baseline", str(deep)), "not a cjm baseline")
