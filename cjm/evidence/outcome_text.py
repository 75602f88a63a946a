"""The outcome sections of the text and Markdown reports, in plain words: classes, drivers, customers at risk.

Counts and reasons only: no customer id is ever part of these lines (at_risk.csv under ``-o`` holds them).
"""

from __future__ import annotations

from typing import Any

Report = dict[str, Any]
SHOWN = 5  # drivers listed per report
SEGMENTS_SHOWN = 10


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def outcome_sections(report: Report) -> list[tuple[str, list[str]]]:
    """(title, lines) per section beyond the map present in the report: outcomes, at risk, segments."""
    out = _outcomes(report)
    segments = report.get("segments")
    if segments:
        out.append((f"Segments by {segments['column']}, side by side", _segment_lines(report, segments)))
    return out


def _segment_lines(report: Report, segments: dict[str, Any]) -> list[str]:
    names = {s["id"]: s.get("name") or s["id"] for s in report["stages"]}
    lines = []
    for v in segments["values"][:SEGMENTS_SHOWN]:
        if v.get("suppressed"):
            lines.append(f"{v['segment']}: fewer customers than --min-cases, not shown")
            continue
        reach = ", ".join(f"{names.get(s['id'], s['id'])} {_pct(s['reached_share'])}" for s in v["stages"])
        line = (f"{v['segment']}: {v['cases']:,} customers, {v['journeys']:,} journeys, {_pct(v['fitness'])} of "
                f"moves follow the map; reached: {reach}")  # fmt: skip
        if "outcomes" in v:
            line += "; " + ", ".join(f"{k} {_pct(o['share'])}" for k, o in v["outcomes"].items())
        lines.append(line)
    if len(segments["values"]) > SEGMENTS_SHOWN:
        lines.append(f"... and {len(segments['values']) - SEGMENTS_SHOWN} more (--format json lists all)")
    if segments["mixed_cases"]:
        lines.append(f"{segments['mixed_cases']:,} customers have several values; each counts in its smallest.")
    return lines


def _outcomes(report: Report) -> list[tuple[str, list[str]]]:
    section = report.get("outcomes")
    if not section:
        return []
    classes = ", ".join(
        f"{c['id']} {c['journeys']:,} ({_pct(c['share'])})" for c in section["classes"] if c["id"] != "open"
    )
    opened = next(c for c in section["classes"] if c["id"] == "open")
    lines = [f"Finished journeys: {classes}; still open: {opened['journeys']:,} (active in the last "
             f"{section['active_days']:g} days before {section['as_of'] or '-'})."]  # fmt: skip
    drivers = [d for d in section["drivers"] if d["driver"]]
    if not drivers:
        lines.append(f"No feature of the journeys goes with an outcome beyond chance ({section['tested']:,} compared).")
    for d in drivers[:SHOWN]:
        lift = d["lift"]
        times = "only them" if lift is None else f"{lift:.1f}x" if lift >= 1 else f"{lift:.2f}x"
        lines.append(f"{d['outcome']}: customers who {d['label']}: {d['with_feature_in_class']:,} of "
                     f"{d['with_feature']:,} ({_pct(d['rate_with'])}) vs {_pct(d['rate_without'])} of the others, "
                     f"{times} (q = {d['q_value']:.2g})")  # fmt: skip
    if len(drivers) > SHOWN:
        lines.append(f"... and {len(drivers) - SHOWN} more (--format json or -o drivers.csv lists all)")
    out = [("Outcomes, and what goes with them (associated with, not proof of a cause)", lines)]
    risk = report.get("at_risk")
    if risk is not None:
        risk_lines = [f"{risk['journeys']:,} of {risk['open_journeys']:,} open journeys ({risk['cases']:,} customers) "
                      f"show what journeys that ended as “{risk['outcome']}” showed."]  # fmt: skip
        risk_lines += [f"{r['journeys']:,} journeys: {r['reason']}" for r in risk["reasons"][:SHOWN]]
        if risk["journeys"]:
            risk_lines.append("The customers are listed in at_risk.csv when you write the report with -o DIR.")
        out.append(("Customers at risk", risk_lines))
    return out
