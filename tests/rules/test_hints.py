"""Every rule's hint applies to the item it is about: it names only ids and fields that item has.

Each rule runs on every journey of the rules corpus, the valid corpus and the
examples, on a few inline cases that exercise the other branch of each hint,
and on generated journeys. A hint fails when it holds a placeholder instead of
the item's own value (``<pain point id>``), names an id the journey does not
have, asks for an ``id:`` the item already has, or tells the user to fill in a
field that neither the item nor the kind of item the hint proposes to add
(an opportunity, a metric, ...) has.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from cjm.model import (
    CHANNELS,
    SEVERITIES,
    Action,
    Backstage,
    Frontstage,
    Journey,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Scope,
    Stage,
    Stakeholder,
    Touchpoint,
)
from cjm.rules import RULES, Finding, RuleContext
from cjm.validate.loader import load_text
from tests.conftest import EXAMPLES, ROOT
from tests.strategies import journey_documents

CORPUS = sorted((ROOT / "tests" / "corpus" / "rules").glob("*.journey.yaml"))
VALID = sorted((ROOT / "tests" / "corpus" / "valid").glob("*.journey.yaml"))

# The class of the items a list (or mapping) under each key holds.
ITEM_CLASS: dict[str, type[BaseModel]] = {
    "stages": Stage,
    "actions": Action,
    "pain_points": PainPoint,
    "opportunities": Opportunity,
    "touchpoints": Touchpoint,
    "backstage": Backstage,
    "frontstage": Frontstage,
    "metrics": Metric,
    "personas": Persona,
    "scope": Scope,
    "stakeholders": Stakeholder,
}
# A hint may propose adding an item of another kind ("add an opportunity ... with 'addresses: [...]'").
NOUNS: dict[str, type[BaseModel]] = {
    "opportunit": Opportunity,
    "pain point": PainPoint,
    "action": Action,
    "stage": Stage,
    "touchpoint": Touchpoint,
    "backstage": Backstage,
    "metric": Metric,
    "persona": Persona,
}
WORDS = {"observed", "reported", "assumed", "nps", "ces", "csat", "custom", *SEVERITIES, *CHANNELS}
QUOTED = re.compile(r"'([^']*)'")
KEY = re.compile(r"([a-z_]+):")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
ADDRESSES = re.compile(r"addresses: \[([^\]]*)\]")


def item_at(data: dict[str, Any], path: tuple[str | int, ...]) -> tuple[type[BaseModel], dict[str, Any]]:
    """The model class and the data of the deepest item (mapping) on ``path``."""
    cls: type[BaseModel] = Journey
    item, node, pending = data, data, cls
    for step in path:
        if isinstance(step, str):
            if not isinstance(node, dict) or step not in node:
                break
            node, pending = node[step], ITEM_CLASS.get(step, pending)
            if isinstance(node, dict):
                cls, item = pending, node
        else:
            if not isinstance(node, list) or step >= len(node):
                break
            node = node[step]
            if isinstance(node, dict):
                cls, item = pending, node
    return cls, item


def ids_of(data: Any) -> set[str]:
    """Every id the journey defines, at any depth."""
    found: set[str] = set()
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            found.add(data["id"])
        for value in data.values():
            found |= ids_of(value)
    elif isinstance(data, list):
        for value in data:
            found |= ids_of(value)
    return found


def problems(journey: Journey, finding: Finding, departments: tuple[str, ...]) -> list[str]:
    """What is wrong with the finding's hint for the item it is about; empty when it applies."""
    hint = finding.hint
    if hint is None:
        return []
    data = journey.model_dump(mode="json")
    cls, item = item_at(data, finding.path)
    out = []
    if re.search(r"<[^>]+>", hint):
        out.append("holds a placeholder instead of the item's own value")
    allowed = set(cls.model_fields)
    for noun, other in NOUNS.items():
        if noun in hint.lower():
            allowed |= set(other.model_fields)
    known = ids_of(data) | set(departments) | WORDS
    for quoted in QUOTED.findall(hint):
        keys = KEY.findall(quoted)
        if keys and keys[-1] not in allowed:
            out.append(f"names the field '{keys[-1]}', which a {cls.__name__} does not have")
        if not keys and SLUG.fullmatch(quoted) and quoted not in known and quoted not in allowed:
            out.append(f"names '{quoted}', which is no id of the journey")
        if keys == ["id"] and item.get("id"):
            out.append(f"asks for an 'id:', but the {cls.__name__} has '{item['id']}'")
    for listed in ADDRESSES.findall(hint):
        for ref in (r.strip() for r in listed.split(",")):
            if cls is PainPoint and ref != item.get("id"):
                out.append(f"lists '{ref}' in addresses, not the pain point's id {item.get('id')!r}")
            elif ref not in known:
                out.append(f"lists '{ref}' in addresses, which is no id of the journey")
    return out


def run_rules(text: str, name: str) -> list[tuple[str, Finding, list[str]]]:
    """Every rule's findings on one journey, each with the problems of its hint."""
    loaded = load_text(text, name)
    assert loaded.journey is not None, [d.message for d in loaded.diagnostics]
    # The corpus names the workspace's departments in a '# config: departments = [...]' line.
    listed = re.search(r"^# config: departments = (\[.*\])$", text, re.MULTILINE)
    departments = tuple(json.loads(listed.group(1))) if listed else ()
    found = []
    for rule in RULES:
        if rule.check is None:
            continue
        options = rule.options() if rule.options is not None else None
        ctx = RuleContext(options, departments or None)
        for finding in rule.check(loaded.journey, ctx):
            found.append((rule.code, finding, problems(loaded.journey, finding, departments)))
    return found


