"""The analysis as a fixed list of portable SQL statements (DuckDB dialect, transpiled for warehouses).

Input: a table or view ``cjm_events(case_id, ts, event, channel, source)``
and the small parameter tables of :mod:`cjm.evidence.tables` (the map, as
numbers). Output: the aggregate tables in ``RESULT_TABLES``, from which
:mod:`cjm.evidence.report` builds the report. Only window functions,
joins, conditional aggregation and one standard ordered ARRAY_AGG (a
journey's path) are used; no user text is ever part of a statement (stage
numbers and limits are integers).
"""

from __future__ import annotations

from dataclasses import dataclass

from cjm.evidence.matching import MapModel

# Each result table and its columns, in order: the contract with `cjm evidence check --aggregates DIR`.
RESULT_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_totals": ("cases", "journeys", "events", "matched_events", "steps", "moves", "conformant_moves",
                   "journeys_with_steps", "nonconforming_journeys", "variants"),
    "cjm_key_stats": ("event", "channel", "source", "events", "tp", "key_rank"),
    "cjm_touchpoint_stats": ("tp", "events", "cases", "rework"),
    "cjm_channel_stats": ("tp", "channel", "events"),
    "cjm_stage_stats": ("stage", "journeys", "cases", "median_hours", "skipped_journeys", "beyond_journeys"),
    "cjm_transition_stats": ("kind", "from_stage", "to_stage", "transitions", "cases"),
    "cjm_edge_stats": ("from_tp", "to_tp", "transitions", "cases", "median_hours"),
    "cjm_variant_stats": ("path", "journeys", "cases"),
    "cjm_unmapped_stats": ("event", "events", "cases", "from_stage", "to_stage"),
}  # fmt: skip

# Orderings name NULLS FIRST although these values are never NULL: dialects differ in the default.
_ORDER = "ORDER BY t NULLS FIRST, tie NULLS FIRST, key_rank NULLS FIRST"


@dataclass(frozen=True)
class Statement:
    """One step of the analysis: the table it creates and its SQL."""

    table: str
    sql: str
    view: bool = False


def _median(expr: str, approximate: bool) -> str:
    return f"approx_quantile({expr}, 0.5)" if approximate else f"quantile_cont({expr}, 0.5)"


def statements(model: MapModel, top_variants: int, approximate: bool) -> list[Statement]:
    """Every statement of the analysis, in order."""
    return [
        Statement("cjm_key_stats", _KEYS),
        Statement("cjm_cases", _CASES),
        Statement("cjm_ord", _ORDERED),
        Statement("cjm_multi_ev", _MULTI),
        Statement("cjm_ev", _EVENTS, view=True),
        Statement("cjm_steps", _STEPS),
        Statement("cjm_journeys", _JOURNEYS),
        Statement("cjm_hits", _HITS),
        Statement("cjm_reach", _reach(model)),
        Statement("cjm_tp_counts", _TP_COUNTS),
        Statement("cjm_unmapped_stats", _UNMAPPED),  # the last reader of cjm_ev: DuckDB drops it after this
        Statement("cjm_totals", _TOTALS),
        Statement("cjm_touchpoint_stats", _TOUCHPOINTS),
        Statement("cjm_channel_stats", _CHANNELS),
        Statement("cjm_stage_stats", _stage_stats(approximate)),
        Statement("cjm_transition_stats", _TRANSITIONS),
        Statement("cjm_edge_stats", _edges(approximate)),
        Statement("cjm_variant_stats", _variants(int(top_variants))),
    ]


_KEYS = r"""
SELECT k.event, k.channel, k.source, k.events, MIN(p.tp) AS tp,
  ROW_NUMBER() OVER (ORDER BY k.event NULLS FIRST, k.channel NULLS FIRST, k.source NULLS FIRST) AS key_rank
FROM (
  SELECT event, COALESCE(channel, '') AS channel, COALESCE(source, '') AS source, COUNT(*) AS events
  FROM cjm_events GROUP BY event, COALESCE(channel, ''), COALESCE(source, '')
) AS k
LEFT JOIN cjm_patterns AS p
  ON k.event LIKE p.event_like ESCAPE '\' AND k.channel LIKE p.channel_like ESCAPE '\'
  AND k.source LIKE p.source_like ESCAPE '\'
GROUP BY k.event, k.channel, k.source, k.events
"""

