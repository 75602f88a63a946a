"""Check a set of paths: discover files, load and lint each against the workspace, then check across files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from cjm.diagnostics import Diagnostic, FileReport, Related, Report, Span, core
from cjm.discovery import JOURNEY_SUFFIXES, discover, read_limited, workspace_path
from cjm.errors import InputError
from cjm.model import Journey
from cjm.validate.lint import RuleSet, lint, rule_set
from cjm.validate.loader import LoadResult, load_bytes, source_lines
from cjm.validate.nesting import Link, check_nesting, links
from cjm.validate.yaml_reader import Limits
from cjm.workspace import Workspace

PARALLEL_FROM = 48  # files per worker below which a process pool costs more than it saves
CHUNK = 16  # files a worker takes at a time


@dataclass(frozen=True)
class RunOptions:
    """How a validate run treats its inputs."""

    allow_empty: bool = False
    stdin_filename: str | None = None
    jobs: int = 0  # worker processes; 0 chooses by the number of files and cores, 1 checks in this process


@dataclass(frozen=True)
class Checked:
    """One file's report, how many of its findings inline ignores silenced, and the journey id it declares."""

    report: FileReport
    suppressed: int
    journey_id: tuple[str, Span] | None = None
    text_lines: tuple[str, ...] = ()  # the id's line, for the code frame of a cross-file finding
    links: tuple[Link, ...] = ()  # the nested journeys its actions name, located


def check_one(path: str, display: str, rules: RuleSet, limits: Limits) -> Checked:
    """Load and lint one file, counting what inline ignores silenced (a top-level, picklable function)."""
    root = Path(rules.root) if rules.root else Path.cwd()
    result = load_bytes(read_limited(path, limits.max_bytes, root), display, limits, rules.shared)
    rel = workspace_path(display if path == "-" else path, Path(rules.root)) if rules.root else None
    linted = lint(result, rules, rel)
    report = FileReport(display, linted.diagnostics, source_lines(result, linted.diagnostics))
    journey = declared(result)
    if journey is None:
        return Checked(report, linted.suppressed)
    span = result.source.span(("id",))
    line = source_lines(result, [core("CJM022", display, span, "")]).get(span.line, "")
    nested = located_links(result)
    if nested:  # the lines a CJM023 or CJM024 would point at, for its code frame
        frames = source_lines(result, [core("CJM023", display, k.span, "") for k in nested])
        report = replace(report, lines={**frames, **report.lines})
    return Checked(report, linted.suppressed, (journey.id, span), (line,), nested)


def declared(result: LoadResult) -> Journey | None:
    """The journey a file declares: a file with errors elsewhere still declares its id, unless the id is broken."""
    if result.journey is not None:
        return result.journey
    return result.salvaged.journey if result.salvaged and ("id",) not in result.broken else None


def located_links(result: LoadResult) -> tuple[Link, ...]:
    """The nested-journey links of a loaded (or salvaged) journey, with their spans in the file."""
    if result.journey is not None:
        return tuple(replace(k, span=result.source.span(k.path)) for k in links(result.journey))
    if result.salvaged is None:
        return ()
    salvaged = result.salvaged
    return tuple(
        replace(k, path=salvaged.source_path(k.path), span=result.source.span(salvaged.source_path(k.path)))
        for k in links(salvaged.journey)
    )


def workers(jobs: int, files: int) -> int:
    """How many processes check ``files`` files: ``jobs`` when given, else one per core the work can fill."""
    if jobs > 0:
        return min(jobs, max(files, 1))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, files // PARALLEL_FROM))


def _checked(files: list[str], rules: RuleSet, limits: Limits, options: RunOptions) -> Iterator[Checked]:
    """Each file's result, in order; many files are spread over a process pool (one file's tree at a time each)."""
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


