"""Reporters for the evidence report: a rich terminal view, JSON and Markdown; each returns text."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

Report = dict[str, Any]
_BAR = 24
_ICONS = {"warning": "!", "info": "i"}


def render_json(report: Report, color: bool = False) -> str:
    """The report as stable, indented JSON."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _num(value: int | float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _bar(share: float | None) -> str:
    filled = round((share or 0.0) * _BAR)
    return "█" * filled + "░" * (_BAR - filled)


def _headline(report: Report) -> list[str]:
    matched = report["matched_events"] / report["events"] if report["events"] else None
    fitness = "-" if report["fitness"] is None else f"{report['fitness']:.2f}"
    return [
        f"{_num(report['cases'])} customers, {_num(report['journeys'])} journeys, {_num(report['events'])} events "
        f"({_pct(matched)} matched to touchpoints)",
        f"map fitness {fitness}, conforming journeys {_pct(report['conforming_journeys'])}",
    ]


def _kinds(report: Report) -> str:
    totals: dict[str, int] = {}
    for move in report["transitions"]:
        totals[move["kind"]] = totals.get(move["kind"], 0) + (move["count"] or 0)
    return ", ".join(
        f"{k} {totals[k]:,}" for k in ("forward", "within_stage", "skip", "loop_back", "end") if k in totals
    )


def render_text(report: Report, color: bool = False) -> str:
    """A terminal report: headline, funnel bars, touchpoints, transitions and the top findings."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=110, force_terminal=color, no_color=not color, highlight=False,
                      color_system="standard" if color else None)  # fmt: skip
    console.print(Text(f"cjm evidence: {report['run']['map']}", style="bold"))
    for line in _headline(report):
        console.print(line)
    console.print()
    funnel = Table(title="Stage funnel (journeys)", title_justify="left", box=None, pad_edge=False)
    for name, justify in (("stage", "left"), ("", "left"), ("journeys", "right"), ("conversion", "right"),
                          ("median h from previous", "right"), ("skipped by", "right")):  # fmt: skip
        funnel.add_column(name, justify=justify)  # type: ignore[arg-type]
    first = report["journeys"] or 0
    for stage in report["stages"]:
        if stage["status"] == "unverifiable":
            funnel.add_row(stage["id"], Text("(unverifiable)", style="dim"), "", "", "", "")
            continue
        share = (stage["journeys"] or 0) / first if first else 0.0
        funnel.add_row(stage["id"], Text(_bar(share), style="cyan"), _num(stage["journeys"]), _pct(stage["conversion"]),
                       _num(stage["median_hours_from_previous"]), _pct(stage["skipped_share"]))  # fmt: skip
    console.print(funnel)
    console.print()
    points = Table(title="Touchpoints", title_justify="left", box=None, pad_edge=False)
    for name, justify in (("touchpoint", "left"), ("status", "left"), ("events", "right"), ("customers", "right"),
                          ("rework", "right"), ("channels", "left")):  # fmt: skip
        points.add_column(name, justify=justify)  # type: ignore[arg-type]
    for tp in report["touchpoints"]:
        style = {"never_observed": "red", "unverifiable": "dim"}.get(tp["status"], "")
        channels = ", ".join(f"{k} {v:,}" for k, v in list((tp["channels"] or {}).items())[:3])
        points.add_row(tp["id"], Text(tp["status"], style=style), _num(tp["events"]), _num(tp["cases"]),
                       _num(tp["rework"]), channels)  # fmt: skip
    console.print(points)
    console.print()
    console.print(f"Transitions: {_kinds(report) or 'none'}")
    for move in [m for m in report["transitions"] if m["kind"] in ("skip", "loop_back")][:5]:
        console.print(f"  {move['kind']:<10} {move['from_stage']} -> {move['to_stage']}: {_num(move['count'])} "
                      f"({_num(move['cases'])} customers)")  # fmt: skip
    if report["unmapped"]:
        console.print("Unmapped events (the map lacks them):")
        for item in report["unmapped"][:5]:
            before, after = item["between"]
            place = (
                f"in {before}" if before and before == after else f"between {before or 'start'} and {after or 'end'}"
            )
            console.print(f"  {item['event']}: {_num(item['events'])} events, {_num(item['cases'])} customers, {place}")
    console.print()
    console.print(Text("Findings", style="bold"))
    if not report["findings"]:
        console.print("  none: the data agrees with the map")
    for finding in report["findings"][:10]:
        style = "yellow" if finding["severity"] == "warning" else "dim"
        console.print(Text(f"  {_ICONS[finding['severity']]} {finding['message']}", style=style), soft_wrap=True)
    if len(report["findings"]) > 10:
        console.print(f"  ... and {len(report['findings']) - 10} more (--format json for all)")
    return buffer.getvalue()


def _md_cell(value: object) -> str:
    text = "-" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _md_table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(report: Report, color: bool = False) -> str:
    """The report for a wiki page or a pull-request comment."""
    out = [f"## Evidence for `{_md_cell(report['run']['map'])}`", ""]
    out += [f"- {line}" for line in _headline(report)] + ["", "### Findings", ""]
    out += [f"- **{f['severity']}** {_md_cell(f['message'])}" for f in report["findings"]] or ["- none"]
    out += ["", "### Stage funnel", ""]
    out += _md_table(
        ["stage", "status", "journeys", "conversion", "median h from previous", "skipped by"],
        [[s["id"], s["status"], _num(s["journeys"]), _pct(s["conversion"]), _num(s["median_hours_from_previous"]),
          _pct(s["skipped_share"])] for s in report["stages"]],
    )  # fmt: skip
    out += ["", "### Touchpoints", ""]
    out += _md_table(
        ["touchpoint", "status", "events", "customers", "rework", "channels"],
        [[t["id"], t["status"], _num(t["events"]), _num(t["cases"]), _num(t["rework"]),
          ", ".join(f"{k} {v:,}" for k, v in (t["channels"] or {}).items())] for t in report["touchpoints"]],
    )  # fmt: skip
    out += ["", f"### Transitions: {_kinds(report) or 'none'}", ""]
    out += _md_table(
        ["kind", "from", "to", "count", "customers"],
        [
            [m["kind"], m["from_stage"], m["to_stage"], _num(m["count"]), _num(m["cases"])]
            for m in report["transitions"]
        ],
    )
    if report["unmapped"]:
        out += ["", "### Unmapped events", ""]
        out += _md_table(
            ["event", "events", "customers", "between"],
            [[u["event"], _num(u["events"]), _num(u["cases"]), " → ".join(b or "-" for b in u["between"])]
             for u in report["unmapped"]],
        )  # fmt: skip
    out += ["", "### Top variants", ""]
    out += _md_table(["journeys", "path"], [[_num(v["journeys"]), " → ".join(v["path"])] for v in report["variants"]])
    return "\n".join(out) + "\n"


FORMATS: dict[str, Callable[[Report, bool], str]] = {
    "text": render_text,
    "json": render_json,
    "md": render_markdown,
}
