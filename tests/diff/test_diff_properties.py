"""Properties of diff_journeys on generated journeys: identity, symmetry, and that changes rebuild the ids."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.diff import Change, diff_journeys
from cjm.model import Journey

# Mutually dissimilar texts, so an edited pain point is never mistaken for another one.
TEXTS = ("Waits for a call back", "Fee appears at checkout", "Parking is full", "Form loses its data", "No slots left")
TOUCHPOINTS = ("web", "mail", "shop", "app")
EMOTIONS = st.one_of(st.none(), st.integers(-2, 2))


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    """A valid journey drawn from small pools of ids, so two draws share many of them."""
    touchpoints = draw(st.lists(st.sampled_from(TOUCHPOINTS), unique=True, max_size=4))
    stage_ids = draw(st.lists(st.sampled_from([f"s{i}" for i in range(5)]), unique=True, min_size=1, max_size=4))
    action_ids = draw(st.permutations([f"a{i}" for i in range(8)]))
    pain_ids = iter(draw(st.permutations([f"p{i}" for i in range(16)])))  # 8 actions x 2 pain points at most
    stages: list[dict[str, Any]] = []
    taken = 0
    for sid in stage_ids:
        count = draw(st.integers(0, 3))
        actions = []
        for aid in action_ids[taken : taken + count]:
            pains = []
            for _ in range(draw(st.integers(0, 2))):
                pain: dict[str, Any] = {
                    "text": draw(st.sampled_from(TEXTS)),
                    "severity": draw(st.sampled_from(["low", "high"])),
                }
                if draw(st.booleans()):
                    pain["id"] = next(pain_ids)
                pains.append(pain)
            action: dict[str, Any] = {"id": aid, "name": draw(st.sampled_from(["Calls", "Pays", "Books"])) + f" {aid}"}
            if (emotion := draw(EMOTIONS)) is not None:
                action["emotion"] = emotion
            action["touchpoints"] = draw(st.lists(st.sampled_from(touchpoints), unique=True)) if touchpoints else []
            action["pain_points"] = pains
            actions.append(action)
        taken += count
        stages.append({"id": sid, "name": f"Stage {sid}", "actions": actions})
    return Journey.model_validate(
        {
            "cjm": 1,
            "id": "j",
            "title": draw(st.sampled_from(["Journey", "Trip"])),
            "scope": {"persona": "p", "scenario": "s"},
            "personas": [{"id": "p", "name": "P"}],
            "stages": stages,
            "touchpoints": [{"id": t, "name": t.title(), "channel": "web"} for t in touchpoints],
        }
    )


def _ids(journey: Journey) -> set[tuple[str, str]]:
    """The declared ids of a journey, by entity."""
    out = {("journey", journey.id), ("persona", "p")} | {("touchpoint", t.id) for t in journey.touchpoints}
    for stage in journey.stages:
        out.add(("stage", stage.id))
        for action in stage.actions:
            out.add(("action", action.id))
            out |= {("pain_point", p.id) for p in action.pain_points if p.id}
    return out


def _declared(ident: object) -> bool:
    return isinstance(ident, str) and "#" not in ident


def _apply(ids: set[tuple[str, str]], changes: list[Change]) -> set[tuple[str, str]]:
    """The ids after applying the reported additions, removals and id changes."""
    out = set(ids)
    for c in changes:
        if c.op == "removed" and _declared(c.id):
            out.discard((c.entity, c.id))
        elif c.op == "added" and _declared(c.id):
            out.add((c.entity, c.id))
        elif c.op == "renamed" and c.field == "id":
            if _declared(c.old):
                out.discard((c.entity, str(c.old)))
            if _declared(c.new):
                out.add((c.entity, str(c.new)))
    return out


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(journeys())
def test_a_journey_has_no_changes_from_itself(journey: Journey) -> None:
    assert diff_journeys(journey, journey) == []


@SETTINGS
@given(journeys(), journeys())
def test_added_one_way_equals_removed_the_other_way(a: Journey, b: Journey) -> None:
    added = Counter(c.entity for c in diff_journeys(a, b) if c.op == "added")
    removed = Counter(c.entity for c in diff_journeys(b, a) if c.op == "removed")
    assert added == removed


@SETTINGS
@given(journeys(), journeys())
def test_applying_the_changes_reproduces_the_new_ids(a: Journey, b: Journey) -> None:
    assert _apply(_ids(a), diff_journeys(a, b)) == _ids(b)


@SETTINGS
@given(journeys(), journeys())
def test_fingerprints_are_unique_and_impacts_mirror(a: Journey, b: Journey) -> None:
    forward = diff_journeys(a, b)
    assert len({c.fingerprint for c in forward}) == len(forward)
    emotion = {c.id: c.impact for c in forward if c.field == "emotion"}
    mirror = {"positive": "negative", "negative": "positive", "neutral": "neutral"}
    assert {c.id: mirror[c.impact] for c in diff_journeys(b, a) if c.field == "emotion"} == emotion
