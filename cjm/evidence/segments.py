"""Segments: the same figures per value of a customer attribute (``segment=COLUMN``), side by side.

A customer's segment is the smallest value of the column among its events (a customer attribute is
expected; ``mixed_cases`` counts the customers with several values); customers without a value form the
segment ``(no value)``; beyond the 20 largest segments, the rest are ``(other)``. Per segment: customers,
journeys with mapped steps, fitness and conforming journeys (as for the whole log), per stage the journeys
that reached it and ended in it, the three most common paths, and with ``--outcome`` the outcome classes.
A segment of fewer than ``--min-cases`` customers is suppressed.
"""

from __future__ import annotations

from typing import Any

from cjm.errors import InputError
from cjm.evidence.analysis import Statement
from cjm.evidence.matching import MapModel
from cjm.evidence.outcomes import NONE, OPEN, OutcomeSpec

Aggregates = dict[str, list[tuple[Any, ...]]]
TOP_SEGMENTS = 20
NO_VALUE, OTHER = "(no value)", "(other)"

SEGMENT_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_segment_stats": ("segment", "cases", "mixed_cases", "journeys_with_steps", "nonconforming_journeys",
                          "moves", "conformant_moves"),
    "cjm_segment_stage_stats": ("segment", "stage", "reached_journeys", "ended_journeys"),
    "cjm_segment_paths": ("segment", "path", "journeys"),
}  # fmt: skip
OUTCOME_TABLE = ("cjm_segment_outcomes", ("segment", "outcome", "journeys"))

_CASE_SEGMENTS = f"""
WITH per AS (
  SELECT c.cid, MIN(e.segment) AS segment, COUNT(DISTINCT e.segment) AS values_seen
  FROM cjm_events AS e JOIN cjm_cases AS c ON c.case_id = e.case_id GROUP BY c.cid
), ranked AS (
  SELECT segment, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, segment) AS rn
  FROM per WHERE segment IS NOT NULL GROUP BY segment
)
SELECT p.cid AS case_id, p.values_seen,
  CASE WHEN p.segment IS NULL THEN '{NO_VALUE}' WHEN r.rn <= {TOP_SEGMENTS} THEN p.segment ELSE '{OTHER}' END
    AS segment
FROM per AS p LEFT JOIN ranked AS r ON r.segment = p.segment
"""

_STATS = """
WITH ca AS (
  SELECT segment, COUNT(*) AS cases, SUM(CASE WHEN values_seen > 1 THEN 1 ELSE 0 END) AS mixed_cases
  FROM cjm_case_segments GROUP BY segment
), jo AS (
  SELECT g.segment, COUNT(*) AS journeys_with_steps, SUM(j.nonconforming) AS nonconforming_journeys
  FROM cjm_journeys AS j JOIN cjm_case_segments AS g ON g.case_id = j.case_id GROUP BY g.segment
), st AS (
  SELECT g.segment, SUM(CASE WHEN s.prev_tp IS NOT NULL THEN 1 ELSE 0 END) AS moves,
    SUM(CASE WHEN s.kind IN ('forward', 'within_stage') THEN 1 ELSE 0 END) AS conformant_moves
  FROM cjm_steps AS s JOIN cjm_case_segments AS g ON g.case_id = s.case_id GROUP BY g.segment
)
SELECT ca.segment, ca.cases, ca.mixed_cases, COALESCE(jo.journeys_with_steps, 0) AS journeys_with_steps,
  COALESCE(jo.nonconforming_journeys, 0) AS nonconforming_journeys, COALESCE(st.moves, 0) AS moves,
  COALESCE(st.conformant_moves, 0) AS conformant_moves
FROM ca LEFT JOIN jo ON jo.segment = ca.segment LEFT JOIN st ON st.segment = ca.segment
"""

_STAGES = """
SELECT segment, stage, SUM(reached) AS reached_journeys, SUM(ended) AS ended_journeys FROM (
  SELECT g.segment, v.stage, 1 AS reached, 0 AS ended
  FROM cjm_visits AS v JOIN cjm_case_segments AS g ON g.case_id = v.case_id
  UNION ALL
  SELECT g.segment, j.last_stage AS stage, 0 AS reached, 1 AS ended
  FROM cjm_journeys AS j JOIN cjm_case_segments AS g ON g.case_id = j.case_id
) AS x GROUP BY segment, stage
"""

_PATHS = """
SELECT segment, path, journeys FROM (
  SELECT g.segment, j.path, COUNT(*) AS journeys,
    ROW_NUMBER() OVER (PARTITION BY g.segment ORDER BY COUNT(*) DESC, j.path NULLS FIRST) AS rn
  FROM cjm_journeys AS j JOIN cjm_case_segments AS g ON g.case_id = j.case_id GROUP BY g.segment, j.path
) AS x WHERE rn <= 3
"""

