"""The before/after emotion curve as a Mermaid xychart, for pull-request comments."""

from __future__ import annotations

from dataclasses import dataclass

from cjm.model import Journey

BEFORE_COLOUR, AFTER_COLOUR = "#8c959f", "#1a7f37"


@dataclass(frozen=True)
class Point:
    """One action on the curve; an emotion is None where that version lacks the action or its emotion."""

    action: str
    before: int | None
    after: int | None


def curve(old: Journey, new: Journey) -> list[Point]:
    """The actions of both versions in journey order; removed actions stand after their old predecessor."""
    before = {a.id: a.emotion for _, a in old.actions()}
    after = {a.id: a.emotion for _, a in new.actions()}
    order = [a.id for _, a in new.actions()]
    previous: str | None = None
    for _, action in old.actions():
        if action.id not in after:
            order.insert(order.index(previous) + 1 if previous in order else 0, action.id)
        previous = action.id
    return [Point(a, before.get(a), after.get(a)) for a in order]


def changed(points: list[Point]) -> bool:
    """True when the two curves differ anywhere."""
    return any(p.before != p.after for p in points)


def _held(values: list[int | None]) -> list[int]:
    """Mermaid lines need a number at every point: a gap holds the previous value (0 before the first)."""
    out: list[int] = []
    for v in values:
        out.append(v if v is not None else (out[-1] if out else 0))
    return out


def mermaid(points: list[Point]) -> str:
    """A Mermaid ``xychart-beta`` block with the before line (grey) and the after line (green)."""
    labels = ", ".join(f'"{p.action[:18]}"' for p in points)
    return "\n".join(
        [
            "```mermaid",
            "---",
            "config:",
            "  themeVariables:",
            "    xyChart:",
            f'      plotColorPalette: "{BEFORE_COLOUR}, {AFTER_COLOUR}"',
            "---",
            "xychart-beta",
            '  title "Emotion per action: before (grey), after (green)"',
            f"  x-axis [{labels}]",
            '  y-axis "Emotion" -2 --> 2',
            f"  line [{', '.join(map(str, _held([p.before for p in points])))}]",
            f"  line [{', '.join(map(str, _held([p.after for p in points])))}]",
            "```",
        ]
    )
