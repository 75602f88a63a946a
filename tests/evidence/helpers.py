"""Shared helpers of the evidence tests: write small logs, run the real command, reshape reports."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
SHOP = str(DATA / "shop.journey.yaml")
BANK = str(DATA / "shared.journey.yaml")
T0 = dt.datetime(2026, 1, 5, 9, 0)


def at(days: float = 0, hours: float = 0) -> str:
    """An ISO timestamp ``days`` and ``hours`` after a fixed start."""
    return (T0 + dt.timedelta(days=days, hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def write_log(path: Path, rows: Sequence[Sequence[object]],
              header: Sequence[str] = ("case_id", "timestamp", "event", "channel")) -> str:  # fmt: skip
    """Write rows as a CSV event log and return its path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def check_json(run_cli: Callable[..., Any], log: str, *args: str, journey: str = SHOP) -> dict[str, Any]:
    """Run `cjm evidence check --format json` and return the report (the run must succeed)."""
    result = run_cli("evidence", "check", journey, "--events", log, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def moves(report: dict[str, Any]) -> dict[tuple[str, str | None, str | None], tuple[int, int]]:
    """Transitions keyed by (kind, from, to) -> (count, cases)."""
    return {(m["kind"], m["from_stage"], m["to_stage"]): (m["count"], m["cases"]) for m in report["transitions"]}


def touchpoint(report: dict[str, Any], tp: str) -> dict[str, Any]:
    """One touchpoint entry of the report."""
    return next(t for t in report["touchpoints"] if t["id"] == tp)


def stage(report: dict[str, Any], stage_id: str) -> dict[str, Any]:
    """One stage entry of the report."""
    return next(s for s in report["stages"] if s["id"] == stage_id)


def funnel(report: dict[str, Any], stage_id: str) -> dict[str, Any]:
    """One stage entry of the ordered funnel."""
    return next(s for s in report["funnel"] if s["id"] == stage_id)


def dumps(value: Any) -> str:
    """Stable JSON for readable assertion messages."""
    return json.dumps(value, sort_keys=True, default=str)
