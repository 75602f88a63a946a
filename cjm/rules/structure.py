"""Structure rules: the shape of the journey as a whole (size, stages, scope, definitions, metrics)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cjm.diagnostics import Severity
from cjm.model import Journey
from cjm.rules import Finding, Rule, RuleContext


class ActionCountOptions(BaseModel):
    """``[rules.action-count]``: the fewest and the most actions a journey should have."""

    model_config = ConfigDict(extra="forbid", strict=True)

    min: int = Field(4, ge=0, description="The fewest actions.")
    max: int = Field(12, ge=1, description="The most actions.")

    @model_validator(mode="after")
    def _ordered(self) -> ActionCountOptions:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


def action_count(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """The journey has fewer than 4 or more than 12 actions.

    Why: with too few actions the map is a slogan, not a journey; with too
    many nobody reads it, and it should be split into several journeys (one
    per scenario). Options: ``min`` (default 4) and ``max`` (default 12).

    Failing:

        stages:
          - id: purchase
            name: Purchase
            actions:
              - {id: pay, name: Pays}

    Passing:

        stages:
          - id: purchase
            name: Purchase
            actions:
              - {id: browse, name: Browses the catalogue}
              - {id: compare, name: Compares two offers}
              - {id: pay, name: Pays}
              - {id: confirm, name: Reads the confirmation}
    """
    options = ctx.options if isinstance(ctx.options, ActionCountOptions) else ActionCountOptions()
    count = sum(len(stage.actions) for stage in journey.stages)
    if count < options.min:
        yield Finding(
            ("stages",),
            f"the journey has {count} action{'' if count == 1 else 's'}, fewer than {options.min}",
            "map what the customer does step by step, or lower [rules.action-count] min",
            on_key=True,
        )
    elif count > options.max:
        yield Finding(
            ("stages",),
            f"the journey has {count} actions, more than {options.max}",
            "split it into one journey per scenario, or raise [rules.action-count] max",
            on_key=True,
        )


def empty_stage(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A stage has no actions.

    Why: a stage without actions is a phase nobody has mapped yet; renders
    show an empty column and the emotion curve has a gap.

    Failing:

        - id: loyalty
          name: Loyalty

    Passing:

        - id: loyalty
          name: Loyalty
          actions:
            - {id: reorder, name: Reorders last week's basket, emotion: 2}
    """
    for s, stage in enumerate(journey.stages):
        if not stage.actions:
            yield Finding(
                ("stages", s, "id"),
                f"stage '{stage.id}' has no actions",
                "add what the customer does in this stage under 'actions:', or remove the stage",
            )


def unused_definition(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A touchpoint, backstage process or persona that nothing in the file refers to.

    Why: a definition nobody uses is usually a leftover of a renamed id or a
    forgotten action; it clutters the lanes of every render. Shared
    definitions belong in a catalog, which this rule does not check.

    Failing:

        touchpoints:
          - {id: fax, name: Fax line, channel: other}

    Passing:

        stages:
          - id: order
            name: Order
            actions:
              - {id: send-order, name: Faxes the order, touchpoints: [fax]}
        touchpoints:
          - {id: fax, name: Fax line, channel: other}
    """
    used_tp = {ref for _, action in journey.actions() for ref in action.touchpoints}
    used_bs = {ref for _, action in journey.actions() for ref in action.backstage}
    for i, persona in enumerate(journey.personas):
        if persona.id != journey.scope.persona:
            yield Finding(
                ("personas", i, "id"),
                f"persona '{persona.id}' is declared but the scope takes '{journey.scope.persona}'",
                "a journey takes one persona's point of view: move other personas to their own journey or a catalog",
            )
    for i, tp in enumerate(journey.touchpoints):
        if tp.id not in used_tp:
            yield Finding(
                ("touchpoints", i, "id"), f"touchpoint '{tp.id}' is used by no action", _unused_hint("touchpoints")
            )
    for i, bs in enumerate(journey.backstage):
        if bs.id not in used_bs:
            yield Finding(
                ("backstage", i, "id"), f"backstage process '{bs.id}' is used by no action", _unused_hint("backstage")
            )


def _unused_hint(key: str) -> str:
    return f"reference it in an action's '{key}:' or remove it"


def missing_metrics(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """The journey measures nothing: no CES, NPS or CSAT metric.

    Why: without a measurement the map cannot show whether a change made
    the experience better; custom metrics alone do not compare across maps.

    Failing:

        metrics: []

    Passing:

        metrics:
          - {id: checkout-ces, kind: ces, name: Checkout effort, target: 2, current: 3.1}
    """
    if not any(m.kind in ("nps", "ces", "csat") for m in journey.metrics):
        yield Finding(
            ("metrics",) if journey.metrics else ("id",),
            "the journey measures nothing: no CES, NPS or CSAT metric",
            "add a metric under 'metrics:' with kind ces, nps or csat",
            on_key=True,
        )


def incomplete_scope(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """The scope lacks a start, an end or a goal.

    Why: a journey map is bounded: where it starts, where it ends and what
    the persona wants decide which actions belong on it. Without them the
    map grows until nobody owns it.

    Failing:

        scope:
          persona: busy-parent
          scenario: First grocery order

    Passing:

        scope:
          persona: busy-parent
          scenario: First grocery order
          start: Hears about the service from a friend
          end: Places a third order
          goal: Save two hours of shopping a week
    """
    scope = journey.scope
    missing = [key for key, value in (("start", scope.start), ("end", scope.end), ("goal", scope.goal)) if not value]
    if missing:
        yield Finding(
            ("scope",),
            f"the scope has no {_and(missing)}",
            "say where the journey starts and ends and what the persona wants: "
            + ", ".join(f"'{m}:'" for m in missing),
            on_key=True,
        )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def no_research(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """The scope names no research.

    Why: a map that rests on no evidence is the team's opinion; naming the
    call-center logs, field studies or analytics it comes from lets readers
    judge it.

    Failing:

        scope:
          persona: busy-parent
          scenario: First grocery order

    Passing:

        scope:
          persona: busy-parent
          scenario: First grocery order
          research:
            - {source: Diary study with 12 households, date: 2026-03-15}
    """
    if not journey.scope.research:
        yield Finding(
            ("scope",),
            "the scope names no research the map rests on",
            "list the evidence under 'scope: research:' (interviews, logs, analytics, surveys)",
            on_key=True,
        )


RULES = (
    Rule(
        "CJM101",
        "action-count",
        "the journey has fewer than 4 or more than 12 actions (min/max configurable)",
        Severity.WARNING,
        action_count,
        ActionCountOptions,
    ),
    Rule("CJM102", "empty-stage", "a stage has no actions", Severity.WARNING, empty_stage),
    Rule(
        "CJM105",
        "unused-definition",
        "a touchpoint, backstage process or persona nothing refers to",
        Severity.WARNING,
        unused_definition,
    ),
    Rule(
        "CJM111",
        "missing-metrics",
        "the journey measures nothing (no CES, NPS or CSAT)",
        Severity.INFO,
        missing_metrics,
    ),
    Rule("CJM112", "incomplete-scope", "scope lacks start, end or goal", Severity.WARNING, incomplete_scope),
    Rule("CJM113", "no-research", "scope names no research", Severity.INFO, no_research),
)
