"""What can still be checked in a file with schema errors: the model of the parts that did validate.

When a journey fails its schema, the loader reports every schema error and
then asks this module for a *salvaged* journey: the same values with each
broken part taken out (an unknown key, an optional value that is wrong, an
invalid list item) or, when the model cannot do without it (a required
name, id or scope), replaced by a stand-in. The stand-ins and the removed
parts are *broken paths*: the lint engine never reports a finding at, in, or
about them (see ``cjm.validate.lint``), so no finding is caused by the
broken part itself, and every independent mistake shows in one run.

Positions are kept in the file's own terms: removing list items shifts the
indexes of those after them, and ``Salvaged.source_path`` maps a path into
the salvaged journey back to the path in the file.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotated_types import MinLen
from pydantic import BaseModel, TypeAdapter, ValidationError

from cjm.model import SLUG_PATTERN, Catalog, Journey
from cjm.validate.schema_messages import data_path, model_at
from cjm.validate.yaml_reader import Path

_ROUNDS = 8  # a stand-in can make a validator that needed the broken value fail in turn; a few rounds settle it
_REMOVE = object()
_SLUG = re.compile(SLUG_PATTERN)
_STUB_ID = "unreadable"  # a stand-in id: never shown, as findings about stand-ins are dropped


@dataclass(frozen=True)
class Salvaged:
    """The journey made of the parts that validated, the broken paths, and how to map its paths to the file's."""

    journey: Journey
    broken: frozenset[Path]
    kept: Mapping[Path, tuple[int, ...]] = field(default_factory=dict)  # list path -> file indexes it kept

    def source_path(self, path: Path) -> Path:
        """The path in the file of a path into the salvaged journey."""
        return _source_path(path, self.kept)


def _source_path(path: Path, kept: Mapping[Path, tuple[int, ...]]) -> Path:
    out: list[str | int] = []
    for part in path:
        if isinstance(part, int):
            indexes = kept.get(tuple(out))
            if indexes is not None and 0 <= part < len(indexes):
                part = indexes[part]
        out.append(part)
    return tuple(out)


def salvage(data: dict[str, Any], errors: Iterable[Mapping[str, Any]]) -> Salvaged | None:
    """The salvaged journey of ``data`` given the errors of validating it, or None when nothing sensible is left."""
    decisions: dict[Path, Any] = {}
    for error in errors:
        where = data_path(tuple(error["loc"]), data)[0]
        if not where:
            return None
        if not any(where[: len(d)] == d for d in decisions) and not _decide(where, error, decisions):
            return None
    for _ in range(_ROUNDS):
        kept: dict[Path, tuple[int, ...]] = {}
        pruned = _rebuild(data, (), decisions, kept)
        try:
            journey = Journey.model_validate(pruned)
        except ValidationError as exc:
            # a stand-in made a validator that needed the broken value fail in turn: mend that too
            for error in exc.errors(include_url=False):
                where = _source_path(data_path(tuple(error["loc"]), pruned)[0], kept)
                if not where or any(where[: len(d)] == d for d in decisions):
                    return None  # a stand-in itself fails: give up rather than guess
                if not _decide(where, error, decisions):
                    return None
            continue
        return Salvaged(journey, frozenset(decisions), kept)
    return None


def _decide(where: Path, error: Mapping[str, Any], decisions: dict[Path, Any]) -> bool:
    """Record how to mend the part at ``where`` (a path in the file); False when cjm cannot mend it."""
    key = where[-1]
    if error["type"] == "extra_forbidden" or isinstance(key, int):
        decisions[where] = _REMOVE
        return True
    owner = model_at(Journey, where[:-1])
    info = owner.model_fields.get(key) if owner is not None else None
    if info is None or not info.is_required():
        decisions[where] = _REMOVE
        return True
    stub = _stub(info.annotation, info.metadata)
    if stub is _REMOVE:
        return False
    decisions[where] = stub
    return True


