"""Match two versions of a journey by identity and list what changed, as Change values.

Entities are matched by id at every level, never by list position. An entity
whose id vanished while another appeared with the same content (or, failing
that, the same unique name) is the same entity under a new id, and every
reference to the old id is read as the new one, so references that follow an
id change are not reported again. Pain points and opportunities without an id
are matched by text within their parent.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from cjm.diff.change import Change
from cjm.entities import REFERENCE_FIELDS, walk
from cjm.model import Journey

NAME_FIELD = {
    "journey": "title", "persona": "name", "stage": "name", "action": "name", "touchpoint": "name",
    "backstage": "name", "metric": "name", "pain_point": "text", "opportunity": "text",
}  # fmt: skip
_NESTED = {
    "journey": {"cjm", "scope", "personas", "stages", "touchpoints", "backstage", "metrics"},
    "stage": {"actions", "pain_points", "opportunities"},
    "action": {"pain_points", "opportunities"},
}
_REFS = REFERENCE_FIELDS  # (entity, field) -> the entity kind whose ids they hold
_RANK = {op: i for i, op in enumerate(("renamed", "moved", "removed", "added", "changed", "reordered"))}
_SIMILAR = 0.6  # difflib ratio above which an edited id-less pain point is the same one


@dataclass(frozen=True)
class _Item:
    """One entity of one version, with where it stands."""

    entity: str
    id: str | None
    parent: tuple[str, str] | None  # (kind, id) of the stage or action that holds it
    index: int
    pos: tuple[int, ...]
    model: BaseModel

    def value(self) -> dict[str, Any]:
        return self.model.model_dump(mode="json", exclude_none=True)


_SECTION_ORDER = {"personas": 2, "stages": 3, "touchpoints": 4, "backstage": 5, "metrics": 6,
                  "pain_points": 0, "opportunities": 1, "actions": 2}  # fmt: skip


def _flatten(journey: Journey) -> dict[str, list[_Item]]:
    """Every entity of the journey by kind, in file order, with a position that sorts changes by place."""
    out: dict[str, list[_Item]] = defaultdict(list)
    for e in walk(journey):
        pos = tuple(part if isinstance(part, int) else _SECTION_ORDER[part] for part in e.path)
        out[e.kind].append(_Item(e.kind, e.id, e.parent, e.index, pos, e.model))
    return out


def own_value(entity: str, model: BaseModel) -> dict[str, Any]:
    """The entity's own fields as JSON values: no id, no nested lists, no empty values."""
    skip = _NESTED.get(entity, set()) | {"id"}
    data = model.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if k not in skip and v not in ([], {})}


