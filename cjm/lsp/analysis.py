"""One document checked as `cjm validate` checks its file, from the editor's text instead of the disk.

The workspace of a document is opened for its path (its cjm.toml and
catalogs apply) and kept, with its rule table and catalog indexes, so a
keystroke costs one load and lint, not a configuration and catalog reload.
It is opened again when what it was read from changes on disk: the
configuration (or a cjm.toml or pyproject.toml appearing between the file
and it), a catalog edited or deleted, or, when asked (on open and save, and
when the editor reports file events), a catalog created that the globs now match.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cjm.diagnostics import Diagnostic
from cjm.discovery import discover, glob, is_journey_name, read_limited, workspace_path
from cjm.errors import CjmError
from cjm.lsp.index import FileIndex, index_source, index_text
from cjm.validate.lint import RuleSet, lint, rule_set
from cjm.validate.loader import LoadResult, load_bytes
from cjm.validate.nesting import check_nesting
from cjm.validate.run import declared, located_links, nested_of
from cjm.workspace import Workspace, load_catalogs, open_workspace

Reader = Callable[[], bytes]
MAX_JOURNEYS = 5_000  # journeys read for references and renames across the workspace


def _stamp(path: str) -> tuple[float, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime, status.st_size)


@dataclass
class Opened:
    """A workspace with its rule set, and the disk state of the files it was read from."""

    workspace: Workspace
    rules: RuleSet
    stamps: dict[str, tuple[float, int] | None]  # the configuration, where one could appear, and the catalogs
    catalogs: dict[str, FileIndex] = field(default_factory=dict)  # absolute path -> index of a catalog file

    journeys: dict[str, tuple[tuple[float, int] | None, FileIndex | None]] = field(default_factory=dict)
    # absolute path -> (disk state, the journey id it declares and the ids its actions nest)
    nests: dict[str, tuple[tuple[float, int] | None, tuple[str, frozenset[str]] | None]] = field(default_factory=dict)

    def nesting_graph(self, skip: str) -> dict[str, set[str]]:
        """Which journeys the workspace's journey files nest, by journey id, as on disk (each file reread only
        when it changes); ``skip`` is the document being checked, whose editor text counts instead."""
        try:
            files = discover([], self.workspace.config)[:MAX_JOURNEYS]
        except CjmError:
            return {}
        catalogs = set(self.catalog_files)
        graph: dict[str, set[str]] = {}
        for shown in files:
            file = os.path.abspath(shown)
            if file == skip or file in catalogs:
                continue
            stamp = _stamp(file)
            cached = self.nests.get(file)
            if cached is None or cached[0] != stamp:
                cached = self.nests[file] = (stamp, nested_of(file, self.workspace))
            if cached[1] is not None:
                graph.setdefault(cached[1][0], set()).update(cached[1][1])
        return graph

    def journey_indexes(self) -> list[FileIndex]:
        """The indexes of the workspace's journeys as on disk (reread when they change), for ids shared by catalogs.

        Only a workspace with catalogs shares ids between files, so only then are its journeys read.
        """
        config = self.workspace.config
        if not config.catalog:
            return []
        try:
            files = discover([], config)[:MAX_JOURNEYS]
        except CjmError:
            return []
        catalogs = set(self.catalog_files)
        out = []
        for shown in files:
            file = os.path.abspath(shown)
            stamp = _stamp(file)
            cached = self.journeys.get(file)
            if file not in catalogs and (cached is None or cached[0] != stamp):
                cached = self.journeys[file] = (stamp, _index_file(file, self.workspace))
            if file not in catalogs and cached is not None and cached[1] is not None:
                out.append(cached[1])
        return out

    def fresh(self) -> bool:
        """Whether the files it was read from are as they were (a few stat calls: checked on every change)."""
        return all(_stamp(path) == stamp for path, stamp in self.stamps.items())

    def same_catalogs(self) -> bool:
        """Whether the catalog globs still name the same files (a walk of the globs: on open and save only)."""
        config = self.workspace.config
        if not config.catalog:
            return True
        try:
            found = [os.path.abspath(p) for p in glob(config, config.catalog)]
        except CjmError:
            return False  # reopening says what is wrong
        return found == self.catalog_files

    @property
    def catalog_files(self) -> list[str]:
        return [os.path.abspath(f) for f in self.workspace.catalogs.files]


def _index_file(file: str, workspace: Workspace) -> FileIndex | None:
    try:
        text = read_limited(file, workspace.limits.max_bytes, workspace.root).decode("utf-8")
    except (OSError, CjmError, UnicodeDecodeError):
        return None
    return index_text(file, text, workspace.limits)


def _open(folder: str) -> Opened:
    workspace = open_workspace([folder])
    catalogs = workspace.catalogs
    rules = rule_set(workspace.config, catalogs.shared, catalogs.departments)
    watched = _config_candidates(folder, workspace.config.file)
    watched += [os.path.abspath(f) for f in catalogs.files]
    opened = Opened(workspace, rules, {p: _stamp(p) for p in watched})
    for file in opened.catalog_files:
        found = _index_file(file, workspace)
        if found is not None:
            opened.catalogs[file] = found
    return opened


CONFIG_NAMES = ("cjm.toml", "pyproject.toml")  # the files a folder's configuration is read from


def _config_candidates(folder: str, found: Path | None) -> list[str]:
    """The files whose change or appearance changes a folder's configuration: a cjm.toml or pyproject.toml
    in the folder and each one above it, up to the one found (or to the top when none was)."""
    out = []
    here = Path(os.path.abspath(folder))
    stop = os.path.abspath(found.parent) if found is not None else None
    for place in (here, *here.parents):
        out += [str(place / name) for name in CONFIG_NAMES]
        if str(place) == stop:
            break
    return out


@dataclass
class Workspaces:
    """The workspaces of the open documents, one per folder, reopened when their files change on disk."""

    by_folder: dict[str, Opened] = field(default_factory=dict)

    def of(self, path: str, rediscover: bool = False) -> Opened:
        """The workspace of the document at ``path`` (CjmError for a configuration that cannot be used).

        ``rediscover`` also walks the catalog globs, for a catalog created since the workspace was opened.
        """
        folder = os.path.dirname(os.path.abspath(path))
        opened = self.by_folder.get(folder)
        if opened is None or not opened.fresh() or (rediscover and not opened.same_catalogs()):
            opened = self.by_folder[folder] = _open(folder)
        return opened

    def forget(self) -> None:
        """Open every workspace again at its next check (the editor reported a configuration or catalog event)."""
        self.by_folder.clear()


Indexer = Callable[[], "FileIndex | None"]


def _no_index() -> FileIndex | None:
    return None


@dataclass(frozen=True)
class Analysis:
    """What the server knows of one document's current text.

    Its id index is built when first asked for, so the diagnostics of a change
    are published without waiting for it (the server builds it right after).
    """

    diagnostics: tuple[Diagnostic, ...]
    indexer: Indexer = field(default=_no_index, repr=False, compare=False)
    opened: Opened | None = None  # None when the workspace could not be opened
    problem: str | None = None  # why the workspace could not be opened (what `cjm validate` would stop on)
    text: str | None = None  # the text checked: the same text in the same workspace is not checked again

    @functools.cached_property
    def index(self) -> FileIndex | None:
        """Every id of the document, or None when the text does not parse."""
        return self.indexer()


_VERSION_KEY = re.compile(r"^cjm\s*:", re.MULTILINE)


def checked_kind(path: str, text: str, opened: Opened | None) -> str | None:
    """'journey' or 'catalog' for a file cjm checks, else None: other YAML (a CI workflow) is left alone.

    A journey is named ``*.journey.yaml`` or says ``cjm:`` at its top level; a
    catalog is a file the workspace's ``catalog`` globs name.
    """
    absolute = os.path.abspath(path)
    if opened is not None and absolute in opened.catalog_files:
        return "catalog"
    return "journey" if is_journey_name(os.path.basename(path)) or _VERSION_KEY.search(text) else None


def analyse(
    path: str, text: str, workspaces: Workspaces, previous: Analysis | None = None, rediscover: bool = False
) -> Analysis:
    """The diagnostics `cjm validate` gives for ``path`` if it held ``text``, and the document's id index.

    ``previous`` is returned as it is when it was made from the same text in the same
    workspace (a save after the last change, an undo back to a checked text).
    """
    try:
        opened = workspaces.of(path, rediscover)
    except CjmError as error:  # a broken cjm.toml stops `cjm validate` (exit 2): no finding, the reason
        return Analysis((), problem=str(error))
    if previous is not None and previous.opened is opened and previous.text == text:
        return previous
    kind = checked_kind(path, text, opened)
    data = text.encode("utf-8", "surrogatepass")
    limits = opened.workspace.limits
    if kind == "catalog":
        found = _catalog_diagnostics(path, data, opened)
        return Analysis(found, functools.partial(index_text, path, text, limits), opened, text=text)
    if kind is None:
        return Analysis((), functools.partial(index_text, path, text, limits), opened, text=text)
    result = load_bytes(data, path, limits, opened.rules.shared)
    rel = workspace_path(path, Path(opened.rules.root)) if opened.rules.root else None
    linted = lint(result, opened.rules, rel)
    broken = any(d.code in ("CJM001", "CJM005") for d in result.diagnostics)  # the source map is partial
    indexer = functools.partial(index_source, path, result.source) if result.text and not broken else _no_index
    return Analysis(_with_nesting(path, result, linted.diagnostics, opened), indexer, opened, text=text)


def _with_nesting(
    path: str, result: LoadResult, found: tuple[Diagnostic, ...], opened: Opened
) -> tuple[Diagnostic, ...]:
    """CJM023 and CJM024 as `cjm validate` gives them: the rest of the workspace is read (from its cache) only
    when an action nests a journey other than the document's own."""
    journey = declared(result)
    own = located_links(result) if journey is not None else ()
    if journey is None or not own:
        return found
    graph = {journey.id: {k.target for k in own}}
    if any(k.target not in graph for k in own):
        for ident, targets in opened.nesting_graph(os.path.abspath(path)).items():
            graph.setdefault(ident, set()).update(targets)
    nesting = check_nesting(path, journey.id, own, graph)
    return tuple(sorted([*found, *nesting], key=lambda d: d.sort_key)) if nesting else found


def _catalog_diagnostics(path: str, data: bytes, opened: Opened) -> tuple[Diagnostic, ...]:
    """A catalog's findings as the validate run reports them: the workspace's catalogs, this one as edited."""
    absolute = os.path.abspath(path)
    files: list[tuple[str, Reader]] = []
    for shown in opened.workspace.catalogs.files:
        file = os.path.abspath(shown)
        files.append((shown, (lambda: data) if file == absolute else _disk(file)))
    catalogs = load_catalogs(opened.workspace.config, files)
    mine = [r for r in catalogs.reports if os.path.abspath(r.path) == absolute]
    return tuple(d for r in mine for d in r.diagnostics)


def _disk(file: str) -> Reader:
    def read() -> bytes:
        try:
            return Path(file).read_bytes()
        except OSError:
            return b""

    return read
