"""Survey answers and periods in SQL: their parameter tables and statements, new aggregate tables beside the analysis's.

The statements read the analysis's intermediate tables (the events with their journeys, the steps with their
stages, the journeys) and add small aggregate tables; they never change the analysis's own tables, so every
existing figure stays what it was. Counting is SQL; the statistics (intervals, tests) are Python
(:mod:`cjm.evidence.surveys`, :mod:`cjm.evidence.periods`). As in the analysis, no user text is ever part of a
statement: patterns and scales are bound parameters, periods are numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cjm.evidence.analysis import Statement
from cjm.evidence.matching import MapModel, glob_to_like

if TYPE_CHECKING:
    import duckdb

Row = tuple[object, ...]

_STAT_COLUMNS = ("answers", "unusable", "missing", "responses", "total", "total_sq", "high", "low", "bad_example")
SURVEY_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_survey_stats": ("metric", "stage", *_STAT_COLUMNS),
}
# The calendar the log spans (numbered from 0) and the log's first and last event, then the figures per period.
PERIOD_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_periods": ("period", "start_us", "end_us"),
    "cjm_log_span": ("first_us", "last_us"),
    "cjm_period_stats": ("period", "journeys", "journeys_with_steps", "moves", "conformant_moves",
                         "nonconforming_journeys"),
    "cjm_period_stage_stats": ("period", "stage", "reached_journeys"),
    "cjm_period_event_stats": ("period", "event", "mapped", "survey", "events", "cases"),
}  # fmt: skip
PERIOD_SURVEY_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_period_survey_stats": ("metric", "period", *_STAT_COLUMNS),
}

# With --outcome: per period of the journeys' start and outcome (class number, or -1 open, -2 none), journeys.
PERIOD_OUTCOME_TABLES: dict[str, tuple[str, ...]] = {"cjm_period_outcome_stats": ("period", "outcome", "journeys")}

PARAMETER_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "cjm_metric_patterns": (("metric", "INTEGER"), ("event_like", "VARCHAR"), ("channel_like", "VARCHAR"),
                            ("source_like", "VARCHAR")),
    "cjm_metric_scales": (("metric", "INTEGER"), ("lo", "DOUBLE"), ("hi", "DOUBLE"), ("whole", "INTEGER"),
                          ("high_from", "DOUBLE"), ("low_to", "DOUBLE")),
    "cjm_calendar": (("period", "INTEGER"), ("start_us", "BIGINT"), ("end_us", "BIGINT")),
}  # fmt: skip


@dataclass(frozen=True)
class Measures:
    """What a run measures beyond the map: survey answers (the events carry a score) and figures per period.

    ``calendar`` (with ``--by``) holds the periods' start and end in microseconds: the log's own span on DuckDB
    and Spark, the span of ``--from`` and ``--to`` in an emitted script; the statements keep the periods the
    log's events fall in, so both give the same periods.
    """

    surveys: bool = False
    calendar: tuple[tuple[int, int], ...] | None = None

    @property
    def periods(self) -> bool:
        """Whether figures per period are measured (``--by``)."""
        return self.calendar is not None

    def wanted(self) -> bool:
        """Whether there is anything to measure (else no statement or table is added)."""
        return self.surveys or self.periods


@dataclass(frozen=True)
class Scale:
    """The answers a metric kind accepts and the cut-offs its counts need."""

    lo: float
    hi: float
    whole: bool  # only whole numbers are answers (NPS's 0..10)
    high_from: float  # promoters (NPS), satisfied (CSAT)
    low_to: float  # detractors (NPS)


# NPS: 0..10, promoters 9-10, detractors 0-6. CSAT: 1..5, satisfied 4-5. CES: 1..7 (lower is less effort).
SCALES: dict[str, Scale] = {
    "nps": Scale(0, 10, True, 9, 6),
    "csat": Scale(1, 5, False, 4, 2),
    "ces": Scale(1, 7, False, 7, 1),
}


def surveyed(model: MapModel) -> list[int]:
    """The numbers (map order) of the metrics with survey events."""
    return [i for i, m in enumerate(model.journey.metrics) if m.events and m.kind in SCALES]


def metric_rows(model: MapModel) -> Iterator[Row]:
    """One row per pattern of a surveyed metric."""
    for i in surveyed(model):
        for p in model.journey.metrics[i].events:
            yield (i, glob_to_like(p.event), glob_to_like(p.channel or "*"), glob_to_like(p.source or "*"))


def scale_rows(model: MapModel) -> Iterator[Row]:
    """Per surveyed metric, its scale."""
    for i in surveyed(model):
        s = SCALES[model.journey.metrics[i].kind]
        yield (i, s.lo, s.hi, int(s.whole), s.high_from, s.low_to)


def parameter_rows(model: MapModel, measures: Measures) -> dict[str, list[Row]]:
    """The rows of the survey and period parameter tables.

    The metric patterns are there even without a score column: the periods leave survey answers out of the
    unmapped events.
    """
    return {
        "cjm_metric_patterns": list(metric_rows(model)),
        "cjm_metric_scales": list(scale_rows(model)),
        "cjm_calendar": [(i, start, end) for i, (start, end) in enumerate(measures.calendar or ())],
    }


def load_measure_parameters(con: duckdb.DuckDBPyConnection, model: MapModel, measures: Measures) -> None:
    """Create the survey and period parameter tables with bound parameters."""
    from cjm.evidence.tables import load_table

    for name, rows in parameter_rows(model, measures).items():
        load_table(con, name, PARAMETER_TABLES[name], rows)


def with_measures(steps: list[Statement], surveys: bool, periods: bool) -> list[Statement]:
    """The analysis's statements with the survey and period statements added.

    The statements that read the events (``cjm_ev``) go before the analysis's last reader of them, so the large
    per-event tables are dropped as early as without them; the others go at the end.
    """
    if not surveys and not periods:
        return steps
    early = [Statement("cjm_metric_keys", _METRIC_KEYS)]
    late: list[Statement] = []
    if surveys:
        early.append(Statement("cjm_answer_places", _ANSWER_PLACES))
        late += [Statement("cjm_answers", _answers(periods)), Statement("cjm_survey_stats", _survey_stats("stage"))]
        if periods:
            late.append(Statement("cjm_period_survey_stats", _survey_stats("period")))
    if periods:
        early += [Statement("cjm_log_span", _LOG_SPAN), Statement("cjm_periods", _PERIODS),
                  Statement("cjm_journey_periods", _JOURNEY_PERIODS),
                  Statement("cjm_period_event_stats", _PERIOD_EVENTS)]  # fmt: skip
        late += [Statement("cjm_period_stats", _PERIOD_STATS), Statement("cjm_period_stage_stats", _PERIOD_STAGES)]
    names = [s.table for s in steps]
    at = names.index("cjm_unmapped_stats") if "cjm_unmapped_stats" in names else len(steps)
    return [*steps[:at], *early, *steps[at:], *late]


def with_measures_and_outcomes(
    steps: list[Statement], measures: Measures, outcomes: bool, approximate: bool, marked: bool = False
) -> list[Statement]:
    """Every statement of a run, in the one order DuckDB, Spark and an emitted script run them: the analysis,
    the survey and period statements, the outcome statements (cjm.evidence.outcomes), the outcomes per period.
    ``marked``: some outcome class is given by a column (DuckDB only), so the steps carry each row's class."""
    from cjm.evidence.outcomes import with_outcomes

    steps = with_measures(steps, measures.surveys, measures.periods)
    if outcomes:
        steps = with_outcomes(steps, approximate, marked)
        if measures.periods:
            steps = [*steps, *period_outcome_statements()]
    return steps