class _Matcher:
    """Holds both versions and the old -> new id maps built so far."""

    def __init__(self, old: Journey, new: Journey) -> None:
        self.old, self.new = old, new
        self.olds, self.news = _flatten(old), _flatten(new)
        self.ids: dict[str, dict[str, str]] = defaultdict(dict)  # kind -> old id -> new id
        self.stage_rank = {s.id: i for i, s in enumerate(new.stages)}
        self.found: list[tuple[tuple[Any, ...], Change]] = []

    # -- translation of old ids into the new version's terms --------------------------------
    def tr(self, kind: str, ident: str) -> str:
        return self.ids[kind].get(ident, ident)

    def parent(self, item: _Item, old: bool) -> tuple[str, str] | None:
        if item.parent is None or not old:
            return item.parent
        return (item.parent[0], self.tr(item.parent[0], item.parent[1]))

    def fields(self, entity: str, data: dict[str, Any], old: bool) -> dict[str, Any]:
        """``data`` with references translated when it comes from the old version."""
        out = dict(data)
        for (owner, name), kind in _REFS.items():
            if owner != entity or name not in out or not old:
                continue
            value = out[name]
            out[name] = [self.tr(kind, v) for v in value] if isinstance(value, list) else self.tr(kind, value)
        return out

    def content(self, item: _Item, old: bool) -> str:
        data = self.fields(item.entity, own_value(item.entity, item.model), old)
        return json.dumps(data, sort_keys=True)

    # -- recording ---------------------------------------------------------------------------
    def add(self, change: Change, pos: tuple[int, ...]) -> None:
        self.found.append(((pos, _RANK[change.op], change.field or ""), change))

    def old_pos(self, item: _Item) -> tuple[int, ...]:
        """An old item's position, with its stage index moved to where that stage now stands."""
        if item.pos[0] != 3:
            return item.pos
        stage_id = self.tr("stage", self.old.stages[item.pos[1]].id)
        return (3, self.stage_rank.get(stage_id, item.pos[1]), *item.pos[2:])

    @staticmethod
    def reported_id(item: _Item, parent: tuple[str, str] | None) -> str:
        if item.id is not None:
            return item.id
        return f"{parent[1] if parent else ''}#{item.index + 1}"

    # -- matching ----------------------------------------------------------------------------
    def match_ids(self, kind: str) -> list[tuple[_Item, _Item]]:
        """Pairs of the same entity: same id, else same content, else same unique name."""
        olds = {i.id: i for i in self.olds[kind] if i.id is not None}
        news = {i.id: i for i in self.news[kind] if i.id is not None}
        pairs = {k: (olds[k], news[k]) for k in olds if k in news}
        gone = [olds[k] for k in olds if k not in news]
        fresh = [news[k] for k in news if k not in olds]
        name = NAME_FIELD[kind]
        keys: tuple[Callable[[_Item, bool], str | None], ...] = (
            self.content,
            lambda item, _old: getattr(item.model, name, None),
        )
        for key in keys:
            found, gone, fresh = _pair_unique(gone, fresh, key)
            pairs.update((o.id or "", (o, n)) for o, n in found)
        for old_item, new_item in pairs.values():
            self.ids[kind][old_item.id or ""] = new_item.id or ""
        return sorted(pairs.values(), key=lambda p: p[1].pos)

    def match_by_text(self, kind: str, matched: Iterable[tuple[_Item, _Item]]) -> list[tuple[_Item, _Item]]:
        """Pairs among the items left: same text in the same parent, then similar text, then same text anywhere."""
        taken_old = {id(o) for o, _ in matched}
        taken_new = {id(n) for _, n in matched}
        gone = [i for i in self.olds[kind] if id(i) not in taken_old]
        fresh = [i for i in self.news[kind] if id(i) not in taken_new]
        pairs: list[tuple[_Item, _Item]] = []
        for similar in (False, True):
            for o in list(gone):
                home = [n for n in fresh if n.parent == self.parent(o, True)]
                best = _closest(o, home, similar)
                if best is not None:
                    pairs.append((o, best))
                    gone.remove(o)
                    fresh.remove(best)
        found, _, _ = _pair_unique(gone, fresh, lambda item, _old: item.model.text)  # type: ignore[attr-defined]
        return pairs + found

    def compare(self, kind: str, o: _Item, n: _Item) -> None:
        """Record how one matched entity changed: id, name, place, then every other field."""
        parent = self.parent(n, False)
        ident = self.reported_id(n, parent)
        holder = parent[1] if parent else None
        if o.id != n.id:
            self.add(Change("renamed", kind, ident, holder, "id", o.id, n.id), n.pos)
        name = NAME_FIELD[kind]
        before, after = self.fields(kind, o.value(), True), self.fields(kind, n.value(), False)
        if before.get(name) != after.get(name):
            self.add(Change("renamed", kind, ident, holder, name, before.get(name), after.get(name)), n.pos)
        old_parent = self.parent(o, True)
        if old_parent != parent and old_parent is not None:
            self.add(Change("moved", kind, ident, holder, None, old_parent[1], holder), n.pos)
        self.compare_fields(kind, ident, holder, before, after, n.pos)

    def compare_fields(
        self,
        kind: str,
        ident: str,
        holder: str | None,
        before: dict[str, Any],
        after: dict[str, Any],
        pos: tuple[int, ...],
    ) -> None:
        skip = _NESTED.get(kind, set()) | {"id", NAME_FIELD.get(kind, "")}
        for name in sorted((before.keys() | after.keys()) - skip):
            a, b = before.get(name), after.get(name)
            if (kind, name) in _REFS and isinstance(a, list) and isinstance(b, list):
                if sorted(a) == sorted(b):
                    continue
            elif a == b or (a in ([], {}) and b is None) or (b in ([], {}) and a is None):
                continue
            self.add(Change("changed", kind, ident, holder, name, a, b), pos)

    def report_unmatched(self, kind: str, pairs: list[tuple[_Item, _Item]]) -> None:
        taken_old = {id(o) for o, _ in pairs}
        taken_new = {id(n) for _, n in pairs}
        for o in self.olds[kind]:
            if id(o) not in taken_old:
                parent = self.parent(o, True)
                value = self.fields(kind, own_value(kind, o.model), True)
                change = Change(
                    "removed", kind, self.reported_id(o, parent), parent[1] if parent else None, None, value
                )
                self.add(change, self.old_pos(o))
        for n in self.news[kind]:
            if id(n) not in taken_new:
                value = own_value(kind, n.model)
                holder = n.parent[1] if n.parent else None
                self.add(Change("added", kind, self.reported_id(n, n.parent), holder, None, None, value), n.pos)

    def reorders(self) -> None:
        """One change per list whose shared members changed their relative order (stages, actions)."""
        new_stages = [s.id for s in self.new.stages]
        old_stages = [self.tr("stage", s.id) for s in self.old.stages]
        _reordered(self, "journey", self.new.id, "stages", old_stages, new_stages, (0, 1))
        old_by_stage = {self.tr("stage", s.id): s for s in self.old.stages}
        for rank, stage in enumerate(self.new.stages):
            before = old_by_stage.get(stage.id)
            if before is not None:
                old_actions = [self.tr("action", a.id) for a in before.actions]
                news = [a.id for a in stage.actions]
                _reordered(self, "stage", stage.id, "actions", old_actions, news, (3, rank))


