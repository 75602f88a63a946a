"""Outcomes: which journeys ended as lost (won, upgraded, ...), which are still open, and what each journey did first.

A journey's outcome is its first outcome event (``--outcome lost=GLOB,...`` or ``outcomes:`` in the mapping file,
where a class may instead be a column's values: then each event carries the class its row marks); only its steps
before that event count as the journey for the comparison. A journey without one is ``open`` when its last event is
within ``active_days`` of ``as_of`` (default: the log's last event), else ``none``. The statements here run after
the analysis of :mod:`cjm.evidence.analysis` on the same tables, in the same portable SQL: per journey its outcome,
and per outcome class the journeys that show each feature (touchpoint reached, stage reached, stage ended in,
transition, rework at a touchpoint, time in a stage above its median, an unmapped event). The statistics are
computed on those small counts (:mod:`cjm.evidence.drivers`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace

from cjm.errors import ConfigError
from cjm.evidence.analysis import Statement
from cjm.evidence.matching import glob_to_like

OPEN, NONE = -1, -2  # the outcome numbers of journeys without an outcome event
MAX_CLASSES = 20
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_US_PER_DAY = 86_400_000_000

# Feature kinds, numbered in the SQL; a, b, c are their parameters (-1: unused).
FEATURES = ("touchpoint", "stage", "ended", "transition", "rework", "slow", "unmapped")
_KIND_CODES = {"forward": 0, "within_stage": 1, "skip": 2, "loop_back": 3}
TRANSITION_KINDS = tuple(_KIND_CODES)

OUTCOME_TABLES: dict[str, tuple[str, ...]] = {
    "cjm_outcome_stats": ("outcome", "journeys", "cases", "as_of_us"),
    "cjm_feature_stats": ("outcome", "feature", "a", "b", "c", "journeys"),
    "cjm_stage_p90": ("stage", "p90_hours"),
}
# Kept after the analysis for scoring open journeys (cjm.evidence.risk); never leave the engine.
RISK_INPUTS = ("cjm_cases", "cjm_open_journeys", "cjm_open_features")


@dataclass(frozen=True)
class OutcomeClass:
    """One outcome class and what marks it: event-name globs, or values of a column (mapping files only)."""

    name: str
    patterns: tuple[str, ...]
    column: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMarks:
    """The outcome classes given by a column, for the reader: each value with its class number (the class's
    place among all classes, so an event marked two ways counts for the class named first)."""

    where: str  # what messages name, e.g. "crm-mapping.yaml: outcomes"
    column: str
    classes: tuple[tuple[int, str, tuple[str, ...]], ...]  # (class number, name, values)


@dataclass(frozen=True)
class OutcomeSpec:
    """The outcome classes (in the order given: an event matching two goes to the first) and the open rule."""

    classes: tuple[OutcomeClass, ...]
    active_days: float = 30.0
    as_of: dt.datetime | None = None  # naive UTC; None: the log's last event

    def names(self) -> tuple[str, ...]:
        """The class names in order."""
        return tuple(c.name for c in self.classes)

    @property
    def marked(self) -> bool:
        """Whether some class is given by a column's values (the events then carry their row's class)."""
        return any(c.column is not None for c in self.classes)

    def marks(self, where: str) -> ColumnMarks | None:
        """The classes given by a column's values (None: every class names events)."""
        marked = tuple((i, c.name, c.values) for i, c in enumerate(self.classes) if c.column is not None)
        column = next((c.column for c in self.classes if c.column is not None), None)
        return ColumnMarks(where, column, marked) if column is not None else None

    def rows(self) -> dict[str, list[tuple[object, ...]]]:
        """The parameter tables: each class's patterns as LIKE patterns, and the open rule in microseconds."""
        as_of = None
        if self.as_of is not None:
            as_of = round((self.as_of - dt.datetime(1970, 1, 1)).total_seconds() * 1_000_000)
        return {
            "cjm_outcome_patterns": [(i, glob_to_like(p)) for i, c in enumerate(self.classes) for p in c.patterns],
            "cjm_outcome_settings": [(as_of, round(self.active_days * _US_PER_DAY))],
        }