# Every case id as a number: the sorts, joins and distinct counts that follow compare integers, not text.
# A customer whose events span no more than the journey gap has exactly one journey (no pause between two
# of its events can exceed the gap); only the others (single = 0) need their journeys numbered after the sort.
_CASES = """
SELECT c.case_id, ROW_NUMBER() OVER (ORDER BY c.case_id NULLS FIRST) AS cid,
  CASE WHEN c.span <= s.gap_seconds THEN 1 ELSE 0 END AS single
FROM (SELECT case_id, epoch(MAX(ts)) - epoch(MIN(ts)) AS span FROM cjm_events GROUP BY case_id) AS c
CROSS JOIN cjm_settings AS s
"""

# From here on, case_id is the case's number (cjm_cases.cid). One sort of the events orders them (by time,
# stage, then the key's rank: event, channel, source) and finds, for each event, the flow events around it.
# The events of a customer with one journey are final after that sort. Only the customers whose events span
# more than the gap (cjm_multi_ev) are sorted again, by position, to split and number their journeys.
# There, neighbours are compared by time: everything from a journey's start on lies at or after the start's
# time, and everything before it more than the gap earlier, so the flow event before an event is in its
# journey exactly when it is not earlier than the journey's start, and the one after exactly when it is
# earlier than the next journey's start.
_BEFORE = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
_AFTER = "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING"
_RUNNING = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
_BY_TIME = f"PARTITION BY case_id {_ORDER}"
_BY_POS = "PARTITION BY case_id ORDER BY pos NULLS FIRST"
_FLOW_T = "CASE WHEN flow_tp IS NOT NULL THEN t END"
_START_T = "CASE WHEN is_start = 1 THEN t END"
_ORDERED = f"""
WITH base AS (
  SELECT c.cid AS case_id, c.single, epoch(e.ts) AS t, k.tp,
    CASE WHEN tp.flow = 1 THEN k.tp END AS flow_tp, COALESCE(tp.first_stage, 1000000) AS tie, k.key_rank
  FROM cjm_events AS e
  JOIN cjm_cases AS c ON c.case_id = e.case_id
  JOIN cjm_key_stats AS k
    ON k.event = e.event AND k.channel = COALESCE(e.channel, '') AND k.source = COALESCE(e.source, '')
  LEFT JOIN cjm_touchpoints AS tp ON tp.tp = k.tp
), ordered AS (
  SELECT case_id, single, t, key_rank, tp, flow_tp,
    ROW_NUMBER() OVER ({_BY_TIME}) AS pos,
    LAG(t) OVER ({_BY_TIME}) AS prev_any_t,
    LAST_VALUE(flow_tp IGNORE NULLS) OVER ({_BY_TIME} {_BEFORE}) AS prev_tp,
    LAST_VALUE({_FLOW_T} IGNORE NULLS) OVER ({_BY_TIME} {_BEFORE}) AS prev_t,
    FIRST_VALUE(flow_tp IGNORE NULLS) OVER ({_BY_TIME} {_AFTER}) AS next_tp
  FROM base
)
SELECT o.case_id, o.single, o.pos, o.t, o.key_rank, o.tp, o.flow_tp, o.prev_tp, o.prev_t, o.next_tp,
  CASE WHEN o.prev_any_t IS NULL OR o.t - o.prev_any_t > s.gap_seconds THEN 1 ELSE 0 END AS is_start
FROM ordered AS o CROSS JOIN cjm_settings AS s
"""

