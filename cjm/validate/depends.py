"""Which findings a broken part of a file can cause, so a run reports only the independent ones.

A file with errors is still linted, on the parts that validated (see
``cjm.validate.salvage``). A *broken path* is where an error stands: a
schema error's value or key, an unknown reference, a repeated key. A lint
finding is kept only when nothing broken could have caused it:

* it is not at or inside a broken part, and no broken part lies inside the
  item it is about (an action, a touchpoint, a pain point: the nearest list
  item of its path), nor is the id of an item that holds it broken (a pain
  point's finding names the action it sits in);
* the rule does not read, across the journey, anything broken: the table
  below names, per rule, the parts of other items it reads. A rule not in
  the table looks only at the item its finding is about. A new rule that
  reads other items than the one it reports on belongs in the table.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cjm.validate.yaml_reader import Path

_ANY = -1  # matches any list index in a pattern


@dataclass(frozen=True)
class Reads:
    """What a rule reads beyond the item it reports on, as path patterns (``_ANY`` for any index).

    ``values`` are read whole: broken anywhere at, above or inside them
    matters. ``items`` are only counted or ordered: only their removal (or a
    broken container) matters.
    """

    why: str
    values: tuple[Path, ...] = ()
    items: tuple[Path, ...] = ()


_ACTIONS: Path = ("stages", _ANY, "actions", _ANY)

READS_ACROSS: Mapping[str, Reads] = {
    "CJM100": Reads("an ignore comment is unused only if no finding it silences was held back", values=((),)),
    "CJM101": Reads("it counts every action of every stage", items=(_ACTIONS,)),
    "CJM105": Reads(
        "a definition is unused only if no action (or the scope) refers to it",
        values=(("scope", "persona"), (*_ACTIONS, "touchpoints"), (*_ACTIONS, "backstage")),
    ),
    "CJM109": Reads(
        "it compares each action's emotion with the previous action's, across stages",
        values=((*_ACTIONS, "emotion"), (*_ACTIONS, "pain_points"), (*_ACTIONS, "id")),
        items=(_ACTIONS,),
    ),
    "CJM110": Reads(
        "any opportunity of the journey may address the pain point",
        values=(("stages", _ANY, "opportunities"), (*_ACTIONS, "opportunities")),
    ),
    "CJM111": Reads("any metric may be the CES, NPS or CSAT one", values=(("metrics",),)),
    "CJM118": Reads(
        "any stage or action may hold the pain point",
        items=(("stages", _ANY, "pain_points", _ANY), (*_ACTIONS, "pain_points", _ANY)),
    ),
    "CJM119": Reads(
        "research, or the evidence of any action or pain point, may be what validated the journey",
        values=(
            ("scope", "research"),
            (*_ACTIONS, "evidence"),
            ("stages", _ANY, "pain_points"),
            (*_ACTIONS, "pain_points"),
        ),
    ),
}


def _matches(path: Path, pattern: Path) -> bool:
    """Whether ``path`` and ``pattern`` agree over their common length (``_ANY`` matching any index)."""
    return all(p == q or (q == _ANY and isinstance(p, int)) for p, q in zip(path, pattern, strict=False))


def rule_affected(code: str, broken: Collection[Path]) -> bool:
    """True when the rule ``code`` reads, across the journey, a part that is broken: it must not run."""
    reads = READS_ACROSS.get(code)
    if reads is None or not broken:
        return False
    for b in broken:
        if any(_matches(b, pattern) for pattern in reads.values):
            return True  # broken above, at or inside a value it reads
        if any(len(b) <= len(pattern) and _matches(b, pattern) for pattern in reads.items):
            return True  # an item it counts, or what holds it, is broken
    return False


def _item(path: Path) -> Path:
    """The item a path is about: its nearest list item, else its top-level key."""
    for n in range(len(path), 0, -1):
        if isinstance(path[n - 1], int):
            return path[:n]
    return path[:1]


def finding_affected(path: Path, broken: Collection[Path]) -> bool:
    """True when a finding at ``path`` is at, in or about a broken part."""
    item = _item(path)
    holders = [path[:n] for n in range(1, len(item)) if isinstance(path[n - 1], int)]
    for b in broken:
        if path[: len(b)] == b or b[: len(item)] == item:
            return True
        if b[-1:] == ("id",) and b[:-1] in holders:
            return True  # the id of an item that holds it: its message may name it
    return False