PARAMETER_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "cjm_outcome_patterns": (("outcome", "INTEGER"), ("event_like", "VARCHAR")),
    "cjm_outcome_settings": (("as_of_us", "BIGINT"), ("active_us", "BIGINT")),
}


def parse_class(text: str, where: str = "--outcome") -> OutcomeClass:
    """``lost=churned,cancel*`` as an outcome class."""
    name, sep, rest = text.partition("=")
    name = name.strip()
    patterns = tuple(p.strip() for p in rest.split(",") if p.strip())
    if not sep or not patterns:
        raise ConfigError(f"{where}: '{text}' is not NAME=EVENT[,EVENT...]; write e.g. lost=churned,contract_cancel*")
    return outcome_class(name, patterns, where)


def outcome_class(name: str, patterns: tuple[str, ...], where: str) -> OutcomeClass:
    """A checked outcome class: a short lower-case name other than open and none, and event globs."""
    if not _NAME.match(name) or name in ("open", "none"):
        raise ConfigError(f"{where}: '{name}' cannot name an outcome; use lower-case letters, digits, - and _ "
                          "(open and none are taken: they name journeys without an outcome)")  # fmt: skip
    if not patterns:
        raise ConfigError(f"{where}: the outcome '{name}' names no event")
    return OutcomeClass(name, patterns)


def column_class(name: str, column: str, values: tuple[str, ...], where: str) -> OutcomeClass:
    """A checked outcome class marked by values of a column (checked like one given by events)."""
    return replace(outcome_class(name, values, where), patterns=(), column=column, values=values)


def parse_as_of(text: str | None) -> dt.datetime | None:
    """``--as-of`` as naive UTC: an ISO date or date and time (naive values are UTC)."""
    if text is None or not text.strip():
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--as-of: '{text}' is not a date; write e.g. 2026-03-31 or 2026-03-31T18:00") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def build_spec(classes: list[OutcomeClass], active_days: str, as_of: str | None) -> OutcomeSpec:
    """The outcome settings of the command line (no class: the mapping file may name them)."""
    names = [c.name for c in classes]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise ConfigError(f"--outcome: the outcome '{doubled[0]}' is named twice; list all its events in one "
                          f"--outcome {doubled[0]}=A,B")  # fmt: skip
    if len(classes) > MAX_CLASSES:
        raise ConfigError(f"--outcome: at most {MAX_CLASSES} outcome classes")
    try:
        days = float(active_days)
    except ValueError:
        days = math.nan
    if not math.isfinite(days) or days <= 0:
        raise ConfigError(f"--active-days: '{active_days}' is not a positive number of days; write e.g. 30")
    return OutcomeSpec(tuple(classes), days, parse_as_of(as_of))


def statements(approximate: bool, marked: bool = False) -> tuple[list[Statement], list[Statement]]:
    """The outcome statements: those that read the events (run right after the analysis's last reader of them,
    so the events are dropped early) and those that read the steps and stage figures (run at the end).

    ``marked``: the events carry the class their row's column value marks (``outcome``, see ColumnMarks); an
    event's class is then the first of that one and its name's.
    """
    quantile = "approx_quantile" if approximate else "quantile_cont"
    early = [
        Statement("cjm_outcome_keys", _KEYS),
        Statement("cjm_outcome_journeys", _JOURNEYS.format(event_class=_MARKED if marked else "o.outcome")),
        Statement("cjm_outcome_marks", _MARKS),
    ]
    late = [
        Statement("cjm_journey_features", _features()),
        Statement("cjm_outcome_stats", _STATS),
        Statement("cjm_feature_stats", _FEATURE_STATS),
        Statement("cjm_stage_p90", _P90.format(quantile=quantile)),
        Statement("cjm_open_journeys", _OPEN),
        Statement("cjm_open_features", f"SELECT * FROM cjm_journey_features WHERE outcome = {OPEN}"),
    ]
    return early, late


