"""Content rules about actions: the emotions, touchpoints and pain points a map must show."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.diagnostics import Severity
from cjm.model import Journey
from cjm.rules import Finding, Rule, RuleContext


def missing_emotion(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """An action has no emotion.

    Why: the emotion curve is the heart of a journey map; an action without a
    score leaves a hole in it, and a reviewer cannot see whether the moment
    feels good or bad to the customer.

    Failing:

        actions:
          - id: checkout
            name: Pays for the order

    Passing:

        actions:
          - id: checkout
            name: Pays for the order
            emotion: -1
    """
    for s, stage in enumerate(journey.stages):
        for a, action in enumerate(stage.actions):
            if action.emotion is None:
                yield Finding(
                    ("stages", s, "actions", a, "id"),
                    f"action '{action.id}' has no emotion",
                    "add 'emotion:' from -2 (very negative) to +2 (very positive)",
                )


def missing_touchpoint(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """An action has no touchpoint.

    Why: every action happens somewhere (a page, a call, a shop); without a
    touchpoint nobody owns the moment and evidence cannot check it.

    Failing:

        - id: compare-prices
          name: Compares prices

    Passing:

        - id: compare-prices
          name: Compares prices
          touchpoints: [website]
    """
    for s, stage in enumerate(journey.stages):
        for a, action in enumerate(stage.actions):
            if not action.touchpoints:
                yield Finding(
                    ("stages", s, "actions", a, "id"),
                    f"action '{action.id}' has no touchpoint",
                    "add 'touchpoints: [...]' naming where it happens",
                )


def unexplained_emotion_drop(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """Emotion falls by 2 or more from one action to the next and the lower action names no pain point.

    Why: a sharp drop in the curve is the most important moment of a map;
    if nothing explains it, the team cannot act on it.

    Failing:

        - {id: pilot, name: Runs a pilot, emotion: 1}
        - {id: connect-erp, name: Connects the ERP, emotion: -1}

    Passing:

        - {id: pilot, name: Runs a pilot, emotion: 1}
        - id: connect-erp
          name: Connects the ERP
          emotion: -1
          pain_points: [ERP connector is a surprise cost]
    """
    previous = None
    for s, stage in enumerate(journey.stages):
        for a, action in enumerate(stage.actions):
            if action.emotion is None:
                continue
            if previous is not None and previous[0] - action.emotion >= 2 and not action.pain_points:
                yield Finding(
                    ("stages", s, "actions", a, "emotion"),
                    f"emotion drops from {previous[0]:+d} ('{previous[1]}') to {action.emotion:+d} "
                    f"at '{action.id}' with no pain point to explain it",
                    "add the pain point that causes the drop under 'pain_points:'",
                )
            previous = (action.emotion, action.id)


RULES = (
    Rule("CJM103", "missing-emotion", "an action has no emotion", Severity.WARNING, missing_emotion),
    Rule("CJM104", "missing-touchpoint", "an action has no touchpoint", Severity.WARNING, missing_touchpoint),
    Rule(
        "CJM109",
        "unexplained-emotion-drop",
        "emotion falls by 2 or more and the lower action names no pain point",
        Severity.WARNING,
        unexplained_emotion_drop,
    ),
)
