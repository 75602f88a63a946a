"""Importers: other journey formats converted into cjm journey files (YAML text)."""

from __future__ import annotations

from collections.abc import Callable


def import_mermaid(text: str, path: str, fallback_title: str) -> str:
    """A cjm journey file converted from Mermaid journey text read from ``path``."""
    from cjm.importers.mermaid import parse, to_journey_yaml

    return to_journey_yaml(parse(text, path), fallback_title, path)


IMPORTERS: dict[str, Callable[[str, str, str], str]] = {"mermaid": import_mermaid}
