"""The files of a workspace: journey discovery from paths and config globs, and shared catalogs."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from cjm.config import Config
from cjm.errors import InputError

JOURNEY_SUFFIX = ".journey.yaml"


def _is_excluded(rel: str, config: Config) -> bool:
    return any(fnmatch.fnmatch(rel, pattern) for pattern in config.exclude)


def _walk(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        found.extend(Path(dirpath, name) for name in sorted(filenames) if name.endswith(JOURNEY_SUFFIX))
    return found


def discover(paths: list[str], config: Config) -> list[str]:
    """The journey files named by ``paths`` (files, folders, '-'), or by the config's include globs.

    Explicit files are taken whatever their name; folders are searched for
    ``*.journey.yaml``. A path that does not exist is an InputError.
    """
    if not paths:
        files = sorted({str(p.relative_to(config.root)) for pattern in config.include for p in config.root.glob(pattern)})
        return [f for f in files if not _is_excluded(f, config)]
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            candidates = [str(p) for p in _walk(path)]
        elif path.exists():
            candidates = [raw]
        else:
            raise InputError(f"{raw}: no such file or folder")
        for candidate in candidates:
            key = os.path.normpath(candidate)
            if key not in seen and not (path.is_dir() and _is_excluded(candidate, config)):
                seen.add(key)
                out.append(candidate)
    return out
