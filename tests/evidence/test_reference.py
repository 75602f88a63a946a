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
from cjm.evidence.engine import Limits
from cjm.evidence.tables import Settings
from tests.evidence.helpers import SHOP
from tests.evidence.reference import Event, reference

EPOCH = dt.datetime(2026, 1, 1)
# (event, channel): matched, shared, stageless, channel-sensitive and unmapped events of the shop map
KINDS = [("ad_click", "ads"), ("ad_view", "ads"), ("blog_read", "web"), ("page_view", "web"), ("page_view", "email"),
         ("call", "phone"), ("order_placed", "web"), ("app_open", "app"), ("newsletter_open", "email"),
         ("wishlist_add", "web"), ("review", "")]  # fmt: skip

events = st.lists(
    st.tuples(st.sampled_from(["c1", "c2", "c3", "c4", "c5"]), st.integers(0, 24 * 200), st.sampled_from(KINDS)),
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
        "stages": [{k: s[k] for k in ("id", "journeys", "cases", "conversion", "median_hours_from_previous",
                                      "skipped_share")} for s in report["stages"] if s["status"] != "unverifiable"],
        "transitions": {(m["kind"], m["from_stage"], m["to_stage"]): (m["count"], m["cases"])
                        for m in report["transitions"]},
        "fitness": report["fitness"], "conforming_journeys": report["conforming_journeys"],
        "edges": {(e["from"], e["to"]): (e["count"], e["cases"], e["median_hours"]) for e in report["edges"]},
        "variants": {tuple(v["path"]): v["journeys"] for v in report["variants"]},
        "unmapped": {u["event"]: {"events": u["events"], "cases": u["cases"], "between": u["between"]}
                     for u in report["unmapped"]},
    }  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=events, gap=st.sampled_from([30.0, 90.0]), window=st.sampled_from([10.0, 60.0]), top=st.sampled_from([2, 10])
)
def test_duckdb_equals_the_reference(rows: list[tuple[str, int, tuple[str, str]]], gap: float, window: float,
                                     top: int) -> None:  # fmt: skip
    model, _ = load_model(SHOP)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case_id", "timestamp", "event", "channel"])
            for case, hours, (event, channel) in rows:
                writer.writerow([case, (EPOCH + dt.timedelta(hours=hours)).isoformat(sep=" "), event, channel])
        options = CheckOptions(events=[str(path)], settings=Settings(gap, window), top_variants=top,
                               limits=Limits(memory_limit="512MB", threads=1))  # fmt: skip
        report = run_check(SHOP, options).report
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
