"""The before/after emotion curve of a pull-request comment: one row per action, gaps shown as gaps.

A Mermaid ``xychart`` cannot leave a gap (every series needs a number at every
point), so an added or removed action would be drawn with an invented value,
and its axis labels overlap past a dozen actions. A table has neither
problem: one row per action in journey order, the emotion before and after as
a number and a bar, "not in this version" where the action does not exist,
and an action whose id changed is one row, matched through the diff's rename.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cjm.model import Journey

_BARS = {-2: "▁", -1: "▂", 0: "▃", 1: "▅", 2: "▇"}
ABSENT, UNRECORDED = "not in this version", "not recorded"


@dataclass(frozen=True)
class Point:
    """One action on the curve; ``before``/``after`` are None where that version lacks the action or its emotion."""

    action: str  # the action's id in the new version (its old id when removed)
    name: str
    before: int | None
    after: int | None
    in_old: bool = True
    in_new: bool = True


def curve(old: Journey, new: Journey, renamed: Mapping[str, str] | None = None) -> list[Point]:
    """The actions of both versions in journey order; a removed action stands after its old predecessor.

    ``renamed`` maps an old action id to its new id (the diff's id renames), so a renamed action is one point.
    """
    renamed = renamed or {}
    old_actions = {renamed.get(a.id, a.id): a for _, a in old.actions()}
    new_actions = {a.id: a for _, a in new.actions()}
    order = list(new_actions)
    previous: str | None = None
    for key in old_actions:
        if key not in new_actions:
            order.insert(order.index(previous) + 1 if previous in order else 0, key)
        previous = key
    points = []
    for key in order:
        before, after = old_actions.get(key), new_actions.get(key)
        name = (after or before).name  # type: ignore[union-attr]
        points.append(
            Point(
                key, name, before.emotion if before else None, after.emotion if after else None,
                before is not None, after is not None,
            )
        )  # fmt: skip
    return points


def changed(points: list[Point]) -> bool:
    """True when the two curves differ anywhere."""
    return any(p.before != p.after or p.in_old != p.in_new for p in points)


def _cell(emotion: int | None, present: bool) -> str:
    if not present:
        return f"_{ABSENT}_"
    if emotion is None:
        return f"_{UNRECORDED}_"
    return f"{emotion:+d} {_BARS[emotion]}" if emotion else f"0 {_BARS[0]}"


def _change(point: Point) -> str:
    if not point.in_old:
        return "added"
    if not point.in_new:
        return "removed"
    if point.before is None or point.after is None or point.before == point.after:
        return "" if point.before == point.after else "recorded" if point.before is None else "no longer recorded"
    delta = point.after - point.before
    return f"{'▲' if delta > 0 else '▼'} {delta:+d}"


def table(points: list[Point], name: Callable[[str], str]) -> str:
    """The curve as a Markdown table; ``name`` escapes an action name for Markdown."""
    rows = ["| # | Action | Before | After | Change |", "|---:|---|---|---|---|"]
    for number, point in enumerate(points, start=1):
        rows.append(
            f"| {number} | {name(point.name)} | {_cell(point.before, point.in_old)} | "
            f"{_cell(point.after, point.in_new)} | {_change(point)} |"
        )
    return "\n".join(rows)
