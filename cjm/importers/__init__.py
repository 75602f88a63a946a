"""Importers: other journey formats converted into cjm journey files (YAML text)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """Which diagram of a file holding several to import: by 1-based number or by title (None: the only one)."""

    index: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class Imported:
    """A converted journey file (YAML text) and notes for the user about the conversion."""

    text: str
    notes: tuple[str, ...] = ()


def import_mermaid(text: str, path: str, fallback_title: str, choice: Choice | None = None) -> Imported:
    """A cjm journey file converted from the Mermaid journey text (or Markdown) read from ``path``."""
    from cjm.importers.mermaid import notes, parse, to_journey_yaml

    choice = choice or Choice()
    diagram = parse(text, path, choice.index, choice.title)
    return Imported(to_journey_yaml(diagram, fallback_title, path), tuple(notes(diagram, path)))


IMPORTERS: dict[str, Callable[[str, str, str, Choice | None], Imported]] = {"mermaid": import_mermaid}
