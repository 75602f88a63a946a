"""One walk over a journey's entities and references, for every part of cjm that needs them.

Duplicate-id and reference checks, the lint rules, the diff's matching and the
catalog completion all ask the same questions of a journey: which entities
does it declare (kind, id, where in the file, the object, which stage or
action holds it), and which ids does it refer to, from where. They ask here,
so a new entity kind or reference field is taught to cjm in one place.

Paths are source-map paths (``("stages", 0, "actions", 2)``), so a finding
about an entity points at the right place in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from cjm.model import Action, Journey, Stage

Path = tuple[str | int, ...]

KINDS = ("persona", "stage", "action", "pain_point", "opportunity", "touchpoint", "backstage", "metric")
LABELS = {kind: kind.replace("_", " ") for kind in KINDS} | {"backstage": "backstage process"}


@dataclass(frozen=True)
class Entity:
    """One thing the journey declares."""

    kind: str  # one of KINDS
    id: str | None  # pain points and opportunities may have none
    path: Path  # where the entity stands in the file
    model: BaseModel
    parent: tuple[str, str] | None = None  # (kind, id) of the stage or action that holds it
    index: int = 0  # its position in its list

    @property
    def id_path(self) -> Path:
        return (*self.path, "id")


@dataclass(frozen=True)
class Reference:
    """One id the journey refers to, and where the reference stands."""

    kind: str  # the kind of entity the id names
    id: str
    path: Path  # the reference value's own path (a list item, or a scalar field)


def walk(journey: Journey) -> Iterator[Entity]:
    """Every entity of the journey in file order: personas, stages (their pain points, opportunities and
    actions, each action followed by its own pain points and opportunities), touchpoints, backstage, metrics."""
    for i, persona in enumerate(journey.personas):
        yield Entity("persona", persona.id, ("personas", i), persona, None, i)
    for s, stage in enumerate(journey.stages):
        base: Path = ("stages", s)
        yield Entity("stage", stage.id, base, stage, None, s)
        yield from _notes(stage, base, ("stage", stage.id))
        for a, action in enumerate(stage.actions):
            where: Path = (*base, "actions", a)
            yield Entity("action", action.id, where, action, ("stage", stage.id), a)
            yield from _notes(action, where, ("action", action.id))
    for i, touchpoint in enumerate(journey.touchpoints):
        yield Entity("touchpoint", touchpoint.id, ("touchpoints", i), touchpoint, None, i)
    for i, process in enumerate(journey.backstage):
        yield Entity("backstage", process.id, ("backstage", i), process, None, i)
    for i, metric in enumerate(journey.metrics):
        yield Entity("metric", metric.id, ("metrics", i), metric, None, i)


def _notes(holder: Stage | Action, path: Path, parent: tuple[str, str]) -> Iterator[Entity]:
    """The pain points, then the opportunities, of a stage or an action."""
    for p, pain in enumerate(holder.pain_points):
        yield Entity("pain_point", pain.id, (*path, "pain_points", p), pain, parent, p)
    for o, opp in enumerate(holder.opportunities):
        yield Entity("opportunity", opp.id, (*path, "opportunities", o), opp, parent, o)


# The reference fields: (entity kind, field) -> the kind of entity its ids name.
REFERENCE_FIELDS: dict[tuple[str, str], str] = {
    ("scope", "persona"): "persona",
    ("action", "touchpoints"): "touchpoint",
    ("action", "backstage"): "backstage",
    ("opportunity", "addresses"): "pain_point",
    ("metric", "stage"): "stage",
    ("journey", "lifecycle"): "lifecycle_stage",  # ids of a catalog's lifecycle stages (never declared in a journey)
}


def references(journey: Journey) -> Iterator[Reference]:
    """Every reference of the journey, in file order of the entities that hold them."""
    yield Reference("persona", journey.scope.persona, ("scope", "persona"))
    yield from (Reference("lifecycle_stage", ref, ("lifecycle", k)) for k, ref in enumerate(journey.lifecycle))
    for entity in walk(journey):
        for (owner, name), kind in REFERENCE_FIELDS.items():
            if owner != entity.kind:
                continue
            value = getattr(entity.model, name)
            if isinstance(value, list):
                yield from (Reference(kind, ref, (*entity.path, name, k)) for k, ref in enumerate(value))
            elif value:
                yield Reference(kind, value, (*entity.path, name))
