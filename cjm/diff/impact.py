"""Impact: whether each change is positive, negative or neutral for the customer.

The rules (documented in docs/diff.md) look only at what the customer lives
through: emotion, pain, effort (duration), the touchpoints offered to them,
and measured experience. Structure (moves, renames, reorders, new ids),
internal detail (backstage, owners, evidence) and ideas not yet shipped
(opportunities) are neutral.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from cjm.diff.change import Change
from cjm.model import SEVERITY_RANK, Journey, Metric, duration_seconds

POSITIVE, NEGATIVE, NEUTRAL = "positive", "negative", "neutral"
# Metric kinds whose value is better when higher, used when a metric has no target.
HIGHER_IS_BETTER = frozenset({"nps", "csat"})


def _sign(delta: float, better_when_higher: bool = True) -> str:
    if delta == 0:
        return NEUTRAL
    return POSITIVE if (delta > 0) == better_when_higher else NEGATIVE


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _emotion_of(value: Any) -> float | None:
    return _number(value.get("emotion")) if isinstance(value, dict) else None


def _action_presence(change: Change) -> str:
    """An added step the customer enjoys is positive, a painful one negative; removal is the mirror."""
    if change.op == "added":
        emotion = _emotion_of(change.new)
        return _sign(emotion) if emotion is not None else NEUTRAL
    emotion = _emotion_of(change.old)
    return _sign(-emotion) if emotion is not None else NEUTRAL


def _severity(change: Change) -> str:
    old, new = SEVERITY_RANK.get(str(change.old)), SEVERITY_RANK.get(str(change.new))
    return _sign(new - old, better_when_higher=False) if old is not None and new is not None else NEUTRAL


def _emotion(change: Change) -> str:
    old, new = _number(change.old), _number(change.new)
    return _sign(new - old) if old is not None and new is not None else NEUTRAL


def _duration(change: Change) -> str:
    old = duration_seconds(change.old) if isinstance(change.old, str) else None
    new = duration_seconds(change.new) if isinstance(change.new, str) else None
    return _sign(new - old, better_when_higher=False) if old is not None and new is not None else NEUTRAL


def _touchpoints(change: Change) -> str:
    """Losing a touchpoint leaves the customer fewer ways to act: negative; only gaining one is positive."""
    old, new = set(change.old or ()), set(change.new or ())
    if old - new:
        return NEGATIVE if not new - old else NEUTRAL
    return POSITIVE if new - old else NEUTRAL


def metric_impact(old: Metric | None, new: Metric | None) -> str:
    """A metric value closer to (or past) its target is positive; without a target NPS and CSAT up is positive."""
    if old is None or new is None:
        return NEUTRAL
    before, after = old.value, new.value
    if before is None or after is None or before == after:
        return NEUTRAL
    target = new.target if new.target is not None else old.target
    if target is not None and target != before:
        return _sign(after - before, better_when_higher=target > before)
    if target is not None:  # it sat on its target and moved off it
        return NEGATIVE
    return _sign(after - before) if new.kind in HIGHER_IS_BETTER else NEUTRAL


FieldRule = Callable[[Change], str]
# (entity, field) -> rule for a ``changed`` change; anything not listed is neutral.
FIELD_RULES: Mapping[tuple[str, str], FieldRule] = {
    ("action", "emotion"): _emotion,
    ("action", "duration"): _duration,
    ("action", "touchpoints"): _touchpoints,
    ("pain_point", "severity"): _severity,
}


def classify(change: Change, old: Journey, new: Journey, old_ids: Mapping[str, str] | None = None) -> str:
    """The impact of one change for the customer; ``old_ids`` maps a metric's new id to its old one."""
    if change.entity == "pain_point" and change.op in ("added", "removed"):
        return NEGATIVE if change.op == "added" else POSITIVE
    if change.entity == "action" and change.op in ("added", "removed"):
        return _action_presence(change)
    if change.entity == "metric" and change.op == "changed" and change.field in ("current", "responses"):
        before = {m.id: m for m in old.metrics}
        after = {m.id: m for m in new.metrics}
        return metric_impact(before.get((old_ids or {}).get(change.id, change.id)), after.get(change.id))
    if change.op == "changed" and change.field is not None:
        rule = FIELD_RULES.get((change.entity, change.field))
        return rule(change) if rule else NEUTRAL
    return NEUTRAL


def with_impacts(changes: list[Change], old: Journey, new: Journey) -> list[Change]:
    """The changes with their impact set; a metric's value and its raw counts are judged once, on one change."""
    out: list[Change] = []
    judged: set[str] = set()
    old_ids = {c.id: str(c.old) for c in changes if c.entity == "metric" and c.op == "renamed" and c.field == "id"}
    for change in changes:
        impact = classify(change, old, new, old_ids)
        if change.entity == "metric" and change.field in ("current", "responses"):
            if change.id in judged:
                impact = NEUTRAL
            judged.add(change.id)
        out.append(dataclasses.replace(change, impact=impact))
    return out
