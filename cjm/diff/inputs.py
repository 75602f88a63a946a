"""What a diff compares: two files (either may be ``REV:path``) or every journey file changed since a revision."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from cjm import git
from cjm.config import Config
from cjm.diff.report import DiffReport, FileDiff, diff_file
from cjm.discovery import is_journey_name
from cjm.workspace import Workspace, valid_journey

_PURPOSE = ", so it cannot be compared"


def compare_two(old_spec: str, new_spec: str, workspace: Workspace) -> DiffReport:
    """Diff two files; either may be ``REV:path`` (read against the catalogs of its revision)."""
    old, new = workspace.load(old_spec), workspace.load(new_spec)
    old_journey = valid_journey(old, old_spec, _PURPOSE)
    new_journey = valid_journey(new, new_spec, _PURPOSE)
    return DiffReport((diff_file(old_journey, new_journey, old.path, new.path),))


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
    if is_journey_name(path):
        return True
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.removeprefix("**/")) for p in config.include)


def compare_base(rev: str, paths: list[str], workspace: Workspace, cwd: Path | None = None) -> DiffReport:
    """Diff every journey file that differs between ``rev`` and the working tree, new and deleted ones too.

    The old side of each file is read against the catalogs as they were at ``rev``, the new side against today's.
    """
    cwd = cwd or Path.cwd()
    root = git.repository_root(cwd)
    commit = git.verify_revision(rev, cwd)
    explicit = {(cwd / p).resolve() for p in paths if (cwd / p).is_file()}
    config = workspace.config
    before = workspace.at_revision(rev)
    files: list[FileDiff] = []
    for changed in git.changed_files(commit, paths, cwd):
        if not _is_journey_file(changed.new_path or changed.old_path or "", root, config, explicit):
            continue
        old = new = None
        old_display = f"{rev}:{changed.old_path}" if changed.old_path else None
        if changed.old_path and old_display:
            data = git.read_at(commit, changed.old_path, root)
            old = valid_journey(before.load_bytes(data, old_display), old_display, _PURPOSE)
        if changed.new_path:
            new_file = os.path.relpath(root / changed.new_path)
            new = valid_journey(workspace.load(new_file, changed.new_path), new_file, _PURPOSE)
        files.append(diff_file(old, new, old_display, changed.new_path, changed.status))
    return DiffReport(tuple(files), base=rev)


def collect(paths: list[str], base: str | None, workspace: Workspace) -> DiffReport:
    """The report for the command line: ``OLD NEW``, or ``--base REV [PATHS...]``."""
    from cjm.errors import ConfigError

    if base is not None:
        return compare_base(base, paths, workspace)
    if len(paths) != 2:
        raise ConfigError(
            f"cjm diff takes OLD and NEW (either may be REV:path), or --base REV [PATHS...]; got {len(paths)} path(s)"
        )
    return compare_two(paths[0], paths[1], workspace)