# journey_no is cast: DuckDB sums integers into a 128-bit HUGEINT, twice as wide in every join and group.
_MULTI = f"""
SELECT case_id, journey_no, pos, t, key_rank, tp, flow_tp, is_start,
  CASE WHEN prev_t >= start_t THEN prev_tp END AS prev_tp,
  CASE WHEN prev_t >= start_t THEN prev_t END AS prev_t,
  CASE WHEN next_start_t IS NULL OR next_t < next_start_t THEN next_tp END AS next_tp
FROM (
  SELECT case_id, pos, t, key_rank, tp, flow_tp, is_start, prev_tp, prev_t, next_tp,
    CAST(SUM(is_start) OVER ({_BY_POS} {_RUNNING}) AS BIGINT) AS journey_no,
    MAX({_START_T}) OVER ({_BY_POS} {_RUNNING}) AS start_t,
    MIN({_START_T}) OVER ({_BY_POS} {_AFTER}) AS next_start_t,
    MIN({_FLOW_T}) OVER ({_BY_POS} {_AFTER}) AS next_t
  FROM cjm_ord WHERE single = 0
) AS x
"""

# Every event with its journey and its neighbouring flow events: a view, so the events are not copied.
_EVENTS = """
SELECT case_id, CAST(1 AS BIGINT) AS journey_no, pos, t, key_rank, tp, flow_tp, is_start, prev_tp, prev_t, next_tp
FROM cjm_ord WHERE single = 1
UNION ALL
SELECT case_id, journey_no, pos, t, key_rank, tp, flow_tp, is_start, prev_tp, prev_t, next_tp FROM cjm_multi_ev
"""

_STEPS = """
SELECT e.case_id, e.journey_no, e.pos, e.flow_tp AS tp, e.prev_tp, e.t - e.prev_t AS dt,
  p.kind, p.from_stage, COALESCE(p.to_stage, f.first_stage) AS stage
FROM cjm_ev AS e
JOIN cjm_touchpoints AS f ON f.tp = e.flow_tp
LEFT JOIN cjm_pairs AS p ON p.from_tp = e.prev_tp AND p.to_tp = e.flow_tp
WHERE e.flow_tp IS NOT NULL AND (e.prev_tp IS NULL OR e.prev_tp <> e.flow_tp)
"""

# The last step's stage rides along with the highest position (pos * 1000 + stage): no DuckDB-only arg_max.
# The path is the standard ordered ARRAY_AGG of the touchpoint numbers, joined: DuckDB sorts integers in half
# the time it takes for an ordered STRING_AGG. cjm.evidence.dialects writes it where a warehouse differs.
_JOURNEYS = """
SELECT case_id, journey_no, COUNT(*) AS steps,
  ARRAY_TO_STRING(ARRAY_AGG(tp ORDER BY pos NULLS FIRST), ' ') AS path,
  CAST(MAX(pos * 1000 + stage) % 1000 AS INTEGER) AS last_stage,
  MAX(stage) AS max_stage,
  MAX(CASE WHEN kind IN ('skip', 'loop_back') THEN 1 ELSE 0 END) AS nonconforming
FROM cjm_steps GROUP BY case_id, journey_no
"""

_HITS = """
SELECT e.case_id, e.journey_no, e.pos, e.t, s.stage
FROM cjm_ev AS e JOIN cjm_tp_stages AS s ON s.tp = e.flow_tp
"""


