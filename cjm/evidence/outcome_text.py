"""The sections beyond the map in the text and Markdown reports, in plain words: outcomes, at risk, segments.

Counts and reasons only: no customer id is ever part of these lines (at_risk.csv under ``-o`` holds them).
The lines hold names from the map and values from the data: the reporters clean or escape them.
"""

from __future__ import annotations

from cjm.evidence.model import AtRisk, EvidenceReport, Outcomes, Segments

SHOWN = 5  # drivers and reasons listed
SEGMENTS_SHOWN = 10


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def outcome_sections(report: EvidenceReport) -> list[tuple[str, list[str]]]:
    """(title, lines) per section beyond the map present in the report."""
    out = []
    if report.outcomes is not None:
        out.append(("Outcomes, and what goes with them (associated with, not proof of a cause)",
                    _outcome_lines(report.outcomes)))  # fmt: skip
    if report.at_risk is not None:
        out.append(("Customers at risk", _risk_lines(report.at_risk)))
    if report.segments is not None:
        out.append((f"Segments by {report.segments.column}, side by side", _segment_lines(report, report.segments)))
    return out


def _outcome_lines(section: Outcomes) -> list[str]:
    classes = ", ".join(f"{c.id} {c.journeys:,} ({_pct(c.share)})" for c in section.classes if c.id != "open")
    opened = next(c for c in section.classes if c.id == "open")
    lines = [f"Finished journeys: {classes}; still open: {opened.journeys:,} (active in the last "
             f"{section.active_days:g} days before {section.as_of or '-'})."]  # fmt: skip
    drivers = section.named()
    if not drivers:
        lines.append(f"No feature of the journeys goes with an outcome beyond chance ({section.tested:,} compared).")
    preconditions = sum(1 for d in section.drivers if d.driver and d.precondition)
    if preconditions:
        lines.append(f"Left out: {preconditions} features every journey of its class shows (such as reaching the "
                     "stage where the outcome can happen); the JSON lists them as precondition.")  # fmt: skip
    for d in drivers[:SHOWN]:
        times = "only them" if d.lift is None else f"{d.lift:.1f}x" if d.lift >= 1 else f"{d.lift:.2f}x"
        lines.append(f"{d.outcome}: customers who {d.label}: {d.with_feature_in_class:,} of {d.with_feature:,} "
                     f"({_pct(d.rate_with)}) vs {_pct(d.rate_without)} of the others, {times} "
                     f"(q = {d.q_value:.2g})")  # fmt: skip
    if len(drivers) > SHOWN:
        lines.append(f"... and {len(drivers) - SHOWN} more (--format json or -o drivers.csv lists all)")
    return lines


def _risk_lines(risk: AtRisk) -> list[str]:
    lines = [f"{risk.journeys:,} of {risk.open_journeys:,} open journeys ({risk.cases:,} customers) show what "
             f"journeys that ended as “{risk.outcome}” showed."]  # fmt: skip
    lines += [f"{r.journeys:,} journeys: {r.reason}" for r in risk.reasons[:SHOWN]]
    if risk.journeys:
        lines.append("The customers are listed in at_risk.csv when you write the report with -o DIR.")
    return lines


def _segment_lines(report: EvidenceReport, segments: Segments) -> list[str]:
    names = report.names()
    lines = []
    for v in segments.values[:SEGMENTS_SHOWN]:
        if v.suppressed:
            lines.append(f"{v.segment}: fewer customers than --min-cases, not shown")
            continue
        reach = ", ".join(f"{names.get(s.id, s.id)} {_pct(s.reached_share)}" for s in v.stages or [])
        line = (f"{v.segment}: {v.cases or 0:,} customers, {v.journeys or 0:,} journeys, {_pct(v.fitness)} of "
                f"moves follow the map; reached: {reach}")  # fmt: skip
        if v.outcomes is not None:
            line += "; " + ", ".join(f"{k} {_pct(o.share)}" for k, o in v.outcomes.items())
        lines.append(line)
    if len(segments.values) > SEGMENTS_SHOWN:
        lines.append(f"... and {len(segments.values) - SEGMENTS_SHOWN} more (--format json lists all)")
    if segments.mixed_cases:
        lines.append(f"{segments.mixed_cases:,} customers have several values; each counts in its smallest.")
    return lines