def result_tables(surveys: bool, periods: bool, outcomes: bool = False) -> dict[str, tuple[str, ...]]:
    """The aggregate tables these statements add (with the outcomes per period under ``--outcome``)."""
    out: dict[str, tuple[str, ...]] = {}
    if surveys:
        out.update(SURVEY_TABLES)
    if periods:
        out.update(PERIOD_TABLES)
    if surveys and periods:
        out.update(PERIOD_SURVEY_TABLES)
    if outcomes and periods:
        out.update(PERIOD_OUTCOME_TABLES)
    return out


# Every event key (event, channel, source) and the surveyed metrics whose patterns it matches (all of them).
_METRIC_KEYS = r"""
SELECT DISTINCT k.key_rank, m.metric
FROM cjm_key_stats AS k JOIN cjm_metric_patterns AS m
  ON k.event LIKE m.event_like ESCAPE '\' AND k.channel LIKE m.channel_like ESCAPE '\'
  AND k.source LIKE m.source_like ESCAPE '\'
"""

# Where each survey answer was given: the stage of the journey's latest step at or before it (NULL: before the
# journey's first step). Answers at the same time with the same key share their place, so one row per place.
_ANSWER_PLACES = """
WITH a AS (
  SELECT case_id, journey_no, t, key_rank, MIN(pos) AS pos FROM cjm_ev
  WHERE key_rank IN (SELECT key_rank FROM cjm_metric_keys)
  GROUP BY case_id, journey_no, t, key_rank
)
SELECT a.case_id, a.t, a.key_rank, CAST(MAX(s.pos * 1000 + s.stage) % 1000 AS INTEGER) AS stage
FROM a LEFT JOIN cjm_steps AS s ON s.case_id = a.case_id AND s.journey_no = a.journey_no AND s.pos <= a.pos
GROUP BY a.case_id, a.t, a.key_rank
"""