def _reach(model: MapModel) -> str:
    """Ordered, eventual funnel: stage k at the first stage-k evidence after reaching k-1, within the window.

    A stage no evidence can show (no touchpoint with events) is passed through: it is reached with the
    stage before it, so it never blocks the funnel.
    """
    ctes = ["rs AS (SELECT case_id, journey_no, CAST(0 AS BIGINT) AS pos, t FROM cjm_ev WHERE is_start = 1)"]
    selects = []
    for k, ok in enumerate(model.verifiable):
        prev = "rs" if k == 0 else f"r{k - 1}"
        if not ok:
            entry = "t" if k == 0 else "entry_t"
            ctes.append(f"r{k} AS (SELECT case_id, journey_no, pos, t, {entry} AS entry_t, t AS prev_t FROM {prev})")
        else:
            entry = "MIN(h.t)" if k == 0 else "MIN(p.entry_t)"
            window = "" if k == 0 else " AND h.t - p.entry_t <= s.window_seconds"
            ctes.append(
                f"r{k} AS (SELECT h.case_id, h.journey_no, MIN(h.pos) AS pos, MIN(h.t) AS t, {entry} AS entry_t, "
                f"MIN(p.t) AS prev_t FROM cjm_hits AS h JOIN {prev} AS p ON h.case_id = p.case_id "
                f"AND h.journey_no = p.journey_no AND h.pos > p.pos CROSS JOIN cjm_settings AS s "
                f"WHERE h.stage = {k}{window} GROUP BY h.case_id, h.journey_no)"
            )
        selects.append(f"SELECT CAST({k} AS INTEGER) AS stage, case_id, journey_no, t - prev_t AS dt FROM r{k}")
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION ALL\n".join(selects)


# Per touchpoint (NULL: unmatched events): the touchpoint table, and the totals without another pass.
_TP_COUNTS = """
SELECT tp, COUNT(*) AS events, COUNT(DISTINCT case_id) AS cases,
  SUM(CASE WHEN flow_tp IS NOT NULL AND prev_tp = flow_tp THEN 1 ELSE 0 END) AS rework, SUM(is_start) AS starts
FROM cjm_ev GROUP BY tp
"""

_TOTALS = """
SELECT e.cases, e.journeys, e.events, e.matched_events, s.steps, s.moves, s.conformant_moves,
  j.journeys_with_steps, j.nonconforming_journeys, j.variants
FROM (
  SELECT (SELECT COUNT(*) FROM cjm_cases) AS cases, COALESCE(SUM(starts), 0) AS journeys,
    COALESCE(SUM(events), 0) AS events,
    COALESCE(SUM(CASE WHEN tp IS NOT NULL THEN events ELSE 0 END), 0) AS matched_events
  FROM cjm_tp_counts
) AS e
CROSS JOIN (
  SELECT COUNT(*) AS steps, COALESCE(SUM(CASE WHEN prev_tp IS NOT NULL THEN 1 ELSE 0 END), 0) AS moves,
    COALESCE(SUM(CASE WHEN kind IN ('forward', 'within_stage') THEN 1 ELSE 0 END), 0) AS conformant_moves
  FROM cjm_steps
) AS s
CROSS JOIN (
  SELECT COUNT(*) AS journeys_with_steps, COALESCE(SUM(nonconforming), 0) AS nonconforming_journeys,
    COUNT(DISTINCT path) AS variants
  FROM cjm_journeys
) AS j
"""

_TOUCHPOINTS = "SELECT tp, events, cases, rework FROM cjm_tp_counts WHERE tp IS NOT NULL"

_CHANNELS = """
SELECT tp, channel, SUM(events) AS events FROM cjm_key_stats WHERE tp IS NOT NULL GROUP BY tp, channel
"""


