"""The as-is vs to-be comparison of two versions: shape, emotion, pain and metrics, plus change counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cjm.diff.change import IMPACTS, Change
from cjm.model import SEVERITIES, Journey


@dataclass(frozen=True)
class MetricValue:
    """One metric as a version states it."""

    id: str
    kind: str
    name: str | None
    value: float | None
    target: float | None
    unit: str | None


@dataclass(frozen=True)
class Snapshot:
    """The figures a review compares for one version of a journey."""

    title: str
    stages: int
    actions: int
    mean_emotion: float | None
    min_emotion: int | None
    pain_points: Mapping[str, int]  # severity -> count, most severe first
    metrics: tuple[MetricValue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The snapshot as JSON values."""
        return {
            "title": self.title,
            "stages": self.stages,
            "actions": self.actions,
            "mean_emotion": self.mean_emotion,
            "min_emotion": self.min_emotion,
            "pain_points": dict(self.pain_points),
            "metrics": {
                m.id: {"kind": m.kind, "name": m.name, "value": m.value, "target": m.target} for m in self.metrics
            },
        }


def snapshot(journey: Journey) -> Snapshot:
    """Count and average what the customer lives through in ``journey``."""
    actions = [a for _, a in journey.actions()]
    emotions = [a.emotion for a in actions if a.emotion is not None]
    pains = [p for s in journey.stages for p in s.pain_points] + [p for a in actions for p in a.pain_points]
    by_severity: Counter[str] = Counter(p.severity for p in pains)
    return Snapshot(
        title=journey.title,
        stages=len(journey.stages),
        actions=len(actions),
        mean_emotion=round(sum(emotions) / len(emotions), 2) if emotions else None,
        min_emotion=min(emotions) if emotions else None,
        pain_points={s: by_severity.get(s, 0) for s in reversed(SEVERITIES)},
        metrics=tuple(MetricValue(m.id, m.kind, m.name, m.value, m.target, m.unit) for m in journey.metrics),
    )


@dataclass(frozen=True)
class Summary:
    """Before and after figures (None for a side that does not exist) and how the changes divide."""

    old: Snapshot | None
    new: Snapshot | None
    changes: int
    impacts: Mapping[str, int]
    resolved: Mapping[str, int] = field(default_factory=dict)  # pain points removed, by severity
    introduced: Mapping[str, int] = field(default_factory=dict)  # pain points added, by severity

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON values."""
        return {
            "changes": self.changes,
            "impact": dict(self.impacts),
            "pain_points_resolved": dict(self.resolved),
            "pain_points_added": dict(self.introduced),
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
        }


def _pain_by_severity(changes: list[Change], op: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for c in changes:
        value = c.new if op == "added" else c.old
        if c.entity == "pain_point" and c.op == op and isinstance(value, dict):
            counts[str(value.get("severity", "medium"))] += 1
    return {s: counts[s] for s in reversed(SEVERITIES) if counts[s]}


def summarize(changes: list[Change], old: Journey | None, new: Journey | None) -> Summary:
    """Compare the two versions the way an as-is vs to-be review would."""
    impacts = Counter(c.impact for c in changes)
    return Summary(
        old=snapshot(old) if old else None,
        new=snapshot(new) if new else None,
        changes=len(changes),
        impacts={i: impacts.get(i, 0) for i in IMPACTS},
        resolved=_pain_by_severity(changes, "removed"),
        introduced=_pain_by_severity(changes, "added"),
    )
