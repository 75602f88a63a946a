"""The panels around the map: highlights, metrics (target vs current, coloured by gap), who is involved where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from cjm.model import SEVERITY_RANK, Journey, Metric, metric_range
from cjm.render.curve import signed
from cjm.render.i18n import N_, _, ngettext, number

KIND_LABELS = {"nps": N_("NPS"), "ces": N_("CES"), "csat": N_("CSAT"), "custom": N_("Custom")}
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
    return f"{number(value)}{unit}"


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
        return "unknown", _("Not measured"), ""
    if target is None:
        return "unknown", _("No target"), ""
    diff = current - target
    sign = "+" if diff > 0 else "−" if diff < 0 else "±"
    gap = _("%(gap)s vs target") % {"gap": f"{sign}{_number(abs(diff), '')}"}
    near = ("near", _("Close to target"), gap)
    if metric.kind == "custom":  # a custom metric does not say which direction is better
        if diff == 0:
            return "met", _("On target"), gap
        return near if abs(diff) <= NEAR * span else ("off", _("Off target"), gap)
    better = -diff if metric.kind == "ces" else diff  # lower effort is better
    if better >= 0:
        return "met", _("Target met"), gap
    return near if -better <= NEAR * span else ("off", _("Far from target"), gap)


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
        notes.append(_("computed from survey responses"))
    if metric.measured:
        notes.append(_("measured %(date)s") % {"date": metric.measured.isoformat()})
    if metric.kind == "ces":
        notes.append(_("lower is better"))
    return MetricView(
        dom_id=f"{journey.id}--metric-{metric.id}",
        name=metric.name or metric.id,
        kind=_(KIND_LABELS[metric.kind]),
        stage=stages.get(metric.stage, metric.stage) if metric.stage else _("Whole journey"),
        current=_number(current, unit) if current is not None else "—",
        target=_number(metric.target, unit) if metric.target is not None else "—",
        status=status,
        status_label=label,
        gap=gap,
        current_pct=pct(current),
        target_pct=pct(metric.target),
        scale=_("%(low)s to %(high)s") % {"low": _number(low, ""), "high": _number(high, "")},
        note=" · ".join(notes),
    )


def build_highlights(journey: Journey) -> tuple[tuple[str, str], ...]:
    """The few facts a presenter opens with: the low and high points, the worst pains, the quick wins."""
    scored = [(a.emotion, i, a) for i, (_, a) in enumerate(journey.actions()) if a.emotion is not None]
    out = []
    if scored:
        low, high = min(scored, key=lambda t: (t[0], t[1])), max(scored, key=lambda t: (t[0], -t[1]))
        out.append((_("Lowest moment"), f"{low[2].name} ({signed(low[0])})"))
        out.append((_("Best moment"), f"{high[2].name} ({signed(high[0])})"))
    pains = [p for s in journey.stages for p in s.pain_points] + [
        p for _, a in journey.actions() for p in a.pain_points
    ]
    severe = sum(1 for p in pains if SEVERITY_RANK[p.severity] >= SEVERITY_RANK["high"])
    out.append(
        (
            _("Pain points"),
            ngettext(
                "%(count)s, of which %(severe)s high or critical",
                "%(count)s, of which %(severe)s high or critical",
                severe,
            )
            % {"count": len(pains), "severe": severe},
        )
    )
    opps = [o for s in journey.stages for o in s.opportunities] + [
        o for _, a in journey.actions() for o in a.opportunities
    ]
    quick = sum(1 for o in opps if o.impact == "high" and o.effort == "low")
    quick_wins = ngettext("%(count)s, of which %(quick)s quick win", "%(count)s, of which %(quick)s quick wins", quick)
    out.append((_("Opportunities"), quick_wins % {"count": len(opps), "quick": quick}))
    assumed = sum(1 for _, a in journey.actions() if a.evidence == "assumed") + sum(
        1 for p in pains if p.evidence == "assumed"
    )
    if assumed:
        left = ngettext("%(count)s item to verify", "%(count)s items to verify", assumed) % {"count": assumed}
        out.append((_("Still assumed"), left))
    return tuple(out)


def build_metrics(journey: Journey, measured: Mapping[str, str] | None = None) -> tuple[MetricView, ...]:
    """The metric cards in file order; ``measured`` (metric id -> words) adds what an evidence report measured."""
    return tuple(replace(_metric(journey, m), measured=(measured or {}).get(m.id, "")) for m in journey.metrics)


def build_matrix(journey: Journey) -> MatrixView:
    """Touchpoints (rows, in file order) against the departments involved (columns, in first-use order)."""
    departments: list[str] = []  # as the map shows them (a catalog's display name)
    for tp in journey.touchpoints:
        departments.extend(d for d in map(journey.department_name, tp.departments) if d not in departments)
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
            ", ".join(used.get(tp.id, [])) or _("not used by any action"),
            tuple(d in {journey.department_name(x) for x in tp.departments} for d in departments),
        )
        for tp in journey.touchpoints
    )
    return MatrixView(tuple(departments), rows)
