"""Benchmark `cjm evidence check` on a generated 10-million-event log, and DuckDB's DFG against pm4py's.

Run inside the benchmark's own environment (pm4py is AGPL and never a
dependency of cjm), pointing at the project's cjm:

    python3 -m venv /tmp/cjm-bench && /tmp/cjm-bench/bin/pip install -r bench/evidence/requirements.txt
    /tmp/cjm-bench/bin/python bench/evidence/run.py --cjm .venv/bin/cjm

Figures: the wall time and peak memory of the whole `cjm evidence check`
(as a subprocess, with --memory-limit), and, side by side in this one run,
the performance directly-follows graph (pairs of consecutive events per
case, with counts and median times) by DuckDB and by pm4py's
discover_performance_dfg on the same events.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
# Events per stage of the B2B example (one is unmapped: the map does not know the community forum).
STAGE_EVENTS = [
    ["newsletter_click"],
    ["ad_click_search", "ad_click_display", "review_site_referral", "guide_download"],
    ["demo_request", "call_discovery", "trial_started", "trial_active", "chat_opened", "community_post"],
    ["call_negotiation", "contract_viewed", "contract_signed"],
    ["chat_opened", "app_login", "app_login", "app_login"],
    ["qbr_held", "contract_signed"],
]


def generate(path: Path, cases: int, per_case: int, pause_every: int = 0) -> None:
    """A synthetic log: each case walks the stages with jitter, so skips, loops and repeats occur.

    With ``pause_every`` N, a 100-day pause follows every N-th event of a case: every customer then has
    several journeys (more than the 90-day gap apart), the slow path of the analysis.
    """
    pause = f" + to_seconds(CAST((i // {pause_every}) * 8640000 AS BIGINT))" if pause_every else ""
    import duckdb

    lists = ", ".join("[" + ", ".join(f"'{e}'" for e in stage) + "]" for stage in STAGE_EVENTS)
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          WITH walk AS (
            SELECT c, i, hash(c * 7919 + i) AS h,
              greatest(0, least({len(STAGE_EVENTS) - 1},
                CAST(i * {len(STAGE_EVENTS)} / {per_case} AS INTEGER)
                + CASE WHEN hash(c * 104729 + i) % 10 < 8 THEN 0 ELSE CAST(hash(c * 31 + i) % 3 AS INTEGER) - 1 END))
                AS stage
            FROM range({cases}) AS a(c), range({per_case}) AS b(i)
          )
          SELECT 'C' || lpad(CAST(c AS VARCHAR), 8, '0') AS case_id,
            TIMESTAMP '2025-01-01' + to_seconds(CAST(c % 15000000 AS BIGINT))
              + to_seconds(CAST(i * 7200 + h % 7000 AS BIGINT)){pause} AS ts,
            list_element([{lists}][stage + 1], CAST(h % len([{lists}][stage + 1]) AS INTEGER) + 1) AS event,
            CASE WHEN h % 3 = 0 THEN 'phone' ELSE 'web' END AS channel
          FROM walk
        ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500000)
    """)
    con.close()


# The outcome classes `--outcomes` adds: the generated log's renewals (qbr_held) and signed contracts.
OUTCOMES = ["--outcome", "renewed=qbr_held", "--outcome", "won=contract_signed"]


