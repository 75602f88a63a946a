"""The lint rule catalogue: one explicit tuple of rules, gathered from one module per family."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cjm.diagnostics import Severity
from cjm.entities import walk
from cjm.model import Journey, Opportunity, PainPoint
from cjm.validate.references import SharedIds
from cjm.validate.yaml_reader import Path


@dataclass(frozen=True)
class Finding:
    """What a rule found and where (a path into the document); the engine adds code and severity."""

    path: Path
    message: str
    hint: str | None = None
    on_key: bool = False  # point at the key that introduces ``path`` rather than its value


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the journey: its options and the workspace's shared facts."""

    options: Any = None
    departments: tuple[str, ...] | None = None
    shared: SharedIds = field(default_factory=SharedIds)


@dataclass(frozen=True)
class PainAt:
    """A pain point with where it stands and the opportunities beside it (same action or stage)."""

    pain: PainPoint
    path: Path
    owner_id: str  # the id of the action or stage that holds it
    beside: tuple[Opportunity, ...]

    @property
    def anchor(self) -> Path:
        """Where a finding about it points: its id, else its text (a bare string is its own text)."""
        return (*self.path, "id" if self.pain.id else "text")


def pain_points(journey: Journey) -> Iterator[PainAt]:
    """Every pain point of the journey, stage-wide and per action, in file order."""
    holders = {e.path: e.model for e in walk(journey) if e.kind in ("stage", "action")}
    for e in walk(journey):
        if e.kind == "pain_point" and e.parent is not None:
            holder = holders[e.path[:-2]]
            yield PainAt(e.model, e.path, e.parent[1], tuple(holder.opportunities))  # type: ignore[arg-type,attr-defined]


def opportunities(journey: Journey) -> Iterator[Opportunity]:
    """Every opportunity of the journey, stage-wide and per action."""
    yield from (e.model for e in walk(journey) if e.kind == "opportunity")  # type: ignore[misc]


Check = Callable[[Journey, RuleContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: pure ``check``; its docstring is the user documentation.

    A rule whose ``check`` is None is emitted by the engine itself (unused
    suppressions); its documentation is then ``explanation``.
    """

    code: str
    name: str
    summary: str
    default_severity: Severity
    check: Check | None
    options: type[BaseModel] | None = None
    explanation: str | None = None

    @property
    def doc(self) -> str:
        """The user documentation: what, why, a failing and a passing example."""
        text = self.check.__doc__ if self.check is not None else self.explanation
        return inspect.cleandoc(text or self.summary)


def _gather() -> tuple[Rule, ...]:
    from cjm.rules import content, ownership, quality, structure, suppression

    found = (*suppression.RULES, *structure.RULES, *content.RULES, *ownership.RULES, *quality.RULES)
    return tuple(sorted(found, key=lambda r: r.code))


RULES: tuple[Rule, ...] = _gather()
BY_CODE: Mapping[str, Rule] = {r.code: r for r in RULES}
BY_NAME: Mapping[str, Rule] = {r.name: r for r in RULES}