def assert_hints_apply(text: str, name: str) -> set[str]:
    """No finding's hint has a problem; returns the codes that gave a hint."""
    found = run_rules(text, name)
    wrong = [
        f"{code} at {finding.path}: '{finding.hint}' {issue}" for code, finding, issues in found for issue in issues
    ]
    assert not wrong, "\n".join(wrong)
    return {code for code, finding, _ in found if finding.hint}


def test_every_rule_gives_a_hint_in_the_corpus() -> None:
    codes: set[str] = set()
    for path in [*CORPUS, *VALID, *EXAMPLES]:
        codes |= assert_hints_apply(path.read_text(encoding="utf-8"), path.name)
    assert codes == {rule.code for rule in RULES if rule.check is not None}


BASE = """\
cjm: 1
id: kettle
title: Buying a kettle
scope: {persona: shopper, scenario: Buy a kettle}
personas: [{id: shopper, name: Shopper}]
touchpoints:
  - {id: shop, name: %s, channel: web}
metrics:
  - {id: ces, kind: ces, name: %s}
stages:
  - id: buy
    name: Buy
    actions:
      - id: pay
        name: Pays
        touchpoints: [shop]
        emotion: -2
        pain_points:
%s
"""
LONG = "A name far longer than the eighty characters a render can show on one line of the map"


@pytest.mark.parametrize(
    ("pain", "code", "expected"),
    [
        (
            "          - {text: Card declined twice, severity: high, owner: Payments}",
            "CJM110",
            "give it an 'id:' and list it in 'addresses' of an opportunity, or add an opportunity beside it",
        ),
        (
            "          - {id: declined, text: Card declined twice, severity: high, owner: Payments}",
            "CJM110",
            "add an opportunity beside it, or one elsewhere with 'addresses: [declined]'",
        ),
        ("          - {text: Card declined, severity: low}", "CJM106", "add 'owner:' (the team that owns fixing it)"),
        (
            "          - Card declined",
            "CJM106",
            "add 'owner:' (the team that owns fixing it), as '- {text: ..., owner: ...}' if it is plain text",
        ),
        (
            "          - {text: Card declined, severity: high, evidence: assumed, source: Interviews, owner: P}",
            "CJM116",
            "check it with research or data, then set 'evidence: observed' or 'reported'",
        ),
        (
            "          - {text: Card declined, severity: high, evidence: assumed, owner: P}",
            "CJM116",
            "check it with research or data, then set 'evidence: observed' or 'reported' and a 'source:'",
        ),
    ],
)
def test_the_hint_is_chosen_for_the_case_at_hand(pain: str, code: str, expected: str) -> None:
    text = BASE % ("Shop", "Effort", pain)
    assert_hints_apply(text, "case.journey.yaml")
    hints = {finding.hint for found, finding, _ in run_rules(text, "case.journey.yaml") if found == code}
    assert hints == {expected}


def test_long_names_get_a_hint_their_kind_can_follow() -> None:
    text = BASE % (LONG, LONG, "          - {id: p, text: Card declined, owner: Payments}")
    assert_hints_apply(text, "long.journey.yaml")
    hints = {
        finding.path[0]: finding.hint for code, finding, _ in run_rules(text, "long.journey.yaml") if code == "CJM114"
    }
    assert hints == {
        "touchpoints": "shorten the name to the label a reader needs on the map",
        "metrics": "shorten the name to the label a reader needs on the map",
    }
    action = BASE.replace("name: Pays", f"name: {LONG}") % ("Shop", "Effort", "          - {text: x, owner: P}")
    hints = {finding.hint for code, finding, _ in run_rules(action, "a.journey.yaml") if code == "CJM114"}
    assert hints == {"shorten the name and move the detail to 'description:'"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journey_documents())
def test_hints_apply_to_generated_journeys(document: dict[str, Any]) -> None:
    import yaml

    assert_hints_apply(yaml.safe_dump(document, allow_unicode=True), "generated.journey.yaml")


def test_a_hint_with_a_placeholder_or_a_missing_field_is_caught() -> None:
    """The checker itself: the hints issue 22 found wrong are reported."""
    journey = load_text(BASE % ("Shop", "Effort", "          - {text: x, severity: high}"), "x.yaml").journey
    assert journey is not None
    pain = ("stages", 0, "actions", 0, "pain_points", 0, "text")
    old = Finding(pain, "m", "add an opportunity beside it, or one elsewhere with 'addresses: [<pain point id>]'")
    assert "holds a placeholder instead of the item's own value" in problems(journey, old, ())
    touchpoint = Finding(("touchpoints", 0, "name"), "m", "shorten the name and move the detail to 'description:'")
    assert problems(journey, touchpoint, ()) == ["names the field 'description', which a Touchpoint does not have"]
    unknown = Finding(pain, "m", "add an opportunity with 'addresses: [nope]'")
    assert problems(journey, unknown, ()) == ["lists 'nope' in addresses, not the pain point's id None"]
