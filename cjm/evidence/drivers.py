"""Drivers: which features of a journey go with an outcome, from the small per-class feature counts.

For each outcome class and each feature, the finished journeys (every class and ``none``; open ones wait)
split into those with the feature and those without; the outcome rate of both groups, their ratio (lift)
and difference, a two-sided p-value (:mod:`cjm.evidence.stats`) and, over every comparison made, the
Benjamini-Hochberg q-value. A driver is a feature with q < 0.05 shown by at least ``min_cases`` journeys of
the class. Words say "associated with", never "causes": the data shows what goes together, not why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cjm.evidence.matching import MapModel
from cjm.evidence.model import EvidenceReport
from cjm.evidence.outcomes import FEATURES, NONE, OPEN, TRANSITION_KINDS, OutcomeClass, OutcomeSpec
from cjm.evidence.stats import Table, benjamini_hochberg, compare

Aggregates = dict[str, list[tuple[Any, ...]]]
Q_LEVEL = 0.05
MAX_LISTED = 200  # comparisons listed in the report (drivers first); `tested` counts them all
# Outcome names that mean a customer was lost: their drivers are warnings, other classes' are notes.
LOSS_NAMES = ("lost", "churned", "churn", "cancelled", "canceled", "lapsed", "closed-lost", "closed_lost")

Key = tuple[int, int, int, int]  # feature, a, b, c


@dataclass(frozen=True)
class Names:
    """What the numbers in the feature table stand for."""

    model: MapModel
    events: dict[int, str]  # first key rank of an unmapped event name -> the name
    medians: dict[int, float | None]  # stage -> median hours in stage

    def stage(self, s: int) -> str:
        """A stage's name, quoted."""
        return f"“{self.model.journey.stages[s].name}”"

    def touchpoint(self, tp: int) -> str:
        """A touchpoint's name, quoted."""
        return f"“{self.model.journey.touchpoints[tp].name}”"


def names_of(model: MapModel, aggregates: Aggregates) -> Names:
    """The names behind the numbers: unmapped event names by key rank, stage medians."""
    events = {int(r[5]): str(r[0]) for r in aggregates.get("cjm_key_stats", []) if r[4] is None}
    first: dict[str, int] = {}
    for rank, event in sorted(events.items()):
        first.setdefault(event, rank)
    medians = {int(r[0]): None if r[6] is None else float(r[6]) for r in aggregates.get("cjm_stage_stats", [])}
    return Names(model, {rank: event for event, rank in first.items()}, medians)


def describe(key: Key, names: Names) -> dict[str, Any]:
    """A feature as JSON: its kind and the ids it concerns."""
    feature, a, b, c = key
    model = names.model
    kind = FEATURES[feature]
    if kind in ("touchpoint", "rework"):
        return {"kind": kind, "touchpoint": model.touchpoints[a]}
    if kind in ("stage", "ended"):
        return {"kind": kind, "stage": model.stages[a]}
    if kind == "slow":
        median = names.medians.get(a)
        return {"kind": kind, "stage": model.stages[a], "median_hours": None if median is None else round(median, 2)}
    if kind == "transition":
        return {"kind": kind, "transition": TRANSITION_KINDS[c], "from_stage": model.stages[a],
                "to_stage": model.stages[b]}  # fmt: skip
    return {"kind": kind, "event": names.events.get(a, f"event #{a}")}


def label(key: Key, names: Names) -> str:
    """A feature in plain words, completing "customers who ..."."""
    feature, a, b, c = key
    kind = FEATURES[feature]
    if kind == "touchpoint":
        return f"used {names.touchpoint(a)}"
    if kind == "rework":
        return f"used {names.touchpoint(a)} several times in a row"
    if kind == "stage":
        return f"reached the stage {names.stage(a)}"
    if kind == "ended":
        return f"got no further than the stage {names.stage(a)}"
    if kind == "slow":
        median = names.medians.get(a)
        usual = "" if median is None else f" (more than the usual {_span(median)})"
        return f"took longer than usual in the stage {names.stage(a)}{usual}"
    if kind == "transition":
        move = TRANSITION_KINDS[c]
        if move == "forward":
            return f"moved on from {names.stage(a)} to {names.stage(b)}"
        if move == "within_stage":
            return f"moved between touchpoints within {names.stage(a)}"
        if move == "skip":
            return f"jumped from {names.stage(a)} over a stage to {names.stage(b)}"
        return f"went back from {names.stage(a)} to an earlier stage, {names.stage(b)}"
    return f"had the event '{names.events.get(a, a)}', which is not on the map"


