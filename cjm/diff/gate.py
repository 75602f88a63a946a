"""Exit gates: which changes make ``cjm diff`` fail (``--exit-code``, ``--fail-on``)."""

from __future__ import annotations

from collections.abc import Iterable

from cjm.diff.change import ENTITIES, IMPACTS, OPS, Change
from cjm.errors import ConfigError


def parse_fail_on(values: Iterable[str]) -> frozenset[str]:
    """The kinds named by ``--fail-on`` (comma lists allowed): an impact, an op, an entity, or ``op:entity``."""
    kinds: set[str] = set()
    for raw in values:
        for token in (t.strip().lower().replace("-", "_") for t in raw.split(",")):
            if not token:
                continue
            op, sep, entity = token.partition(":")
            valid = (op in OPS and entity in ENTITIES) if sep else token in (*IMPACTS, *OPS, *ENTITIES)
            if not valid:
                raise ConfigError(
                    f"--fail-on: unknown change kind '{token}'; use an impact ({', '.join(IMPACTS)}), "
                    f"an op ({', '.join(OPS)}), an entity ({', '.join(ENTITIES)}) or op:entity like removed:touchpoint"
                )
            kinds.add(token)
    return frozenset(kinds)


def matches(change: Change, kinds: frozenset[str]) -> bool:
    """True when ``change`` is of one of ``kinds``."""
    return bool({change.impact, change.op, change.entity, f"{change.op}:{change.entity}"} & kinds)


def trips(changes: Iterable[Change], any_change: bool, kinds: frozenset[str]) -> bool:
    """True when the run must exit 1: any change under ``--exit-code``, or a change of a ``--fail-on`` kind."""
    return any(any_change or matches(c, kinds) for c in changes)
