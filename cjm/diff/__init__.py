"""Semantic diff of journey files: match by identity, classify impact, summarise, format."""

from __future__ import annotations

from cjm.diff.change import ENTITIES, IMPACTS, OPS, Change
from cjm.model import Journey

__all__ = ["ENTITIES", "IMPACTS", "OPS", "Change", "diff_journeys"]


def diff_journeys(old: Journey, new: Journey) -> list[Change]:
    """Every change from ``old`` to ``new``, matched by id, in journey order, each with its impact."""
    from cjm.diff.impact import with_impacts
    from cjm.diff.match import match

    return with_impacts(match(old, new), old, new)
