"""A straightforward pure-Python implementation of the evidence semantics, to check the SQL against.

It walks each customer's events one by one, the way the spec describes the
semantics, and computes the same figures the report holds. It shares only the
map's structure (stages, touchpoint stages, pair classes) with cjm.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from cjm.evidence.matching import MapModel

BIG = 1_000_000


@dataclass(frozen=True)
class Event:
    """One usable event; ``t`` in epoch seconds."""

    case: str
    t: float
    event: str
    channel: str = ""
    source: str = ""


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def reference(model: MapModel, events: list[Event], gap_days: float = 90, window_days: float = 60,
              top: int = 10) -> dict[str, Any]:  # fmt: skip
    """The report's figures (a subset of its shape) computed event by event."""
    gap, window = gap_days * 86400, window_days * 86400
    K = len(model.stages)
    tp_events: Counter[int] = Counter()
    tp_cases: dict[int, set[str]] = defaultdict(set)
    tp_rework: Counter[int] = Counter()
    channels: dict[int, Counter[str]] = defaultdict(Counter)
    moves: list[tuple[str, str, int | None, int | None, str]] = []  # kind, case, from, to, journey key
    edges: dict[tuple[int, int], list[tuple[str, float]]] = defaultdict(list)
    reach: dict[int, list[tuple[str, float]]] = defaultdict(list)  # stage -> (case, dt)
    skipped: dict[int, set[str]] = defaultdict(set)
    max_stage: dict[str, int] = {}
    paths: dict[str, tuple[str, str]] = {}  # journey key -> (case, code path)
    nonconforming: set[str] = set()
    unmapped: dict[str, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    visits: dict[int, list[tuple[str, bool, bool, float | None]]] = defaultdict(list)
    by_tp: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    journeys = 0
    by_case: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for e in events:
        tp = model.first_match(e.event, e.channel, e.source)
        tie = model.tp_stages[tp][0] if tp is not None and model.tp_stages[tp] else BIG
        by_case[e.case].append((e.t, tie, e.event, e.channel, e.source, tp))
        if tp is not None:
            tp_events[tp] += 1
            tp_cases[tp].add(e.case)
            channels[tp][e.channel] += 1
    for case, rows in by_case.items():
        rows.sort(key=lambda r: r[:5])
        split: list[list[tuple[Any, ...]]] = []
        for row in rows:
            if not split or row[0] - split[-1][-1][0] > gap:
                split.append([])
            split[-1].append(row)
        for number, journey in enumerate(split):
            journeys += 1
            key = f"{case}#{number}"
            _journey(model, case, key, journey, window, K, tp_rework, moves, edges, reach, skipped, max_stage,
                     paths, nonconforming, unmapped, visits, by_tp)  # fmt: skip
    return _summarise(model, locals())


def step_stage(stages: tuple[int, ...], current: int | None) -> int:
    """The stage of a step at a touchpoint with these stages, as the spec words it (semantics v2)."""
    if current is None:
        return stages[0]
    if current in stages:
        return current
    later = [s for s in stages if s > current]
    return min(later) if later else max(stages)


def _kind(model: MapModel, a: int, b: int) -> str:
    if a == b:
        return "within_stage"
    ra, rb = model.rank[a], model.rank[b]
    return "forward" if rb == ra + 1 else "skip" if rb > ra else "loop_back"


def _journey(model: MapModel, case: str, key: str, journey: list[tuple[Any, ...]], window: float, K: int,
             tp_rework: Counter[int], moves: list[Any], edges: dict[Any, Any], reach: dict[int, Any],
             skipped: dict[int, set[str]], max_stage: dict[str, int], paths: dict[str, Any], nonconforming: set[str],
             unmapped: dict[str, Any], visits: dict[int, list[Any]], by_tp: dict[Any, list[Any]]) -> None:  # fmt: skip
    flows = [(i, r) for i, r in enumerate(journey) if r[5] is not None and model.flow(r[5])]
    steps: list[dict[str, Any]] = []
    for i, r in flows:
        if steps and steps[-1]["tp"] == r[5]:
            tp_rework[r[5]] += 1
            steps[-1]["last_t"] = r[0]
            steps[-1]["last_i"] = i
            continue
        current = steps[-1]["stage"] if steps else None
        step = {"tp": r[5], "first_t": r[0], "last_t": r[0], "first_i": i, "last_i": i,
                "stage": step_stage(model.tp_stages[r[5]], current)}  # fmt: skip
        if steps:
            prev = steps[-1]
            kind = _kind(model, prev["stage"], step["stage"])
            moves.append((kind, case, prev["stage"], step["stage"], key))
            edges[(prev["tp"], r[5])].append((case, r[0] - prev["last_t"]))
            if kind in ("skip", "loop_back"):
                nonconforming.add(key)
            if kind == "skip":
                for m in range(prev["stage"] + 1, step["stage"]):
                    if model.verifiable[m]:
                        skipped[m].add(key)
        steps.append(step)
        by_tp[(r[5], step["stage"])].append((case, key))
    if steps:
        moves.append(("end", case, steps[-1]["stage"], None, key))
        max_stage[key] = max(s["stage"] for s in steps)
        paths[key] = (case, " ".join(str(s["tp"]) for s in steps))
        for k in sorted({s["stage"] for s in steps}):
            first = next(j for j, s in enumerate(steps) if s["stage"] == k)
            later = next((s for s in steps[first + 1 :] if s["stage"] > k), None)
            hours = None if later is None else (later["first_t"] - steps[first]["first_t"]) / 3600
            visits[k].append((case, steps[0]["stage"] == k, steps[-1]["stage"] == k, hours))
    # funnel: stage k at the first stage-k evidence after reaching k-1, within the window from entry
    prev_i, prev_t, entry_t = -1, journey[0][0], None
    for k in range(K):
        if not model.verifiable[k]:
            if k == 0:
                entry_t = prev_t
            reach[k].append((case, 0.0))
            continue
        hit = next(
            (
                (i, r[0]) for i, r in flows
                if i > prev_i and k in model.tp_stages[r[5]] and (k == 0 or entry_t is None or r[0] - entry_t <= window)
            ),
            None,
        )  # fmt: skip
        if hit is None:
            break
        if entry_t is None:
            entry_t = hit[1]
        reach[k].append((case, hit[1] - prev_t))
        prev_i, prev_t = hit
    # unmapped events: between the step before them and the step of the next flow event
    for i, r in enumerate(journey):
        if r[5] is not None:
            continue
        before = [s for s in steps if s["first_i"] < i]
        nxt = next((j for j, _ in flows if j > i), None)
        after = next((s for s in steps if nxt is not None and s["first_i"] <= nxt <= s["last_i"]), None)
        place = (before[-1]["stage"] if before else None, after["stage"] if after else None)
        unmapped[r[2]].append((case, *place))


def _summarise(model: MapModel, v: dict[str, Any]) -> dict[str, Any]:
    cases = len(v["by_case"])
    ends = len(v["paths"])
    moves = v["moves"]
    conformant = sum(1 for m in moves if m[0] in ("forward", "within_stage", "end"))
    kinds: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for kind, case, a, b, _ in moves:
        kinds[(kind, a, b)].append(case)
    funnel = []
    previous = v["journeys"]
    first = True
    for k, stage in enumerate(model.stages):
        got = v["reach"].get(k, [])
        if not model.verifiable[k]:
            previous = len(got)
            continue
        funnel.append({
            "id": stage, "journeys": len(got), "cases": len({c for c, _ in got}),
            "conversion": _share(len(got), previous),
            "median_hours_from_previous": None if first else _median([d / 3600 for _, d in got]),
        })  # fmt: skip
        first = False
        previous = len(got)
    stages = []
    for k, stage in enumerate(model.stages):
        if not model.verifiable[k]:
            continue
        seen = v["visits"].get(k, [])
        beyond = sum(1 for s in v["max_stage"].values() if s > k)
        stages.append({
            "id": stage, "reached_journeys": len(seen), "reached_cases": len({c for c, *_ in seen}),
            "entered_journeys": sum(1 for _, e, _, _ in seen if e),
            "ended_journeys": sum(1 for _, _, e, _ in seen if e),
            "continued_journeys": sum(1 for *_, h in seen if h is not None),
            "median_hours_in_stage": _median([h for *_, h in seen if h is not None]),
            "skipped_journeys": len(v["skipped"].get(k, ())),
            "skipped_share": _share(len(v["skipped"].get(k, ())), beyond),
        })  # fmt: skip
    variants: dict[str, list[str]] = defaultdict(list)
    for case, path in v["paths"].values():
        variants[path].append(case)
    top = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))[: v["top"]]
    unmapped = {}
    for event, rows in v["unmapped"].items():
        places = Counter((a, b) for _, a, b in rows)
        ranked = sorted(places.items(), key=lambda kv: (-kv[1], _nf(kv[0][0]), _nf(kv[0][1])))[:3]
        unmapped[event] = {"events": len(rows), "cases": len({c for c, _, _ in rows}),
                           "between": [_id(model, s) for s in ranked[0][0]],
                           "places": [{"between": [_id(model, s) for s in place], "events": n,
                                       "share": _share(n, len(rows))} for place, n in ranked]}  # fmt: skip
    name = model.touchpoints
    return {
        "cases": cases,
        "journeys": v["journeys"],
        "events": sum(len(r) for r in v["by_case"].values()),
        "matched_events": sum(v["tp_events"].values()),
        "touchpoints": {
            name[tp]: {
                "events": n,
                "cases": len(v["tp_cases"][tp]),
                "rework": v["tp_rework"][tp],
                "channels": {(c or "unknown"): k for c, k in v["channels"][tp].items()},
            }
            for tp, n in v["tp_events"].items()
        },
        "stages": stages,
        "funnel": funnel,
        "by_stage": {
            (name[tp], model.stages[k]): (len(rows), len(set(rows)), len({c for c, _ in rows}))
            for (tp, k), rows in v["by_tp"].items()
            if len(model.tp_stages[tp]) > 1
        },
        "transitions": {
            (kind, _id(model, a), _id(model, b)): (len(cs), len(set(cs))) for (kind, a, b), cs in kinds.items()
        },
        "fitness": _share(conformant, len(moves)),
        "conforming_journeys": _share(ends - len(v["nonconforming"]), ends),
        "edges": {
            (name[a], name[b]): (len(d), len({c for c, _ in d}), _median([x / 3600 for _, x in d]))
            for (a, b), d in v["edges"].items()
        },
        "variants": {tuple(name[int(p)] for p in path.split()): len(cs) for path, cs in top},
        "unmapped": unmapped,
    }


def _nf(value: int | None) -> int:
    return -1 if value is None else value


def _id(model: MapModel, stage: int | None) -> str | None:
    return None if stage is None else model.stages[stage]
