"""Reading journey files and catalogs from git: ``REV:path`` specs, the files of a revision, what changed since one."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cjm.errors import DependencyError, InputError

_TIMEOUT = 60


@dataclass(frozen=True)
class ChangedFile:
    """A file that differs between a revision and the working tree; paths are relative to the repository root."""

    status: str  # "added", "removed", "modified" or "renamed"
    old_path: str | None
    new_path: str | None


def _git(args: list[str], cwd: Path | None = None) -> bytes:
    """Run git and return its stdout; a failure is an InputError carrying git's own message."""
    exe = shutil.which("git")
    if exe is None:
        raise DependencyError("git is not installed or not on PATH; it is needed to read REV:path and --base")
    try:
        done = subprocess.run([exe, *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"git {' '.join(args)}: no answer after {_TIMEOUT}s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout


def is_revision_spec(spec: str) -> bool:
    """True when ``spec`` reads as ``REV:path`` rather than as a file on disk."""
    rev, sep, path = spec.partition(":")
    return bool(sep and rev and path) and not Path(spec).exists()


def read_revision(spec: str) -> tuple[str, bytes]:
    """The display path and bytes of ``REV:path`` (e.g. ``origin/main:journeys/a.yaml``); path as git reads it."""
    rev, sep, path = spec.partition(":")
    if not (sep and rev and path):
        raise InputError(f"{spec}: expected REV:path, e.g. origin/main:journeys/a.journey.yaml")
    verify_revision(rev)
    try:
        return spec, _git(["cat-file", "blob", f"{rev}:{path}"])
    except InputError:
        raise InputError(
            f"{spec}: no file '{path}' in revision {rev} (paths are relative to the repository root)"
        ) from None


def verify_revision(rev: str, cwd: Path | None = None) -> str:
    """The commit id ``rev`` names; an unknown revision, or no repository at all, is an InputError."""
    try:
        _git(["rev-parse", "--git-dir"], cwd)
    except InputError:
        where = cwd or Path.cwd()
        raise InputError(f"'{rev}' names a git revision, but {where} is not inside a git repository") from None
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd).decode().strip()
    except InputError:
        raise InputError(f"'{rev}' is not a revision git knows (try 'git fetch' or a full commit id)") from None


def repository_root(cwd: Path | None = None) -> Path:
    """The top folder of the git work tree that holds ``cwd``."""
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    except InputError:
        raise InputError(f"{(cwd or Path.cwd())}: not inside a git repository; --base needs one") from None


def read_at(rev: str, path: str, root: Path) -> bytes:
    """The bytes of repository-relative ``path`` at revision ``rev``."""
    return _git(["cat-file", "blob", f"{rev}:{path}"], root)


def files_at(rev: str, cwd: Path) -> list[str]:
    """Every file path (relative to the repository root) in revision ``rev``."""
    raw = _git(["ls-tree", "-r", "--full-tree", "--name-only", "-z", rev], cwd)
    return [p for p in raw.decode("utf-8", "surrogateescape").split("\0") if p]


_STATUS = {"A": "added", "C": "added", "D": "removed", "M": "modified", "T": "modified", "R": "renamed"}


def changed_files(rev: str, pathspecs: list[str], cwd: Path | None = None) -> list[ChangedFile]:
    """Files that differ between ``rev`` and the working tree (untracked files count as added).

    ``pathspecs`` are relative to ``cwd`` as on the command line; the paths returned are relative to the root.
    """
    raw = _git(["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-relative", rev, "--", *pathspecs], cwd)
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    out: list[ChangedFile] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i][0]
        if code in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            i += 3
            out.append(ChangedFile("renamed", old, new) if code == "R" else ChangedFile("added", None, new))
            continue
        path = fields[i + 1]
        i += 2
        status = _STATUS.get(code)
        if status is not None:
            out.append(ChangedFile(status, None if status == "added" else path, None if status == "removed" else path))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", *pathspecs], cwd)
    out.extend(ChangedFile("added", None, p) for p in untracked.decode("utf-8", "surrogateescape").split("\0") if p)
    return sorted(out, key=lambda c: c.new_path or c.old_path or "")
