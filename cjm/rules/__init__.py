"""The lint rule catalogue: one explicit tuple of rules, gathered from one module per family."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cjm.diagnostics import Severity
from cjm.model import Journey
from cjm.references import SharedIds
from cjm.source import Path


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


Check = Callable[[Journey, RuleContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: pure ``check``; its docstring is the user documentation."""

    code: str
    name: str
    summary: str
    default_severity: Severity
    check: Check
    options: type[BaseModel] | None = None

    @property
    def doc(self) -> str:
        import inspect

        return inspect.cleandoc(self.check.__doc__ or self.summary)


def _gather() -> tuple[Rule, ...]:
    from cjm.rules import content

    return (*content.RULES,)


RULES: tuple[Rule, ...] = _gather()
BY_CODE: Mapping[str, Rule] = {r.code: r for r in RULES}
BY_NAME: Mapping[str, Rule] = {r.name: r for r in RULES}
