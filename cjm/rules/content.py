"""Content rules about actions: the emotions, touchpoints and pain points a map must show."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cjm.diagnostics import Severity
from cjm.model import SEVERITY_RANK, Journey
from cjm.rules import Finding, Rule, RuleContext, opportunities, pain_points
from cjm.validate.yaml_reader import Path


class EmotionDropOptions(BaseModel):
    """``[rules.unexplained-emotion-drop]``: how big a fall needs a pain point."""

    model_config = ConfigDict(extra="forbid", strict=True)

    drop: int = Field(2, ge=1, le=4, description="The fall (in emotion points, 1..4) that needs explaining.")


class LongTextOptions(BaseModel):
    """``[rules.long-text]``: the longest name that still renders well."""

    model_config = ConfigDict(extra="forbid", strict=True)

    max: int = Field(80, ge=10, description="The longest name, in characters.")


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

    Option: ``drop`` (default 2), the fall that needs explaining.

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
    threshold = ctx.options.drop if isinstance(ctx.options, EmotionDropOptions) else 2
    previous = None
    for s, stage in enumerate(journey.stages):
        for a, action in enumerate(stage.actions):
            if action.emotion is None:
                continue
            if previous is not None and previous[0] - action.emotion >= threshold and not action.pain_points:
                yield Finding(
                    ("stages", s, "actions", a, "emotion"),
                    f"emotion drops from {previous[0]:+d} ('{previous[1]}') to {action.emotion:+d} "
                    f"at '{action.id}' with no pain point to explain it",
                    "add the pain point that causes the drop under 'pain_points:'",
                )
            previous = (action.emotion, action.id)


def unaddressed_pain(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A high or critical pain point that no opportunity addresses.

    Why: the worst pains are the reason the map exists; one with no
    opportunity against it is a problem the team has seen and parked. An
    opportunity addresses a pain point by naming its id under ``addresses``,
    or by standing in the same action (or stage) without naming any other.

    Failing:

        pain_points:
          - {id: no-slots, text: No delivery slot before the weekend, severity: high}

    Passing:

        pain_points:
          - {id: no-slots, text: No delivery slot before the weekend, severity: high}
        opportunities:
          - {text: Offer a waitlist for earlier slots, addresses: [no-slots]}
    """
    addressed = {ref for opp in opportunities(journey) for ref in opp.addresses}
    for at in pain_points(journey):
        if SEVERITY_RANK[at.pain.severity] < SEVERITY_RANK["high"]:
            continue
        if at.pain.id in addressed or any(not opp.addresses for opp in at.beside):
            continue
        label = f"'{at.pain.id}'" if at.pain.id else f"'{_short(at.pain.text)}'"
        yield Finding(
            at.anchor,
            f"{at.pain.severity} pain point {label} in '{at.owner_id}' has no opportunity addressing it",
            # Only a pain point with an id can be addressed from elsewhere: say so when it has none.
            f"add an opportunity beside it, or one elsewhere with 'addresses: [{at.pain.id}]'"
            if at.pain.id
            else "give it an 'id:' and list it in 'addresses' of an opportunity, or add an opportunity beside it",
        )


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# Kinds of item whose detail can move to a 'description:' (touchpoints and metrics have none).
_DESCRIBED = frozenset({"persona", "stage", "action", "backstage process"})


def _names(journey: Journey) -> Iterator[tuple[str, str, Path]]:
    """Every (kind, name, path of the name) a render shows as a label."""
    for i, persona in enumerate(journey.personas):
        yield "persona", persona.name, ("personas", i, "name")
    for s, stage in enumerate(journey.stages):
        yield "stage", stage.name, ("stages", s, "name")
        for a, action in enumerate(stage.actions):
            yield "action", action.name, ("stages", s, "actions", a, "name")
    for i, tp in enumerate(journey.touchpoints):
        yield "touchpoint", tp.name, ("touchpoints", i, "name")
    for i, bs in enumerate(journey.backstage):
        yield "backstage process", bs.name, ("backstage", i, "name")
    for i, metric in enumerate(journey.metrics):
        if metric.name:
            yield "metric", metric.name, ("metrics", i, "name")


def long_text(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A name longer than 80 characters.

    Why: names are the labels of the map's boxes and lanes; a long one wraps
    badly or gets cut in every render. Put the detail in ``description``.
    Option: ``max`` (default 80), the longest name in characters.

    Failing:

        - id: compare
          name: Compares the basket price with the local supermarket and the discounter down the road

    Passing:

        - id: compare
          name: Compares basket prices
          description: With the local supermarket and the discounter down the road
    """
    limit = ctx.options.max if isinstance(ctx.options, LongTextOptions) else 80
    for kind, name, path in _names(journey):
        if len(name) > limit:
            yield Finding(
                path,
                f"{kind} name is {len(name)} characters long, over {limit}",
                "shorten the name and move the detail to 'description:'"
                if kind in _DESCRIBED
                else "shorten the name to the label a reader needs on the map",
            )


RULES = (
    Rule("CJM103", "missing-emotion", "an action has no emotion", Severity.WARNING, missing_emotion),
    Rule("CJM104", "missing-touchpoint", "an action has no touchpoint", Severity.WARNING, missing_touchpoint),
    Rule(
        "CJM109",
        "unexplained-emotion-drop",
        "emotion falls by 2 or more and the lower action names no pain point",
        Severity.WARNING,
        unexplained_emotion_drop,
        EmotionDropOptions,
    ),
    Rule(
        "CJM110",
        "unaddressed-pain",
        "a high or critical pain point that no opportunity addresses",
        Severity.WARNING,
        unaddressed_pain,
    ),
    Rule(
        "CJM114",
        "long-text",
        "a name longer than 80 characters (renders poorly)",
        Severity.INFO,
        long_text,
        LongTextOptions,
    ),
)
