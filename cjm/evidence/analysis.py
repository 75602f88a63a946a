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
    "cjm_stage_stats": ("stage", "reached_journeys", "reached_cases", "entered_journeys", "continued_journeys",
                        "ended_journeys", "median_hours_in_stage", "skipped_journeys", "beyond_journeys"),
    "cjm_funnel_stats": ("stage", "journeys", "cases", "median_hours"),
    "cjm_tp_stage_stats": ("tp", "stage", "steps", "journeys", "cases"),
    "cjm_transition_stats": ("kind", "from_stage", "to_stage", "transitions", "cases"),
    "cjm_edge_stats": ("from_tp", "to_tp", "transitions", "cases", "median_hours"),
    "cjm_variant_stats": ("path", "journeys", "cases"),
    "cjm_unmapped_stats": ("event", "events", "cases", "from_stage", "to_stage", "place_events", "place_rank"),
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


def statements(model: MapModel, top_variants: int, approximate: bool, marked: bool = False) -> list[Statement]:
    """Every statement of the analysis, in order.

    ``marked``: ``cjm_events`` has a column ``outcome`` (the outcome class a row's column value marks, see
    :mod:`cjm.evidence.outcomes`), carried along with each event to ``cjm_ev``; one small integer per event.
    """
    carry = ", outcome" if marked else ""
    return [
        Statement("cjm_key_stats", _KEYS),
        Statement("cjm_cases", _CASES),
        Statement("cjm_ord", _ordered(carry)),
        Statement("cjm_multi_ev", _multi(carry)),
        Statement("cjm_ev", _events(carry), view=True),
        Statement("cjm_steps", _steps(model)),
        Statement("cjm_journeys", _JOURNEYS),
        Statement("cjm_visits", _visits(model)),
        Statement("cjm_hits", _HITS),
        Statement("cjm_reach", _reach(model)),
        Statement("cjm_tp_counts", _TP_COUNTS),
        Statement("cjm_unmapped_stats", _UNMAPPED),  # the last reader of cjm_ev: DuckDB drops it after this
        Statement("cjm_totals", _TOTALS),
        Statement("cjm_touchpoint_stats", _TOUCHPOINTS),
        Statement("cjm_channel_stats", _CHANNELS),
        Statement("cjm_stage_stats", _stage_stats(approximate)),
        Statement("cjm_funnel_stats", _funnel_stats(approximate)),
        Statement("cjm_tp_stage_stats", _TP_STAGES),
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

# Times are integer microseconds (epoch_us) in every dialect: events within one second keep their order.
# No gap (gap_us NULL) keeps one journey per customer.
# Every case id as a number: the sorts, joins and distinct counts that follow compare integers, not text.
# cid is a BIGINT everywhere: Spark's ROW_NUMBER is an INT, and case numbers are multiplied (by 10^6) further on.
# A customer whose events span no more than the journey gap has exactly one journey (no pause between two
# of its events can exceed the gap); only the others (single = 0) need their journeys numbered after the sort.
_CASES = """
SELECT c.case_id, CAST(ROW_NUMBER() OVER (ORDER BY c.case_id NULLS FIRST) AS BIGINT) AS cid,
  CASE WHEN s.gap_us IS NULL OR c.span <= s.gap_us THEN 1 ELSE 0 END AS single
FROM (SELECT case_id, epoch_us(MAX(ts)) - epoch_us(MIN(ts)) AS span FROM cjm_events GROUP BY case_id) AS c
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


def _ordered(carry: str) -> str:
    """Every event numbered in its customer's order, with its flow neighbours (and ``carry``: ", outcome")."""
    return f"""
WITH base AS (
  SELECT c.cid AS case_id, c.single, epoch_us(e.ts) AS t, k.tp,
    CASE WHEN tp.flow = 1 THEN k.tp END AS flow_tp, COALESCE(tp.first_stage, 1000000) AS tie, k.key_rank{carry}
  FROM cjm_events AS e
  JOIN cjm_cases AS c ON c.case_id = e.case_id
  JOIN cjm_key_stats AS k
    ON k.event = e.event AND k.channel = COALESCE(e.channel, '') AND k.source = COALESCE(e.source, '')
  LEFT JOIN cjm_touchpoints AS tp ON tp.tp = k.tp
), ordered AS (
  SELECT case_id, single, t, key_rank, tp, flow_tp{carry},
    ROW_NUMBER() OVER ({_BY_TIME}) AS pos,
    LAG(t) OVER ({_BY_TIME}) AS prev_any_t,
    LAST_VALUE(flow_tp IGNORE NULLS) OVER ({_BY_TIME} {_BEFORE}) AS prev_tp,
    LAST_VALUE({_FLOW_T} IGNORE NULLS) OVER ({_BY_TIME} {_BEFORE}) AS prev_t,
    FIRST_VALUE(flow_tp IGNORE NULLS) OVER ({_BY_TIME} {_AFTER}) AS next_tp
  FROM base
)
SELECT o.case_id, o.single, o.pos, o.t, o.key_rank, o.tp, o.flow_tp, o.prev_tp, o.prev_t, o.next_tp{carry},
  CASE WHEN o.prev_any_t IS NULL OR (s.gap_us IS NOT NULL AND o.t - o.prev_any_t > s.gap_us) THEN 1 ELSE 0 END
    AS is_start
FROM ordered AS o CROSS JOIN cjm_settings AS s
"""


# journey_no is cast: DuckDB sums integers into a 128-bit HUGEINT, twice as wide in every join and group.
def _multi(carry: str) -> str:
    """The events of customers with several journeys, numbered into their journeys."""
    return f"""
SELECT case_id, journey_no, pos, t, key_rank, tp, flow_tp, is_start{carry},
  CASE WHEN prev_t >= start_t THEN prev_tp END AS prev_tp,
  CASE WHEN prev_t >= start_t THEN prev_t END AS prev_t,
  CASE WHEN next_start_t IS NULL OR next_t < next_start_t THEN next_tp END AS next_tp
FROM (
  SELECT case_id, pos, t, key_rank, tp, flow_tp, is_start, prev_tp, prev_t, next_tp{carry},
    CAST(SUM(is_start) OVER ({_BY_POS} {_RUNNING}) AS BIGINT) AS journey_no,
    MAX({_START_T}) OVER ({_BY_POS} {_RUNNING}) AS start_t,
    MIN({_START_T}) OVER ({_BY_POS} {_AFTER}) AS next_start_t,
    MIN({_FLOW_T}) OVER ({_BY_POS} {_AFTER}) AS next_t
  FROM cjm_ord WHERE single = 0
) AS x
"""


def _events(carry: str) -> str:
    """Every event with its journey and its neighbouring flow events: a view, so the events are not copied."""
    columns = f"pos, t, key_rank, tp, flow_tp, is_start, prev_tp, prev_t, next_tp{carry}"
    return f"""
SELECT case_id, CAST(1 AS BIGINT) AS journey_no, {columns}
FROM cjm_ord WHERE single = 1
UNION ALL
SELECT case_id, journey_no, {columns} FROM cjm_multi_ev
"""


_HOURS = "/ 3600000000.0"  # microseconds to hours
# Per customer, not per journey: a journey's first step never reads the row before it (its step before is
# none, known without the window), so nothing crosses from one journey to the next, and one key sorts faster.
_BY_STEP = "PARTITION BY case_id ORDER BY pos NULLS FIRST"


def _levels(model: MapModel) -> list[dict[str, list[int]]]:
    """Per stage level k >= 1, the rule that decides whether a step's stage is k or later, per flow touchpoint.

    The stage of a step at a shared touchpoint with stages S, after a step in stage c, is
    f(c) = min(max S, smallest x in S with x >= c); the first step of a journey starts from c = -1. Written
    as levels z_k = [stage >= k], a step's z_k is a constant, or the previous step's z_q for the level
    q = (largest x in S below k) + 1: "carry" when q = k, else the previous step's z_q (q < k, already known).
    So each level is one running LAST_VALUE over the steps, and the stage is the sum of the levels.
    """
    flows = [tp for tp in range(len(model.touchpoints)) if model.flow(tp)]
    out: list[dict[str, list[int]]] = []
    for k in range(1, len(model.stages)):
        rule: dict[str, list[int]] = {}
        for tp in flows:
            stages = model.tp_stages[tp]
            below = [x for x in stages if x < k]
            if len(stages) == 1:
                key = "one" if stages[0] >= k else "zero"
            elif max(stages) < k:
                key = "zero"
            elif not below:
                key = "one"
            else:
                key = "carry" if max(below) + 1 == k else f"lag{max(below) + 1}"
            rule.setdefault(key, []).append(tp)
        out.append(rule)
    return out


def _steps(model: MapModel) -> str:
    """Collapsed steps with their stage (see :func:`_levels`) and their transition class.

    A step at a touchpoint of one stage after a step at a touchpoint of one stage (or first) needs no window:
    both stages are the touchpoints' own. Only the steps at shared touchpoints and the steps right after them
    are ordered per journey, for the stage levels and the stage of the step before (kind is NULL for a
    journey's first step; otherwise it compares the stage ranks of the two steps).
    """
    raw = """SELECT e.case_id, e.journey_no, e.pos, e.t, e.flow_tp AS tp, e.prev_tp, e.t - e.prev_t AS dt,
    f.first_stage, f.shared, p.first_stage AS prev_first, COALESCE(p.shared, 0) AS prev_shared
  FROM cjm_ev AS e
  JOIN cjm_touchpoints AS f ON f.tp = e.flow_tp
  LEFT JOIN cjm_touchpoints AS p ON p.tp = e.prev_tp
  WHERE e.flow_tp IS NOT NULL AND (e.prev_tp IS NULL OR e.prev_tp <> e.flow_tp)"""
    columns = "case_id, journey_no, pos, t, tp, prev_tp, dt"
    plain = f"SELECT {columns}, first_stage AS stage, prev_first AS from_stage FROM raw WHERE shared + prev_shared = 0"
    # Each level k gets z{k} (this step's) and p{k} (the step before's, read where that step is the row
    # before). A level that reads the step before's level q comes in a later SELECT than q's; the windows of
    # one SELECT share one order, so there are as many sorts as the chain of levels is long, not one per level.
    before = (
        "CASE WHEN prev_shared = 1 THEN {prev} ELSE CASE WHEN COALESCE(prev_first, -1) >= {q} THEN 1 ELSE 0 END END"
    )
    layers: dict[int, list[str]] = {}
    depth: dict[int, int] = {}
    for k, rule in enumerate(_levels(model), start=1):
        whens = []
        for key, tps in sorted(rule.items()):
            listed = ", ".join(str(tp) for tp in tps)
            if key in ("one", "zero"):
                whens.append(f"WHEN tp IN ({listed}) THEN {int(key == 'one')}")
            elif key.startswith("lag"):
                whens.append(f"WHEN tp IN ({listed}) THEN " + before.format(prev=f"p{key[3:]}", q=key[3:]))
            else:  # carry: the previous step's own level k, known here when that step is not shared
                whens.append(f"WHEN tp IN ({listed}) THEN " + before.format(prev="NULL", q=k))
        decided = "CASE " + " ".join(whens) + " END" if whens else "0"  # no touchpoint is on the flow
        refs = [depth[int(key[3:])] for key in rule if key.startswith("lag")]
        depth[k] = 1 + max(refs) if refs else 0
        if "carry" in rule:
            now = f"COALESCE(LAST_VALUE({decided} IGNORE NULLS) OVER ({_BY_STEP} {_RUNNING}), 0)"
            then = f"COALESCE(LAST_VALUE({decided} IGNORE NULLS) OVER ({_BY_STEP} {_BEFORE}), 0)"
        else:
            now, then = decided, f"COALESCE(LAG({decided}) OVER ({_BY_STEP}), 0)"
        layers.setdefault(depth[k], []).append(f"{now} AS z{k}, {then} AS p{k}")
    query = "SELECT * FROM raw WHERE shared = 1 OR prev_shared = 1"
    for layer in sorted(layers):
        query = f"SELECT x.*, {', '.join(layers[layer])} FROM ({query}) AS x"
    levels = range(1, len(model.stages))
    stage = " + ".join(f"z{k}" for k in levels) or "0"
    previous = " + ".join(f"p{k}" for k in levels) or "0"
    shared = f"""SELECT {columns}, CAST({stage} AS INTEGER) AS stage,
    CASE WHEN prev_tp IS NULL THEN NULL WHEN prev_shared = 0 THEN prev_first ELSE CAST({previous} AS INTEGER) END
      AS from_stage
  FROM ({query}) AS v"""
    return f"""
WITH raw AS (
  {raw}
), staged AS (
  {plain}
  UNION ALL
  {shared}
)
SELECT w.case_id, w.journey_no, w.pos, w.t, w.tp, w.prev_tp, w.dt, w.stage, w.from_stage,
  CASE WHEN w.from_stage IS NULL THEN NULL WHEN w.from_stage = w.stage THEN 'within_stage'
    WHEN g.stage_rank = f.stage_rank + 1 THEN 'forward' WHEN g.stage_rank > f.stage_rank THEN 'skip'
    ELSE 'loop_back' END AS kind
FROM staged AS w
JOIN cjm_stages AS g ON g.stage = w.stage
LEFT JOIN cjm_stages AS f ON f.stage = w.from_stage
"""


# The first and last step's stages ride along with the lowest and highest position (pos * 1000 + stage): no
# DuckDB-only arg_min. The path is the standard ordered ARRAY_AGG of the touchpoint numbers, joined: DuckDB
# sorts integers in half the time it takes for an ordered STRING_AGG. cjm.evidence.dialects writes it where a
# warehouse differs.
_JOURNEYS = """
SELECT case_id, journey_no, COUNT(*) AS steps,
  ARRAY_TO_STRING(ARRAY_AGG(tp ORDER BY pos NULLS FIRST), ' ') AS path,
  CAST(MIN(pos * 1000 + stage) % 1000 AS INTEGER) AS first_stage,
  CAST(MAX(pos * 1000 + stage) % 1000 AS INTEGER) AS last_stage,
  MAX(stage) AS max_stage,
  MAX(CASE WHEN kind IN ('skip', 'loop_back') THEN 1 ELSE 0 END) AS nonconforming
FROM cjm_steps GROUP BY case_id, journey_no
"""


def _visits(model: MapModel) -> str:
    """Per journey and stage it has a step in: the first step there, and the first later step in a later stage.

    Two hash aggregations with a column per stage (no self-join, no sort): the first position in each stage
    per journey, then each stage's first later step in a later stage; a UNION ALL turns the columns to rows.
    """
    stages = [k for k, ok in enumerate(model.verifiable) if ok]
    if not stages:
        return "SELECT case_id, journey_no, stage, t AS first_t, t AS next_t FROM cjm_steps WHERE 1 = 0"
    firsts = ", ".join(f"MIN(CASE WHEN stage = {k} THEN pos END) AS p{k}" for k in stages)
    nexts = ", ".join(
        f"MIN(CASE WHEN s.stage = {k} THEN s.t END) AS f{k}, "
        f"MIN(CASE WHEN s.stage > {k} AND s.pos > j.p{k} THEN s.t END) AS n{k}"
        for k in stages
    )
    rows = "\nUNION ALL\n".join(
        f"SELECT case_id, journey_no, CAST({k} AS INTEGER) AS stage, f{k} AS first_t, n{k} AS next_t "
        f"FROM per_journey WHERE f{k} IS NOT NULL"
        for k in stages
    )
    return f"""
WITH firsts AS (
  SELECT case_id, journey_no, {firsts} FROM cjm_steps GROUP BY case_id, journey_no
), per_journey AS (
  SELECT s.case_id, s.journey_no, {nexts}
  FROM cjm_steps AS s JOIN firsts AS j ON j.case_id = s.case_id AND j.journey_no = s.journey_no
  GROUP BY s.case_id, s.journey_no
)
{rows}
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
            window = "" if k == 0 else " AND h.t - p.entry_t <= s.window_us"
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
    """Per stage, over journeys: reached (any order), entered, continued to a later stage, ended, time in it."""
    return f"""
WITH reached AS (
  SELECT stage, COUNT(*) AS reached_journeys, COUNT(DISTINCT case_id) AS reached_cases,
    SUM(CASE WHEN next_t IS NOT NULL THEN 1 ELSE 0 END) AS continued_journeys,
    {_median(f"(next_t - first_t) {_HOURS}", approximate)} AS median_hours_in_stage
  FROM cjm_visits GROUP BY stage
), entered AS (
  SELECT first_stage AS stage, COUNT(*) AS entered_journeys FROM cjm_journeys GROUP BY first_stage
), ended AS (
  SELECT last_stage AS stage, COUNT(*) AS ended_journeys FROM cjm_journeys GROUP BY last_stage
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
SELECT s.stage, COALESCE(r.reached_journeys, 0) AS reached_journeys, COALESCE(r.reached_cases, 0) AS reached_cases,
  COALESCE(n.entered_journeys, 0) AS entered_journeys, COALESCE(r.continued_journeys, 0) AS continued_journeys,
  COALESCE(d.ended_journeys, 0) AS ended_journeys, r.median_hours_in_stage,
  COALESCE(k.skipped_journeys, 0) AS skipped_journeys, COALESCE(b.beyond_journeys, 0) AS beyond_journeys
FROM cjm_stages AS s
LEFT JOIN reached AS r ON r.stage = s.stage
LEFT JOIN entered AS n ON n.stage = s.stage
LEFT JOIN ended AS d ON d.stage = s.stage
LEFT JOIN skipped AS k ON k.stage = s.stage
LEFT JOIN beyond AS b ON b.stage = s.stage
"""


def _funnel_stats(approximate: bool) -> str:
    """The ordered funnel of version 1: journeys and customers per stage, median hours from the previous one."""
    return f"""
SELECT stage, COUNT(*) AS journeys, COUNT(DISTINCT case_id) AS cases,
  {_median(f"dt {_HOURS}", approximate)} AS median_hours
FROM cjm_reach GROUP BY stage
"""


# A shared touchpoint's figures per stage: the steps there, and the journeys and customers with such a step.
_TP_STAGES = """
SELECT s.tp, s.stage, COUNT(*) AS steps, COUNT(DISTINCT s.case_id * 1000000 + s.journey_no) AS journeys,
  COUNT(DISTINCT s.case_id) AS cases
FROM cjm_steps AS s JOIN cjm_touchpoints AS f ON f.tp = s.tp AND f.shared = 1
GROUP BY s.tp, s.stage
"""


_TRANSITIONS = """
SELECT kind, from_stage, stage AS to_stage, COUNT(*) AS transitions, COUNT(DISTINCT case_id) AS cases
FROM cjm_steps WHERE from_stage IS NOT NULL GROUP BY kind, from_stage, stage
UNION ALL
SELECT 'end' AS kind, last_stage AS from_stage, CAST(NULL AS INTEGER) AS to_stage, COUNT(*) AS transitions,
  COUNT(DISTINCT case_id) AS cases
FROM cjm_journeys GROUP BY last_stage
"""


def _edges(approximate: bool) -> str:
    return f"""
SELECT prev_tp AS from_tp, tp AS to_tp, COUNT(*) AS transitions, COUNT(DISTINCT case_id) AS cases,
  {_median(f"dt {_HOURS}", approximate)} AS median_hours
FROM cjm_steps WHERE prev_tp IS NOT NULL GROUP BY prev_tp, tp
"""


def _variants(top: int) -> str:
    return f"""
SELECT path, COUNT(*) AS journeys, COUNT(DISTINCT case_id) AS cases
FROM cjm_journeys GROUP BY path ORDER BY journeys DESC NULLS LAST, path NULLS FIRST LIMIT {top}
"""


# An unmapped event sits between the steps around it: the stage of the step before it (NULL at a journey's
# start) and of the step its next flow event belongs to (the same step when that event repeats the touchpoint
# before; NULL at a journey's end). Next to touchpoints of one stage, those are the touchpoints' stages; only
# the journeys with an unmapped event next to a shared touchpoint are ordered to find the steps. Each event's
# three most frequent places are kept, with their counts.
_UNMAPPED = f"""
WITH u AS (
  SELECT k.event, e.case_id, e.journey_no, e.pos, e.prev_tp, e.next_tp, p.first_stage AS prev_first,
    n.first_stage AS next_first, COALESCE(p.shared, 0) + COALESCE(n.shared, 0) AS near_shared
  FROM cjm_ev AS e JOIN cjm_key_stats AS k ON k.key_rank = e.key_rank
  LEFT JOIN cjm_touchpoints AS p ON p.tp = e.prev_tp
  LEFT JOIN cjm_touchpoints AS n ON n.tp = e.next_tp
  WHERE e.tp IS NULL
), near AS (
  SELECT * FROM u WHERE near_shared > 0
), around AS (
  SELECT s.case_id, s.journey_no, s.pos, s.stage, CAST(NULL AS VARCHAR) AS event, 0 AS unmapped,
    CAST(NULL AS INTEGER) AS prev_tp, CAST(NULL AS INTEGER) AS next_tp
  FROM cjm_steps AS s JOIN (SELECT DISTINCT case_id, journey_no FROM near) AS j
    ON j.case_id = s.case_id AND j.journey_no = s.journey_no
  UNION ALL
  SELECT case_id, journey_no, pos, CAST(NULL AS INTEGER) AS stage, event, 1 AS unmapped, prev_tp, next_tp FROM near
), placed AS (
  SELECT event, case_id, prev_tp, next_tp,
    LAST_VALUE(stage IGNORE NULLS) OVER (PARTITION BY case_id, journey_no ORDER BY pos NULLS FIRST {_BEFORE}) AS before,
    FIRST_VALUE(stage IGNORE NULLS) OVER (PARTITION BY case_id, journey_no ORDER BY pos NULLS FIRST {_AFTER}) AS after,
    unmapped
  FROM around
), v AS (
  SELECT event, case_id, CASE WHEN prev_tp IS NULL THEN NULL ELSE before END AS from_stage,
    CASE WHEN next_tp IS NULL THEN NULL WHEN next_tp = prev_tp THEN before ELSE after END AS to_stage
  FROM placed WHERE unmapped = 1
  UNION ALL
  SELECT event, case_id, prev_first AS from_stage, CASE WHEN next_tp = prev_tp THEN prev_first ELSE next_first END
  FROM u WHERE near_shared = 0
), totals AS (
  SELECT event, COUNT(*) AS events, COUNT(DISTINCT case_id) AS cases FROM v GROUP BY event
), places AS (
  SELECT event, from_stage, to_stage, COUNT(*) AS place_events,
    ROW_NUMBER() OVER (
      PARTITION BY event ORDER BY COUNT(*) DESC NULLS LAST, from_stage NULLS FIRST, to_stage NULLS FIRST
    ) AS rn
  FROM v GROUP BY event, from_stage, to_stage
)
SELECT t.event, t.events, t.cases, p.from_stage, p.to_stage, p.place_events, p.rn AS place_rank
FROM totals AS t JOIN places AS p ON p.event = t.event AND p.rn <= 3
"""
