"""The evidence report (:class:`cjm.evidence.model.EvidenceReport`), built from the aggregate tables and the map.

The same builder serves DuckDB runs, Spark runs and aggregates computed
elsewhere (``--aggregates DIR``), so all give the same report for the same
data. Figures from fewer than ``min_cases`` customers are nulled and marked
``"suppressed": true``. The entries are assembled here and validated into the
frozen models once, so every reader gets typed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cjm.evidence.matching import CONFORMANT, MapModel
from cjm.evidence.model import VERSION, EvidenceReport, Run

Aggregates = dict[str, list[tuple[Any, ...]]]


def _rows(aggregates: Aggregates, table: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in aggregates.get(table, [])]


def _share(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


def _hours(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def build_report(model: MapModel, aggregates: Aggregates, run: Run, min_cases: int = 1) -> EvidenceReport:
    """The report without findings (see :func:`cjm.evidence.findings.rank_findings`)."""
    from cjm.evidence.analysis import RESULT_TABLES as T

    totals = (
        dict(zip(T["cjm_totals"], aggregates["cjm_totals"][0], strict=True)) if aggregates.get("cjm_totals") else {}
    )
    total = {k: int(v or 0) for k, v in totals.items()}
    ends = total.get("journeys_with_steps", 0)
    moves = total.get("moves", 0) + ends
    conformant = total.get("conformant_moves", 0) + ends
    hidden = _Suppress(min_cases)
    return EvidenceReport.model_validate({
        "version": VERSION,
        "run": run,
        "cases": total.get("cases", 0),
        "journeys": total.get("journeys", 0),
        "events": total.get("events", 0),
        "matched_events": total.get("matched_events", 0),
        "touchpoints": _touchpoints(model, aggregates, hidden),
        "stages": _stages(model, aggregates, hidden),
        "funnel": _funnel(model, aggregates, total.get("journeys", 0), hidden),
        "transitions": _transitions(model, aggregates, hidden),
        "fitness": _share(conformant, moves),
        "conforming_journeys": _share(ends - total.get("nonconforming_journeys", 0), ends),
        "edges": _edges(model, aggregates, hidden),
        "variants": _variants(model, aggregates, hidden),
        "unmapped": _unmapped(model, aggregates, hidden),
    })  # fmt: skip


@dataclass(frozen=True)
class _Suppress:
    min_cases: int

    def apply(self, entry: dict[str, Any], figures: tuple[str, ...], cases_key: str = "cases") -> dict[str, Any]:
        cases = entry.get(cases_key)
        if self.min_cases > 1 and cases is not None and 0 < cases < self.min_cases:
            entry.update({k: None for k in (*figures, cases_key)})
            entry["suppressed"] = True
        return entry


def _touchpoints(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    from cjm.evidence.analysis import RESULT_TABLES as T

    stats = {int(r["tp"]): r for r in _rows(aggregates, "cjm_touchpoint_stats", T["cjm_touchpoint_stats"])}
    channels: dict[int, dict[str, int]] = {}
    for r in sorted(_rows(aggregates, "cjm_channel_stats", T["cjm_channel_stats"]), key=lambda r: str(r["channel"])):
        channels.setdefault(int(r["tp"]), {})[str(r["channel"] or "unknown")] = int(r["events"])
    by_stage: dict[int, list[dict[str, Any]]] = {}
    for r in sorted(_rows(aggregates, "cjm_tp_stage_stats", T["cjm_tp_stage_stats"]), key=lambda r: int(r["stage"])):
        by_stage.setdefault(int(r["tp"]), []).append(
            {
                "stage": model.stages[int(r["stage"])],
                "steps": int(r["steps"]),
                "journeys": int(r["journeys"]),
                "cases": int(r["cases"]),
            }
        )
    out = []
    for i, tp in enumerate(model.journey.touchpoints):
        found = stats.get(i)
        stages = [model.stages[s] for s in model.tp_stages[i]]
        if not tp.events:
            entry: dict[str, Any] = {"id": tp.id, "status": "unverifiable", "events": None, "cases": None,
                                     "channels": {}, "rework": None}  # fmt: skip
        elif found is None:
            entry = {"id": tp.id, "status": "never_observed", "events": 0, "cases": 0, "channels": {}, "rework": 0}
        else:
            entry = {"id": tp.id, "status": "observed", "events": int(found["events"]), "cases": int(found["cases"]),
                     "channels": dict(sorted(channels.get(i, {}).items(), key=lambda kv: (-kv[1], kv[0]))),
                     "rework": int(found["rework"] or 0)}  # fmt: skip
        entry["name"] = tp.name
        entry["declared_channel"] = tp.channel
        entry["stages"] = stages
        entry["by_stage"] = [hidden.apply(dict(b), ("steps", "journeys")) for b in by_stage.get(i, [])]
        out.append(hidden.apply(entry, ("events", "cases", "channels", "rework", "by_stage")))
    return out


def stage_status(model: MapModel, stage: int, observed: bool) -> dict[str, Any]:
    """A stage's status from its touchpoints: observed, never_observed or unverifiable; partly verifiable or not."""
    index = {tp: i for i, tp in enumerate(model.touchpoints)}
    refs = {ref for action in model.journey.stages[stage].actions for ref in action.touchpoints if ref in index}
    blind = sorted((r for r in refs if not model.evidenced[index[r]]), key=lambda r: index[r])
    status = "unverifiable" if not model.verifiable[stage] else "observed" if observed else "never_observed"
    return {"status": status, "partly_verifiable": bool(blind) and model.verifiable[stage],
            "unverifiable_touchpoints": blind}  # fmt: skip


