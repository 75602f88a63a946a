"""Ids and references: duplicate ids (CJM020) and references that resolve nowhere (CJM021)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cjm.diagnostics import Diagnostic, Related, closest, core
from cjm.model import SLUG_PATTERN
from cjm.validate.yaml_reader import Path, SourceMap

KINDS = (
    "persona", "stage", "action", "touchpoint", "backstage", "metric", "pain point", "opportunity", "lifecycle stage",
)  # fmt: skip


@dataclass(frozen=True)
class SharedIds:
    """Ids the workspace catalogs declare, with where each is defined ("catalog.yaml:12")."""

    ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> id -> location

    def get(self, kind: str) -> Mapping[str, str]:
        return self.ids.get(kind, {})


_SLUG = re.compile(SLUG_PATTERN)


def _items(node: Any, key: str) -> list[tuple[int, Any]] | None:
    """The items of the list under ``key`` (none when the key is absent), or None when it is not a list."""
    value = node.get(key, []) if isinstance(node, dict) else None
    return list(enumerate(value)) if isinstance(value, list) else None


@dataclass
class _Ids:
    """What a file declares, read from its plain values so a schema error elsewhere does not hide it."""

    broken: Collection[Path] = ()  # where schema errors are
    found: list[tuple[str, str, Path]] = field(default_factory=list)  # kind, id, path of the id value
    unknowable: set[str] = field(default_factory=set)  # kinds a broken declaration may hide

    def hidden(self, path: Path) -> bool:
        """True when a schema error stands at ``path`` or above it (a list that is not one, or too short)."""
        return any(path[: len(b)] == b for b in self.broken)

    def declare(self, kind: str, item: Any, path: Path, optional: bool = False) -> None:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            self.found.append((kind, item["id"], (*path, "id")))
        elif not (optional and (isinstance(item, str) or (isinstance(item, dict) and "id" not in item))):
            self.unknowable.add(kind)  # an id cjm cannot read: a reference to it may be right

    def each(self, kind: str, node: Any, key: str, base: Path, optional: bool = False) -> list[tuple[int, Any]]:
        items = _items(node, key)
        if items is None or self.hidden((*base, key)):
            self.unknowable.add(kind)
            return items or []
        for i, item in items:
            self.declare(kind, item, (*base, key, i), optional)
        return items


def declared_ids(data: Any, broken: Collection[Path] = ()) -> tuple[list[tuple[str, str, Path]], set[str]]:
    """Every (kind, id, path of the id value) the journey declares, in file order, and the kinds it may hide.

    It reads the plain values, not the model, so ids are checked in a file
    whose schema errors are elsewhere; a kind whose declaration cannot be read
    (an item that is not a mapping, an id that is not text) is "unknowable":
    a reference to it cannot be called unknown. So is a kind whose list a
    schema error is about (``broken``): a stage list that is empty, say.
    """
    ids = _Ids(broken)
    ids.each("persona", data, "personas", ())
    stages = _items(data, "stages")
    if stages is None or ids.hidden(("stages",)):
        ids.unknowable.update(("stage", "action", "pain point", "opportunity"))
    for s, stage in stages or []:
        ids.declare("stage", stage, ("stages", s))
        if not isinstance(stage, dict) or ids.hidden(("stages", s)):
            ids.unknowable.update(("action", "pain point", "opportunity"))
            continue
        ids.each("pain point", stage, "pain_points", ("stages", s), optional=True)
        ids.each("opportunity", stage, "opportunities", ("stages", s), optional=True)
        for a, action in ids.each("action", stage, "actions", ("stages", s)):
            base: Path = ("stages", s, "actions", a)
            if not isinstance(action, dict):
                ids.unknowable.update(("pain point", "opportunity"))
                continue
            ids.each("pain point", action, "pain_points", base, optional=True)
            ids.each("opportunity", action, "opportunities", base, optional=True)
    ids.each("touchpoint", data, "touchpoints", ())
    ids.each("backstage", data, "backstage", ())
    ids.each("metric", data, "metrics", ())
    return ids.found, ids.unknowable


def references(data: Any) -> Iterator[tuple[str, str, Path]]:
    """Every (kind referred to, id, path of the reference) in plain values or a model; malformed ones are skipped."""
    if isinstance(data, BaseModel):
        data = data.model_dump()

    def refs(kind: str, node: Any, key: str, base: Path) -> Iterator[tuple[str, str, Path]]:
        for k, ref in _items(node, key) or []:
            if isinstance(ref, str) and _SLUG.match(ref):  # anything else is already a schema error
                yield kind, ref, (*base, key, k)

    scope = data.get("scope") if isinstance(data, dict) else None
    persona = scope.get("persona") if isinstance(scope, dict) else None
    if isinstance(persona, str) and _SLUG.match(persona):
        yield "persona", persona, ("scope", "persona")
    yield from refs("lifecycle stage", data, "lifecycle", ())
    for s, stage in _items(data, "stages") or []:
        for o, opp in _items(stage, "opportunities") or []:
            yield from refs("pain point", opp, "addresses", ("stages", s, "opportunities", o))
        for a, action in _items(stage, "actions") or []:
            base: Path = ("stages", s, "actions", a)
            yield from refs("touchpoint", action, "touchpoints", base)
            yield from refs("backstage", action, "backstage", base)
            for o, opp in _items(action, "opportunities") or []:
                yield from refs("pain point", opp, "addresses", (*base, "opportunities", o))
    for i, metric in _items(data, "metrics") or []:
        stage_ref = metric.get("stage") if isinstance(metric, dict) else None
        if isinstance(stage_ref, str) and _SLUG.match(stage_ref):
            yield "stage", stage_ref, ("metrics", i, "stage")


def check_references(
    data: Any, source: SourceMap, path: str, shared: SharedIds | None = None, broken: Collection[Path] = ()
) -> list[tuple[Path, Diagnostic]]:
    """CJM020 for ids repeated within their kind, CJM021 for references that resolve nowhere, each with its path.

    ``data`` is the file's plain values, valid or not: what can be read is
    checked; a reference to a kind whose declarations cannot all be read is
    never called unknown.
    """
    shared = shared or SharedIds()
    out: list[tuple[Path, Diagnostic]] = []
    local: dict[str, dict[str, Path]] = {kind: {} for kind in KINDS}
    found, unknowable = declared_ids(data, broken)
    for kind, ident, where in found:
        first = local[kind].get(ident)
        if first is not None:
            line = source.span(first).line
            message = f"duplicate {kind} id '{ident}' (first at line {line})"
            hint = f"ids must be unique among a journey's {_plural(kind)}: rename one"
            first_at = Related(path, source.span(first), f"the first {kind} '{ident}'")
            out.append((where, core("CJM020", path, source.span(where), message, hint, (first_at,))))
        else:
            local[kind][ident] = where
    for kind, ref, where in references(data):
        if ref in local[kind] or ref in shared.get(kind) or kind in unknowable:
            continue
        label = "backstage process" if kind == "backstage" else kind
        hint = _ref_hint(kind, ref, local[kind], shared)
        out.append((where, core("CJM021", path, source.span(where), f"unknown {label} '{ref}'", hint)))
    return out


def _plural(kind: str) -> str:
    return "backstage processes" if kind == "backstage" else f"{kind}s"


def _ref_hint(kind: str, ref: str, local: Mapping[str, Path], shared: SharedIds) -> str:
    best = closest(ref, [*local, *shared.get(kind)])
    if best is not None:
        where = shared.get(kind).get(best) if best not in local else None
        return f"did you mean '{best}'?" + (f" (defined in {where})" if where else "")
    known = sorted({*local, *shared.get(kind)})
    if not known and kind == "lifecycle stage":
        return f"no lifecycle stages are declared: add '{ref}' to the 'lifecycle:' list of a workspace catalog"
    if not known:
        section = "backstage" if kind == "backstage" else _plural(kind).replace(" ", "_")
        return f"no {_plural(kind)} are declared: add '{ref}' under {section}: or in a catalog"
    shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    return f"declared {_plural(kind)}: {shown}"
