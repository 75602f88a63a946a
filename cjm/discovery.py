"""Which files of a workspace are journey sources, and how their bytes are read without trusting them.

A journey repository takes pull requests from anyone, so a "journey file" may
be a link to ``/proc/self/environ``, a FIFO that never ends or ``/dev/zero``.
Three promises hold here, for every command:

- a link is followed only when its target stays inside the workspace root;
- only regular files and standard input are read, never devices, FIFOs or sockets;
- at most the size limit plus one byte is read, so an oversized input costs
  the limit, not its size, before it is refused (CJM005).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path

from cjm.config import Config
from cjm.errors import InputError

JOURNEY_SUFFIXES = (".journey.yaml", ".journey.yml")
JOURNEY_SUFFIX = JOURNEY_SUFFIXES[0]  # what cjm writes
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site"})


class Refused(InputError):
    """A path that names no readable regular file inside the workspace; its text is never read or shown."""


def is_journey_name(name: str) -> bool:
    """True for the file names folder searches take: ``*.journey.yaml`` or ``*.journey.yml``."""
    return name.endswith(JOURNEY_SUFFIXES)


def within(path: str, root: Path) -> bool:
    """True when absolute ``path`` is ``root`` or below it."""
    try:
        return os.path.commonpath([path, str(root)]) == str(root)
    except ValueError:  # different drives on Windows
        return False


def workspace_path(path: str, root: Path) -> str:
    """``path`` relative to the workspace root, with '/' separators (absolute when outside the root)."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, root) if within(absolute, root) else absolute
    return rel.replace(os.sep, "/")


def shown(path: Path | str) -> str:
    """A path as the user should see it: relative to the current folder when below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    return os.path.relpath(absolute, cwd) if within(absolute, Path(cwd)) else absolute


def check_readable(path: str, root: Path) -> None:
    """Refuse a path that is a link leaving ``root``, or that is not a regular file (Refused, never read)."""
    absolute, target = os.path.abspath(path), os.path.realpath(path)
    # a link anywhere on the way (the file or a folder) shows as a real path unlike the written one
    linked = target != absolute and (within(absolute, root) or os.path.islink(path))
    if linked and not within(target, Path(os.path.realpath(root))):
        raise Refused(f"{path}: is a link to a file outside the workspace ({root}); cjm does not follow it")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket"
        )
        raise Refused(f"{path}: is {kind}, not a regular file; cjm reads only regular files (and '-', standard input)")


def read_limited(path: str, limit: int, root: Path) -> bytes:
    """At most ``limit + 1`` bytes of a regular file inside the workspace, or of standard input for '-'."""
    if path == "-":
        import sys

        return sys.stdin.buffer.read(limit + 1)
    check_readable(path, root)
    try:
        with open(path, "rb") as stream:
            return stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") or part in _SKIPPED_DIRS for part in rel.split("/")[:-1])


def is_excluded(rel: str, config: Config) -> bool:
    return any(fnmatch.fnmatch(rel, pattern) for pattern in config.exclude)


def glob(config: Config, patterns: list[str]) -> list[Path]:
    """Files below the workspace root that ``patterns`` match, in path order; links leaving the root are refused.

    The patterns were checked when the configuration was read (``check_patterns``):
    none is absolute, empty or climbs out of the root with '..'.
    """
    found: dict[str, Path] = {}
    real_root = Path(os.path.realpath(config.root))
    for pattern in patterns:
        try:
            check_searchable(config.root, pattern)
            matches = list(config.root.glob(pattern))
        except (OSError, ValueError) as exc:  # the config refuses odd patterns; the file system may still object
            where = config.file or config.root
            raise InputError(
                f"{where}: cannot search for '{pattern}' ({getattr(exc, 'strerror', None) or exc})"
            ) from None
        for path in matches:
            rel = workspace_path(str(path), config.root)
            if _hidden(rel) or is_excluded(rel, config) or path.is_dir():
                continue
            if not within(os.path.realpath(path), real_root):
                raise Refused(f"{shown(path)}: is a link to a file outside the workspace; cjm does not follow it")
            found.setdefault(rel, path)
    return [found[k] for k in sorted(found)]


def _unreadable(error: OSError) -> None:
    raise InputError(f"{shown(error.filename)}: cannot read this folder ({error.strerror or error})")


def check_searchable(root: Path, pattern: str) -> None:
    """Stop (InputError) at the first folder ``pattern`` would search below ``root`` that cannot be listed.

    Python's glob passes over a folder it may not read without a word, so a journey in it would be
    left out and the run say "All good". This walks the folders the pattern can reach (every folder
    below its fixed part for '**', else only those its parts match, level by level), as the folder
    search of a plain path does, and names the first unreadable one.
    """
    parts = [p for p in pattern.replace(os.sep, "/").split("/") if p]
    fixed = 0
    while fixed < len(parts) - 1 and not any(ch in parts[fixed] for ch in "*?["):
        fixed += 1
    base = root.joinpath(*parts[:fixed])
    if not base.is_dir():
        return
    rest = parts[fixed:-1]  # the folder parts still to match; the last part names files
    deep = "**" in parts[fixed:]
    for dirpath, dirnames, _ in os.walk(base, onerror=_unreadable):
        level = len(Path(dirpath).relative_to(base).parts)
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in _SKIPPED_DIRS
            and (deep or (level < len(rest) and fnmatch.fnmatchcase(d, rest[level])))
        ]


def walk(folder: Path) -> list[Path]:
    """The journey files below ``folder``; an unreadable subfolder stops the run rather than being passed over."""

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=_unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIPPED_DIRS)
        found.extend(Path(dirpath, name) for name in sorted(filenames) if is_journey_name(name))
    return found


def discover(paths: list[str], config: Config) -> list[str]:
    """The journey files named by ``paths`` (files, folders, '-'), or by the config's include globs.

    Explicit files are taken whatever their name; folders are searched for
    ``*.journey.yaml`` and ``*.journey.yml``; ``exclude`` applies to both
    searches, relative to the workspace root. A path that does not exist is an
    InputError. Whether each file may be read is checked when it is read.
    """
    if not paths:
        return [shown(p) for p in glob(config, config.include)]
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            candidates = [str(p) for p in walk(path)]
            candidates = [c for c in candidates if not is_excluded(workspace_path(c, config.root), config)]
        elif path.exists() or path.is_symlink():
            candidates = [raw]
        else:
            raise InputError(f"{raw}: no such file or folder")
        for candidate in candidates:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                out.append(candidate)
    return out