def _stage_stats(approximate: bool) -> str:
    return f"""
WITH reached AS (
  SELECT stage, COUNT(*) AS journeys, COUNT(DISTINCT case_id) AS cases,
    {_median("dt / 3600.0", approximate)} AS median_hours
  FROM cjm_reach GROUP BY stage
), skipped AS (
  SELECT stage, COUNT(*) AS skipped_journeys FROM (
    SELECT DISTINCT m.stage, st.case_id, st.journey_no
    FROM cjm_steps AS st
    JOIN cjm_stages AS f ON f.stage = st.from_stage
    JOIN cjm_stages AS g ON g.stage = st.stage
    JOIN cjm_stages AS m ON m.verifiable = 1 AND m.stage_rank > f.stage_rank AND m.stage_rank < g.stage_rank
    WHERE st.kind = 'skip'
  ) AS x GROUP BY stage
), beyond AS (
  SELECT m.stage, SUM(j.n) AS beyond_journeys
  FROM (SELECT max_stage, COUNT(*) AS n FROM cjm_journeys GROUP BY max_stage) AS j
  JOIN cjm_stages AS m ON m.verifiable = 1 AND j.max_stage > m.stage
  GROUP BY m.stage
)
SELECT s.stage, COALESCE(r.journeys, 0) AS journeys, COALESCE(r.cases, 0) AS cases, r.median_hours,
  COALESCE(k.skipped_journeys, 0) AS skipped_journeys, COALESCE(b.beyond_journeys, 0) AS beyond_journeys
FROM cjm_stages AS s
LEFT JOIN reached AS r ON r.stage = s.stage
LEFT JOIN skipped AS k ON k.stage = s.stage
LEFT JOIN beyond AS b ON b.stage = s.stage
"""


_TRANSITIONS = """
SELECT kind, from_stage, stage AS to_stage, COUNT(*) AS transitions, COUNT(DISTINCT case_id) AS cases
FROM cjm_steps WHERE prev_tp IS NOT NULL GROUP BY kind, from_stage, stage
UNION ALL
SELECT 'end' AS kind, last_stage AS from_stage, CAST(NULL AS INTEGER) AS to_stage, COUNT(*) AS transitions,
  COUNT(DISTINCT case_id) AS cases
FROM cjm_journeys GROUP BY last_stage
"""


def _edges(approximate: bool) -> str:
    return f"""
SELECT prev_tp AS from_tp, tp AS to_tp, COUNT(*) AS transitions, COUNT(DISTINCT case_id) AS cases,
  {_median("dt / 3600.0", approximate)} AS median_hours
FROM cjm_steps WHERE prev_tp IS NOT NULL GROUP BY prev_tp, tp
"""


def _variants(top: int) -> str:
    return f"""
SELECT path, COUNT(*) AS journeys, COUNT(DISTINCT case_id) AS cases
FROM cjm_journeys GROUP BY path ORDER BY journeys DESC NULLS LAST, path NULLS FIRST LIMIT {top}
"""


# An unmapped event sits in the transition between the flow touchpoints around it, classed like any
# other; before the first step it sits at that step's stage, after the last step at the last stage.
_UNMAPPED = """
WITH u AS (
  SELECT k.event, e.case_id,
    CASE WHEN e.prev_tp IS NULL THEN NULL WHEN e.next_tp IS NULL THEN j.last_stage ELSE p.from_stage END
      AS from_stage,
    CASE WHEN e.next_tp IS NULL THEN NULL WHEN e.prev_tp IS NULL THEN n.first_stage ELSE p.to_stage END
      AS to_stage
  FROM cjm_ev AS e
  JOIN cjm_key_stats AS k ON k.key_rank = e.key_rank
  LEFT JOIN cjm_pairs AS p ON p.from_tp = e.prev_tp AND p.to_tp = e.next_tp
  LEFT JOIN cjm_touchpoints AS n ON n.tp = e.next_tp
  LEFT JOIN cjm_journeys AS j ON j.case_id = e.case_id AND j.journey_no = e.journey_no
  WHERE e.tp IS NULL
), totals AS (
  SELECT event, COUNT(*) AS events, COUNT(DISTINCT case_id) AS cases FROM u GROUP BY event
), places AS (
  SELECT event, from_stage, to_stage,
    ROW_NUMBER() OVER (
      PARTITION BY event ORDER BY COUNT(*) DESC NULLS LAST, from_stage NULLS FIRST, to_stage NULLS FIRST
    ) AS rn
  FROM u GROUP BY event, from_stage, to_stage
)
SELECT t.event, t.events, t.cases, p.from_stage, p.to_stage
FROM totals AS t JOIN places AS p ON p.event = t.event AND p.rn = 1
"""
