"""Nested journeys across a workspace: an action's ``journey:`` must name a journey that exists (CJM023)
and must not lead back to the journey that holds it (CJM024).

These are the only checks that need every journey of the workspace at once, so
they take plain values (which journey links to which, and where) and return
diagnostics; :mod:`cjm.validate.run` gathers the values and files the findings.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cjm.diagnostics import Diagnostic, Span, closest, core
from cjm.model import Journey

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Link:
    """One action that details itself in a nested journey: ``action`` links to ``target``, written at ``span``."""

    action: str
    target: str
    path: Path
    span: Span = field(default_factory=Span)


def links(journey: Journey) -> tuple[Link, ...]:
    """Every nested-journey link of a journey, in file order (spans are filled in by the caller)."""
    return tuple(
        Link(action.id, action.journey, ("stages", s, "actions", a, "journey"))
        for s, stage in enumerate(journey.stages)
        for a, action in enumerate(stage.actions)
        if action.journey
    )


def cycle(graph: Mapping[str, Iterable[str]], start: str, back_to: str) -> list[str] | None:
    """The shortest chain of nested journeys from ``start`` to ``back_to`` (both included), or None."""
    seen = {start}
    queue = deque([[start]])
    while queue:
        chain = queue.popleft()
        if chain[-1] == back_to:
            return chain
        for target in sorted(set(graph.get(chain[-1], ()))):
            if target not in seen or target == back_to:
                seen.add(target)
                queue.append([*chain, target])
    return None


def check_nesting(
    path: str, journey_id: str, own: Iterable[Link], graph: Mapping[str, Iterable[str]]
) -> list[Diagnostic]:
    """CJM023 for a link to a journey the workspace does not have, CJM024 for one that leads back.

    ``graph`` maps every journey id of the workspace to the ids its actions nest.
    """
    out: list[Diagnostic] = []
    for link in own:
        if link.target not in graph:
            best = closest(link.target, graph)
            hint = (
                f"did you mean '{best}'?"
                if best
                else "give the nested journey's file this id, or remove 'journey:' from the action"
            )
            message = (
                f"action '{link.action}' nests journey '{link.target}', which no journey file of the workspace has"
            )
            out.append(core("CJM023", path, link.span, message, hint))
            continue
        chain = cycle(graph, link.target, journey_id)  # [journey_id] when the action nests its own journey
        if chain is not None:
            loop = " -> ".join([journey_id, *chain])
            message = f"action '{link.action}' nests journey '{link.target}', which leads back here: {loop}"
            hint = "a nested journey details part of its parent; it cannot contain its parent: remove one link"
            out.append(core("CJM024", path, link.span, message, hint))
    return out