def check(paths: list[str], workspace: Workspace, options: RunOptions | None = None) -> Report:
    """Validate every journey file ``paths`` name; a path matching nothing is an InputError.

    The workspace's catalogs were loaded once and are shared by every journey;
    a catalog with findings joins the report as a file of its own. Then the
    checks across files run: a journey id is unique in the workspace (CJM022), and a nested
    journey exists (CJM023) and does not lead back to its parent (CJM024).
    """
    options = options or RunOptions()
    config = workspace.config
    files = discover(paths, config)
    if not files and not options.allow_empty:
        where = ", ".join(paths) if paths else f"the include patterns of {config.file or 'the defaults'}"
        raise InputError(
            f"no journey files found in {where}; journey files end in {' or '.join(JOURNEY_SUFFIXES)} "
            "(pass --allow-empty if an empty set is expected)"
        )
    catalogs = workspace.catalogs
    catalog_files = {os.path.abspath(f) for f in catalogs.files}
    files = [f for f in files if f == "-" or os.path.abspath(f) not in catalog_files]
    rules = rule_set(config, catalogs.shared, catalogs.departments)
    checked = _with_duplicate_ids(list(_checked(files, rules, workspace.limits, options)))
    checked = _with_nesting(checked, lambda: _outside_graph(workspace, {os.path.abspath(f) for f in files}))
    reports = sorted([*catalogs.reports, *(c.report for c in checked)], key=lambda r: r.path)
    return Report(tuple(reports), sum(c.suppressed for c in checked))


def _with_duplicate_ids(checked: list[Checked]) -> list[Checked]:
    """Add CJM022 to every file whose journey id another file of the run declares too, naming the others."""
    owners: dict[str, list[Checked]] = {}
    for item in checked:
        if item.journey_id is not None:
            owners.setdefault(item.journey_id[0], []).append(item)
    out = []
    for item in checked:
        same = owners.get(item.journey_id[0], []) if item.journey_id else []
        if len(same) < 2 or item.journey_id is None:
            out.append(item)
            continue
        journey_id, span = item.journey_id
        others = ", ".join(f"{o.report.path}:{o.journey_id[1].line}" for o in same if o is not item and o.journey_id)
        also = tuple(
            Related(o.report.path, o.journey_id[1], f"journey id '{journey_id}' here too")
            for o in same
            if o is not item and o.journey_id
        )
        finding: Diagnostic = core(
            "CJM022",
            item.report.path,
            span,
            f"journey id '{journey_id}' is also the id of {others}",
            "a journey id names its page and its diff: give each journey file its own id",
            also,
        )
        diagnostics = tuple(sorted([*item.report.diagnostics, finding], key=lambda d: d.sort_key))
        lines = {**item.report.lines, span.line: item.text_lines[0]} if item.text_lines else item.report.lines
        out.append(replace(item, report=FileReport(item.report.path, diagnostics, lines)))
    return out


Graph = dict[str, set[str]]


def _outside_graph(workspace: Workspace, inside: set[str]) -> Graph:
    """Which journeys the workspace's other journey files (those the run did not name) nest, by journey id."""
    skip = inside | {os.path.abspath(f) for f in workspace.catalogs.files}
    graph: Graph = {}
    for path in discover([], workspace.config):
        if os.path.abspath(path) in skip:
            continue
        found = nested_of(path, workspace)
        if found is not None:
            graph.setdefault(found[0], set()).update(found[1])
    return graph


def nested_of(path: str, workspace: Workspace) -> tuple[str, frozenset[str]] | None:
    """A journey file's id and the journeys its actions nest, as on disk; None when it holds no journey."""
    try:
        result = load_bytes(read_limited(path, workspace.limits.max_bytes, workspace.root), path, workspace.limits)
    except InputError:
        return None  # a file the run cannot read holds no journey a link could name
    journey = result.journey or (result.salvaged.journey if result.salvaged else None)
    return None if journey is None else (journey.id, frozenset(k.target for k in links(journey)))


def _with_nesting(checked: list[Checked], outside: Callable[[], Graph]) -> list[Checked]:
    """Add CJM023 and CJM024 to the files whose actions nest a journey that is missing or leads back.

    The rest of the workspace is read only when a link names a journey the run does not hold.
    """
    graph: Graph = {}
    for item in checked:
        if item.journey_id is not None:
            graph.setdefault(item.journey_id[0], set()).update(k.target for k in item.links)
    if any(k.target not in graph for item in checked for k in item.links):
        for ident, targets in outside().items():
            graph.setdefault(ident, set()).update(targets)
    out = []
    for item in checked:
        found = check_nesting(item.report.path, item.journey_id[0], item.links, graph) if item.journey_id else []
        if not found:
            out.append(item)
            continue
        diagnostics = tuple(sorted([*item.report.diagnostics, *found], key=lambda d: d.sort_key))
        out.append(replace(item, report=FileReport(item.report.path, diagnostics, item.report.lines)))
    return out
