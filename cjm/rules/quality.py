"""Evidence quality rules (additions to the spec's table): assumed pains, targetless metrics, painless maps,
validated maps without evidence."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.diagnostics import Severity
from cjm.model import SEVERITY_RANK, Journey
from cjm.rules import Finding, Rule, RuleContext, pain_points


def assumed_pain(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A high or critical pain point that rests on assumption only (``evidence: assumed``).

    Why: the worst pains drive the roadmap; when the team only believes a
    pain exists, it should be checked with data or customers before money is
    spent on it. Renders mark assumed items; this rule lists the ones that
    matter most.

    Failing:

        pain_points:
          - {text: Drivers hate the tablet app, severity: critical, evidence: assumed}

    Passing:

        pain_points:
          - text: Drivers hate the tablet app
            severity: critical
            evidence: reported
            source: 14 support tickets, October 2026
    """
    for at in pain_points(journey):
        if at.pain.evidence == "assumed" and SEVERITY_RANK[at.pain.severity] >= SEVERITY_RANK["high"]:
            label = f"'{at.pain.id}'" if at.pain.id else f"in '{at.owner_id}'"
            yield Finding(
                (*at.path, "evidence"),
                f"{at.pain.severity} pain point {label} rests on assumption only",
                "check it with research or data, then set 'evidence: observed' or 'reported'"
                + ("" if at.pain.source else " and a 'source:'"),
            )


def metric_without_target(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A metric has no target.

    Why: a measurement without a target cannot say whether the experience
    is good enough, and a diff cannot say whether a change moved it the
    right way.

    Failing:

        metrics:
          - {id: checkout-ces, kind: ces, current: 3.1}

    Passing:

        metrics:
          - {id: checkout-ces, kind: ces, current: 3.1, target: 2}
    """
    for i, metric in enumerate(journey.metrics):
        if metric.target is None:
            yield Finding(
                ("metrics", i, "id"),
                f"metric '{metric.id}' has no target",
                "add 'target:' (the value that means the experience is good enough)",
            )


def no_pain_points(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """The journey names no pain point at all.

    Why: every real journey has friction; a map without a single pain point
    is usually the journey as designed, not as lived, and gives the team
    nothing to improve.

    Failing:

        stages:
          - id: order
            name: Order
            actions:
              - {id: pay, name: Pays, emotion: 1}

    Passing:

        stages:
          - id: order
            name: Order
            actions:
              - id: pay
                name: Pays
                emotion: 0
                pain_points: [Card declined without a reason]
    """
    if next(pain_points(journey), None) is None:
        yield Finding(
            ("stages",),
            "the journey names no pain point",
            "add what goes wrong for the customer under an action's or stage's 'pain_points:'",
            on_key=True,
        )


def validated_without_evidence(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A journey marked ``status: validated`` names no research and no observed or reported evidence.

    Why: on the portfolio board "validated" tells leadership the map has
    been checked against reality. A map is validated by research it lists
    under ``scope: research:``, or by actions and pain points whose
    ``evidence`` is ``observed`` or ``reported``; without any of these it is
    still an assumption, whatever its status says.

    Failing:

        status: validated
        scope:
          persona: shopper
          scenario: Buy a kettle online

    Passing:

        status: validated
        scope:
          persona: shopper
          scenario: Buy a kettle online
          research:
            - Five customer interviews, May 2026
    """
    if journey.status != "validated" or journey.scope.research:
        return
    backed = [a.evidence for _, a in journey.actions()] + [at.pain.evidence for at in pain_points(journey)]
    if any(evidence in ("observed", "reported") for evidence in backed):
        return
    yield Finding(
        ("status",),
        "the journey is marked validated but names no research and no observed or reported evidence",
        "list the research that validated it in the scope, or mark the evidence of its actions or pain points "
        "as observed or reported; otherwise set the status to researched or draft",
    )


RULES = (
    Rule(
        "CJM116",
        "assumed-pain",
        "a high or critical pain point rests on assumption only",
        Severity.INFO,
        assumed_pain,
    ),
    Rule("CJM117", "metric-without-target", "a metric has no target", Severity.WARNING, metric_without_target),
    Rule("CJM118", "no-pain-points", "the journey names no pain point", Severity.INFO, no_pain_points),
    Rule(
        "CJM119",
        "validated-without-evidence",
        "a journey marked validated names no research and no observed or reported evidence",
        Severity.WARNING,
        validated_without_evidence,
    ),
)
