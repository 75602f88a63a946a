"""Reporters for the evidence report: a terminal view and Markdown in plain words, and JSON; each returns text.

The text and Markdown reports are written for the people who own the map (marketing, CX, CRM): stage and
touchpoint names rather than ids, durations in hours, days or weeks, and plain words for the technical
figures the JSON keeps (docs/evidence.md, "Reading the report", lists both side by side).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

from cjm.evidence.measure_formats import measure_tables
from cjm.evidence.model import EvidenceReport, StageFigures
from cjm.evidence.outcome_text import outcome_sections

_BAR = 12
_ICONS = {"warning": "!", "info": "i"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
# What a move between two steps is called in the text and Markdown reports.
MOVES = {
    "forward": "on to the next stage",
    "within_stage": "within a stage",
    "skip": "jump over a stage",
    "loop_back": "go back to an earlier stage",
    "end": "journey ends",
}
STATUS = {
    "observed": "seen",
    "never_observed": "never seen",
    "unverifiable": "no events defined",
}


def render_json(report: EvidenceReport, color: bool = False) -> str:
    """The report as stable, indented JSON."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def render_summary(report: EvidenceReport, folder: str) -> str:
    """A few lines for `check -F json -o DIR`: where the report went, and its headline."""
    counts = {k: sum(1 for f in report.findings if f.severity == k) for k in ("warning", "info")}
    where = f"Evidence report for the map {clean(report.run.map)} written to {clean(folder)}"
    warnings = f"{counts['warning']} warning{'' if counts['warning'] == 1 else 's'}"
    notes = f"{warnings}, {counts['info']} note{'' if counts['info'] == 1 else 's'}: see evidence.json or findings.csv"
    lines = [f"{where} (evidence.json, CSV tables, aggregates/)", *headline(report), notes]
    return "\n".join(lines) + "\n"


def clean(value: object) -> str:
    """Text from the data or the map, with control and direction characters made visible as '?'."""
    return _CONTROL.sub("?", str(value))


def pct(value: float | None) -> str:
    """A share as a whole percentage, '-' when unknown."""
    return "-" if value is None else f"{100 * value:.0f}%"


def num(value: int | float | None) -> str:
    """A count with thousands separators; '-' when unknown or withheld."""
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def duration(hours: float | None) -> str:
    """A time span as a person says it: minutes, hours, days or weeks."""
    if hours is None:
        return "-"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} hours"
    if hours < 24 * 14:
        return f"{hours / 24:.1f} days"
    return f"{hours / 168:.1f} weeks"


def _days(report: EvidenceReport) -> str:
    window = report.run.semantics.get("window_days")
    return "-" if window is None else f"{window:g} days"


def _reach(stage: StageFigures, journeys: int) -> float:
    """The share of all journeys that reached a stage: the length of its bar."""
    return (stage.reached_journeys or 0) / journeys if journeys else 0.0


def _bar(share: float | None) -> str:
    filled = round((share or 0.0) * _BAR)
    return "█" * filled + "░" * (_BAR - filled)


def _name(names: dict[str, str], ident: str | None, none: str = "-") -> str:
    return none if ident is None else clean(names.get(ident, ident))


def headline(report: EvidenceReport) -> list[str]:
    """The first lines: how much data, and how well the journeys follow the map."""
    matched = report.matched_events / report.events if report.events else None
    lines = [
        f"{num(report.cases)} customers, {num(report.journeys)} journeys, {num(report.events)} events; "
        f"{pct(matched)} of the events match a touchpoint on the map.",
    ]
    if report.fitness is not None:
        lines.append(f"{pct(report.fitness)} of the moves from touchpoint to touchpoint follow the map; "
                     f"{pct(report.conforming_journeys)} of the journeys follow it all the way.")  # fmt: skip
    return lines


def _stage_rows(report: EvidenceReport) -> list[list[str]]:
    rows = []
    for s in report.stages:
        name = clean(s.name or s.id)
        if s.status == "unverifiable":
            rows.append([name, "no data (no events defined)", "", "", "", "", "", ""])
            continue
        figures = [num(n) for n in (s.reached_journeys, s.entered_journeys, s.continued_journeys, s.ended_journeys)]
        rows.append([name, "", *figures, duration(s.median_hours_in_stage), pct(s.skipped_share)])
    return rows


STAGE_HEADER = ["stage", "", "reached", "started here", "moved on", "ended here", "time in stage", "jumped over"]
STAGE_LEGEND = (
    "reached: journeys with a step in the stage, in any order; started here / ended here: the journey's first / "
    "last step is in the stage; moved on: a later step in a later stage; time in stage: the median, from the "
    "first step in the stage to the first step in a later stage; jumped over: share of the journeys that got "
    "past the stage without a step in it."
)
FUNNEL_HEADER = ["stage", "journeys", "of the stage before", "typical time after the stage before"]
TOUCHPOINT_HEADER = ["touchpoint", "in the data", "customers", "events", "same touchpoint again", "channels"]