def _rebuild(node: Any, path: Path, decisions: Mapping[Path, Any], kept: dict[Path, tuple[int, ...]]) -> Any:
    """A copy of ``node`` with the decisions applied; ``kept`` records the file indexes each list keeps."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            sub = (*path, key)
            decision = decisions.get(sub)
            if decision is _REMOVE:
                continue
            out[key] = decision if sub in decisions else _rebuild(value, sub, decisions, kept)
        for sub, decision in decisions.items():  # a stand-in for a missing required key
            missing = len(sub) == len(path) + 1 and sub[: len(path)] == path and sub[-1] not in node
            if missing and decision is not _REMOVE:
                out[sub[-1]] = decision
        return out
    if isinstance(node, list):
        items = []
        indexes = []
        for i, value in enumerate(node):
            sub = (*path, i)
            decision = decisions.get(sub)
            if decision is _REMOVE:
                continue
            indexes.append(i)
            items.append(decision if sub in decisions else _rebuild(value, sub, decisions, kept))
        if len(indexes) < len(node):
            kept[path] = tuple(indexes)
        return items
    return node


def _stub(annotation: Any, metadata: Iterable[Any] = ()) -> Any:
    """A valid stand-in for a required value of this type, or _REMOVE when cjm cannot make one."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _stub(inner, [*metadata, *extra])
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin is list:
        if any(isinstance(m, MinLen) and m.min_length > 0 for m in metadata):
            item = _stub(typing.get_args(annotation)[0])
            return _REMOVE if item is _REMOVE else [item]
        return []
    if origin is dict:
        return {}
    if origin in (typing.Union, types.UnionType):
        return _stub(next(a for a in typing.get_args(annotation) if a is not type(None)))
    if annotation is str:
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        return _STUB_ID if pattern == SLUG_PATTERN else "-"
    if annotation in (int, float):
        return annotation(0)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out = {}
        for name, info in annotation.model_fields.items():
            if info.is_required():
                value = _stub(info.annotation, info.metadata)
                if value is _REMOVE:
                    return _REMOVE
                out[name] = value
        return out
    return _REMOVE


@dataclass(frozen=True)
class SalvagedCatalog:
    """A catalog made of the entries that validated, so one broken entry does not hide the others.

    ``kept`` maps each list (``("touchpoints",)``) to the file indexes of the entries it kept;
    ``waiting`` lists the readable ids of the entries that did not validate (``(list, index, id)``):
    their ids are still known to journeys, so a reference to one waits for the entry's own error
    instead of being called unknown.
    """

    catalog: Catalog
    kept: Mapping[Path, tuple[int, ...]]
    waiting: tuple[tuple[str, int, str], ...] = ()


# every list of a catalog: a list added to the model is salvaged entry by entry without a second edit here
_CATALOG_LISTS = tuple(name for name, f in Catalog.model_fields.items() if typing.get_origin(f.annotation) is list)


def salvage_catalog(data: Mapping[str, Any]) -> SalvagedCatalog:
    """The catalog of the entries of ``data`` that validate one by one; other keys and broken entries left out."""
    values: dict[str, list[Any]] = {}
    kept: dict[Path, tuple[int, ...]] = {}
    waiting: list[tuple[str, int, str]] = []
    for key in _CATALOG_LISTS:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        adapter = _item_adapter(key)
        good: list[Any] = []
        indexes: list[int] = []
        for index, item in enumerate(items):
            try:
                good.append(adapter.validate_python(item))
            except ValidationError:
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str) and _SLUG.fullmatch(ident):
                    waiting.append((key, index, ident))
                continue
            indexes.append(index)
        values[key] = good
        kept[(key,)] = tuple(indexes)
    catalog = Catalog.model_construct(None, cjm=1, kind="catalog", **values)
    return SalvagedCatalog(catalog, kept, tuple(waiting))


def _item_adapter(key: str) -> TypeAdapter[Any]:
    """A validator of one entry of the catalog list ``key``."""
    (item_type,) = typing.get_args(Catalog.model_fields[key].annotation)
    return TypeAdapter(item_type)
