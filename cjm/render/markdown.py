"""Markdown rendering: the journey as GitHub-flavoured Markdown for wikis and pull requests.

Sections: the scope, the Mermaid diagram, one table per stage (each action
with its emotion, the customer's thoughts, touchpoints, backstage, pain
points and opportunities), then every pain point (most severe first), every
opportunity and the metrics. User text is always inline: line breaks become ``<br>``, ``<``, ``>`` and ``&`` become
entities, and the characters that could start a table cell, code span,
emphasis, link or heading are backslash-escaped, so a table keeps its
column count whatever the text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cjm.escape import visible
from cjm.render.mermaid import persona_name, to_mermaid

if TYPE_CHECKING:
    from cjm.model import Action, Journey, Metric, Opportunity, PainPoint, Stage

_BACKSLASHED = frozenset("\\`*_[]|~#")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Text at the start of a line that Markdown would read as a list, heading, quote or rule.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
_EMOTION_WORDS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}


def to_markdown(journey: Journey) -> str:
    """The journey as GitHub-flavoured Markdown: scope, diagram, stage tables, pains, opportunities."""
    parts = [f"# {inline(journey.title)}", *_intro(journey), _scope(journey), _diagram(journey)]
    parts.append("## Stages")
    parts.extend(_stage(number, stage, journey) for number, stage in enumerate(journey.stages, start=1))
    parts.append(_pain_points(journey))
    parts.append(_opportunities(journey))
    if journey.metrics:
        parts.append(_metrics(journey))
    return "\n\n".join(part for part in parts if part) + "\n"


def inline(text: str) -> str:
    """User text as one line of inline Markdown that cannot change the document's structure."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        escaped = "".join(_escape_char(ch) for ch in visible(line.strip()))
        lines.append(_BLOCK_START.sub(_escape_block, escaped, count=1))
    return "<br>".join(lines)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table; cells must already be inline Markdown (see :func:`inline`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def _escape_char(ch: str) -> str:
    if ch in _BACKSLASHED:
        return "\\" + ch
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch == "\t" or (ord(ch) < 32 or ord(ch) == 127):
        return " "
    return ch


def _escape_block(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(3)


def _intro(journey: Journey) -> list[str]:
    lines = []
    if journey.description:
        lines.append(inline(journey.description))
    facts = []
    if journey.owner:
        facts.append(f"Owner: {inline(journey.owner)}")
    if journey.tags:
        facts.append("Tags: " + ", ".join(inline(tag) for tag in journey.tags))
    if facts:
        lines.append(" · ".join(facts))
    return lines


def _scope(journey: Journey) -> str:
    scope = journey.scope
    persona = next((p for p in journey.personas if p.id == scope.persona), None)
    who = inline(persona_name(journey))
    if persona and persona.role:
        who += f" ({inline(persona.role)})"
    rows = [["Persona", who], ["Scenario", inline(scope.scenario)]]
    rows += [[label, inline(value)] for label, value in (("Start", scope.start), ("End", scope.end)) if value]
    if scope.goal:
        rows.append(["Goal", inline(scope.goal)])
    if scope.expectations:
        items = [
            inline(e.text)
            + (
                f" (target: {inline(f'{e.target:g}' if isinstance(e.target, float) else e.target)})"
                if e.target is not None
                else ""
            )
            for e in scope.expectations
        ]
        rows.append(["Expectations", "<br>".join(items)])
    if scope.research:
        rows.append(["Research", "<br>".join(_research(r.source, r.date, r.link) for r in scope.research)])
    return "## Scope\n\n" + table(["", ""], rows)


def _research(source: str, date: object, link: str | None) -> str:
    text = inline(source)
    if date is not None:
        text += f" ({date})"
    if link:
        text += f" — {inline(link)}"
    return text


def _diagram(journey: Journey) -> str:
    diagram = to_mermaid(journey)
    longest = max((len(run) for run in re.findall(r"`+", diagram)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"## Journey\n\n{fence}mermaid\n{diagram}{fence}"


def _stage(number: int, stage: Stage, journey: Journey) -> str:
    parts = [f"### {number}. {inline(stage.name)}"]
    if stage.description:
        parts.append(inline(stage.description))
    if stage.goal:
        parts.append(f"**Goal:** {inline(stage.goal)}")
    if stage.actions:
        header = ["Action", "Emotion", "Thoughts", "Touchpoints", "Backstage", "Pain points", "Opportunities"]
        parts.append(table(header, [_action_row(action, journey) for action in stage.actions]))
    else:
        parts.append("_No actions yet._")
    if stage.pain_points:
        parts.append("Stage pain points: " + "; ".join(_pain_text(p) for p in stage.pain_points))
    if stage.opportunities:
        parts.append("Stage opportunities: " + "; ".join(inline(o.text) for o in stage.opportunities))
    return "\n\n".join(parts)


def _action_row(action: Action, journey: Journey) -> list[str]:
    touchpoints = {t.id: t.name for t in journey.touchpoints}
    backstage = {b.id: b.name for b in journey.backstage}
    name = inline(action.name)
    if action.evidence == "assumed":
        name += " _(assumed)_"
    if action.duration:
        name += f" ({inline(action.duration)})"
    return [
        name,
        _emotion(action),
        "<br>".join(f"“{inline(thought)}”" for thought in action.thoughts),
        ", ".join(inline(touchpoints.get(ref, ref)) for ref in action.touchpoints),
        ", ".join(inline(backstage.get(ref, ref)) for ref in action.backstage),
        "<br>".join(_pain_text(p) for p in action.pain_points),
        "<br>".join(inline(o.text) for o in action.opportunities),
    ]


def _emotion(action: Action) -> str:
    if action.emotion is None:
        return inline(action.feeling) if action.feeling else "not recorded"
    text = f"{action.emotion:+d} {_EMOTION_WORDS[action.emotion]}" if action.emotion else "0 neutral"
    return f"{text} ({inline(action.feeling)})" if action.feeling else text


def _pain_text(pain: PainPoint) -> str:
    return f"{inline(pain.text)} ({pain.severity})"


def _pain_points(journey: Journey) -> str:
    found: list[tuple[PainPoint, Stage, Action | None]] = []
    for stage in journey.stages:
        found.extend((pain, stage, None) for pain in stage.pain_points)
        for action in stage.actions:
            found.extend((pain, stage, action) for pain in action.pain_points)
    if not found:
        return "## Pain points\n\nNone recorded."
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    found.sort(key=lambda item: order[item[0].severity])  # stable: journey order within a severity
    rows = [
        [
            pain.severity,
            inline(pain.text),
            inline(stage.name),
            inline(action.name) if action else "(whole stage)",
            inline(pain.owner) if pain.owner else "",
            pain.evidence or "",
        ]
        for pain, stage, action in found
    ]
    return "## Pain points\n\n" + table(["Severity", "Pain point", "Stage", "Action", "Owner", "Evidence"], rows)


def _opportunities(journey: Journey) -> str:
    found: list[tuple[Opportunity, Stage, Action | None]] = []
    for stage in journey.stages:
        found.extend((item, stage, None) for item in stage.opportunities)
        for action in stage.actions:
            found.extend((item, stage, action) for item in action.opportunities)
    if not found:
        return "## Opportunities\n\nNone recorded."
    pains = {
        pain.id: pain.text
        for stage in journey.stages
        for pain in [*stage.pain_points, *(p for a in stage.actions for p in a.pain_points)]
        if pain.id
    }
    rows = [
        [
            inline(item.text),
            item.impact or "",
            item.effort or "",
            "<br>".join(inline(pains.get(ref, ref)) for ref in item.addresses),
            inline(stage.name) + (f": {inline(action.name)}" if action else ""),
            inline(item.owner) if item.owner else "",
        ]
        for item, stage, action in found
    ]
    header = ["Opportunity", "Impact", "Effort", "Addresses", "Where", "Owner"]
    return "## Opportunities\n\n" + table(header, rows)


def _metrics(journey: Journey) -> str:
    stages = {s.id: s.name for s in journey.stages}
    rows = [
        [
            inline(m.name or m.id),
            m.kind.upper(),
            inline(stages.get(m.stage, m.stage)) if m.stage else "whole journey",
            _number(m.value, m),
            _number(m.target, m),
        ]
        for m in journey.metrics
    ]
    return "## Metrics\n\n" + table(["Metric", "Kind", "Stage", "Current", "Target"], rows)


def _number(value: float | None, metric: Metric) -> str:
    if value is None:
        return ""
    unit = f" {inline(metric.unit)}" if metric.unit else ""
    return f"{value:g}{unit}"
