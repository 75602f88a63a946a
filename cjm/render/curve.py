"""The emotion curve's geometry: one point per action column, connected across stages, on a -2..+2 axis."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cjm.model import Journey
from cjm.render.i18n import N_, _, number

COLUMN_WIDTH = 216  # px per action column; the table's <col> widths use the same value so points align
HEIGHT = 176
TOP = 34  # y of +2
STEP = 27  # px per emotion step
LABEL_CHARS = 22  # a feeling longer than this is shortened in the curve; the full text is in the tooltip
TICK_LABELS = {2: "+2", 1: "+1", 0: "0", -1: "−1", -2: "−2"}
MOODS = {2: N_("very positive"), 1: N_("positive"), 0: N_("neutral"), -1: N_("negative"), -2: N_("very negative")}


def emotion_y(score: float) -> float:
    """The y coordinate of an emotion score."""
    return TOP + (2 - score) * STEP


def signed(score: int) -> str:
    """A score as the map prints it: +2, 0, −1 (with a real minus sign)."""
    return TICK_LABELS.get(score, str(score))


def emotion_css(score: int | None) -> str:
    """The colour class of an emotion score (cjm-emo-p2 ... cjm-emo-m2, cjm-emo-none)."""
    if score is None:
        return "cjm-emo-none"
    return f"cjm-emo-{'p' if score > 0 else 'm' if score < 0 else 'z'}{abs(score)}"


@dataclass(frozen=True)
class Point:
    """One action's emotion."""

    x: float
    y: float
    css: str
    label: str
    label_y: float
    title: str
    action: str


@dataclass(frozen=True)
class Segment:
    """A line between two neighbouring points; dashed when it bridges a gap or touches an assumed action."""

    x1: float
    y1: float
    x2: float
    y2: float
    css: str


@dataclass(frozen=True)
class Tick:
    """A labelled horizontal grid line of the axis."""

    y: float
    label: str
    css: str


@dataclass(frozen=True)
class Measured:
    """A stage's measured survey score on the curve's scale, drawn at the middle of the stage."""

    x: float
    y: float
    label: str
    title: str


@dataclass(frozen=True)
class Curve:
    """The inline SVG of the emotion curve."""

    dom_id: str
    width: int
    height: int
    points: tuple[Point, ...]
    segments: tuple[Segment, ...]
    ticks: tuple[Tick, ...]
    separators: tuple[float, ...]
    area: str
    old_path: str
    old_points: tuple[tuple[float, float], ...]
    zero_y: float
    desc: str
    measured: tuple[Measured, ...] = ()
    measured_path: str = ""


def _measured_label(value: float) -> str:
    """A measured score with its sign and one decimal, as the current language writes it: +0.6, −0,3."""
    text = number(value, 1, trim=False)
    return text.replace("-", "−") if text.startswith("-") else "+" + text


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def build_curve(
    journey: Journey, old_emotions: Mapping[str, int] | None = None, scores: Mapping[str, Any] | None = None
) -> Curve:
    """The emotion curve of ``journey``; ``old_emotions`` (action id -> score) draws a faint earlier curve.

    ``scores`` (stage id -> a value on -2..+2 with a ``title``) draws the measured survey score per stage as a
    second line, one point at the middle of each stage.
    """
    jid = journey.id
    points: list[Point] = []
    separators: list[float] = []
    x_of: dict[str, float] = {}
    column = 0
    middles: dict[str, float] = {}
    for s, stage in enumerate(journey.stages):
        if s:
            separators.append(column * COLUMN_WIDTH)
        middles[stage.id] = (column + max(1, len(stage.actions)) / 2) * COLUMN_WIDTH
        for action in stage.actions:
            x = (column + 0.5) * COLUMN_WIDTH
            x_of[action.id] = x
            score = action.emotion
            y = emotion_y(score if score is not None else 0)
            assumed = " cjm-assumed" if action.evidence == "assumed" else ""
            word = action.feeling or ""
            if score is None:
                label, title = _("not recorded"), _("%(action)s: emotion not recorded") % {"action": action.name}
            else:
                label = _short(f"{signed(score)} {word}".strip())
                title = f"{action.name}: {signed(score)} ({_(MOODS[score])}{', ' + word if word else ''})"
            label_y = y + 22 if score is not None and score < 0 else y - 13  # away from the zero line
            points.append(
                Point(x, y, f"cjm-emotion-point {emotion_css(score)}{assumed}", label, label_y, title, action.id)
            )
            column += 1
        column += 0 if stage.actions else 1  # an empty stage still takes one column
    segments: list[Segment] = []
    known = [(p, a) for p, (_, a) in zip(points, journey.actions(), strict=True) if a.emotion is not None]
    for (p1, a1), (p2, a2) in pairwise(known):
        gap = p2.x - p1.x > COLUMN_WIDTH * 1.01
        dashed = gap or "assumed" in (a1.evidence, a2.evidence)
        segments.append(Segment(p1.x, p1.y, p2.x, p2.y, "cjm-seg cjm-seg-dashed" if dashed else "cjm-seg"))
    zero = emotion_y(0)
    area = ""
    if known:
        line = " L ".join(f"{p.x:g},{p.y:g}" for p, _ in known)
        area = f"M {known[0][0].x:g},{zero:g} L {line} L {known[-1][0].x:g},{zero:g} Z"
    old = [(x_of[aid], emotion_y(score)) for aid, score in (old_emotions or {}).items() if aid in x_of]
    old.sort()
    old_path = ("M " + " L ".join(f"{x:g},{y:g}" for x, y in old)) if len(old) > 1 else ""
    ticks = tuple(
        Tick(emotion_y(v), TICK_LABELS[v], "cjm-tick cjm-tick-zero" if v == 0 else "cjm-tick") for v in TICK_LABELS
    )
    measured = tuple(
        Measured(middles[sid], emotion_y(score.value), _measured_label(score.value), score.title)
        for sid, score in sorted((scores or {}).items(), key=lambda kv: middles.get(kv[0], 0))
        if sid in middles
    )
    measured_path = ("M " + " L ".join(f"{m.x:g},{m.y:g}" for m in measured)) if len(measured) > 1 else ""
    desc = "; ".join([*(p.title for p in points), *(m.title for m in measured)]) or _("No actions yet.")
    return Curve(
        f"{jid}--emotion", max(1, column) * COLUMN_WIDTH, HEIGHT, tuple(points), tuple(segments), ticks,
        tuple(separators), area, old_path, tuple(old), zero, desc, measured, measured_path,
    )  # fmt: skip
