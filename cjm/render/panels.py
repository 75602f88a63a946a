"""The panels around the map: highlights, metrics (target vs current, coloured by gap), who is involved where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from cjm.model import SEVERITY_RANK, Journey, Metric, metric_range
from cjm.render.curve import signed

KIND_LABELS = {"nps": "NPS", "ces": "CES", "csat": "CSAT", "custom": "Custom"}
NEAR = 0.1  # within a tenth of the scale from the target counts as "close"


@dataclass(frozen=True)
class MetricView:
    """One metric card: values, a bar on the metric's scale, and a status colour."""

    dom_id: str
    name: str
    kind: str
    stage: str
    current: str
    target: str
    status: str
    status_label: str
    gap: str
    current_pct: float | None
    target_pct: float | None
    scale: str
    note: str
    measured: str = ""  # what `cjm evidence` measured from survey answers (render --evidence)


@dataclass(frozen=True)
class MatrixRow:
    """One touchpoint and the departments involved in it."""

    name: str
    channel: str
    icon: str
    stages: str
    cells: tuple[bool, ...]


@dataclass(frozen=True)
class MatrixView:
    """Department x touchpoint: who is involved where."""

    departments: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


def _number(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _unit(metric: Metric) -> str:
    if metric.kind == "csat":
        return " / 5" if metric.unit == "score" else "%"
    if metric.kind == "ces":
        return " / 7"
    return f" {metric.unit}" if metric.unit else ""


def _scale(metric: Metric, current: float | None) -> tuple[float, float]:
    bounds = metric_range(metric.kind, metric.unit)
    if bounds:
        return bounds
    values = [v for v in (current, metric.target) if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    return low, high + (high - low) * 0.25 or 1.0


def _status(metric: Metric, current: float | None, span: float) -> tuple[str, str, str]:
    """(css status, label, gap text) from the gap between current and target."""
    target = metric.target
    if current is None:
        return "unknown", "Not measured", ""
    if target is None:
        return "unknown", "No target", ""
    diff = current - target
    gap = f"{'+' if diff > 0 else '−' if diff < 0 else '±'}{_number(abs(diff), '')} vs target"
    if metric.kind == "custom":  # a custom metric does not say which direction is better
        if diff == 0:
            return "met", "On target", gap
        return ("near", "Close to target", gap) if abs(diff) <= NEAR * span else ("off", "Off target", gap)
    better = -diff if metric.kind == "ces" else diff  # lower effort is better
    if better >= 0:
        return "met", "Target met", gap
    return ("near", "Close to target", gap) if -better <= NEAR * span else ("off", "Far from target", gap)


def _metric(journey: Journey, metric: Metric) -> MetricView:
    stages = {s.id: s.name for s in journey.stages}
    current = metric.value
    low, high = _scale(metric, current)
    span = high - low or 1.0
    status, label, gap = _status(metric, current, span)
    unit = _unit(metric)

    def pct(value: float | None) -> float | None:
        return None if value is None else round(max(0.0, min(100.0, 100 * (value - low) / span)), 2)

    notes = []
    if metric.current is None and current is not None:
        notes.append("computed from survey responses")
    if metric.measured:
        notes.append(f"measured {metric.measured.isoformat()}")
    if metric.kind == "ces":
        notes.append("lower is better")
    return MetricView(
        dom_id=f"{journey.id}--metric-{metric.id}",
        name=metric.name or metric.id,
        kind=KIND_LABELS[metric.kind],
        stage=stages.get(metric.stage, metric.stage) if metric.stage else "Whole journey",
        current=_number(current, unit) if current is not None else "—",
        target=_number(metric.target, unit) if metric.target is not None else "—",
        status=status,
        status_label=label,
        gap=gap,
        current_pct=pct(current),
        target_pct=pct(metric.target),
        scale=f"{_number(low, '')} to {_number(high, '')}",
        note=" · ".join(notes),
    )


def build_highlights(journey: Journey) -> tuple[tuple[str, str], ...]:
    """The few facts a presenter opens with: the low and high points, the worst pains, the quick wins."""
    scored = [(a.emotion, i, a) for i, (_, a) in enumerate(journey.actions()) if a.emotion is not None]
    out = []
    if scored:
        low, high = min(scored, key=lambda t: (t[0], t[1])), max(scored, key=lambda t: (t[0], -t[1]))
        out.append(("Lowest moment", f"{low[2].name} ({signed(low[0])})"))
        out.append(("Best moment", f"{high[2].name} ({signed(high[0])})"))
    pains = [p for s in journey.stages for p in s.pain_points] + [
        p for _, a in journey.actions() for p in a.pain_points
    ]
    severe = sum(1 for p in pains if SEVERITY_RANK[p.severity] >= SEVERITY_RANK["high"])
    out.append(("Pain points", f"{len(pains)}, of which {severe} high or critical"))
    opps = [o for s in journey.stages for o in s.opportunities] + [
        o for _, a in journey.actions() for o in a.opportunities
    ]
    quick = sum(1 for o in opps if o.impact == "high" and o.effort == "low")
    out.append(("Opportunities", f"{len(opps)}, of which {quick} quick wins"))
    assumed = sum(1 for _, a in journey.actions() if a.evidence == "assumed") + sum(
        1 for p in pains if p.evidence == "assumed"
    )
    if assumed:
        out.append(("Still assumed", f"{assumed} item{'s' if assumed != 1 else ''} to verify"))
    return tuple(out)


def build_metrics(journey: Journey, measured: Mapping[str, str] | None = None) -> tuple[MetricView, ...]:
    """The metric cards in file order; ``measured`` (metric id -> words) adds what an evidence report measured."""
    return tuple(replace(_metric(journey, m), measured=(measured or {}).get(m.id, "")) for m in journey.metrics)


def build_matrix(journey: Journey) -> MatrixView:
    """Touchpoints (rows, in file order) against the departments involved (columns, in first-use order)."""
    departments: list[str] = []
    for tp in journey.touchpoints:
        departments.extend(d for d in tp.departments if d not in departments)
    used: dict[str, list[str]] = {}
    for stage, action in journey.actions():
        for ref in action.touchpoints:
            names = used.setdefault(ref, [])
            if stage.name not in names:
                names.append(stage.name)
    rows = tuple(
        MatrixRow(
            tp.name,
            tp.channel,
            f"{journey.id}-ch-{tp.channel}",
            ", ".join(used.get(tp.id, [])) or "not used by any action",
            tuple(d in tp.departments for d in departments),
        )
        for tp in journey.touchpoints
    )
    return MatrixView(tuple(departments), rows)
