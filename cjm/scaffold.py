"""Starter journeys for ``cjm init``, from the stage models of the format."""

from __future__ import annotations

import json
from pathlib import Path

from cjm.model import slugify
from cjm.schema import SCHEMA_ID

STAGE_MODELS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "b2b": (
        ("out-of-market", "Out of market", "Not looking; the status quo seems fine"),
        ("trigger", "Trigger", "Something happens that makes the problem urgent"),
        ("initial-consideration", "Initial consideration", "Understand the options"),
        ("active-evaluation", "Active evaluation", "Compare vendors and prove the fit"),
        ("purchase-decision", "Purchase decision", "Agree terms and sign"),
        ("implementation", "Implementation", "Go live and get value"),
        ("loyalty", "Loyalty", "Renew, expand, recommend"),
    ),
    "b2c": (
        ("awareness", "Awareness", "Learn that we exist"),
        ("consideration", "Consideration", "Decide whether we fit"),
        ("acquisition", "Acquisition", "Buy or sign up"),
        ("service", "Service", "Use it and get help"),
        ("loyalty", "Loyalty", "Come back and recommend"),
    ),
    "blank": (("first-stage", "First stage", "What the customer wants here"),),
}
TEMPLATES = tuple(STAGE_MODELS)
MIN_ACTIONS = 4  # the default minimum of rule CJM101 action-count


def starter_path(name: str, output: str | None = None) -> tuple[str, Path]:
    """The journey name and the file for ``cjm init NAME``: NAME may be a plain name or a path."""
    if output:
        return name, Path(output)
    given = Path(name)
    if len(given.parts) > 1 or name.endswith(".yaml"):
        stem = given.name.removesuffix(".yaml").removesuffix(".journey")
        return stem, given.with_name(f"{slugify(stem)}.journey.yaml")
    return name, Path(f"{slugify(name)}.journey.yaml")


def _q(text: str) -> str:
    # a JSON string is a valid double-quoted YAML scalar, once YAML's own line breaks (NEL, LS, PS) are escaped
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")


def starter(name: str, template: str = "b2b") -> str:
    """A valid starter journey (YAML text with guiding comments) for ``template``."""
    ident = slugify(name)
    title = name.replace("-", " ").strip().capitalize() or "New journey"
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_ID}",
        f"# A {template.upper() if template != 'blank' else 'blank'} starter journey: replace every placeholder,",
        "# then run `cjm validate` until it is clean. Format: docs/format.md",
        "cjm: 1",
        f"id: {ident}",
        f"title: {_q(title)}",
        "owner: CX team",
        "",
        "scope:",
        "  persona: customer",
        "  scenario: The process this map follows, from the customer's side",
        "  start: Where the journey begins",
        "  end: Where it ends",
        "  goal: What the customer wants to achieve",
        "  research:",
        "    - What this map rests on (interviews, CRM export, call logs)",
        "",
        "personas:",
        "  - id: customer",
        "    name: The customer",
        "    goals: [What they want]",
        "",
        "stages:",
    ]
    stages = STAGE_MODELS[template]
    # at least as many actions as CJM101 (action-count) asks for by default, so a new file passes --strict
    per_stage = max(1, -(-MIN_ACTIONS // len(stages)))
    for stage_id, stage_name, goal in stages:
        lines += [f"  - id: {stage_id}", f"    name: {_q(stage_name)}", f"    goal: {_q(goal)}", "    actions:"]
        for step in range(1, per_stage + 1):
            suffix = "" if per_stage == 1 else f"-{step}"
            lines += [
                f"      - id: {stage_id}-action{suffix}",
                "        name: What the customer does here" + ("" if per_stage == 1 else f", step {step}"),
                "        touchpoints: [website]",
                "        emotion: 0  # -2 very negative .. +2 very positive",
            ]
        lines.append("")
    lines += [
        "touchpoints:",
        "  - id: website",
        "    name: Website",
        "    channel: web",
        "    departments: [marketing]",
        "",
        "metrics:",
        "  - id: journey-csat",
        "    kind: csat",
        "    name: Satisfaction with the journey",
        "    target: 85",
        "",
    ]
    return "\n".join(lines)
