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
from cjm.render.i18n import N_, _, duration, language, number, speaking
from cjm.render.mermaid import persona_name, to_mermaid

if TYPE_CHECKING:
    from cjm.model import Action, Frontstage, Journey, Metric, Opportunity, PainPoint, Stage

_BACKSLASHED = frozenset("\\`*_[]|~#")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Text at the start of a line that Markdown would read as a list, heading, quote or rule.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
_EMOTION_WORDS = {
    -2: N_("very negative"),
    -1: N_("negative"),
    0: N_("neutral"),
    1: N_("positive"),
    2: N_("very positive"),
}
_WORDS = {  # severities, impact and effort levels, evidence, as the format writes them
    "critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
    "observed": N_("observed"), "reported": N_("reported"), "assumed": N_("assumed"),
}  # fmt: skip


def _word(value: str | None) -> str:
    return _(_WORDS[value]) if value else ""


def to_markdown(journey: Journey) -> str:
    """The journey as GitHub-flavoured Markdown: scope, diagram, stage tables, pains, opportunities."""
    with speaking(language(journey.lang)):
        return _markdown(journey)


def _markdown(journey: Journey) -> str:
    parts = [f"# {inline(journey.title)}", *_intro(journey), _scope(journey), _diagram(journey)]
    parts.append("## " + _("Stages"))
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
        facts.append(_("Owner: %(owner)s") % {"owner": inline(journey.owner)})
    if journey.tags:
        facts.append(_("Tags: %(tags)s") % {"tags": ", ".join(inline(tag) for tag in journey.tags)})
    if facts:
        lines.append(" · ".join(facts))
    return lines


def _scope(journey: Journey) -> str:
    scope = journey.scope
    persona = next((p for p in journey.personas if p.id == scope.persona), None)
    who = inline(persona_name(journey))
    if persona and persona.role:
        who += f" ({inline(persona.role)})"
    rows = [[_("Persona"), who], [_("Scenario"), inline(scope.scenario)]]
    rows += [[label, inline(value)] for label, value in ((_("Start"), scope.start), (_("End"), scope.end)) if value]
    if scope.goal:
        rows.append([_("Goal"), inline(scope.goal)])
    if scope.expectations:
        items = [
            inline(e.text)
            + (
                " ("
                + _("target: %(target)s")
                % {"target": inline(number(e.target) if isinstance(e.target, float) else e.target)}
                + ")"
                if e.target is not None
                else ""
            )
            for e in scope.expectations
        ]
        rows.append([_("Expectations"), "<br>".join(items)])
    if scope.research:
        rows.append([_("Research"), "<br>".join(_research(r.source, r.date, r.link) for r in scope.research)])
    return "## " + _("Scope") + "\n\n" + table(["", ""], rows)


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
    return "## " + _("Journey") + f"\n\n{fence}mermaid\n{diagram}{fence}"


def _stage(number: int, stage: Stage, journey: Journey) -> str:
    parts = [f"### {number}. {inline(stage.name)}"]
    if stage.description:
        parts.append(inline(stage.description))
    if stage.goal:
        parts.append("**" + _("Goal") + f":** {inline(stage.goal)}")
    if stage.actions:
        header = [_("Action"), _("Emotion"), _("Thoughts"), _("Touchpoints"), _("Backstage"), _("Pain points"),
                  _("Opportunities")]  # fmt: skip
        rows = [_action_row(action, journey) for action in stage.actions]
        if any(a.frontstage for _s, a in journey.actions()):  # a service blueprint: who faces the customer
            header.insert(4, _("Frontstage"))
            for row, action in zip(rows, stage.actions, strict=True):
                row.insert(4, "<br>".join(_step(journey, step) for step in action.frontstage))
        parts.append(table(header, rows))
    else:
        parts.append("_" + _("No actions yet.") + "_")
    if stage.pain_points:
        parts.append(_("Stage pain points: %(items)s") % {"items": "; ".join(_pain_text(p) for p in stage.pain_points)})
    if stage.opportunities:
        items = "; ".join(inline(o.text) for o in stage.opportunities)
        parts.append(_("Stage opportunities: %(items)s") % {"items": items})
    return "\n\n".join(parts)