# An event key is an outcome event of the first class (in the order given) whose globs match its name.
_KEYS = r"""
SELECT k.key_rank, MIN(p.outcome) AS outcome
FROM cjm_key_stats AS k JOIN cjm_outcome_patterns AS p ON k.event LIKE p.event_like ESCAPE '\'
GROUP BY k.key_rank
"""

# Per journey: the position and time of its first outcome event and that event's class (riding along with the
# lowest position, pos * 1000 + class), its last event's time, and so its outcome (-1 open, -2 none).
_JOURNEYS = f"""
WITH c AS (
  SELECT e.case_id, e.journey_no, e.pos, e.t, {{event_class}} AS outcome
  FROM cjm_ev AS e LEFT JOIN cjm_outcome_keys AS o ON o.key_rank = e.key_rank
), j AS (
  SELECT case_id, journey_no, MIN(CASE WHEN outcome IS NOT NULL THEN pos END) AS cut_pos,
    MIN(CASE WHEN outcome IS NOT NULL THEN pos * 1000 + outcome END) AS mark,
    MIN(CASE WHEN outcome IS NOT NULL THEN t END) AS cut_t, MAX(t) AS last_t
  FROM c GROUP BY case_id, journey_no
), a AS (
  SELECT COALESCE(MAX(s.as_of_us), MAX(m.log_end)) AS as_of_us, MAX(s.active_us) AS active_us
  FROM cjm_outcome_settings AS s CROSS JOIN (SELECT MAX(last_t) AS log_end FROM j) AS m
)
SELECT j.case_id, j.journey_no, j.cut_pos, j.cut_t, j.last_t, a.as_of_us, a.active_us,
  CASE WHEN j.mark IS NOT NULL THEN CAST(j.mark % 1000 AS INTEGER)
    WHEN j.last_t >= a.as_of_us - a.active_us THEN {OPEN} ELSE {NONE} END AS outcome
FROM j CROSS JOIN a
"""

# An event marked both by its name and by its row's column value counts for the class named first.
_MARKED = """CASE WHEN o.outcome IS NULL THEN e.outcome WHEN e.outcome IS NULL OR o.outcome < e.outcome THEN o.outcome
    ELSE e.outcome END"""

# Rework (an event at the touchpoint of the step it continues) and unmapped events (numbered by the first key
# of their event name), with the first position each is seen at in the journey.
_MARKS = """
SELECT e.case_id, e.journey_no, CASE WHEN e.tp IS NULL THEN 6 ELSE 4 END AS feature,
  CASE WHEN e.tp IS NULL THEN u.first_rank ELSE e.flow_tp END AS a, MIN(e.pos) AS pos
FROM cjm_ev AS e
LEFT JOIN (
  SELECT key_rank, MIN(key_rank) OVER (PARTITION BY event) AS first_rank FROM cjm_key_stats WHERE tp IS NULL
) AS u ON u.key_rank = e.key_rank
WHERE e.tp IS NULL OR (e.flow_tp IS NOT NULL AND e.prev_tp = e.flow_tp)
GROUP BY e.case_id, e.journey_no, CASE WHEN e.tp IS NULL THEN 6 ELSE 4 END,
  CASE WHEN e.tp IS NULL THEN u.first_rank ELSE e.flow_tp END
"""