def _funnel_rows(report: EvidenceReport) -> list[list[str]]:
    names = report.names()
    rows = [[_name(names, f.id), num(f.journeys), pct(f.conversion), duration(f.median_hours_from_previous)]
            for f in report.funnel]  # fmt: skip
    if rows and report.funnel[0].conversion is not None:  # the first stage has no stage before it
        rows[0][2] += " of all journeys"
    return rows


def funnel_legend(report: EvidenceReport) -> str:
    """Why the funnel's counts are smaller than the stage table's: it only follows journeys from the first stage."""
    first = _name(report.names(), report.funnel[0].id) if report.funnel else "the first stage"
    return (f"Only journeys seen at the first stage, {first}, are followed here; the Stages table above counts "
            "every journey, however late it enters.")  # fmt: skip


def _touchpoint_rows(report: EvidenceReport) -> list[list[str]]:
    names = report.names()
    rows = []
    for t in report.touchpoints:
        channels = ", ".join(f"{clean(k)} {v:,}" for k, v in list((t.channels or {}).items())[:2])
        rows.append([_name(names, t.id), STATUS.get(t.status, t.status), num(t.cases), num(t.events),
                     num(t.rework), channels])  # fmt: skip
    return rows


def _shared(report: EvidenceReport) -> list[str]:
    """A line per touchpoint that journeys used in several stages: its customers in each."""
    names = report.names()
    return [f"{_name(names, t.id)}: " + ", ".join(f"{num(b.cases)} in {_name(names, b.stage)}"
                                                  for b in t.by_stage or [])
            for t in report.touchpoints if len(t.by_stage or []) > 1]  # fmt: skip


def _moves(report: EvidenceReport) -> tuple[str, list[str]]:
    names = report.names()
    totals: dict[str, int] = {}
    for move in report.transitions:
        totals[move.kind] = totals.get(move.kind, 0) + (move.count or 0)
    summary = ", ".join(f"{MOVES[k]} {totals[k]:,}" for k in MOVES if k in totals and k != "end")
    lines = []
    for m in [m for m in report.transitions if m.kind in ("skip", "loop_back")][:5]:
        a, b = _name(names, m.from_stage), _name(names, m.to_stage)
        if m.kind == "skip":
            over = ", ".join(_name(names, s) for s in m.skipped or [])
            lines.append(f"{num(m.count)} times ({num(m.cases)} customers) from {a} straight to {b}, over {over}")
        else:
            lines.append(f"{num(m.count)} times ({num(m.cases)} customers) from {a} back to {b}")
    return summary or "none", lines


def _place(names: dict[str, str], between: list[str | None]) -> str:
    before, after = between
    if before and before == after:
        return f"in {_name(names, before)}"
    if before and after:
        return f"between {_name(names, before)} and {_name(names, after)}"
    if after:
        return f"before {_name(names, after)}"
    return f"after {_name(names, before)}" if before else "in journeys with no touchpoint of the map"


def _unmapped_lines(report: EvidenceReport) -> list[str]:
    names = report.names()
    return [f"{clean(u.event)}: {num(u.cases)} customers, {num(u.events)} events, "
            f"{_place(names, u.between) if u.between is not None else 'place withheld'}"
            for u in report.unmapped[:5]]  # fmt: skip


def _paths(report: EvidenceReport) -> list[str]:
    names = report.names()
    return [f"{num(v.journeys)} journeys: " + " → ".join(_name(names, p) for p in v.path)
            for v in report.variants[:5]]  # fmt: skip


