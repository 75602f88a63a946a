"""A Change: one semantic difference between two versions of a journey, as a frozen value."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

OPS = ("added", "removed", "changed", "renamed", "moved", "reordered")
ENTITIES = (
    "journey", "scope", "persona", "stage", "action", "touchpoint", "backstage", "metric", "pain_point", "opportunity",
)  # fmt: skip
IMPACTS = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Change:
    """One difference: ``op`` on the ``entity`` with ``id``; ``old``/``new`` are JSON-compatible values.

    ``renamed`` covers a new ``name``/``title``/``text`` (``field`` says which) and
    a new id for the same content (``field == "id"``). ``reordered`` is reported
    on the entity that owns the list (``field`` names the list). For an added or
    removed entity ``new``/``old`` hold its own fields, without nested lists.
    """

    op: str
    entity: str
    id: str
    parent: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None
    impact: str = "neutral"

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @property
    def fingerprint(self) -> str:
        """A stable 16-hex key: the same change in the same place gives the same key on every run."""
        payload = json.dumps(
            [self.op, self.entity, self.id, self.parent, self.field, self.old, self.new],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The change as the JSON object of the spec, fingerprint included."""
        return {
            "op": self.op,
            "entity": self.entity,
            "id": self.id,
            "parent": self.parent,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "impact": self.impact,
            "fingerprint": self.fingerprint,
        }
