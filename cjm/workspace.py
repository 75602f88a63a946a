"""The workspace: one value, built once per run, that every command loads journeys through.

A ``Workspace`` holds what a journey is read against: the root and the
configuration found for the files being checked, the input limits, and the
catalogs (of the working tree, or of a git revision for ``REV:path`` and
``diff --base``). ``Workspace.load`` is the one way a journey is loaded: from a
path, '-' or ``REV:path``, completed with the catalog definitions it uses, or
with located diagnostics; ``Workspace.journey`` is the same for commands that
need a valid journey (render, diff, export, evidence).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.config import Config, load_config
from cjm.diagnostics import Diagnostic, FileReport, Span, core
from cjm.discovery import JOURNEY_SUFFIX, discover, glob, read_limited, shown, within, workspace_path
from cjm.entities import references
from cjm.errors import InputError
from cjm.model import Catalog, Journey, LifecycleStage
from cjm.validate.loader import LoadResult, load_bytes, source_lines
from cjm.validate.references import SharedIds
from cjm.validate.yaml_reader import Limits

__all__ = ["JOURNEY_SUFFIX", "Catalogs", "Workspace", "discover", "open_workspace", "workspace_path"]

# (kind, catalog list): the kinds of id a catalog declares, and the lists that hold them
_CATALOG_KINDS = (
    ("persona", "personas"),
    ("touchpoint", "touchpoints"),
    ("backstage", "backstage"),
    ("lifecycle stage", "lifecycle"),
)
# (section, kind) of the definitions a journey can also declare itself (lifecycle stages only come from catalogs)
_SECTIONS = tuple((section, kind) for kind, section in _CATALOG_KINDS if kind != "lifecycle stage")
Reader = Callable[[], bytes]


@dataclass(frozen=True)
class Catalogs:
    """What the workspace's catalog files share, and what was found wrong in them."""

    shared: SharedIds
    departments: tuple[str, ...]
    reports: tuple[FileReport, ...]
    files: tuple[str, ...]
    definitions: tuple[Catalog, ...] = ()
    waiting: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) of a broken entry -> where

    def check_usable(self, journey: Journey, spec: str) -> None:
        """Stop (InputError) when ``journey`` uses a catalog entry that has an error: it cannot be drawn."""
        local = {(kind, item.id) for section, kind in _SECTIONS for item in getattr(journey, section)}
        local |= {(kind, i.id) for c in self.definitions for section, kind in _SECTIONS for i in getattr(c, section)}
        for ref in references(journey):
            where = self.waiting.get((ref.kind, ref.id))
            if where is not None and (ref.kind, ref.id) not in local:
                raise InputError(
                    f"{spec}: uses {ref.kind} '{ref.id}', whose catalog entry ({where}) has an error;"
                    " run 'cjm validate' to see it"
                )

    @property
    def lifecycle(self) -> tuple[LifecycleStage, ...]:
        """The organisation's lifecycle stages, in catalog order (the first catalog to declare an id wins)."""
        stages = {stage.id: stage for catalog in reversed(self.definitions) for stage in catalog.lifecycle}
        order = list(dict.fromkeys(stage.id for catalog in self.definitions for stage in catalog.lifecycle))
        return tuple(stages[i] for i in order)

    @property
    def department_names(self) -> dict[str, str]:
        """The display names catalogs give departments, by case-folded id (the first catalog to name one wins)."""
        names: dict[str, str] = {}
        for catalog in self.definitions:
            for key, name in catalog.department_names().items():
                names.setdefault(key, name)
        return names

    def complete(self, journey: Journey) -> Journey:
        """The journey with the catalog personas, touchpoints and backstage processes it references added,
        so views that show names (render, export) draw them as if declared in the file, and with the
        catalogs' display names of departments."""
        referenced = {(r.kind, r.id) for r in references(journey)}
        update = {}
        for section, kind in _SECTIONS:
            local = {item.id for item in getattr(journey, section)}
            extra: dict[str, Any] = {}
            for catalog in self.definitions:
                for item in getattr(catalog, section):
                    if item.id not in local and (kind, item.id) in referenced:
                        extra.setdefault(item.id, item)  # the first definition, as CJM020 names the first
            if extra:
                update[section] = [*getattr(journey, section), *extra.values()]
        completed = journey.model_copy(update=update) if update else journey
        names = self.department_names
        return completed.with_department_names(names) if names else completed