def _answers(periods: bool) -> str:
    """Every survey answer per metric, with its place, its period and whether its score is usable.

    ``status``: 0 usable, 1 a score that is not a number of the metric's scale (kept, counted, never clipped),
    2 no score at all.
    """
    period = "p.period" if periods else "CAST(NULL AS INTEGER)"
    join = "LEFT JOIN cjm_periods AS p ON e.t >= p.start_us AND e.t < p.end_us" if periods else ""
    return f"""
WITH e AS (
  SELECT c.cid AS case_id, epoch_us(x.ts) AS t, k.key_rank, x.score, TRY_CAST(x.score AS DOUBLE) AS value
  FROM cjm_events AS x
  JOIN cjm_cases AS c ON c.case_id = x.case_id
  JOIN cjm_key_stats AS k
    ON k.event = x.event AND k.channel = COALESCE(x.channel, '') AND k.source = COALESCE(x.source, '')
  WHERE k.key_rank IN (SELECT key_rank FROM cjm_metric_keys)
)
SELECT m.metric, COALESCE(w.stage, -1) AS stage, {period} AS period, e.score, e.value,
  CASE WHEN e.score IS NULL THEN 2
    WHEN e.value IS NULL OR NOT (e.value >= s.lo AND e.value <= s.hi)
      OR (s.whole = 1 AND e.value <> FLOOR(e.value)) THEN 1
    ELSE 0 END AS status
FROM e
JOIN cjm_metric_keys AS m ON m.key_rank = e.key_rank
JOIN cjm_metric_scales AS s ON s.metric = m.metric
JOIN cjm_answer_places AS w ON w.case_id = e.case_id AND w.t = e.t AND w.key_rank = e.key_rank
{join}
"""


def _survey_stats(by: str) -> str:
    """Per metric and stage (or period): answers, unusable and missing scores, and the sums the statistics need."""
    where = "WHERE a.period IS NOT NULL" if by == "period" else ""
    return f"""
SELECT a.metric, a.{by}, COUNT(*) AS answers,
  SUM(CASE WHEN a.status = 1 THEN 1 ELSE 0 END) AS unusable,
  SUM(CASE WHEN a.status = 2 THEN 1 ELSE 0 END) AS missing,
  SUM(CASE WHEN a.status = 0 THEN 1 ELSE 0 END) AS responses,
  SUM(CASE WHEN a.status = 0 THEN a.value ELSE 0 END) AS total,
  SUM(CASE WHEN a.status = 0 THEN a.value * a.value ELSE 0 END) AS total_sq,
  SUM(CASE WHEN a.status = 0 AND a.value >= s.high_from THEN 1 ELSE 0 END) AS high,
  SUM(CASE WHEN a.status = 0 AND a.value <= s.low_to THEN 1 ELSE 0 END) AS low,
  MIN(CASE WHEN a.status = 1 THEN a.score END) AS bad_example
FROM cjm_answers AS a JOIN cjm_metric_scales AS s ON s.metric = a.metric
{where}
GROUP BY a.metric, a.{by}
"""


# The log's first and last event, in microseconds.
_LOG_SPAN = "SELECT MIN(t) AS first_us, MAX(t) AS last_us FROM cjm_ev"

# The periods of the calendar that hold an event of the log, numbered from 0: the whole calendar on DuckDB and
# Spark (made from the log's span), part of it in an emitted script (made from --from and --to).
_PERIODS = """
SELECT CAST(ROW_NUMBER() OVER (ORDER BY c.start_us NULLS FIRST) - 1 AS INTEGER) AS period, c.start_us, c.end_us
FROM cjm_calendar AS c CROSS JOIN cjm_log_span AS s
WHERE c.end_us > s.first_us AND c.start_us <= s.last_us
"""

