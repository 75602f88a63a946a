"""Customers at risk: open journeys that show what lost journeys showed, scored in the engine after the drivers.

An open journey earns a point for each driver of the loss class it shows (a feature with lift above 1 and
q < 0.05 that not every journey of the class shows: such a feature is a precondition, not a sign), one
for having been in its current stage longer than 90% of the journeys that moved on from it, and one for
a loop-back within the last ``active_days``. Journeys with a score above 0 are at risk. Only
counts and reasons reach the report's text; the case ids go to ``at_risk.csv`` (with ``-o``) and to the
JSON's first rows, and nothing else about a customer leaves the analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cjm.evidence.drivers import Names, feature_keys
from cjm.evidence.tables import load_table

if TYPE_CHECKING:
    import duckdb

MAX_ROWS = 1_000_000  # rows of at_risk.csv; the report says when there were more
LISTED = 20  # rows in the JSON report
_DRIVERS = (("driver", "INTEGER"), ("feature", "INTEGER"), ("a", "INTEGER"), ("b", "INTEGER"), ("c", "INTEGER"))
SLOW, LOOP = -1, -2  # the reason numbers of the two reasons that are not drivers

_SCORED = f"""
WITH hits AS (
  SELECT f.case_id, f.journey_no, d.driver
  FROM cjm_open_features AS f JOIN cjm_risk_drivers AS d ON d.feature = f.feature AND d.a = f.a AND d.b = f.b
    AND d.c = f.c
), per AS (
  SELECT case_id, journey_no, COUNT(*) AS n, STRING_AGG(CAST(driver AS VARCHAR), ' ' ORDER BY driver) AS drivers
  FROM hits GROUP BY case_id, journey_no
), open AS (
  SELECT o.case_id, o.journey_no, o.stage, (o.as_of_us - o.stage_t) / 86400000000.0 AS days,
    CASE WHEN p.p90_hours IS NOT NULL AND (o.as_of_us - o.stage_t) / 3600000000.0 > p.p90_hours THEN 1 ELSE 0 END
      AS slow,
    CASE WHEN o.loop_t IS NOT NULL AND o.loop_t >= o.as_of_us - o.active_us THEN 1 ELSE 0 END AS recent_loop
  FROM cjm_open_journeys AS o LEFT JOIN cjm_stage_p90 AS p ON p.stage = o.stage
)
SELECT c.case_id, o.journey_no, o.stage, o.days, COALESCE(per.n, 0) + o.slow + o.recent_loop AS score,
  TRIM(COALESCE(per.drivers, '') || CASE WHEN o.slow = 1 THEN ' {SLOW}' ELSE '' END
    || CASE WHEN o.recent_loop = 1 THEN ' {LOOP}' ELSE '' END) AS reasons
FROM open AS o
JOIN cjm_cases AS c ON c.cid = o.case_id
LEFT JOIN per ON per.case_id = o.case_id AND per.journey_no = o.journey_no
WHERE COALESCE(per.n, 0) + o.slow + o.recent_loop > 0
"""


def score(con: duckdb.DuckDBPyConnection, names: Names, outcomes: dict[str, Any], outcome: str,
          active_days: float) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """The report's ``at_risk`` and the rows of at_risk.csv (most at risk first)."""
    model = names.model
    drivers = feature_keys(outcomes, outcome, names)
    words = {i: text for i, (_, text) in enumerate(drivers)}
    words[SLOW] = "in their current stage for longer than 90% of the journeys that moved on from it"
    words[LOOP] = f"went back to an earlier stage in the last {active_days:g} days"
    load_table(con, "cjm_risk_drivers", _DRIVERS, [(i, *key) for i, (key, _) in enumerate(drivers)])
    con.execute(f"CREATE OR REPLACE TABLE cjm_at_risk AS {_SCORED}")
    open_journeys = int(con.execute("SELECT COUNT(*) FROM cjm_open_journeys").fetchone()[0])  # type: ignore[index]
    journeys, cases = con.execute("SELECT COUNT(*), COUNT(DISTINCT case_id) FROM cjm_at_risk").fetchone()  # type: ignore[misc]
    reasons = con.execute(
        "SELECT CAST(r AS INTEGER) AS reason, COUNT(*) FROM (SELECT UNNEST(string_split(reasons, ' ')) AS r "
        "FROM cjm_at_risk) GROUP BY reason ORDER BY COUNT(*) DESC, reason"
    ).fetchall()
    rows = con.execute(
        f"SELECT case_id, journey_no, stage, days, score, reasons FROM cjm_at_risk "
        f"ORDER BY score DESC, days DESC NULLS LAST, case_id, journey_no LIMIT {MAX_ROWS}"
    ).fetchall()
    table = [
        {"case_id": str(r[0]), "journey": int(r[1]),
         "current_stage": None if r[2] is None else model.stages[int(r[2])],
         "days_in_stage": None if r[3] is None else round(float(r[3]), 1), "score": int(r[4]),
         "reasons": [words[int(x)] for x in str(r[5]).split()]}
        for r in rows
    ]  # fmt: skip
    section = {
        "outcome": outcome, "open_journeys": open_journeys, "journeys": int(journeys), "cases": int(cases),
        "reasons": [{"reason": words[int(r)], "journeys": int(n)} for r, n in reasons],
        "rows": table[:LISTED], "truncated": int(journeys) > MAX_ROWS,
        "scoring": "one point per driver of the outcome shown (lift above 1, q < 0.05, not shown by every journey of "
        "the class), one for more time in the "
        "current stage than 90% of the journeys that moved on from it, one for a loop-back in the last active_days",
    }  # fmt: skip
    return section, table


def risk_outcome(names: tuple[str, ...]) -> str | None:
    """The class customers are at risk of: ``lost`` (or a name like it); None when no class means a loss."""
    from cjm.evidence.drivers import LOSS_NAMES

    return next((n for n in names if n in LOSS_NAMES), None)
