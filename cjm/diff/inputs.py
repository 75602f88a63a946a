"""What a diff compares: two files (either may be ``REV:path``) or every journey file changed since a revision."""

from __future__ import annotations

import fnmatch
import shlex
from pathlib import Path

from cjm.config import Config
from cjm.diff import git
from cjm.diff.report import DiffReport, FileDiff, diff_file
from cjm.errors import InputError
from cjm.loader import load_bytes, read_bytes
from cjm.model import Journey
from cjm.references import SharedIds
from cjm.source import Limits
from cjm.workspace import JOURNEY_SUFFIX, load_catalogs


def read_side(spec: str) -> tuple[str, bytes]:
    """The display path and bytes of a file on disk, or of ``REV:path`` when no such file exists."""
    if git.is_revision_spec(spec):
        return git.read_revision(spec)
    return spec, read_bytes(spec)


def parse_journey(display: str, data: bytes, limits: Limits, shared: SharedIds | None = None) -> Journey:
    """The journey in ``data``; an invalid one is an InputError naming the file and its first error.

    ``shared`` holds the ids of the workspace catalogs, which journeys may reference.
    """
    result = load_bytes(data, display, limits, shared)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    if result.journey is not None and not errors:
        return result.journey
    first = errors[0] if errors else None
    where = f"{display}:{first.span.line}:{first.span.column}: {first.code} {first.message}" if first else display
    _, sep, path = display.partition(":")
    if sep and not Path(display).exists():
        check = f"git show {shlex.quote(display)} | cjm validate - --stdin-filename {shlex.quote(path)}"
    else:
        check = f"cjm validate {shlex.quote(display)}"
    if result.catalog is not None:
        raise InputError(f"{display}: is a catalog, not a journey; cjm diff compares journey files")
    raise InputError(f"{where}\n  not a valid journey, so it cannot be compared: run '{check}' for every finding")


def compare_two(
    old_spec: str, new_spec: str, limits: Limits | None = None, shared: SharedIds | None = None
) -> DiffReport:
    """Diff two files; either may be ``REV:path``."""
    limits = limits or Limits()
    old_path, old_bytes = read_side(old_spec)
    new_path, new_bytes = read_side(new_spec)
    old = parse_journey(old_path, old_bytes, limits, shared)
    new = parse_journey(new_path, new_bytes, limits, shared)
    return DiffReport((diff_file(old, new, old_path, new_path),))


def _is_journey_file(path: str, root: Path, config: Config, explicit: set[Path]) -> bool:
    """True for a file named on the command line, a ``*.journey.yaml``, or a file the config includes."""
    full = (root / path).resolve()
    if full in explicit:
        return True
    try:
        relative = full.relative_to(config.root).as_posix()
    except ValueError:
        relative = path
    if any(fnmatch.fnmatch(relative, pattern) for pattern in config.exclude):
        return False
    if path.endswith(JOURNEY_SUFFIX):
        return True
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.removeprefix("**/")) for p in config.include)


def compare_base(rev: str, paths: list[str], config: Config, cwd: Path | None = None) -> DiffReport:
    """Diff every journey file that differs between ``rev`` and the working tree, new and deleted ones too."""
    cwd = cwd or Path.cwd()
    root = git.repository_root(cwd)
    commit = git.verify_revision(rev, cwd)
    explicit = {(cwd / p).resolve() for p in paths if (cwd / p).is_file()}
    limits = config.limits.limits()
    shared = load_catalogs(config).shared  # today's catalogs serve both sides
    files: list[FileDiff] = []
    for changed in git.changed_files(commit, paths, cwd):
        if not _is_journey_file(changed.new_path or changed.old_path or "", root, config, explicit):
            continue
        old = new = None
        old_display = f"{rev}:{changed.old_path}" if changed.old_path else None
        if changed.old_path and old_display:
            old = parse_journey(old_display, git.read_at(commit, changed.old_path, root), limits, shared)
        if changed.new_path:
            new = parse_journey(changed.new_path, read_bytes(str(root / changed.new_path)), limits, shared)
        files.append(diff_file(old, new, old_display, changed.new_path, changed.status))
    return DiffReport(tuple(files), base=rev)


def collect(paths: list[str], base: str | None, config: Config) -> DiffReport:
    """The report for the command line: ``OLD NEW``, or ``--base REV [PATHS...]``."""
    from cjm.errors import ConfigError

    if base is not None:
        return compare_base(base, paths, config)
    if len(paths) != 2:
        raise ConfigError(
            f"cjm diff takes OLD and NEW (either may be REV:path), or --base REV [PATHS...]; got {len(paths)} path(s)"
        )
    return compare_two(paths[0], paths[1], config.limits.limits(), load_catalogs(config).shared)
