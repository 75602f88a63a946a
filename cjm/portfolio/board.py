"""The lifecycle board: journeys placed on the organisation's lifecycle stages, blind spots, nested journeys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cjm.model import Journey, LifecycleStage
from cjm.portfolio import by_title


@dataclass(frozen=True)
class Nesting:
    """One nested-journey link: ``parent``'s action ``action`` is detailed by journey ``child``."""

    parent: str
    action: str  # the action's name
    child: str


@dataclass(frozen=True)
class Column:
    """One lifecycle stage and the journeys that cover it (ids, by title); a blind spot when there are none."""

    stage: LifecycleStage
    journeys: tuple[str, ...]

    @property
    def blind(self) -> bool:
        return not self.journeys


@dataclass(frozen=True)
class Board:
    """The lifecycle as columns, the journeys placed on no known stage, and the nested-journey links."""

    columns: tuple[Column, ...]
    unplaced: tuple[str, ...]
    nesting: tuple[Nesting, ...]

    @property
    def blind_spots(self) -> tuple[LifecycleStage, ...]:
        """The lifecycle stages no journey covers, in lifecycle order."""
        return tuple(c.stage for c in self.columns if c.blind)

    def parents(self, journey_id: str) -> tuple[Nesting, ...]:
        """The links whose nested journey is ``journey_id`` (where it is nested)."""
        return tuple(n for n in self.nesting if n.child == journey_id)

    def children(self, journey_id: str) -> tuple[Nesting, ...]:
        """The links from ``journey_id``'s actions to the journeys that detail them."""
        return tuple(n for n in self.nesting if n.parent == journey_id)


def build_board(journeys: Sequence[Journey], lifecycle: Sequence[LifecycleStage]) -> Board:
    """Place every journey on each lifecycle stage it names; journeys naming none of them are unplaced."""
    ordered = by_title(journeys)
    known = {stage.id for stage in lifecycle}
    columns = tuple(Column(stage, tuple(j.id for j in ordered if stage.id in j.lifecycle)) for stage in lifecycle)
    unplaced = tuple(j.id for j in ordered if not known.intersection(j.lifecycle))
    nesting = tuple(
        Nesting(j.id, action.name, action.journey) for j in ordered for _, action in j.actions() if action.journey
    )
    return Board(columns, unplaced, nesting)