def load_catalogs(config: Config, files: Iterable[tuple[str, Reader]] | None = None) -> Catalogs:
    """Load every catalog the config's ``catalog`` globs name (or the given ``(display, read)`` pairs), once per run.

    Ids are recorded with where they are defined ("catalog/shared.yaml:12"),
    so an unknown reference in a journey can say where the closest id lives.
    A glob that matches no file is an InputError: a misspelt glob would
    otherwise turn every shared reference into an error far from its cause.
    """
    limits = config.limits.limits()
    if files is None:
        for pattern in config.catalog:
            if not glob(config, [pattern]):
                where = config.file or "cjm.toml"
                raise InputError(f"{where}: catalog: '{pattern}' matches no file under {config.root}")
        files = [(shown(p), _reader(str(p), limits, config.root)) for p in glob(config, config.catalog)]
    ids: dict[str, dict[str, str]] = {}
    departments: list[str] = []
    reports: list[FileReport] = []
    names: list[str] = []
    definitions: list[Catalog] = []
    waiting: dict[tuple[str, str], str] = {}
    for display, read in files:
        names.append(display)
        result = load_bytes(read(), display, limits)
        if result.catalog is not None:
            definitions.append(result.catalog)
        problems = list(result.diagnostics)
        if result.catalog is None and not problems:
            problems.append(
                core(
                    "CJM003",
                    display,
                    Span.point(1, 1),
                    "listed under 'catalog' but is not a catalog",
                    "add 'kind: catalog'",
                )
            )
        problems.extend(_record(result, display, ids, departments, waiting))
        if problems:
            lines = source_lines(result, problems)
            reports.append(FileReport(display, tuple(sorted(problems, key=lambda d: d.sort_key)), lines))
    return Catalogs(
        SharedIds(ids), tuple(dict.fromkeys(departments)), tuple(reports), tuple(names), tuple(definitions), waiting
    )


def _reader(path: str, limits: Limits, root: Path) -> Reader:
    return lambda: read_limited(path, limits.max_bytes, root)


@dataclass(frozen=True)
class Workspace:
    """What every journey of one run is read against: config, root, limits and catalogs."""

    config: Config
    catalogs: Catalogs = field(default_factory=lambda: Catalogs(SharedIds(), (), (), ()))
    revision: str | None = None  # the git revision the catalogs were read at; None for the working tree

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def limits(self) -> Limits:
        return self.config.limits.limits()

    def load(self, spec: str, display: str | None = None) -> LoadResult:
        """Load one journey: syntax, schema, references against the catalogs, completed with their definitions.

        A ``REV:path`` journey is read against the catalogs of that revision.
        """
        from cjm import git

        if spec != "-" and git.is_revision_spec(spec):
            name, data = git.read_revision(spec)
            return self.of(spec).load_bytes(data, display or name)
        return self.load_bytes(read_limited(spec, self.limits.max_bytes, self.root), display or spec)

    def of(self, spec: str) -> Workspace:
        """The workspace ``spec`` is read in: for ``REV:path``, this one with the catalogs of that revision."""
        from cjm import git

        return self.at_revision(spec.partition(":")[0]) if spec != "-" and git.is_revision_spec(spec) else self

    def load_bytes(self, data: bytes, display: str) -> LoadResult:
        """Load one journey's bytes against this workspace's catalogs."""
        result = load_bytes(data, display, self.limits, self.catalogs.shared)
        if result.journey is not None:
            result.journey = self.catalogs.complete(result.journey)
        return result

    def journey(self, spec: str, purpose: str = "") -> Journey:
        """A valid journey (completed with catalog definitions), or an InputError naming its first error."""
        source = self.of(spec)  # a REV:path journey uses the catalog entries of that revision
        journey = valid_journey(source.load(spec), spec, purpose)
        source.catalogs.check_usable(journey, spec)
        return journey

    def reloaded(self) -> Workspace:
        """The same workspace with its catalogs read again (after an edit, under ``render --watch``)."""
        return Workspace(self.config, load_catalogs(self.config)) if self.config.catalog else self

    def at_revision(self, rev: str) -> Workspace:
        """This workspace with the catalogs as they were at git revision ``rev`` (same config)."""
        if rev == self.revision or not self.config.catalog:
            return self
        from cjm import git

        commit = git.verify_revision(rev, self.root)
        top = git.repository_root(self.root)
        prefix = workspace_path(str(self.root), top)
        prefix = "" if prefix == "." else prefix + "/"
        limits = self.limits
        files: list[tuple[str, Reader]] = []
        for rel in git.files_at(commit, self.root):
            if not rel.startswith(prefix):
                continue
            inside = rel[len(prefix) :]
            if any(_matches(inside, pattern) for pattern in self.config.catalog):
                files.append((f"{rev}:{rel}", _revision_reader(commit, rel, top, limits.max_bytes)))
        return Workspace(self.config, load_catalogs(self.config, files), rev)


