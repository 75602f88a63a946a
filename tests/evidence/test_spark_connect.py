"""`--engine spark --spark-remote sc://host:port`: the analysis on a Spark Connect server gives DuckDB's report.

The server is PySpark's own (start-connect-server.sh), started once for the test run on a free port
(tests/evidence/conftest.py). The client has no RDDs and no SparkContext: cjm only sends SQL and reads
small results, so what runs locally runs there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.conftest import ConnectServer, free_port
from tests.evidence.helpers import SHOP, write_log
from tests.evidence.test_spark import ROWS, SUBSECOND

pytestmark = [pytest.mark.slow]


def _without_run(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "run"}


def _cjm(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed cjm in a process of its own, as users run it: a process that runs a local Spark session
    (this test run's) cannot also open a Spark Connect one."""
    exe = Path(sys.executable).parent / "cjm"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=900, check=False)


def test_spark_connect_builds_the_same_report_as_duckdb(
    spark_connect: ConnectServer, tmp_path: Path, run_cli: Any
) -> None:  # fmt: skip
    log = write_log(tmp_path / "log.csv", ROWS + SUBSECOND)  # sub-second ties too
    duck = run_cli("evidence", "check", SHOP, "--events", log, "-F", "json")
    assert duck.exit_code == 0, duck.stderr
    remote = _cjm("evidence", "check", SHOP, "--events", log, "-F", "json", "--engine", "spark",
                  "--spark-remote", spark_connect.address)  # fmt: skip
    assert remote.returncode == 0, remote.stderr
    assert remote.stderr == ""  # no warnings from the client (PySpark warns on pandas 3)
    report = json.loads(remote.stdout)
    assert _without_run(report) == _without_run(json.loads(duck.stdout))
    assert report["run"]["input"]["engine"] == "spark"
    assert report["run"]["input"]["spark_remote"] == spark_connect.address
    assert report["run"]["input"]["rows"] == len(ROWS + SUBSECOND)
    # the run's tables are dropped: nothing of it is left in the server's warehouse
    left = sorted(p.name for p in spark_connect.warehouse.glob("*")) if spark_connect.warehouse.exists() else []
    assert [name for name in left if name.startswith("cjm")] == []


def test_an_unreachable_or_wrong_server_is_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    log = write_log(tmp_path / "log.csv", ROWS)
    port = free_port()
    refused = run_cli("evidence", "check", SHOP, "--events", log, "--engine", "spark", "--spark-remote",
                      f"sc://localhost:{port}")  # fmt: skip
    assert refused.exit_code == 2
    assert f"cannot reach the Spark Connect server at localhost:{port}" in refused.stderr
    wrong = run_cli("evidence", "check", SHOP, "--events", log, "--engine", "spark", "--spark-remote", "http://x:1")
    assert wrong.exit_code == 2 and "'http://x:1' is not a Spark Connect address; write sc://host:port" in wrong.stderr
    alone = run_cli("evidence", "check", SHOP, "--events", log, "--spark-remote", "sc://localhost:15002")
    assert alone.exit_code == 2 and "--spark-remote needs --engine spark" in alone.stderr
