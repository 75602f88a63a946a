"""From a journey map to what the analysis needs: event patterns, touchpoint stages and transition classes.

Patterns are globs with ``*`` (any text) and ``?`` (one character); every
other character is literal, so the same pattern means the same thing in
Python, in DuckDB and in a warehouse's ``LIKE``. An event matching several
touchpoints goes to the first in map order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cjm.model import EventPattern, Journey

KINDS = ("forward", "within_stage", "skip", "loop_back", "end")
CONFORMANT = ("forward", "within_stage", "end")


def glob_to_like(pattern: str) -> str:
    """A glob as a SQL LIKE pattern with ``\\`` as the escape character."""
    out = []
    for ch in pattern:
        if ch in "\\%_":
            out.append("\\" + ch)
        elif ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append(ch)
    return "".join(out)


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the glob (``*`` and ``?`` only, case-sensitive, whole text)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def pattern_matches(pattern: EventPattern, event: str, channel: str, source: str) -> bool:
    """Whether one event pattern matches an event; unset channel/source match anything."""
    return (
        glob_match(pattern.event, event)
        and (pattern.channel is None or glob_match(pattern.channel, channel))
        and (pattern.source is None or glob_match(pattern.source, source))
    )


@dataclass(frozen=True)
class MapModel:
    """The parts of a journey the analysis uses, numbered: stages and touchpoints by their map order."""

    journey: Journey

    @cached_property
    def stages(self) -> tuple[str, ...]:
        """Stage ids in map order."""
        return tuple(s.id for s in self.journey.stages)

    @cached_property
    def touchpoints(self) -> tuple[str, ...]:
        """Touchpoint ids in map order (the order that decides overlapping patterns)."""
        return tuple(t.id for t in self.journey.touchpoints)

    @cached_property
    def tp_stages(self) -> dict[int, tuple[int, ...]]:
        """For each touchpoint, the stages whose actions use it (empty when no action does)."""
        index = {tp: i for i, tp in enumerate(self.touchpoints)}
        found: dict[int, set[int]] = {i: set() for i in range(len(self.touchpoints))}
        for s, stage in enumerate(self.journey.stages):
            for action in stage.actions:
                for ref in action.touchpoints:
                    if ref in index:
                        found[index[ref]].add(s)
        return {i: tuple(sorted(v)) for i, v in found.items()}

    @cached_property
    def evidenced(self) -> tuple[bool, ...]:
        """Per touchpoint: does it declare event patterns?"""
        return tuple(bool(t.events) for t in self.journey.touchpoints)

    @cached_property
    def verifiable(self) -> tuple[bool, ...]:
        """Per stage: does any touchpoint with event patterns belong to it?"""
        flags = [False] * len(self.stages)
        for tp, stages in self.tp_stages.items():
            if self.evidenced[tp]:
                for s in stages:
                    flags[s] = True
        return tuple(flags)

    @cached_property
    def rank(self) -> dict[int, int]:
        """Verifiable stages numbered 0, 1, ...: the order transitions are classed against."""
        return {s: r for r, s in enumerate(s for s, ok in enumerate(self.verifiable) if ok)}

    def flow(self, tp: int) -> bool:
        """Whether a touchpoint's events take part in flows: it has patterns and a stage."""
        return self.evidenced[tp] and bool(self.tp_stages[tp])

    def skipped(self, from_stage: int, to_stage: int) -> list[str]:
        """The verifiable stages a skip from ``from_stage`` to ``to_stage`` jumps over."""
        return [self.stages[s] for s in range(from_stage + 1, to_stage) if self.verifiable[s]]

    def first_match(self, event: str, channel: str, source: str) -> int | None:
        """The first touchpoint in map order whose patterns match, or None."""
        matches = self.all_matches(event, channel, source)
        return matches[0] if matches else None

    def all_matches(self, event: str, channel: str, source: str) -> list[int]:
        """Every touchpoint whose patterns match, in map order."""
        return [
            i
            for i, tp in enumerate(self.journey.touchpoints)
            if any(pattern_matches(p, event, channel, source) for p in tp.events)
        ]


def pattern_rows(model: MapModel) -> list[tuple[int, str, str, str]]:
    """(touchpoint, event LIKE, channel LIKE, source LIKE) for every pattern of the map."""
    return [
        (i, glob_to_like(p.event), glob_to_like(p.channel or "*"), glob_to_like(p.source or "*"))
        for i, tp in enumerate(model.journey.touchpoints)
        for p in tp.events
    ]


def touchpoint_rows(model: MapModel) -> list[tuple[int, int | None, int, int]]:
    """(touchpoint, earliest stage or NULL, 1 when it takes part in flows, 1 when several stages share it)."""
    return [
        (i, model.tp_stages[i][0] if model.tp_stages[i] else None, int(model.flow(i)), int(len(model.tp_stages[i]) > 1))
        for i in range(len(model.touchpoints))
    ]


def tp_stage_rows(model: MapModel) -> list[tuple[int, int]]:
    """(touchpoint, stage) for every stage a flow touchpoint belongs to."""
    return [(i, s) for i, stages in model.tp_stages.items() if model.flow(i) for s in stages]


def stage_rows(model: MapModel) -> list[tuple[int, int, int | None]]:
    """(stage, verifiable 0/1, rank among verifiable stages or NULL) per stage."""
    return [(s, int(ok), model.rank.get(s)) for s, ok in enumerate(model.verifiable)]


def overlaps(model: MapModel, keys: list[tuple[str, str, str, int]]) -> list[dict[str, Any]]:
    """Observed (event, channel, source) keys that several touchpoints' patterns match, with the winner."""
    found: list[dict[str, Any]] = []
    for event, channel, source, count in keys:
        matches = model.all_matches(event, channel, source)
        if len(matches) > 1:
            found.append({
                "event": event, "channel": channel or None, "source": source or None, "events": count,
                "touchpoints": [model.touchpoints[i] for i in matches], "chosen": model.touchpoints[matches[0]],
            })  # fmt: skip
    return sorted(found, key=lambda o: (-int(o["events"]), str(o["event"])))


def explain(model: MapModel, keys: list[tuple[str, str, str, int]]) -> list[dict[str, Any]]:
    """Every observed (event, channel, source) key with the touchpoints it matches, most frequent first."""
    out: list[dict[str, Any]] = []
    for event, channel, source, count in sorted(keys, key=lambda k: (-k[3], k[0], k[1], k[2])):
        matches = [model.touchpoints[i] for i in model.all_matches(event, channel, source)]
        out.append({"event": event, "channel": channel or None, "source": source or None, "events": count,
                    "touchpoint": matches[0] if matches else None, "also": matches[1:]})  # fmt: skip
    return out