def _matches(rel: str, pattern: str) -> bool:
    from fnmatch import fnmatch

    return fnmatch(rel, pattern) or (pattern.startswith("**/") and fnmatch(rel, pattern[3:]))


def _revision_reader(commit: str, rel: str, top: Path, limit: int) -> Reader:
    from cjm import git

    return lambda: git.read_at(commit, rel, top)[: limit + 1]


def valid_journey(result: LoadResult, spec: str, purpose: str = "") -> Journey:
    """The journey of a load that found no error, or an InputError with the first error and how to see them all."""
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    if result.journey is not None and not errors:
        return result.journey
    if result.catalog is not None:
        raise InputError(f"{result.path}: is a catalog, not a journey")
    first = errors[0] if errors else None
    where = f"{result.path}:{first.span.line}:{first.span.column}: {first.code} {first.message}" if first else spec
    rev, sep, path = spec.partition(":")
    if sep and rev and path and not Path(spec).exists():
        check = f"git show {shlex.quote(spec)} | cjm validate - --stdin-filename {shlex.quote(path)}"
    else:
        check = f"cjm validate {shlex.quote(spec)}"
    raise InputError(f"{where}\n  not a valid journey{purpose}: run '{check}' for every finding")


def open_workspace(paths: Iterable[str] = (), config: str | None = None) -> Workspace:
    """The workspace of the files being checked: its config found upward from the first path, then its catalogs.

    With ``--config`` that file decides. Without paths (or only '-' and
    ``REV:path``) the search starts in the current folder. Paths whose nearest
    configurations differ are refused: each workspace is checked on its own.
    """
    starts: list[Path] = []
    if config is not None:
        settings = load_config(config)
    else:
        starts = [_start(p) for p in paths if p != "-" and os.path.exists(p)]
        settings = load_config(start=starts[0] if starts else None)
        for other in starts[1:]:
            found = load_config(start=other).file
            if found != settings.file:
                raise InputError(
                    f"the paths belong to different workspaces ({settings.file or settings.root} and "
                    f"{found or other}): run cjm once for each"
                )
    if settings.file is None:  # no configuration: the root is the current folder, or the files' own folder
        cwd = Path.cwd().resolve()
        start = starts[0] if config is None and starts else cwd
        settings = settings.model_copy(update={"root": cwd if within(str(start), cwd) else start})
    catalogs = load_catalogs(settings) if settings.catalog else Workspace(settings).catalogs
    return Workspace(settings, catalogs)


def _start(path: str) -> Path:
    absolute = Path(os.path.abspath(path))
    return absolute if absolute.is_dir() else absolute.parent


def _record(
    result: LoadResult,
    shown: str,
    ids: dict[str, dict[str, str]],
    departments: list[str],
    waiting: dict[tuple[str, str], str],
) -> list[Diagnostic]:
    """Add a catalog's ids to ``ids``; CJM020 for an id another catalog already declares.

    The ids of entries with errors are known too (a journey's reference to one is not unknown: it waits
    for the entry's own error), and recorded in ``waiting`` so that render and export can refuse them.
    """
    catalog = result.catalog
    if catalog is None:
        return []
    out = []
    departments.extend(catalog.department_ids())
    salvaged = result.catalog_salvage
    for kind, key in _CATALOG_KINDS:
        table = ids.setdefault(kind, {})
        items = getattr(catalog, key)
        indexes = salvaged.kept.get((key,), ()) if salvaged else range(len(items))
        for i, item in zip(indexes, items, strict=True):
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
    kinds = {section: kind for kind, section in _CATALOG_KINDS}
    for key, i, ident in salvaged.waiting if salvaged else ():
        if key not in kinds:  # a broken {id, name} department: touchpoints naming it wait for its error too
            departments.append(ident)
            continue
        kind = kinds[key]
        where = f"{shown}:{result.source.span((key, i, 'id')).line}"
        ids.setdefault(kind, {}).setdefault(ident, where)
        waiting.setdefault((kind, ident), where)
    return out


def repository_root(config: Config) -> Path:
    """The folder CI annotations are relative to: $GITHUB_WORKSPACE, else the top level of the git work tree
    that holds the workspace (wherever cjm runs from), else the workspace root."""
    env = os.environ.get("GITHUB_WORKSPACE")
    if env:
        return Path(env).resolve()
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            cwd=config.root,
        )
    except (OSError, subprocess.SubprocessError):
        return config.root
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else config.root


def load_journey(path: str) -> Journey:
    """The valid journey at ``path`` read in its own workspace (config and catalogs found from the file)."""
    return open_workspace([path]).journey(path)
