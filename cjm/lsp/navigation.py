"""Ids as links: the outline, definition, references, hover and rename, over a file and its catalogs.

Pure functions of the id indexes; the server turns their sites into LSP
locations. A catalog declares personas, touchpoints and backstage processes
for every journey of the workspace, so those kinds are looked up there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cjm.diagnostics import CORE_CODES, Diagnostic
from cjm.lsp.index import CATALOG_KINDS, FileIndex, Site
from cjm.model import SLUG_PATTERN
from cjm.rules import BY_CODE

_LABELS = {"backstage": "backstage process"}


def label(kind: str) -> str:
    """How a kind of id is named in messages ("backstage process", "pain point")."""
    return _LABELS.get(kind, kind)


@dataclass(frozen=True)
class Outline:
    """One entry of the document outline: a stage with its actions, or an action."""

    site: Site
    children: tuple[Outline, ...] = ()


def outline(index: FileIndex) -> list[Outline]:
    """The stages of a journey in order, each with its actions."""
    stages = index.declared("stage")
    actions = index.declared("action")
    return [Outline(stage, tuple(Outline(a) for a in actions if a.path[:2] == stage.path[:2])) for stage in stages]


def _scope(here: FileIndex, catalogs: Iterable[FileIndex], kind: str) -> list[FileIndex]:
    """The files where ids of ``kind`` used in ``here`` may be declared."""
    return [here, *(c for c in catalogs if c.file != here.file)] if kind in CATALOG_KINDS else [here]


def definitions(site: Site, here: FileIndex, catalogs: Sequence[FileIndex]) -> list[Site]:
    """Where the id at ``site`` is declared: in the file first, then in the catalogs."""
    return [s for f in _scope(here, catalogs, site.kind) for s in f.declared(site.kind) if s.ident == site.ident]


def _shared(site: Site, here: FileIndex) -> bool:
    """Whether the id at ``site`` is a catalog's: of a catalog kind, and not declared by the journey itself."""
    if site.kind not in CATALOG_KINDS:
        return False
    return here.catalog or not any(s.ident == site.ident for s in here.declared(site.kind))


def _users(site: Site, here: FileIndex, journeys: Sequence[FileIndex]) -> list[FileIndex]:
    """The other journeys that refer to the catalog id at ``site`` (a journey declaring it itself has its own)."""
    return [
        j
        for j in journeys
        if j.file != here.file
        and not any(s.ident == site.ident for s in j.declared(site.kind))
        and any(s.kind == site.kind and s.ident == site.ident for s in j.sites)
    ]


def references(
    site: Site,
    here: FileIndex,
    catalogs: Sequence[FileIndex],
    include_declaration: bool,
    journeys: Sequence[FileIndex] = (),
) -> list[Site]:
    """Every use of the id at ``site`` (and its declarations when asked) in the file and the catalogs, and for
    a catalog's id in the workspace's other ``journeys`` too."""
    files = _scope(here, catalogs, site.kind)
    if _shared(site, here):
        files += _users(site, here, journeys)
    return [
        s
        for f in files
        for s in f.sites
        if s.kind == site.kind and s.ident == site.ident and (include_declaration or not s.declared)
    ]


def hover_text(
    site: Site | None, here: FileIndex | None, catalogs: Sequence[FileIndex], diagnostics: Sequence[Diagnostic]
) -> str | None:
    """Markdown for the position: what the id names, and what each diagnostic there means."""
    parts: list[str] = []
    if site is not None and here is not None:
        found = definitions(site, here, catalogs)
        if found:
            target = found[0]
            line = f"**{label(site.kind)}** `{site.ident}`"
            if target.name:
                line += f": {target.name}"
            if target.detail:
                line += f" ({target.detail})"
            if target.file != here.file:
                line += f"\n\ndeclared in `{target.file}` line {target.span.line}"
            parts.append(line)
        else:
            parts.append(f"**{label(site.kind)}** `{site.ident}` is declared nowhere")
    for diagnostic in diagnostics:
        parts.append(f"**{diagnostic.code}** {diagnostic.name}: {rule_summary(diagnostic.code)}")
    return "\n\n---\n\n".join(parts) if parts else None


def rule_summary(code: str) -> str:
    """The one-line summary of a rule or core code, pointing at its full documentation."""
    rule = BY_CODE.get(code)
    if rule is not None:
        return f"{rule.summary} (`cjm rules {code}` shows why, with examples)"
    core = CORE_CODES.get(code)
    return core.summary if core is not None else ""


@dataclass(frozen=True)
class Renamed:
    """The sites to rewrite for a rename, or why it is refused."""

    sites: tuple[Site, ...] = ()
    refused: str | None = None


def rename(
    site: Site, new: str, here: FileIndex, catalogs: Sequence[FileIndex], journeys: Sequence[FileIndex] = ()
) -> Renamed:
    """Every site of the id, to become ``new``; refused for an invalid id or one that is already taken
    (in the file, the catalogs, or a journey that uses the catalog id being renamed)."""
    if not re.fullmatch(SLUG_PATTERN, new):
        return Renamed(refused=f"'{new}' is not a valid id: lowercase letters, digits and '-', at most 64")
    if new == site.ident:
        return Renamed()
    users = _users(site, here, journeys) if _shared(site, here) else []
    for file in [*_scope(here, catalogs, site.kind), *users]:
        taken = next((s for s in file.declared(site.kind) if s.ident == new), None)
        if taken is not None:
            return Renamed(refused=f"{label(site.kind)} '{new}' already exists ({taken.file} line {taken.span.line})")
    return Renamed(tuple(references(site, here, catalogs, include_declaration=True, journeys=journeys)))