_OUTCOMES = """
SELECT g.segment, o.outcome, COUNT(*) AS journeys
FROM cjm_outcome_journeys AS o JOIN cjm_case_segments AS g ON g.case_id = o.case_id GROUP BY g.segment, o.outcome
"""


def statements(outcomes: bool) -> list[Statement]:
    """The segment statements, run after the analysis (and the outcome statements)."""
    out = [
        Statement("cjm_case_segments", _CASE_SEGMENTS),
        Statement("cjm_segment_stats", _STATS),
        Statement("cjm_segment_stage_stats", _STAGES),
        Statement("cjm_segment_paths", _PATHS),
    ]
    return [*out, Statement(OUTCOME_TABLE[0], _OUTCOMES)] if outcomes else out


def tables(outcomes: bool) -> dict[str, tuple[str, ...]]:
    """The result tables of the segment statements."""
    return {**SEGMENT_TABLES, **(dict([OUTCOME_TABLE]) if outcomes else {})}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def segment_section(model: MapModel, aggregates: Aggregates, column: str, spec: OutcomeSpec | None,
                    min_cases: int) -> dict[str, Any]:  # fmt: skip
    """The report's ``segments``: per segment value its figures, largest segment first."""
    stats = aggregates.get("cjm_segment_stats", [])
    if stats and all(str(r[0]) == NO_VALUE for r in stats):
        raise InputError(f"segment column '{column}' has no value in any row: name a column that holds one "
                         "(a plan, a region, a channel of acquisition)")  # fmt: skip
    stages: dict[str, dict[int, tuple[int, int]]] = {}
    for segment, stage, reached, ended in aggregates.get("cjm_segment_stage_stats", []):
        if stage is not None:
            stages.setdefault(str(segment), {})[int(stage)] = (int(reached or 0), int(ended or 0))
    paths: dict[str, list[dict[str, Any]]] = {}
    for segment, path, journeys in sorted(aggregates.get("cjm_segment_paths", []), key=lambda r: (-int(r[2]), r[1])):
        steps = [model.touchpoints[int(p)] for p in str(path).split()]
        paths.setdefault(str(segment), []).append({"path": steps, "journeys": int(journeys)})
    outcomes: dict[str, dict[int, int]] = {}
    for segment, outcome, journeys in aggregates.get(OUTCOME_TABLE[0], []):
        outcomes.setdefault(str(segment), {})[int(outcome)] = int(journeys)
    values = []
    for row in stats:
        segment, cases, with_steps = str(row[0]), int(row[1]), int(row[3])
        entry: dict[str, Any] = {"segment": segment, "cases": cases, "mixed_cases": int(row[2]), "journeys": with_steps,
                                 "fitness": _share(int(row[6]) + with_steps, int(row[5]) + with_steps),
                                 "conforming_journeys": _share(with_steps - int(row[4]), with_steps),
                                 "stages": _stage_rows(model, stages.get(segment, {}), with_steps),
                                 "paths": paths.get(segment, [])}  # fmt: skip
        if spec is not None:
            entry.update(_outcome_rates(spec, outcomes.get(segment, {})))
        if min_cases > 1 and cases < min_cases:
            entry = {"segment": segment, "cases": None, "suppressed": True}
        values.append(entry)
    values.sort(key=lambda e: (e["segment"] in (NO_VALUE, OTHER), -(e["cases"] or 0), e["segment"]))
    return {"column": column, "values": values, "mixed_cases": sum(int(r[2]) for r in stats),
            "top": TOP_SEGMENTS}  # fmt: skip


def _stage_rows(model: MapModel, per: dict[int, tuple[int, int]], journeys: int) -> list[dict[str, Any]]:
    out = []
    for s, stage in enumerate(model.stages):
        if model.verifiable[s]:
            reached, ended = per.get(s, (0, 0))
            out.append({"id": stage, "reached_journeys": reached, "reached_share": _share(reached, journeys),
                        "ended_journeys": ended})  # fmt: skip
    return out


def _outcome_rates(spec: OutcomeSpec, per: dict[int, int]) -> dict[str, Any]:
    finished = sum(n for o, n in per.items() if o != OPEN)
    named = [*enumerate(spec.names()), (NONE, "none")]
    rates = {name: {"journeys": per.get(o, 0), "share": _share(per.get(o, 0), finished)} for o, name in named}
    return {"outcomes": rates, "open_journeys": per.get(OPEN, 0)}