def render_text(report: EvidenceReport, color: bool = False) -> str:  # noqa: C901 - one branch per report section
    """A terminal report: headline, stages, the ordered funnel, touchpoints, moves, and what to look at."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=120, force_terminal=color, no_color=not color, highlight=False,
                      color_system="standard" if color else None)  # fmt: skip

    def say(text: str, style: str = "") -> None:  # Text, never markup: nothing from the data is interpreted
        console.print(Text(text, style=style), soft_wrap=True)

    def table(
        title: str, header: list[str], rows: list[list[str]], text: int = 2, bar: int | None = None, wrap: bool = True
    ) -> None:
        grid = Table(title=title or None, title_justify="left", box=None, pad_edge=False)
        for i, name in enumerate(header):
            grid.add_column(name, justify="left" if i < text else "right", no_wrap=i < text or not wrap)
        for row in rows:
            cells = [Text(c, style="cyan" if i == bar else "") for i, c in enumerate(row)]
            grid.add_row(*cells)
        console.print(grid)
        console.print()

    say(f"Evidence for the map {clean(report.run.map)}", "bold")
    for line in headline(report):
        say(line)
    console.print()
    say("What to look at", "bold")
    if not report.findings:
        say("  nothing: the data agrees with the map")
    for finding in report.findings[:10]:
        say(f"  {_ICONS[finding.severity]} {clean(finding.message)}",
            "yellow" if finding.severity == "warning" else "dim")  # fmt: skip
    if len(report.findings) > 10:
        say(f"  ... and {len(report.findings) - 10} more (--format json lists all)")
    console.print()
    for title, lines in outcome_sections(report):
        say(title, "bold")
        for line in lines:
            say(f"  {clean(line)}")
        console.print()
    rows = _stage_rows(report)
    for row, s in zip(rows, report.stages, strict=True):
        if s.status != "unverifiable":
            row[1] = _bar(_reach(s, report.journeys))
    table("Stages (journeys)", STAGE_HEADER, rows, bar=1)
    say(STAGE_LEGEND, "dim")
    console.print()
    say(f"Funnel in map order: each stage reached after the one before, within {_days(report)}", "bold")
    say(funnel_legend(report), "dim")
    table("", FUNNEL_HEADER, _funnel_rows(report), text=1)
    table("Touchpoints", TOUCHPOINT_HEADER, _touchpoint_rows(report))
    if _shared(report):
        say("Touchpoints used in several stages (customers in each)", "bold")
        for line in _shared(report):
            say(f"  {line}")
        console.print()
    summary, lines = _moves(report)
    say(f"How journeys move from touchpoint to touchpoint: {summary}", "bold")
    for line in lines:
        say(f"  {line}")
    if report.unmapped:
        console.print()
        say("Events in the data that are not on the map", "bold")
        for line in _unmapped_lines(report):
            say(f"  {line}")
    if report.variants:
        console.print()
        say("Most common paths", "bold")
        for line in _paths(report):
            say(f"  {line}")
    for title, header, cells, text_columns in measure_tables(report):
        console.print()
        say(clean(title), "bold")
        table("", header, [[clean(c) for c in row] for row in cells], text=text_columns, wrap=False)
    return buffer.getvalue()


def _md_cell(value: object) -> str:
    text = "-" if value is None else clean(value)
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(report: EvidenceReport, color: bool = False) -> str:
    """The report for a wiki page or a pull-request comment, in the same plain words as the terminal report."""
    out = [f"## Evidence for the map `{_md_cell(report.run.map)}`", ""]
    out += [f"- {_md_cell(line)}" for line in headline(report)] + ["", "### What to look at", ""]
    out += [f"- **{f.severity}** {_md_cell(f.message)}" for f in report.findings] or ["- nothing"]
    for title, lines in outcome_sections(report):
        out += ["", f"### {_md_cell(title)}", ""] + [f"- {_md_cell(line)}" for line in lines]
    out += ["", "### Stages (journeys)", ""]
    out += _md_table([h or "data" for h in STAGE_HEADER], _stage_rows(report))
    out += ["", f"_{STAGE_LEGEND}_"]
    out += ["", f"### Funnel in map order: each stage reached after the one before, within {_days(report)}", ""]
    out += [f"_{_md_cell(funnel_legend(report))}_", "", *_md_table(FUNNEL_HEADER, _funnel_rows(report))]
    out += ["", "### Touchpoints", ""]
    out += _md_table(TOUCHPOINT_HEADER, _touchpoint_rows(report))
    if _shared(report):
        out += ["", "Touchpoints used in several stages (customers in each):", ""]
        out += [f"- {_md_cell(line)}" for line in _shared(report)]
    summary, lines = _moves(report)
    out += ["", "### How journeys move", "", f"- {_md_cell(summary)}"] + [f"- {_md_cell(line)}" for line in lines]
    if report.unmapped:
        out += ["", "### Events in the data that are not on the map", ""]
        out += [f"- {_md_cell(line)}" for line in _unmapped_lines(report)]
    if report.variants:
        out += ["", "### Most common paths", ""] + [f"- {_md_cell(line)}" for line in _paths(report)]
    for title, header, cells, _ in measure_tables(report):
        out += ["", f"### {_md_cell(title)}", "", *_md_table(header, cells)]
    return "\n".join(out) + "\n"


FORMATS: dict[str, Callable[[EvidenceReport, bool], str]] = {
    "text": render_text,
    "json": render_json,
    "md": render_markdown,
}
