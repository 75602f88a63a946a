"""Check a set of paths: discover files, load catalogs once, load and lint each file, gather a Report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cjm.config import Config
from cjm.diagnostics import FileReport, Report
from cjm.errors import InputError
from cjm.lint import RuleSet, lint, rule_set, source_lines
from cjm.loader import load_bytes, read_bytes
from cjm.source import Limits
from cjm.workspace import discover, load_catalogs, workspace_path

PARALLEL_FROM = 48  # files per worker below which a process pool costs more than it saves
CHUNK = 16  # files a worker takes at a time


@dataclass(frozen=True)
class CheckOptions:
    """How a validate run treats its inputs."""

    allow_empty: bool = False
    stdin_filename: str | None = None
    jobs: int = 0  # worker processes; 0 chooses by the number of files and cores, 1 checks in this process


@dataclass(frozen=True)
class Checked:
    """One file's report and how many of its findings inline ignores silenced."""

    report: FileReport
    suppressed: int


def check_file(path: str, display: str, rules: RuleSet, limits: Limits) -> FileReport:
    """Load and lint one file; the only state kept is its findings and the lines they cite."""
    return check_one(path, display, rules, limits).report


def check_one(path: str, display: str, rules: RuleSet, limits: Limits) -> Checked:
    """Load and lint one file, counting what inline ignores silenced (a top-level, picklable function)."""
    result = load_bytes(read_bytes(path), display, limits, rules.shared)
    rel = workspace_path(display if path == "-" else path, Path(rules.root)) if rules.root else None
    linted = lint(result, rules, rel)
    report = FileReport(display, linted.diagnostics, source_lines(result, linted.diagnostics))
    return Checked(report, linted.suppressed)


def workers(jobs: int, files: int) -> int:
    """How many processes check ``files`` files: ``jobs`` when given, else one per core the work can fill."""
    if jobs > 0:
        return min(jobs, max(files, 1))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, files // PARALLEL_FROM))


def _checked(files: list[str], rules: RuleSet, config: Config, options: CheckOptions) -> Iterator[Checked]:
    """Each file's result, in order; many files are spread over a process pool (one file's tree at a time each)."""
    limits = config.limits.limits()
    displays = [(options.stdin_filename or "<stdin>") if path == "-" else path for path in files]
    count = workers(options.jobs, len(files))
    if count <= 1 or "-" in files:
        for path, display in zip(files, displays, strict=True):
            yield check_one(path, display, rules, limits)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from itertools import repeat

    # fork shares the already-imported modules with the workers; elsewhere the platform default
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else None
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method)) as pool:
        yield from pool.map(check_one, files, displays, repeat(rules), repeat(limits), chunksize=CHUNK)


def check(paths: list[str], config: Config, options: CheckOptions | None = None) -> Report:
    """Validate every journey file ``paths`` name; a path matching nothing is an InputError.

    The workspace's catalogs are loaded once and shared by every journey;
    a catalog with findings joins the report as a file of its own.
    """
    options = options or CheckOptions()
    files = discover(paths, config)
    if not files and not options.allow_empty:
        where = ", ".join(paths) if paths else f"the include patterns of {config.file or 'the defaults'}"
        raise InputError(
            f"no journey files found in {where}; journey files end in .journey.yaml "
            "(pass --allow-empty if an empty set is expected)"
        )
    catalogs = load_catalogs(config)
    catalog_files = {os.path.abspath(f) for f in catalogs.files}
    files = [f for f in files if f == "-" or os.path.abspath(f) not in catalog_files]
    rules = rule_set(config, catalogs.shared, catalogs.departments)
    checked = list(_checked(files, rules, config, options))
    reports = sorted([*catalogs.reports, *(c.report for c in checked)], key=lambda r: r.path)
    return Report(tuple(reports), sum(c.suppressed for c in checked))