def _features() -> str:
    """Per journey, each feature it shows before its outcome event (once), with the journey's outcome."""
    kind = " ".join(f"WHEN '{k}' THEN {n}" for k, n in _KIND_CODES.items())
    keys = "case_id, journey_no, outcome"
    return f"""
WITH s AS (
  SELECT st.case_id, st.journey_no, st.pos, st.tp, st.stage, st.from_stage, st.kind, j.outcome
  FROM cjm_steps AS st JOIN cjm_outcome_journeys AS j ON j.case_id = st.case_id AND j.journey_no = st.journey_no
  WHERE j.cut_pos IS NULL OR st.pos < j.cut_pos
)
SELECT {keys}, 0 AS feature, tp AS a, -1 AS b, -1 AS c FROM s GROUP BY {keys}, tp
UNION ALL
SELECT {keys}, 1 AS feature, stage AS a, -1 AS b, -1 AS c FROM s GROUP BY {keys}, stage
UNION ALL
SELECT {keys}, 2 AS feature, CAST(MAX(pos * 1000 + stage) % 1000 AS INTEGER) AS a, -1 AS b, -1 AS c
FROM s GROUP BY {keys}
UNION ALL
SELECT {keys}, 3 AS feature, from_stage AS a, stage AS b, CASE kind {kind} END AS c
FROM s WHERE from_stage IS NOT NULL GROUP BY {keys}, from_stage, stage, kind
UNION ALL
SELECT m.case_id, m.journey_no, j.outcome, m.feature, m.a, -1 AS b, -1 AS c
FROM cjm_outcome_marks AS m JOIN cjm_outcome_journeys AS j ON j.case_id = m.case_id AND j.journey_no = m.journey_no
WHERE j.cut_pos IS NULL OR m.pos < j.cut_pos
UNION ALL
SELECT v.case_id, v.journey_no, j.outcome, 5 AS feature, v.stage AS a, -1 AS b, -1 AS c
FROM cjm_visits AS v
JOIN cjm_outcome_journeys AS j ON j.case_id = v.case_id AND j.journey_no = v.journey_no
JOIN cjm_stage_stats AS g ON g.stage = v.stage
WHERE v.next_t IS NOT NULL AND (j.cut_t IS NULL OR v.next_t < j.cut_t)
  AND (v.next_t - v.first_t) / 3600000000.0 > g.median_hours_in_stage
"""


_STATS = """
SELECT outcome, COUNT(*) AS journeys, COUNT(DISTINCT case_id) AS cases, MAX(as_of_us) AS as_of_us
FROM cjm_outcome_journeys GROUP BY outcome
"""

_FEATURE_STATS = """
SELECT outcome, feature, a, b, c, COUNT(*) AS journeys FROM cjm_journey_features GROUP BY outcome, feature, a, b, c
"""

# The time journeys spend in a stage before moving on (those that did): its 90th percentile, for "at risk".
_P90 = """
SELECT stage, {quantile}((next_t - first_t) / 3600000000.0, 0.9) AS p90_hours
FROM cjm_visits WHERE next_t IS NOT NULL GROUP BY stage
"""

# Open journeys: the stage of their last step, when they first got there, and their last loop-back.
_OPEN = f"""
SELECT o.case_id, o.journey_no, j.last_stage AS stage, v.first_t AS stage_t, o.as_of_us, o.active_us, b.loop_t
FROM cjm_outcome_journeys AS o
LEFT JOIN cjm_journeys AS j ON j.case_id = o.case_id AND j.journey_no = o.journey_no
LEFT JOIN cjm_visits AS v ON v.case_id = o.case_id AND v.journey_no = o.journey_no AND v.stage = j.last_stage
LEFT JOIN (
  SELECT case_id, journey_no, MAX(t) AS loop_t FROM cjm_steps WHERE kind = 'loop_back' GROUP BY case_id, journey_no
) AS b ON b.case_id = o.case_id AND b.journey_no = o.journey_no
WHERE o.outcome = {OPEN}
"""


def with_outcomes(steps: list[Statement], approximate: bool, marked: bool = False) -> list[Statement]:
    """The analysis's statements with the outcome statements in their places (see :func:`statements`)."""
    early, late = statements(approximate, marked)
    names = [s.table for s in steps]
    at = names.index("cjm_unmapped_stats") + 1 if "cjm_unmapped_stats" in names else len(steps)
    return [*steps[:at], *early, *steps[at:], *late]