def _span(hours: float) -> str:
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def pain_points(key: Key, model: MapModel) -> list[dict[str, Any]]:
    """The map's pain points at a feature's touchpoint: those of every action that happens there."""
    feature, a, _, _ = key
    if FEATURES[feature] not in ("touchpoint", "rework"):
        return []
    tp = model.touchpoints[a]
    return [{"id": p.id, "text": p.text, "severity": p.severity, "stage": stage.id, "action": action.id}
            for stage in model.journey.stages for action in stage.actions if tp in action.touchpoints
            for p in action.pain_points]  # fmt: skip


def _classes(aggregates: Aggregates) -> tuple[dict[int, tuple[int, int]], int | None]:
    journeys: dict[int, tuple[int, int]] = {}
    as_of = None
    for outcome, count, cases, stamp in aggregates.get("cjm_outcome_stats", []):
        journeys[int(outcome)] = (int(count), int(cases))
        as_of = int(stamp) if stamp is not None else as_of
    return journeys, as_of


def _counts(aggregates: Aggregates) -> dict[Key, dict[int, int]]:
    """Per feature: journeys showing it, per outcome."""
    out: dict[Key, dict[int, int]] = {}
    for outcome, feature, a, b, c, journeys in aggregates.get("cjm_feature_stats", []):
        key = (int(feature), int(a), int(b), int(c))
        out.setdefault(key, {})[int(outcome)] = int(journeys)
    return out


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _significant(value: float) -> float:
    return float(f"{value:.4g}")


def comparisons(spec: OutcomeSpec, aggregates: Aggregates, min_cases: int) -> list[dict[str, Any]]:
    """Every comparison of a class against the other finished journeys, with counts, rates, p and q."""
    journeys, _ = _classes(aggregates)
    finished = sum(n for o, (n, _) in journeys.items() if o != OPEN)
    tests: list[dict[str, Any]] = []
    for key, per in sorted(_counts(aggregates).items()):
        showing = sum(n for o, n in per.items() if o != OPEN)
        if showing < max(1, min_cases) or showing >= finished:
            continue  # too few journeys, or every finished journey shows it: nothing to compare
        for number, name in enumerate(spec.names()):
            in_class = journeys.get(number, (0, 0))[0]
            if not in_class:
                continue
            a = per.get(number, 0)
            table = Table(a, showing, in_class - a, finished - showing)
            result = compare(table)
            tests.append({"outcome": name, "key": key, "with_feature": showing, "with_feature_in_class": a,
                          "without_feature": finished - showing, "without_feature_in_class": in_class - a,
                          "rate_with": result.rate_in, "rate_without": result.rate_out, "lift": result.lift,
                          "difference": result.difference, "p_value": result.p_value, "test": result.test,
                          "precondition": a >= in_class})  # fmt: skip
    for test, q in zip(tests, benjamini_hochberg([t["p_value"] for t in tests]), strict=True):
        test["q_value"] = q
        test["driver"] = q < Q_LEVEL and test["with_feature_in_class"] >= min_cases
    return tests


def _marked_by(outcome: OutcomeClass) -> dict[str, Any]:
    """A class given by a column: the column and its values, for the report."""
    return {"column": outcome.column, "values": list(outcome.values)} if outcome.column is not None else {}


