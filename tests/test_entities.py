"""The one walk over a journey's entities and references agrees with what each consumer used to walk by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cjm.entities import KINDS, REFERENCE_FIELDS, references, walk
from cjm.validate import references as checks
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_walk_yields_every_declared_id_in_file_order(example: Path) -> None:
    journey = load_journey(str(example))
    walked = [(e.kind.replace("_", " "), e.id, e.id_path) for e in walk(journey) if e.id]
    written = yaml.safe_load(example.read_text(encoding="utf-8"))  # the reference check reads what was written
    assert sorted(walked) == sorted(checks.declared_ids(written)[0])
    assert {e.kind for e in walk(journey)} <= set(KINDS)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_references_are_every_reference_with_its_path(example: Path) -> None:
    journey = load_journey(str(example))
    walked = sorted((r.kind.replace("_", " "), r.id, r.path) for r in references(journey))
    assert walked == sorted(checks.references(yaml.safe_load(example.read_text(encoding="utf-8"))))
    fields = {name for _, name in REFERENCE_FIELDS}
    assert {r.path[-2] if isinstance(r.path[-1], int) else r.path[-1] for r in references(journey)} <= fields


def test_each_entity_knows_its_holder() -> None:
    journey = load_journey(str(EXAMPLES[0]))
    for entity in walk(journey):
        if entity.kind in ("pain_point", "opportunity", "action"):
            assert entity.parent is not None and entity.parent[0] in ("stage", "action")
        else:
            assert entity.parent is None
