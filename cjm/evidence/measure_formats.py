"""The survey and period sections as tables (title, header, rows) for the terminal and Markdown reports.

Cells are plain text; the reporters escape them (``clean``, ``_md_cell``) like every other cell.
"""

from __future__ import annotations

from typing import Any

Report = dict[str, Any]
Table = tuple[str, list[str], list[list[str]], int]  # title, header, rows, how many columns are text


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _interval(entry: dict[str, Any]) -> str:
    if entry.get("low") is None or entry.get("high") is None:
        return "-"
    return f"{entry['low']:g} to {entry['high']:g}"


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _label(metric: dict[str, Any]) -> str:
    return f"{metric['name'] or metric['id']} ({metric['kind'].upper()})"


def survey_tables(report: Report) -> list[Table]:
    """The metrics as the map states them beside the answers, and the score per stage beside the map's emotion."""
    section = report.get("surveys")
    if not section or not section["metrics"]:
        return []
    names = {s["id"]: s.get("name") or s["id"] for s in report.get("stages", [])}
    metrics = [
        [_label(m), names.get(m["stage"], "whole journey") if m["stage"] else "whole journey", _value(m["current"]),
         _value(m["measured"]["value"]), _interval(m["measured"]), _count(m["measured"]["responses"]),
         _value(m["target"]), _value(m["gap_to_target"])]
        for m in section["metrics"]
    ]  # fmt: skip
    stages = [
        [names.get(e["stage"], e["stage"]) if e["stage"] else "before the first step", _label(m), _value(e["value"]),
         _interval(e), _count(e["responses"]), _value(e["on_emotion_scale"]), _value(e["map_emotion"])]
        for m in section["metrics"] for e in m["by_stage"]
    ]  # fmt: skip
    return [
        ("Survey metrics: what the map says, what the answers measure (95% interval)",
         ["metric", "stage", "map says", "measured", "95% interval", "responses", "target", "gap"], metrics, 2),
        ("Survey scores per stage beside the map's emotion (both on the -2..+2 scale)",
         ["stage", "metric", "measured", "95% interval", "responses", "as emotion", "map emotion"], stages, 2),
    ]  # fmt: skip


def period_tables(report: Report) -> list[Table]:
    """One compact table per figure over the periods: journeys and fitness, stage reach, each survey metric."""
    section = report.get("periods")
    if not section:
        return []
    by, rows = section["by"], section["periods"]
    names = {s["id"]: s.get("name") or s["id"] for s in report.get("stages", [])}
    out: list[Table] = [(
        f"Journeys per {by} (by the {by} they started in)",
        ["period", "journeys", "follow the map", "events not on the map"],
        [[r["period"], _count(r["journeys"]), _pct(r["fitness"]), _pct(r["unmapped_share"])] for r in rows],
        1,
    )]  # fmt: skip
    stage_ids = list(rows[0]["stages"]) if rows else []
    if stage_ids:
        out.append((f"Stage reached, share of the journeys that started that {by}",
                    ["period", *(names.get(s, s) for s in stage_ids)],
                    [[r["period"], *(_pct(r["stages"][s]["share"]) for s in stage_ids)] for r in rows], 1))  # fmt: skip
    classes = sorted({c for r in rows for c in r.get("outcomes") or {}})
    if classes:
        shares = [[r["period"], *(_pct(_rate(r["outcomes"].get(c))) for c in classes)] for r in rows]
        out.append((f"Outcomes, share of the journeys that started that {by}", ["period", *classes], shares, 1))
    metrics = {m["id"]: _label(m) for m in (report.get("surveys") or {}).get("metrics", [])}
    for metric, series in section["surveys"].items():
        out.append(
            (
                f"{metrics.get(metric, metric)} per {by}",
                ["period", "measured", "95% interval", "responses"],
                [[e["period"], _value(e["value"]), _interval(e), _count(e["responses"])] for e in series],
                1,
            )
        )
    return out


def _rate(entry: dict[str, int] | None) -> float | None:
    return entry["count"] / entry["journeys"] if entry and entry["journeys"] else None


def measure_tables(report: Report) -> list[Table]:
    """Every table of the survey and period sections, in report order."""
    return survey_tables(report) + period_tables(report)
