"""`--fail-on`: thresholds on report figures that make `cjm evidence check` a CI gate (exit 1)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from cjm.errors import ConfigError
from cjm.evidence.model import EvidenceReport

_EXPR = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip


def _touchpoints(report: EvidenceReport, status: str) -> float:
    return float(sum(1 for item in report.touchpoints if item.status == status))


def _kind_share(report: EvidenceReport, kind: str) -> float:
    total = sum(m.count or 0 for m in report.transitions)
    return sum(m.count or 0 for m in report.transitions if m.kind == kind) / total if total else 0.0


# Every figure a gate can test.
METRICS: dict[str, Callable[[EvidenceReport], float]] = {
    "fitness": lambda r: 1.0 if r.fitness is None else r.fitness,
    "conforming_journeys": lambda r: 1.0 if r.conforming_journeys is None else r.conforming_journeys,
    "never_observed": lambda r: _touchpoints(r, "never_observed"),
    "unverifiable": lambda r: _touchpoints(r, "unverifiable"),
    "unmapped_events": lambda r: float(len(r.unmapped)),
    "unmapped_share": lambda r: 1.0 - r.matched_events / r.events if r.events else 0.0,
    "skip_share": lambda r: _kind_share(r, "skip"),
    "loop_back_share": lambda r: _kind_share(r, "loop_back"),
    "warnings": lambda r: float(sum(1 for f in r.findings if f.severity == "warning")),
    "rejected_rows": lambda r: float(r.run.input.rejected_rows or 0),
    "unusable_scores": lambda r: float(sum(m.unusable for m in r.surveys.metrics)) if r.surveys else 0.0,
}


@dataclass(frozen=True)
class Gate:
    """One threshold: the check fails when ``metric op value`` holds."""

    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"


def parse_gates(texts: list[str]) -> list[Gate]:
    """Gates from ``--fail-on`` values (each may hold several, comma-separated)."""
    gates = []
    for text in texts:
        for part in (p for p in text.split(",") if p.strip()):
            match = _EXPR.match(part)
            if not match:
                raise ConfigError(f"--fail-on: '{part}' is not METRIC<OP>NUMBER (e.g. fitness<0.8, never_observed>0)")
            metric, op, value = match.groups()
            if metric not in METRICS:
                raise ConfigError(f"--fail-on: unknown metric '{metric}'; choose from: {', '.join(METRICS)}")
            gates.append(Gate(metric, op, float(value)))
    return gates


def tripped(report: EvidenceReport, gates: list[Gate]) -> list[str]:
    """A line for each gate that trips, naming the measured value."""
    out = []
    for gate in gates:
        value = METRICS[gate.metric](report)
        if _OPS[gate.op](value, gate.value):
            out.append(f"--fail-on {gate}: {gate.metric} is {value:g}")
    return out
