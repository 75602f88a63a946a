"""The files of a workspace: journey discovery from paths and config globs, shared catalogs, and paths."""

from __future__ import annotations

import fnmatch
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cjm.config import Config
from cjm.diagnostics import Diagnostic, FileReport, Span, core
from cjm.errors import InputError
from cjm.lint import source_lines
from cjm.loader import LoadResult, load_bytes, read_bytes
from cjm.model import Catalog, Journey
from cjm.references import SharedIds, references

JOURNEY_SUFFIX = ".journey.yaml"
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site"})
_CATALOG_KINDS = (("persona", "personas"), ("touchpoint", "touchpoints"), ("backstage", "backstage"))


def workspace_path(path: str, root: Path) -> str:
    """``path`` relative to the workspace root, with '/' separators (absolute when outside the root)."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, root) if _within(absolute, root) else absolute
    return rel.replace(os.sep, "/")


def _within(path: str, root: Path) -> bool:
    try:
        return os.path.commonpath([path, str(root)]) == str(root)
    except ValueError:  # different drives on Windows
        return False


def _shown(path: Path) -> str:
    """A path as the user should see it: relative to the current folder when below it."""
    absolute = str(path.resolve())
    cwd = os.getcwd()
    return os.path.relpath(absolute, cwd) if _within(absolute, Path(cwd)) else absolute


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") or part in _SKIPPED_DIRS for part in rel.split("/")[:-1])


def _is_excluded(rel: str, config: Config) -> bool:
    return any(fnmatch.fnmatch(rel, pattern) for pattern in config.exclude)


def _glob(config: Config, patterns: list[str]) -> list[Path]:
    found: dict[str, Path] = {}
    for pattern in patterns:
        for path in config.root.glob(pattern):
            rel = workspace_path(str(path), config.root)
            if path.is_file() and not _hidden(rel) and not _is_excluded(rel, config):
                found.setdefault(rel, path)
    return [found[k] for k in sorted(found)]


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIPPED_DIRS)
        found.extend(Path(dirpath, name) for name in sorted(filenames) if name.endswith(JOURNEY_SUFFIX))
    return found


def discover(paths: list[str], config: Config) -> list[str]:
    """The journey files named by ``paths`` (files, folders, '-'), or by the config's include globs.

    Explicit files are taken whatever their name; folders are searched for
    ``*.journey.yaml``; ``exclude`` applies to both searches, relative to the
    workspace root. A path that does not exist is an InputError.
    """
    if not paths:
        return [_shown(p) for p in _glob(config, config.include)]
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            candidates = [str(p) for p in _walk(path)]
            candidates = [c for c in candidates if not _is_excluded(workspace_path(c, config.root), config)]
        elif path.exists():
            candidates = [raw]
        else:
            raise InputError(f"{raw}: no such file or folder")
        for candidate in candidates:
            key = os.path.abspath(candidate)
            if key not in seen:
                seen.add(key)
                out.append(candidate)
    return out


@dataclass(frozen=True)
class Catalogs:
    """What the workspace's catalog files share, and what was found wrong in them."""

    shared: SharedIds
    departments: tuple[str, ...]
    reports: tuple[FileReport, ...]
    files: tuple[str, ...]
    definitions: tuple[Catalog, ...] = ()

    def complete(self, journey: Journey) -> Journey:
        """The journey with the catalog personas, touchpoints and backstage processes it references added,
        so views that show names (render, export) draw them as if declared in the file."""
        referenced = {(kind, ref) for kind, ref, _ in references(journey)}
        update = {}
        for section, kind in (("personas", "persona"), ("touchpoints", "touchpoint"), ("backstage", "backstage")):
            local = {item.id for item in getattr(journey, section)}
            extra = [
                item
                for catalog in self.definitions
                for item in getattr(catalog, section)
                if item.id not in local and (kind, item.id) in referenced
            ]
            if extra:
                update[section] = [*getattr(journey, section), *dict((i.id, i) for i in extra).values()]
        return journey.model_copy(update=update) if update else journey


def load_catalogs(config: Config) -> Catalogs:
    """Load every catalog the config's ``catalog`` globs name, once per run.

    Ids are recorded with where they are defined ("catalog/shared.yaml:12"),
    so an unknown reference in a journey can say where the closest id lives.
    A glob that matches no file is an InputError: a misspelt glob would
    otherwise turn every shared reference into an error far from its cause.
    """
    ids: dict[str, dict[str, str]] = {}
    departments: list[str] = []
    reports: list[FileReport] = []
    files: list[str] = []
    definitions: list[Catalog] = []
    limits = config.limits.limits()
    for pattern in config.catalog:
        if not _glob(config, [pattern]):
            raise InputError(f"{config.file or 'cjm.toml'}: catalog: '{pattern}' matches no file under {config.root}")
    for path in _glob(config, config.catalog):
        shown = _shown(path)
        files.append(shown)
        result = load_bytes(read_bytes(str(path)), shown, limits)
        if result.catalog is not None:
            definitions.append(result.catalog)
        problems = list(result.diagnostics)
        if result.catalog is None and not problems:
            problems.append(
                core(
                    "CJM003",
                    shown,
                    Span.point(1, 1),
                    "listed under 'catalog' but is not a catalog",
                    "add 'kind: catalog'",
                )
            )
        problems.extend(_record(result, shown, ids, departments))
        if problems:
            reports.append(
                FileReport(shown, tuple(sorted(problems, key=lambda d: d.sort_key)), source_lines(result, problems))
            )
    return Catalogs(SharedIds(ids), tuple(dict.fromkeys(departments)), tuple(reports), tuple(files), tuple(definitions))


def workspace_catalogs(config: Config) -> Catalogs | None:
    """The workspace catalogs, for commands that load journeys outside validate (None without any).

    Problems inside the catalogs themselves are validate's to report; here a
    catalog that does not load simply shares nothing.
    """
    return load_catalogs(config) if config.catalog else None


def load_workspace_journey(path: str, config: Config, catalogs: Catalogs | None = None) -> Journey:
    """A valid journey with the catalog definitions it references, or InputError naming its first error."""
    from cjm.loader import load_journey

    journey = load_journey(path, config.limits.limits(), catalogs.shared if catalogs else None)
    return catalogs.complete(journey) if catalogs else journey


def _record(result: LoadResult, shown: str, ids: dict[str, dict[str, str]], departments: list[str]) -> list[Diagnostic]:
    """Add a catalog's ids to ``ids``; CJM020 for an id another catalog already declares."""
    catalog = result.catalog
    if catalog is None:
        return []
    out = []
    departments.extend(catalog.departments)
    for kind, key in _CATALOG_KINDS:
        table = ids.setdefault(kind, {})
        for i, item in enumerate(getattr(catalog, key)):
            span = result.source.span((key, i, "id"))
            if item.id in table:
                out.append(
                    core(
                        "CJM020",
                        shown,
                        span,
                        f"duplicate {kind} id '{item.id}' (first in {table[item.id]})",
                        "ids must be unique across catalogs: rename or remove one",
                    )
                )
            else:
                table[item.id] = f"{shown}:{span.line}"
    return out


def repository_root(config: Config) -> Path:
    """The folder CI annotations are relative to: $GITHUB_WORKSPACE, else the git top level, else the workspace root."""
    env = os.environ.get("GITHUB_WORKSPACE")
    if env:
        return Path(env).resolve()
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return config.root
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else config.root