def outcome_section(model: MapModel, spec: OutcomeSpec, aggregates: Aggregates, min_cases: int) -> dict[str, Any]:
    """The report's ``outcomes``: classes with their journeys, and the comparisons, drivers first."""
    journeys, as_of = _classes(aggregates)
    finished = sum(n for o, (n, _) in journeys.items() if o != OPEN)
    total = sum(n for n, _ in journeys.values())
    classes = []
    for number, name in [*enumerate(spec.names()), (NONE, "none"), (OPEN, "open")]:
        count, cases = journeys.get(number, (0, 0))
        share_of = total if number == OPEN else finished
        classes.append({"id": name, "journeys": count, "cases": cases,
                        "share": _round(count / share_of) if share_of else None,
                        "events": list(spec.classes[number].patterns) if number >= 0 else [],
                        **(_marked_by(spec.classes[number]) if number >= 0 else {})})  # fmt: skip
    names = names_of(model, aggregates)
    tests = comparisons(spec, aggregates, min_cases)
    tests.sort(key=lambda t: (not t["driver"], t["q_value"], -abs(t["difference"]), t["outcome"], t["key"]))
    drivers = []
    for t in tests[:MAX_LISTED]:
        key = t.pop("key")
        drivers.append({"outcome": t["outcome"], "feature": describe(key, names), "label": label(key, names),
                        **{k: t[k] for k in ("with_feature", "with_feature_in_class", "without_feature",
                                             "without_feature_in_class", "driver", "precondition", "test")},
                        "rate_with": _round(t["rate_with"]), "rate_without": _round(t["rate_without"]),
                        "lift": _round(t["lift"], 3), "difference": _round(t["difference"]),
                        "p_value": _significant(t["p_value"]), "q_value": _significant(t["q_value"]),
                        "pain_points": pain_points(key, model)})  # fmt: skip
    stamp = None if as_of is None else (dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=as_of)).isoformat()
    return {"classes": classes, "finished_journeys": finished, "as_of": stamp, "active_days": spec.active_days,
            "tested": len(tests), "q_level": Q_LEVEL, "drivers": drivers}  # fmt: skip


def feature_keys(section: dict[str, Any], outcome: str, names: Names) -> list[tuple[Key, str]]:
    """The drivers of ``outcome`` that raise it (lift above 1) and that not every journey of the class shows
    (reaching the contract is what makes a cancellation possible, not a sign of one), as feature numbers with
    their words."""
    model = names.model
    events = {event: rank for rank, event in names.events.items()}
    stages = {s: i for i, s in enumerate(model.stages)}
    tps = {t: i for i, t in enumerate(model.touchpoints)}
    out = []
    for d in section["drivers"]:
        if d["outcome"] != outcome or not d["driver"] or (d["lift"] is not None and d["lift"] <= 1):
            continue
        if d["precondition"]:
            continue  # every journey of the class shows it: a precondition of the outcome, not a warning sign
        f = d["feature"]
        kind = FEATURES.index(f["kind"])
        if f["kind"] in ("touchpoint", "rework"):
            key = (kind, tps[f["touchpoint"]], -1, -1)
        elif f["kind"] in ("stage", "ended", "slow"):
            key = (kind, stages[f["stage"]], -1, -1)
        elif f["kind"] == "transition":
            key = (kind, stages[f["from_stage"]], stages[f["to_stage"]], TRANSITION_KINDS.index(f["transition"]))
        elif f["event"] in events:
            key = (kind, events[f["event"]], -1, -1)
        else:
            continue
        out.append((key, d["label"]))
    return out


def _times(lift: float | None) -> str:
    if lift is None:
        return "only"
    if lift >= 1:
        return f"{lift:.1f} times as often"
    return f"{1 / lift:.1f} times less often" if lift > 0 else "never"


def findings(report: EvidenceReport) -> Iterator[tuple[str, str, str, tuple[str, ...], float]]:
    """(severity, kind, message, ids, weight) for each driver, and for each class no journey ended in."""
    section = report.outcomes
    if section is None:
        return
    for c in section.classes:
        if c.journeys == 0 and c.id not in ("open", "none"):
            yield ("warning", "empty-outcome", f"no journey ended as “{c.id}”: its events ({', '.join(c.events)}) "
                   "only come after another outcome's event, or also match an outcome named before it (check the "
                   "--outcome patterns)", (c.id,), 1.0)  # fmt: skip
    for d in section.named():
        pains = "; ".join(f"“{p.text}”" for p in d.pain_points[:3])
        where = f"; the map's pain points there: {pains}" if pains else ""
        message = (f"customers who {d.label} ended as “{d.outcome}” {_times(d.lift)}: "
                   f"{d.with_feature_in_class:,} of {d.with_feature:,} journeys vs "
                   f"{100 * d.rate_without:.0f}% of the others (associated with, not proof of a cause; "
                   f"q = {d.q_value:.2g}){where}")  # fmt: skip
        severity = "warning" if d.outcome in LOSS_NAMES and (d.lift is None or d.lift > 1) else "info"
        f = d.feature
        ids = tuple(v for v in (f.touchpoint, f.stage, f.from_stage, f.to_stage) if v is not None)
        yield severity, "outcome-driver", message, (d.outcome, *ids), min(1.0, abs(d.difference))
