"""Ownership rules: every pain point, touchpoint and backstage process needs someone accountable."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.diagnostics import Severity, did_you_mean
from cjm.model import Journey, PainPoint
from cjm.rules import Finding, Rule, RuleContext, pain_points


def pain_point_owner(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A pain point without an owner.

    Why: a pain point nobody owns is a complaint, not a task; naming the team
    that owns fixing it is what turns the map into a backlog.

    Failing:

        pain_points:
          - Delivery fee only appears at checkout

    Passing:

        pain_points:
          - {text: Delivery fee only appears at checkout, owner: Pricing team}
    """
    for at in pain_points(journey):
        if not at.pain.owner:
            label = f"'{at.pain.id}'" if at.pain.id else "in '" + at.owner_id + "'"
            yield Finding(at.anchor, f"pain point {label} has no owner", _owner_hint(at.pain))


def _owner_hint(pain: PainPoint) -> str:
    """'add owner:' for a pain point written as a mapping; the model cannot tell '- text' from
    '- {text: ...}' when text is all it holds, so then the hint covers both forms."""
    if pain.model_fields_set - {"text"}:
        return "add 'owner:' (the team that owns fixing it)"
    return "add 'owner:' (the team that owns fixing it), as '- {text: ..., owner: ...}' if it is plain text"


def touchpoint_departments(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A touchpoint with no department.

    Why: a customer meets the company at a touchpoint; the departments behind
    it are the silos the journey crosses, and the swimlanes of a blueprint.

    Failing:

        touchpoints:
          - {id: website, name: Website, channel: web}

    Passing:

        touchpoints:
          - {id: website, name: Website, channel: web, departments: [marketing, product]}
    """
    for i, tp in enumerate(journey.touchpoints):
        if not tp.departments:
            yield Finding(
                ("touchpoints", i, "id"),
                f"touchpoint '{tp.id}' names no department",
                "add 'departments: [...]' (e.g. marketing, sales, support)",
            )


def backstage_owner(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A backstage process without an owner.

    Why: backstage processes are where broken journeys are mended; one with
    no owner has nobody to call when it fails the customer.

    Failing:

        backstage:
          - {id: picking, name: Picking and substitution}

    Passing:

        backstage:
          - {id: picking, name: Picking and substitution, owner: Store operations}
    """
    for i, bs in enumerate(journey.backstage):
        if not bs.owner:
            yield Finding(
                ("backstage", i, "id"),
                f"backstage process '{bs.id}' has no owner",
                "add 'owner:' (the team that runs it)",
            )


def frontstage_owner(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A frontstage step without an owner.

    Why: the frontstage lane of a service blueprint says who faces the
    customer; a step without a role or team ("the advisor", "the call
    centre") cannot be trained, staffed or measured.

    Failing:

        frontstage:
          - Explains the rate options

    Passing:

        frontstage:
          - {text: Explains the rate options, owner: Branch advisor, department: retail-network}
    """
    for s, stage in enumerate(journey.stages):
        for a, action in enumerate(stage.actions):
            for f, step in enumerate(action.frontstage):
                if not step.owner:
                    yield Finding(
                        ("stages", s, "actions", a, "frontstage", f),
                        f"frontstage step of '{action.id}' has no owner",
                        "add 'owner:' (the role facing the customer), as '- {text: ..., owner: ...}' for plain text",
                    )


def unknown_department(journey: Journey, ctx: RuleContext) -> Iterator[Finding]:
    """A department not in the workspace's ``departments`` list (only when that list exists).

    Why: "Sales", "sales-team" and "Vertrieb" are the same silo to a reader
    but three to a report; a shared list keeps department names countable.
    The list comes from ``departments`` in cjm.toml and from catalogs; the
    comparison ignores case.

    Failing (with ``departments = ["marketing", "sales"]``):

        touchpoints:
          - {id: website, name: Website, channel: web, departments: [marketting]}

    Passing:

        touchpoints:
          - {id: website, name: Website, channel: web, departments: [marketing]}
    """
    if ctx.departments is None:
        return
    known = {d.casefold() for d in ctx.departments}
    for i, tp in enumerate(journey.touchpoints):
        for k, department in enumerate(tp.departments):
            if department.casefold() not in known:
                hint = did_you_mean(department, ctx.departments)
                yield Finding(
                    ("touchpoints", i, "departments", k),
                    f"department '{department}' of touchpoint '{tp.id}' is not in the workspace's departments",
                    hint or "add it to 'departments' in cjm.toml or a catalog, or use a listed one",
                )


RULES = (
    Rule("CJM106", "pain-point-owner", "a pain point without an owner", Severity.WARNING, pain_point_owner),
    Rule(
        "CJM107", "touchpoint-departments", "a touchpoint with no department", Severity.WARNING, touchpoint_departments
    ),
    Rule("CJM108", "backstage-owner", "a backstage process without an owner", Severity.WARNING, backstage_owner),
    Rule("CJM120", "frontstage-owner", "a frontstage step without an owner", Severity.WARNING, frontstage_owner),
    Rule(
        "CJM115",
        "unknown-department",
        "a department not in the workspace's departments list (only when that list exists)",
        Severity.WARNING,
        unknown_department,
    ),
)