# A journey's period is the period of its first event.
_JOURNEY_PERIODS = """
SELECT e.case_id, e.journey_no, p.period
FROM cjm_ev AS e JOIN cjm_periods AS p ON e.t >= p.start_us AND e.t < p.end_us
WHERE e.is_start = 1
"""

# Per period (of the event's own time) and event name: events and customers, mapped to a touchpoint or not,
# and whether the event is a survey answer (survey answers are not unmapped events).
_PERIOD_EVENTS = """
SELECT p.period, k.event, CASE WHEN k.tp IS NULL THEN 0 ELSE 1 END AS mapped,
  CASE WHEN k.key_rank IN (SELECT key_rank FROM cjm_metric_keys) THEN 1 ELSE 0 END AS survey,
  COUNT(*) AS events, COUNT(DISTINCT e.case_id) AS cases
FROM cjm_ev AS e
JOIN cjm_periods AS p ON e.t >= p.start_us AND e.t < p.end_us
JOIN cjm_key_stats AS k ON k.key_rank = e.key_rank
GROUP BY p.period, k.event, CASE WHEN k.tp IS NULL THEN 0 ELSE 1 END,
  CASE WHEN k.key_rank IN (SELECT key_rank FROM cjm_metric_keys) THEN 1 ELSE 0 END
"""

# Per period of the journeys' start: journeys, their moves and conforming journeys (fitness as in the totals).
_PERIOD_STATS = """
WITH j AS (
  SELECT period, COUNT(*) AS journeys FROM cjm_journey_periods GROUP BY period
), m AS (
  SELECT jp.period, COALESCE(SUM(CASE WHEN s.prev_tp IS NOT NULL THEN 1 ELSE 0 END), 0) AS moves,
    COALESCE(SUM(CASE WHEN s.kind IN ('forward', 'within_stage') THEN 1 ELSE 0 END), 0) AS conformant_moves
  FROM cjm_steps AS s JOIN cjm_journey_periods AS jp ON jp.case_id = s.case_id AND jp.journey_no = s.journey_no
  GROUP BY jp.period
), w AS (
  SELECT jp.period, COUNT(*) AS journeys_with_steps, COALESCE(SUM(x.nonconforming), 0) AS nonconforming_journeys
  FROM cjm_journeys AS x JOIN cjm_journey_periods AS jp ON jp.case_id = x.case_id AND jp.journey_no = x.journey_no
  GROUP BY jp.period
)
SELECT p.period, COALESCE(j.journeys, 0) AS journeys, COALESCE(w.journeys_with_steps, 0) AS journeys_with_steps,
  COALESCE(m.moves, 0) AS moves, COALESCE(m.conformant_moves, 0) AS conformant_moves,
  COALESCE(w.nonconforming_journeys, 0) AS nonconforming_journeys
FROM cjm_periods AS p
LEFT JOIN j ON j.period = p.period
LEFT JOIN m ON m.period = p.period
LEFT JOIN w ON w.period = p.period
"""

# Per period of the journeys' start and stage: journeys with a step in the stage (any order).
_PERIOD_STAGES = """
SELECT jp.period, v.stage, COUNT(*) AS reached_journeys
FROM cjm_visits AS v JOIN cjm_journey_periods AS jp ON jp.case_id = v.case_id AND jp.journey_no = v.journey_no
GROUP BY jp.period, v.stage
"""


_PERIOD_OUTCOMES = """
SELECT jp.period, o.outcome, COUNT(*) AS journeys
FROM cjm_outcome_journeys AS o
JOIN cjm_journey_periods AS jp ON jp.case_id = o.case_id AND jp.journey_no = o.journey_no
GROUP BY jp.period, o.outcome
"""


def period_outcome_statements() -> list[Statement]:
    """The outcome rates per period: after the outcome statements (cjm.evidence.outcomes) and the periods'."""
    return [Statement("cjm_period_outcome_stats", _PERIOD_OUTCOMES)]


def script_measures(model: MapModel, score: bool, by: str | None, start: str | None, end: str | None) -> Measures:
    """What an emitted script measures: ``--score`` (the events table has a score column) and ``--by`` with
    ``--from`` and ``--to`` (its calendar)."""
    from cjm.errors import ConfigError
    from cjm.evidence.periods import script_calendar

    if score and not surveyed(model):
        raise ConfigError("--score: no metric of the map lists survey events (metrics[].events), so there is "
                          "nothing to measure; name the events that carry each metric's answers, or leave out "
                          "--score")  # fmt: skip
    periods = script_calendar(by, start, end)
    return Measures(score, None if periods is None else tuple(p.micros() for p in periods))
