"""Spark for the evidence tests: one local session and one Spark Connect server for the whole test run.

Both are small and quiet so they start on a loaded two-core machine: one core, one shuffle partition, no UI,
no adaptive planning, the quick JIT and the serial collector. A missing Java skips the Spark tests with that
reason, except in CI (env CI set), where it is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

JVM_OPTIONS = "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  # a short run: the quick JIT
QUIET = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
}
SERVER_START_SECONDS = 300  # a JVM and a Spark session on a machine shared by many test runs


def spark_missing() -> str | None:
    """Why Spark cannot run here (no PySpark, no Java), or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "needs PySpark (pip install 'cjm[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "needs Java (a JDK 17 or later) to start Spark"
    return None


def _need_spark() -> None:
    reason = spark_missing()
    if reason and not os.environ.get("CI"):
        pytest.skip(reason)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for every Spark test of the run."""
    _need_spark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[1]").appName("cjm-evidence-test")
    for key, value in QUIET.items():
        builder = builder.config(key, value)
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        builder.config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", JVM_OPTIONS)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    return "\n".join(lines[-25:])


@dataclass(frozen=True)
class ConnectServer:
    """A running Spark Connect server: its sc:// address and the folder its tables are written to."""

    address: str
    warehouse: Path


@pytest.fixture(scope="session")
def spark_connect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConnectServer]:
    """A local Spark Connect server (PySpark's own start-connect-server.sh) on a free port."""
    _need_spark()
    import pyspark

    home = Path(pyspark.__file__).parent
    folder = tmp_path_factory.mktemp("spark-connect")
    port = free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(folder), "SPARK_PID_DIR": str(folder),
           "SPARK_NO_DAEMONIZE": "1", "SPARK_CONF_DIR": str(folder)}  # fmt: skip
    conf = {**QUIET, "spark.connect.grpc.binding.port": str(port), "spark.sql.warehouse.dir": str(folder / "tables"),
            "spark.driver.extraJavaOptions": JVM_OPTIONS, "spark.driver.memory": "512m"}  # fmt: skip
    command = [str(home / "sbin" / "start-connect-server.sh"), "--master", "local[1]"]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _listening(port):
            if server.poll() is not None:
                pytest.fail(f"the Spark Connect server stopped (exit {server.returncode}):\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Spark Connect server did not listen on {port} in {SERVER_START_SECONDS} s:\n"
                            f"{_tail(log)}")  # fmt: skip
            time.sleep(1)
        yield ConnectServer(f"sc://localhost:{port}", folder / "tables")
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """End the server and the JVM it started (its own process group), waiting for them."""
    if server.poll() is None:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
