"""The DuckDB results equal a straightforward pure-Python reference on generated logs (hypothesis)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.evidence.check import CheckOptions, load_model, run_check
from cjm.evidence.database import Resources
from cjm.evidence.tables import Settings
from tests.evidence.helpers import DATA, SHOP
from tests.evidence.reference import Event, reference

EPOCH = dt.datetime(2026, 1, 1)
# (event, channel): matched, shared, stageless, channel-sensitive and unmapped events of the shop map
KINDS = [("ad_click", "ads"), ("ad_view", "ads"), ("blog_read", "web"), ("page_view", "web"), ("page_view", "email"),
         ("call", "phone"), ("order_placed", "web"), ("app_open", "app"), ("newsletter_open", "email"),
         ("wishlist_add", "web"), ("review", "")]  # fmt: skip

# the bank map: touchpoints that several stages share, interleaved, so a step's stage depends on the one before
BANK = str(DATA / "shared.journey.yaml")
BANK_KINDS = [("ad_view", "ads"), ("branch_visit", "in-person"), ("call", "phone"), ("app_open", "app"),
              ("complaint", "phone"), ("letter", "mail")]  # fmt: skip


def _events(kinds: list[tuple[str, str]]) -> st.SearchStrategy[list[tuple[str, int, tuple[str, str]]]]:
    return st.lists(
        st.tuples(st.sampled_from(["c1", "c2", "c3", "c4", "c5"]), st.integers(0, 24 * 200), st.sampled_from(kinds)),
        min_size=1,
        max_size=60,
    )


def _as_compared(report: dict[str, Any]) -> dict[str, Any]:
    """The DuckDB report in the reference's shape."""
    return {
        "cases": report["cases"], "journeys": report["journeys"], "events": report["events"],
        "matched_events": report["matched_events"],
        "touchpoints": {t["id"]: {k: t[k] for k in ("events", "cases", "rework", "channels")}
                        for t in report["touchpoints"] if t["status"] == "observed"},
        "stages": [{k: s[k] for k in ("id", "reached_journeys", "reached_cases", "entered_journeys", "ended_journeys",
                                      "continued_journeys", "median_hours_in_stage", "skipped_journeys",
                                      "skipped_share")} for s in report["stages"] if s["status"] != "unverifiable"],
        "funnel": [{k: s[k] for k in ("id", "journeys", "cases", "conversion", "median_hours_from_previous")}
                   for s in report["funnel"]],
        "by_stage": {(t["id"], b["stage"]): (b["steps"], b["journeys"], b["cases"]) for t in report["touchpoints"]
                     for b in t.get("by_stage") or []},
        "transitions": {(m["kind"], m["from_stage"], m["to_stage"]): (m["count"], m["cases"])
                        for m in report["transitions"]},
        "fitness": report["fitness"], "conforming_journeys": report["conforming_journeys"],
        "edges": {(e["from"], e["to"]): (e["count"], e["cases"], e["median_hours"]) for e in report["edges"]},
        "variants": {tuple(v["path"]): v["journeys"] for v in report["variants"]},
        "unmapped": {u["event"]: {"events": u["events"], "cases": u["cases"], "between": u["between"],
                                  "places": u["places"]}
                     for u in report["unmapped"]},
    }  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_events(KINDS),
    gap=st.sampled_from([30.0, 90.0]),
    window=st.sampled_from([10.0, 60.0]),
    top=st.sampled_from([2, 10]),
)
def test_duckdb_equals_the_reference(rows: list[tuple[str, int, tuple[str, str]]], gap: float, window: float,
                                     top: int) -> None:  # fmt: skip
    _compare(SHOP, rows, gap, window, top)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_events(BANK_KINDS), gap=st.sampled_from([30.0, 90.0]))
def test_duckdb_equals_the_reference_with_interleaved_shared_touchpoints(
    rows: list[tuple[str, int, tuple[str, str]]], gap: float
) -> None:
    _compare(BANK, rows, gap, 60.0, 10)


def _compare(journey: str, rows: list[tuple[str, int, tuple[str, str]]], gap: float, window: float, top: int) -> None:
    model, _ = load_model(journey)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case_id", "timestamp", "event", "channel"])
            for case, hours, (event, channel) in rows:
                writer.writerow([case, (EPOCH + dt.timedelta(hours=hours)).isoformat(sep=" "), event, channel])
        options = CheckOptions(events=[str(path)], settings=Settings(gap, window), top_variants=top,
                               limits=Resources(memory_limit="512MB", threads=1))  # fmt: skip
        report = run_check(journey, options).report.to_json()
    expected = reference(
        model,
        [
            Event(case, (EPOCH + dt.timedelta(hours=h)).replace(tzinfo=dt.timezone.utc).timestamp(), e, c)
            for case, h, (e, c) in rows
        ],
        gap,
        window,
        top,
    )
    assert _as_compared(report) == expected