def _stages(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    from cjm.evidence.analysis import RESULT_TABLES as T

    stats = {int(r["stage"]): r for r in _rows(aggregates, "cjm_stage_stats", T["cjm_stage_stats"])}
    out = []
    for s, stage_id in enumerate(model.stages):
        r = stats.get(s, {})
        reached = int(r.get("reached_journeys") or 0)
        entry: dict[str, Any] = {"id": stage_id, "name": model.journey.stages[s].name,
                                 **stage_status(model, s, reached > 0)}  # fmt: skip
        figures = ("reached_journeys", "entered_journeys", "continued_journeys", "ended_journeys", "skipped_journeys")
        if not model.verifiable[s]:
            entry.update({k: None for k in (*figures, "reached_cases", "median_hours_in_stage", "skipped_share")})
            out.append(entry)
            continue
        entry.update({k: int(r.get(k) or 0) for k in figures})
        entry["reached_cases"] = int(r.get("reached_cases") or 0)
        entry["median_hours_in_stage"] = _hours(r.get("median_hours_in_stage"))
        entry["skipped_share"] = _share(entry["skipped_journeys"], int(r.get("beyond_journeys") or 0))
        hidden_figures = (*figures, "median_hours_in_stage", "skipped_share")
        out.append(hidden.apply(entry, hidden_figures, "reached_cases"))
    return out


def _funnel(model: MapModel, aggregates: Aggregates, journeys: int, hidden: _Suppress) -> list[dict[str, Any]]:
    """The ordered funnel of version 1 (verifiable stages only): reached in map order, within the window."""
    from cjm.evidence.analysis import RESULT_TABLES as T

    stats = {int(r["stage"]): r for r in _rows(aggregates, "cjm_funnel_stats", T["cjm_funnel_stats"])}
    out = []
    previous = journeys
    first = True
    for s, stage_id in enumerate(model.stages):
        if not model.verifiable[s]:
            continue
        r = stats.get(s, {})
        reached = int(r.get("journeys") or 0)
        entry = {"id": stage_id, "journeys": reached, "cases": int(r.get("cases") or 0),
                 "conversion": _share(reached, previous),
                 "median_hours_from_previous": None if first else _hours(r.get("median_hours"))}  # fmt: skip
        first = False
        previous = reached
        out.append(hidden.apply(entry, ("journeys", "conversion", "median_hours_from_previous")))
    return out


def _stage(model: MapModel, value: Any) -> str | None:
    return None if value is None else model.stages[int(value)]


def _transitions(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    from cjm.evidence.analysis import RESULT_TABLES as T

    out = []
    for r in _rows(aggregates, "cjm_transition_stats", T["cjm_transition_stats"]):
        entry: dict[str, Any] = {"kind": str(r["kind"]), "count": int(r["transitions"]), "cases": int(r["cases"]),
                                 "from_stage": _stage(model, r["from_stage"]), "to_stage": _stage(model, r["to_stage"]),
                                 "conformant": str(r["kind"]) in CONFORMANT}  # fmt: skip
        if entry["kind"] == "skip":
            entry["skipped"] = model.skipped(int(r["from_stage"]), int(r["to_stage"]))
        out.append(entry)
    out.sort(key=lambda e: (-e["count"], e["kind"], e["from_stage"] or "", e["to_stage"] or ""))
    return [hidden.apply(e, ("count", "cases")) for e in out]


def _edges(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    from cjm.evidence.analysis import RESULT_TABLES as T

    out: list[dict[str, Any]] = [
        {"from": model.touchpoints[int(r["from_tp"])], "to": model.touchpoints[int(r["to_tp"])],
         "count": int(r["transitions"]), "cases": int(r["cases"]), "median_hours": _hours(r["median_hours"])}
        for r in _rows(aggregates, "cjm_edge_stats", T["cjm_edge_stats"])
    ]  # fmt: skip
    out.sort(key=lambda e: (-e["count"], e["from"], e["to"]))
    return [hidden.apply(e, ("count", "median_hours")) for e in out]


def _variants(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    from cjm.evidence.analysis import RESULT_TABLES as T

    out: list[dict[str, Any]] = [
        {"path": [model.touchpoints[int(p)] for p in str(r["path"]).split()], "journeys": int(r["journeys"]),
         "cases": int(r["cases"])}
        for r in _rows(aggregates, "cjm_variant_stats", T["cjm_variant_stats"])
    ]  # fmt: skip
    out.sort(key=lambda e: (-e["journeys"], " ".join(e["path"])))
    return [hidden.apply(e, ("journeys",)) for e in out]


def _unmapped(model: MapModel, aggregates: Aggregates, hidden: _Suppress) -> list[dict[str, Any]]:
    """Unmapped events with their most frequent place (``between``) and up to three places with their shares."""
    from cjm.evidence.analysis import RESULT_TABLES as T

    found: dict[str, dict[str, Any]] = {}
    for r in sorted(
        _rows(aggregates, "cjm_unmapped_stats", T["cjm_unmapped_stats"]), key=lambda r: int(r["place_rank"])
    ):
        entry = found.setdefault(str(r["event"]), {"event": str(r["event"]), "events": int(r["events"]),
                                                  "cases": int(r["cases"]), "between": None, "places": []})  # fmt: skip
        between = [_stage(model, r["from_stage"]), _stage(model, r["to_stage"])]
        if entry["between"] is None:
            entry["between"] = between
        share = _share(int(r["place_events"]), entry["events"])
        entry["places"].append({"between": between, "events": int(r["place_events"]), "share": share})
    out = sorted(found.values(), key=lambda e: (-e["cases"], -e["events"], e["event"]))
    return [hidden.apply(e, ("events", "between", "places")) for e in out]
