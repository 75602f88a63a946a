"""The opportunity backlog across journeys, ranked by one score a CX lead can recompute by hand.

score = pain x impact / effort x reach, rounded to two decimals, where

* **pain** is the sum of the severity points of the pain points the opportunity
  ``addresses`` (low 1, medium 2, high 3, critical 4); an opportunity that
  addresses none counts 1, as if it eased one low pain;
* **impact** and **effort** are low 1, medium 2, high 3; when absent, medium (2);
* **reach** is 1 + the share of the evidence report's customers who reached the
  opportunity's place (the busiest touchpoint of its action, or its stage for a
  stage-wide one; an action without touchpoint evidence takes its stage's),
  rounded to two decimals, so 1.00 to 2.00; it is 1 when no evidence report
  exists for the journey.

Ties keep a stable order: journey title, then the opportunity's place in its file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from cjm.entities import walk
from cjm.model import Journey, Opportunity, PainPoint
from cjm.portfolio import by_title

SEVERITY_POINTS = {"low": 1, "medium": 2, "high": 3, "critical": 4}
LEVEL_POINTS = {"low": 1, "medium": 2, "high": 3}
DEFAULT_LEVEL = "medium"


@dataclass(frozen=True)
class Reach:
    """What an evidence report says about one journey: its customers, and how many reached each place."""

    customers: float
    touchpoints: Mapping[str, float] = field(default_factory=dict)  # touchpoint id -> customers who used it
    stages: Mapping[str, float] = field(default_factory=dict)  # stage id -> customers who reached it


@dataclass(frozen=True)
class RankedOpportunity:
    """One opportunity of the backlog, with every factor of its score."""

    rank: int
    journey_id: str
    journey: str
    stage: str
    action: str  # empty for a stage-wide opportunity
    id: str  # empty when the opportunity has no id
    text: str
    owner: str
    impact: str  # as written, or empty
    effort: str
    addresses: tuple[str, ...]  # the texts of the pain points it addresses
    pain: int
    impact_points: int
    effort_points: int
    reached: float | None  # customers who reached its place, when evidence exists
    reach: float
    score: float


@dataclass(frozen=True)
class Place:
    """Where a stage's or an action's notes stand: its stage, the action's name (empty for a stage), its touchpoints."""

    stage_id: str
    stage: str
    action: str
    touchpoints: tuple[str, ...]


def pain_points(addresses: Sequence[str], pains: Mapping[str, PainPoint]) -> int:
    """The pain factor: severity points of the addressed pain points that exist, or 1 when none does."""
    found = [pains[ident] for ident in dict.fromkeys(addresses) if ident in pains]
    return sum(SEVERITY_POINTS[p.severity] for p in found) if found else 1


def reach_factor(place_touchpoints: Sequence[str], stage_id: str, reach: Reach | None) -> tuple[float | None, float]:
    """(customers who reached the place, 1 + their share of the report's customers); (None, 1.0) without data."""
    if reach is None or reach.customers <= 0:
        return None, 1.0
    reached = [reach.touchpoints[t] for t in place_touchpoints if t in reach.touchpoints]
    count = max(reached) if reached else reach.stages.get(stage_id)
    if count is None:
        return None, 1.0
    return count, round(1.0 + min(1.0, count / reach.customers), 2)


def score(pain: int, impact: int, effort: int, reach: float) -> float:
    """pain x impact / effort x reach, to two decimals."""
    return round(pain * impact / effort * reach, 2)


def places(journey: Journey) -> dict[tuple[str, str], Place]:
    """Where each stage and action stands, by (kind, id): its stage and its touchpoints."""
    out: dict[tuple[str, str], Place] = {}
    for stage in journey.stages:
        out[("stage", stage.id)] = Place(stage.id, stage.name, "", ())
        for action in stage.actions:
            out[("action", action.id)] = Place(stage.id, stage.name, action.name, tuple(action.touchpoints))
    return out


def _unranked(journey: Journey, reach: Reach | None) -> list[RankedOpportunity]:
    pains = {e.id: e.model for e in walk(journey) if e.kind == "pain_point" and e.id}
    where = places(journey)
    out = []
    for entity in walk(journey):
        if entity.kind != "opportunity" or entity.parent is None:
            continue
        opp: Opportunity = entity.model  # type: ignore[assignment]
        place = where[entity.parent]
        reached, factor = reach_factor(place.touchpoints, place.stage_id, reach)
        pain = pain_points(opp.addresses, pains)  # type: ignore[arg-type]
        impact = LEVEL_POINTS[opp.impact or DEFAULT_LEVEL]
        effort = LEVEL_POINTS[opp.effort or DEFAULT_LEVEL]
        addressed = tuple(pains[i].text for i in dict.fromkeys(opp.addresses) if i in pains)  # type: ignore[attr-defined]
        out.append(
            RankedOpportunity(
                0, journey.id, journey.title, place.stage, place.action, opp.id or "", opp.text, opp.owner or "",
                opp.impact or "", opp.effort or "", addressed, pain, impact, effort, reached, factor,
                score(pain, impact, effort, factor),
            )
        )  # fmt: skip
    return out


def backlog(journeys: Sequence[Journey], evidence: Mapping[str, Reach] | None = None) -> tuple[RankedOpportunity, ...]:
    """Every opportunity of every journey, best score first; ``evidence`` maps journey ids to what data says."""
    evidence = evidence or {}
    items = [item for j in by_title(journeys) for item in _unranked(j, evidence.get(j.id))]
    items.sort(key=lambda item: -item.score)  # stable: equal scores keep journey title, then file order
    return tuple(replace(item, rank=n) for n, item in enumerate(items, start=1))