def run_cjm(cjm: str, log: Path, memory: str, threads: int, extra: tuple[str, ...] = ()) -> dict[str, float]:
    """Time the whole check as a user runs it; peak RSS from the child's rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [cjm, "evidence", "check", str(MAP), "--events", str(log), "--columns",
         "case=case_id,time=ts,event=event,channel=channel", "--memory-limit", memory, "--threads", str(threads),
         "--format", "json", *extra],
        capture_output=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"cjm failed ({done.returncode}): {done.stderr.decode()[:2000]}")
    report = json.loads(done.stdout)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"seconds": round(seconds, 2), "peak_mb": round(peak), "events": report["events"],
            "journeys": report["journeys"], "fitness": report["fitness"],
            "quantiles": report["run"]["semantics"]["quantiles"]}  # fmt: skip


def duckdb_dfg(log: Path, memory: str, threads: int) -> tuple[float, dict[tuple[str, str], float]]:
    """DuckDB's performance DFG: consecutive pairs per case, counts and exact median seconds (read included).

    The event names become an ENUM and the case ids numbers (a grouped pass and a join), so the one window
    sort compares and carries integers. (Numbering the events by a join instead made the grouped median
    fall off the perfect-hash path and take 30 s at 10M events with DuckDB 2.0.)
    """
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory, "threads": threads})
    start = time.perf_counter()
    con.execute(
        f"CREATE TYPE event_name AS ENUM (SELECT DISTINCT event FROM read_parquet('{log}') WHERE event IS NOT NULL)"
    )
    rows = con.execute(f"""
        WITH cases AS (
          SELECT case_id, CAST(ROW_NUMBER() OVER () AS INTEGER) AS cid
          FROM (SELECT DISTINCT case_id FROM read_parquet('{log}'))
        ), ordered AS (
          SELECT event, t, LAG(event) OVER w AS prev_event, LAG(t) OVER w AS prev_t
          FROM (
            SELECT c.cid, CAST(e.event AS event_name) AS event, epoch(e.ts) AS t
            FROM read_parquet('{log}') AS e JOIN cases AS c ON c.case_id = e.case_id
          )
          WINDOW w AS (PARTITION BY cid ORDER BY t)  -- as pm4py: by case and time
        )
        SELECT CAST(prev_event AS VARCHAR), CAST(event AS VARCHAR), COUNT(*), median(t - prev_t)
        FROM ordered WHERE prev_event IS NOT NULL GROUP BY prev_event, event
    """).fetchall()
    seconds = time.perf_counter() - start
    con.close()
    return seconds, {(str(r[0]), str(r[1])): float(r[3]) for r in rows}


def pm4py_dfg(log: Path) -> tuple[float, dict[tuple[str, str], float], float]:
    """pm4py's discover_performance_dfg on the same events, loaded into pandas first (load not timed)."""
    import pandas as pd
    import pm4py

    start = time.perf_counter()
    frame = pd.read_parquet(log)
    frame = frame.rename(columns={"case_id": "case:concept:name", "event": "concept:name", "ts": "time:timestamp"})
    load = time.perf_counter() - start
    start = time.perf_counter()
    dfg, _, _ = pm4py.discover_performance_dfg(frame)
    seconds = time.perf_counter() - start
    return seconds, {(str(a), str(b)): float(v["median"]) for (a, b), v in dfg.items()}, load


def same_medians(one: dict[tuple[str, str], float], other: dict[tuple[str, str], float]) -> bool:
    """Both DFGs have the same edges with the same median seconds (to a microsecond)."""
    return one.keys() == other.keys() and all(abs(one[k] - other[k]) < 1e-6 for k in one)


def main() -> None:
    """Generate (once), then measure and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cjm", default=str(ROOT / ".venv" / "bin" / "cjm"))
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--per-case", type=int, default=20)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=os.environ.get("TMPDIR", "/tmp"))
    parser.add_argument("--skip-pm4py", action="store_true")
    parser.add_argument("--pause-every", type=int, default=0, help="a 100-day pause after every N-th event")
    parser.add_argument("--outcomes", action="store_true", help="also time the check with --outcome classes")
    args = parser.parse_args()
    suffix = f"-pause{args.pause_every}" if args.pause_every else ""
    log = Path(args.data) / f"cjm-bench-{args.cases}x{args.per_case}{suffix}.parquet"
    if not log.exists():
        start = time.perf_counter()
        generate(log, args.cases, args.per_case, args.pause_every)
        print(f"generated {log} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    check = run_cjm(args.cjm, log, args.memory_limit, args.threads)
    result: dict[str, object] = {"events": args.cases * args.per_case, "cpus": os.cpu_count(), "check": check}
    if args.outcomes:
        timed = run_cjm(args.cjm, log, args.memory_limit, args.threads, tuple(OUTCOMES))
        result["check_with_outcomes"] = timed
        result["outcomes_ratio"] = round(timed["seconds"] / check["seconds"], 2)
    duck_seconds, duck_edges = duckdb_dfg(log, args.memory_limit, args.threads)
    result["dfg_duckdb"] = {"seconds": round(duck_seconds, 2), "edges": len(duck_edges)}
    if not args.skip_pm4py:
        pm_seconds, pm_edges, load = pm4py_dfg(log)
        result["dfg_pm4py"] = {
            "seconds": round(pm_seconds, 2),
            "edges": len(pm_edges),
            "pandas_load_seconds": round(load, 2),
        }
        result["dfg_same_medians"] = same_medians(duck_edges, pm_edges)
        result["dfg_speedup"] = round(pm_seconds / duck_seconds, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