def _action_row(action: Action, journey: Journey) -> list[str]:
    touchpoints = {t.id: t.name for t in journey.touchpoints}
    backstage = {b.id: b.name for b in journey.backstage}
    name = inline(action.name)
    if action.evidence == "assumed":
        name += f" _({_word('assumed')})_"
    if action.duration:
        name += f" ({inline(duration(action.duration))})"
    return [
        name,
        _emotion(action),
        "<br>".join(f"“{inline(thought)}”" for thought in action.thoughts),
        ", ".join(inline(touchpoints.get(ref, ref)) for ref in action.touchpoints),
        ", ".join(inline(backstage.get(ref, ref)) for ref in action.backstage),
        "<br>".join(_pain_text(p) for p in action.pain_points),
        "<br>".join(inline(o.text) for o in action.opportunities),
    ]


def _step(journey: Journey, step: Frontstage) -> str:
    department = journey.department_name(step.department) if step.department else None
    who = ", ".join(inline(x) for x in (step.owner, department) if x)
    return inline(step.text) + (f" ({who})" if who else "")


def _emotion(action: Action) -> str:
    if action.emotion is None:
        return inline(action.feeling) if action.feeling else _("not recorded")
    score = f"{action.emotion:+d}" if action.emotion else "0"
    text = f"{score} {_(_EMOTION_WORDS[action.emotion])}"
    return f"{text} ({inline(action.feeling)})" if action.feeling else text


def _pain_text(pain: PainPoint) -> str:
    return f"{inline(pain.text)} ({_word(pain.severity)})"


def _pain_points(journey: Journey) -> str:
    found: list[tuple[PainPoint, Stage, Action | None]] = []
    for stage in journey.stages:
        found.extend((pain, stage, None) for pain in stage.pain_points)
        for action in stage.actions:
            found.extend((pain, stage, action) for pain in action.pain_points)
    if not found:
        return "## " + _("Pain points") + "\n\n" + _("None recorded.")
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    found.sort(key=lambda item: order[item[0].severity])  # stable: journey order within a severity
    rows = [
        [
            _word(pain.severity),
            inline(pain.text),
            inline(stage.name),
            inline(action.name) if action else _("(whole stage)"),
            inline(pain.owner) if pain.owner else "",
            _word(pain.evidence),
        ]
        for pain, stage, action in found
    ]
    header = [_("Severity"), _("Pain point"), _("Stage"), _("Action"), _("Owner"), _("Evidence")]
    return "## " + _("Pain points") + "\n\n" + table(header, rows)


def _opportunities(journey: Journey) -> str:
    found: list[tuple[Opportunity, Stage, Action | None]] = []
    for stage in journey.stages:
        found.extend((item, stage, None) for item in stage.opportunities)
        for action in stage.actions:
            found.extend((item, stage, action) for item in action.opportunities)
    if not found:
        return "## " + _("Opportunities") + "\n\n" + _("None recorded.")
    pains = {
        pain.id: pain.text
        for stage in journey.stages
        for pain in [*stage.pain_points, *(p for a in stage.actions for p in a.pain_points)]
        if pain.id
    }
    rows = [
        [
            inline(item.text),
            _word(item.impact),
            _word(item.effort),
            "<br>".join(inline(pains.get(ref, ref)) for ref in item.addresses),
            inline(stage.name) + (f": {inline(action.name)}" if action else ""),
            inline(item.owner) if item.owner else "",
        ]
        for item, stage, action in found
    ]
    header = [_("Opportunity"), _("Impact"), _("Effort"), _("Addresses"), _("Where"), _("Owner")]
    return "## " + _("Opportunities") + "\n\n" + table(header, rows)


def _metrics(journey: Journey) -> str:
    stages = {s.id: s.name for s in journey.stages}
    rows = [
        [
            inline(m.name or m.id),
            m.kind.upper(),
            inline(stages.get(m.stage, m.stage)) if m.stage else _("whole journey"),
            _number(m.value, m),
            _number(m.target, m),
        ]
        for m in journey.metrics
    ]
    header = [_("Metric"), _("Kind"), _("Stage"), _("Current"), _("Target")]
    return "## " + _("Metrics") + "\n\n" + table(header, rows)


def _number(value: float | None, metric: Metric) -> str:
    if value is None:
        return ""
    unit = f" {inline(metric.unit)}" if metric.unit else ""
    return f"{number(value)}{unit}"