def _reordered(
    m: _Matcher, entity: str, ident: str, field: str, old: list[str], new: list[str], pos: tuple[int, ...]
) -> None:
    common = set(old) & set(new)
    before, after = [i for i in old if i in common], [i for i in new if i in common]
    if before != after:
        m.add(Change("reordered", entity, ident, None, field, before, after), pos)


def _pair_unique(
    gone: list[_Item], fresh: list[_Item], key: Callable[[_Item, bool], str | None]
) -> tuple[list[tuple[_Item, _Item]], list[_Item], list[_Item]]:
    """Pair items whose key occurs exactly once on each side; also return what is still unpaired."""
    old_keys: dict[str, list[_Item]] = defaultdict(list)
    new_keys: dict[str, list[_Item]] = defaultdict(list)
    for o in gone:
        if (k := key(o, True)) is not None:
            old_keys[k].append(o)
    for n in fresh:
        if (k := key(n, False)) is not None:
            new_keys[k].append(n)
    found = [
        (olds[0], new_keys[k][0]) for k, olds in old_keys.items() if len(olds) == 1 and len(new_keys.get(k, [])) == 1
    ]
    paired = {id(item) for pair in found for item in pair}
    return found, [o for o in gone if id(o) not in paired], [n for n in fresh if id(n) not in paired]


def _closest(item: _Item, candidates: list[_Item], similar: bool) -> _Item | None:
    text = item.model.text  # type: ignore[attr-defined]
    if not similar:
        return next((c for c in candidates if c.model.text == text), None)  # type: ignore[attr-defined]
    scored = [(similarity(text, c.model.text), -c.index, c) for c in candidates]  # type: ignore[attr-defined]
    best = max(scored, default=None, key=lambda s: (s[0], s[1]))
    return best[2] if best is not None and best[0] >= _SIMILAR else None


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1, the same whichever comes first."""
    return max(difflib.SequenceMatcher(None, a, b).ratio(), difflib.SequenceMatcher(None, b, a).ratio())


# Referenced kinds first, so references inside later kinds are read in new terms.
_ORDER = ("persona", "touchpoint", "backstage", "stage", "pain_point", "action", "opportunity", "metric")


def match(old: Journey, new: Journey) -> list[Change]:
    """Every change from ``old`` to ``new``, in journey order, all with neutral impact."""
    m = _Matcher(old, new)
    if old.id != new.id:
        m.add(Change("renamed", "journey", new.id, None, "id", old.id, new.id), (0,))
    if old.title != new.title:
        m.add(Change("renamed", "journey", new.id, None, "title", old.title, new.title), (0,))
    m.compare_fields("journey", new.id, None, old.model_dump(mode="json", exclude_none=True),
                     new.model_dump(mode="json", exclude_none=True), (0,))  # fmt: skip
    paired: dict[str, list[tuple[_Item, _Item]]] = {}
    for kind in _ORDER:
        paired[kind] = m.match_ids(kind)
    for kind in ("pain_point", "opportunity"):  # after actions, whose new ids their parents may carry
        paired[kind] += m.match_by_text(kind, paired[kind])
    old_scope = m.fields("scope", old.scope.model_dump(mode="json", exclude_none=True), True)
    m.compare_fields("scope", new.id, None, old_scope, new.scope.model_dump(mode="json", exclude_none=True), (1,))
    for kind in _ORDER:
        for o, n in paired[kind]:
            m.compare(kind, o, n)
        m.report_unmatched(kind, paired[kind])
    m.reorders()
    return [change for _, change in sorted(m.found, key=lambda f: f[0])]
