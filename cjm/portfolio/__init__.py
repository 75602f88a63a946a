"""The portfolio of journeys: questions asked across every map of a workspace, answered as plain values.

* :mod:`cjm.portfolio.backlog` ranks every opportunity of every journey by one documented score;
* :mod:`cjm.portfolio.tables` lists pain points by touchpoint and department, and who owns what;
* :mod:`cjm.portfolio.board` places journeys on the lifecycle, finds blind spots and nested journeys;
* :mod:`cjm.portfolio.formats` writes the tables as Markdown, CSV or JSON for ``cjm report``.

Nothing here reads files or writes output: the site (``cjm render``), ``cjm report`` and ``cjm diff``
hand in journeys and get values back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjm.model import Journey


def by_title(journeys: Iterable[Journey]) -> list[Journey]:
    """The journeys in the portfolio's one stable order: by title (case aside), then by id."""
    return sorted(journeys, key=lambda j: (j.title.lower(), j.id))
