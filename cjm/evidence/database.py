"""The DuckDB connection: always bounded in memory, threads and temporary disk, and its errors made readable."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cjm.errors import CjmError, ConfigError, DependencyError
from cjm.reporters.progress import Progress, no_progress

if TYPE_CHECKING:
    import duckdb

    from cjm.evidence.analysis import Statement

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Resources:
    """Resource bounds of one run."""

    memory_limit: str = "2GB"
    threads: int = 0  # 0: every core
    temp_dir: str | None = None
    max_temp_size: str = "20GB"

    def thread_count(self) -> int:
        """The thread count DuckDB gets: the option, or the machine's cores."""
        return self.threads if self.threads > 0 else max(1, os.cpu_count() or 1)


def check_size(text: str, option: str) -> str:
    """A DuckDB size like '2GB'; anything else is a usage error naming the option."""
    if not _SIZE.match(text):
        raise ConfigError(f"{option}: '{text}' is not a size; write e.g. 512MB or 2GB")
    return text.strip().replace(" ", "")


class Stopped(CjmError):
    """The run received SIGTERM: it ends as a normal error, its temporary folder removed."""


_STOPPED = "stopped: the run received SIGTERM; its temporary files were removed"
_GRACE_SECONDS = 10.0  # after SIGTERM, how long a run may take to unwind before it is ended outright
_EXIT_TERMINATED = 128 + signal.SIGTERM


@dataclass
class _Run:
    """What a SIGTERM must reach: the connection to interrupt and the spill folder to remove."""

    folder: str | None = None  # removed by cjm (None: the user's --temp-dir, left alone)
    con: Any = None
    received: bool = False
    watchdog: threading.Timer | None = None

    def remove_folder(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self, _signum: int, _frame: object) -> None:
        """The SIGTERM handler: interrupt DuckDB, unwind with Stopped, and make sure the process ends."""
        if self.received:  # a second SIGTERM while unwinding: remove the folder and end now
            self._end()
        self.received = True
        if self.con is not None:
            self.con.interrupt()  # a query in progress ends with DuckDB's own "interrupted" error
        # DuckDB may swallow the exception raised here (it checks for signals inside its C code); the
        # watchdog ends the run if it has not unwound by itself within the grace period.
        self.watchdog = threading.Timer(_GRACE_SECONDS, self._end)
        self.watchdog.daemon = True
        self.watchdog.start()
        raise Stopped(_STOPPED)

    def _end(self) -> None:
        self.remove_folder()
        os.write(2, f"cjm: error: {_STOPPED}\n".encode())
        os._exit(_EXIT_TERMINATED)


@contextmanager
def _sigterm_as_exit(run: _Run) -> Iterator[None]:
    """While the body runs, SIGTERM ends it with Stopped (finally blocks run) instead of killing the process.

    DuckDB answers the interrupt inside a query with its own error, so any error raised after the
    signal arrived is reported as the stop it is. Signal handlers can only be set from the main
    thread; elsewhere (a test runner's worker) the body runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, run.stop)
    try:
        yield
    except Exception:
        if run.received:
            raise Stopped(_STOPPED) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        if run.watchdog is not None:  # the run has unwound: what is left is the way out through main()
            run.watchdog.cancel()
    if run.received:  # the signal came where DuckDB swallowed the exception: stop all the same
        raise Stopped(_STOPPED)


@contextmanager
def connect(limits: Resources) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with memory, thread and spill limits.

    The spill folder cjm creates is removed on every way out: a normal end, a bad limit DuckDB
    refuses (``--memory-limit 0``), a DuckDB error, Ctrl-C and SIGTERM.
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a dependency of cjm
        raise DependencyError("cjm evidence needs the 'duckdb' package: pip install duckdb") from None
    run = _Run()
    with _sigterm_as_exit(run):
        folder = str(limits.temp_dir) if limits.temp_dir is not None else tempfile.mkdtemp(prefix="cjm-evidence-")
        run.folder = folder if limits.temp_dir is None else None
        try:
            with _open(duckdb, limits, folder) as con:
                run.con = con
                yield con
        finally:
            run.con = None
            run.remove_folder()


@contextmanager
def _open(duckdb: Any, limits: Resources, folder: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The DuckDB connection itself, closed after use."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": check_size(limits.memory_limit, "--memory-limit"),
        "threads": limits.thread_count(),
        "temp_directory": folder,
        "max_temp_directory_size": check_size(limits.max_temp_size, "--max-temp-size"),
        "enable_external_access": True,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    try:
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as exc:
        raise ConfigError(f"cannot start DuckDB with these limits: {exc}") from None
    try:
        # cjm draws its own progress on stderr; DuckDB's bar can land on stdout, in the middle of a JSON report.
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()


def spent_tables(steps: list[Statement], keep: Collection[str]) -> list[list[str]]:
    """Per step, the tables (and views) created earlier, and not kept, that no later step reads: droppable after it.

    Reading a view reads the tables it is defined on, so they live as long as the view is read.
    """
    sources: dict[str, set[str]] = {}  # a view: the tables it reads, through other views too
    last: dict[str, int] = {}
    for i, step in enumerate(steps):
        read = {name for name in last if re.search(rf"\b{name}\b", step.sql)}
        for name in list(read):
            read |= sources.get(name, set())
        for name in read:
            last[name] = i
        if step.view:
            sources[step.table] = read
        last.setdefault(step.table, i)
    out: list[list[str]] = [[] for _ in steps]
    for name, i in last.items():
        if name not in keep:
            out[i].append(name)
    return out


def execute(
    con: duckdb.DuckDBPyConnection,
    steps: list[Statement],
    progress: Progress = no_progress,
    keep: Collection[str] | None = None,
) -> None:
    """Run the steps as CREATE TABLE (or VIEW) statements, telling ``progress`` of each one finished.

    With ``keep``, every other table is dropped once no later step reads it, so that the large intermediate
    tables (one row per event) do not hold memory, or spill to disk, while the small aggregates are computed.
    """
    drops = spent_tables(steps, keep) if keep is not None else [[] for _ in steps]
    views = {step.table for step in steps if step.view}
    with progress(len(steps), "analysing") as tick:
        for step, spent in zip(steps, drops, strict=True):
            con.execute(f"CREATE OR REPLACE {'VIEW' if step.view else 'TABLE'} {step.table} AS {step.sql}")
            for name in sorted(spent, key=lambda n: n not in views):  # a view before the tables it reads
                con.execute(f"DROP {'VIEW' if name in views else 'TABLE'} {name}")
            tick(step.table)


def fetch(con: duckdb.DuckDBPyConnection, tables: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the named result tables, columns in the given order."""
    return {
        name: [tuple(r) for r in con.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()]
        for name, columns in tables.items()
    }
