"""Mermaid round trip: export, import, export again gives the same diagram for any journey.

"Within Mermaid's model" means what a journey diagram can carry: the title,
the accessible title (accTitle; the title when the journey has none), the
description (accDescr), stage and action names, emotions (scores) and each
task's actors. Everything else a journey holds
(touchpoints, pain points, ...) is not in the diagram and is not expected back.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.importers import import_mermaid
from cjm.model import Journey
from cjm.render.mermaid import persona_name, to_mermaid
from cjm.validate.loader import load_text
from tests.strategies import journey_documents, texts


@st.composite
def journeys_with_actors(draw: st.DrawFn) -> Journey:
    """Generated journeys (hostile text included) whose actions may name several actors and whose
    description may be set: everything a Mermaid journey diagram can carry."""
    document: dict[str, Any] = draw(journey_documents(max_stages=3, max_actions=3))
    cast = draw(st.lists(texts, min_size=1, max_size=3))
    for stage in document["stages"]:
        for action in stage["actions"]:
            if draw(st.booleans()):
                action["actors"] = draw(st.lists(st.sampled_from(cast) | texts, min_size=1, max_size=3))
    if draw(st.booleans()):
        document["description"] = draw(texts)
    if draw(st.booleans()):
        document["accessible_title"] = draw(texts)
    return Journey.model_validate(document)


def round_trip(journey: Journey) -> Journey:
    """The journey exported to Mermaid and imported back, as a validated journey without findings."""
    imported = import_mermaid(to_mermaid(journey), "generated.mmd", "Fallback")
    loaded = load_text(imported.text, "back.journey.yaml")
    assert loaded.journey is not None, [d.message for d in loaded.diagnostics]
    assert not loaded.diagnostics, [d.message for d in loaded.diagnostics]
    assert imported.notes == ()
    return loaded.journey


def drawn_actors(journey: Journey) -> list[list[str]]:
    """Each action's actors as the diagram shows them: its own, or the persona."""
    return [action.actors or [persona_name(journey)] for _, action in journey.actions()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys_with_actors())
def test_export_import_export_is_a_fixed_point(journey: Journey) -> None:
    first = to_mermaid(journey)
    back = round_trip(journey)
    assert to_mermaid(back) == first
    assert (back.id, back.title, back.description or None) == (journey.id, journey.title, journey.description or None)
    assert [s.name for s in back.stages] == [s.name for s in journey.stages]
    assert [(a.name, a.emotion) for _, a in back.actions()] == [(a.name, a.emotion) for _, a in journey.actions()]
    assert drawn_actors(back) == drawn_actors(journey)
    assert (back.accessible_title or back.title) == (journey.accessible_title or journey.title)


def test_tasks_with_different_single_actors_keep_their_own() -> None:
    journey = Journey.model_validate(
        {
            "cjm": 1,
            "id": "chores",
            "title": "Chores",
            "scope": {"persona": "p", "scenario": "s"},
            "personas": [{"id": "p", "name": "Me"}],
            "stages": [
                {
                    "id": "home",
                    "name": "Home",
                    "actions": [
                        {"id": "feed", "name": "Feed", "emotion": 1, "actors": ["Cat"]},
                        {"id": "cook", "name": "Cook", "emotion": 0},
                        {"id": "play", "name": "Play", "actors": ["Me", "Cat, the elder"]},
                    ],
                }
            ],
        }
    )
    diagram = to_mermaid(journey)
    assert "      Feed: 4: Cat\n" in diagram
    assert "      Cook: 3: Me\n" in diagram
    assert "      Play: 3: Me, Cat#44; the elder\n" in diagram
    back = round_trip(journey)
    assert [a.actors for _, a in back.actions()] == [[], ["Me"], ["Me", "Cat, the elder"]]
    assert back.personas[0].name == "Cat"  # the diagram's first actor
    assert to_mermaid(back) == diagram
