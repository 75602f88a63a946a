"""Where every id of a file is declared and referred to, read from the YAML values and their source map.

The index is built from the parsed values, not from the model, so a file with
schema errors (a half-typed action, a missing name) still has its ids located:
navigation and completion keep working while the file is being written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cjm.diagnostics import Span
from cjm.validate.yaml_reader import Limits, Path, SourceMap, parse_yaml, split_lines

_ANY = -1  # matches any list index in a pattern
_PAIN = ("pain_points", _ANY, "id")
_OPPORTUNITY = ("opportunities", _ANY, "id")
_ADDRESSES = ("opportunities", _ANY, "addresses", _ANY)
_ACTION = ("stages", _ANY, "actions", _ANY)

# (pattern of the path to a scalar, kind of id, True for a declaration and False for a reference)
PATTERNS: tuple[tuple[tuple[str | int, ...], str, bool], ...] = (
    (("personas", _ANY, "id"), "persona", True),
    (("stages", _ANY, "id"), "stage", True),
    (("stages", _ANY, *_PAIN), "pain point", True),
    (("stages", _ANY, *_OPPORTUNITY), "opportunity", True),
    ((*_ACTION, "id"), "action", True),
    ((*_ACTION, *_PAIN), "pain point", True),
    ((*_ACTION, *_OPPORTUNITY), "opportunity", True),
    (("touchpoints", _ANY, "id"), "touchpoint", True),
    (("backstage", _ANY, "id"), "backstage", True),
    (("metrics", _ANY, "id"), "metric", True),
    (("scope", "persona"), "persona", False),
    (("stages", _ANY, *_ADDRESSES), "pain point", False),
    ((*_ACTION, *_ADDRESSES), "pain point", False),
    ((*_ACTION, "touchpoints", _ANY), "touchpoint", False),
    ((*_ACTION, "backstage", _ANY), "backstage", False),
    (("metrics", _ANY, "stage"), "stage", False),
)
CATALOG_KINDS = ("persona", "touchpoint", "backstage")  # the kinds a catalog can declare
_DEEPEST = max(len(pattern) for pattern, _, _ in PATTERNS)


@dataclass(frozen=True)
class Site:
    """One id where it stands: declared (with the name beside it) or referred to."""

    file: str  # absolute path of the file
    kind: str
    ident: str
    span: Span  # 1-based, end inclusive, the id's characters without quotes
    declared: bool
    path: Path
    name: str | None = None  # a declaration's name (or text, for pain points and opportunities)
    detail: str | None = None  # e.g. a touchpoint's channel
    extent: Span | None = None  # a declaration's whole item (a stage with its actions), for the outline

    def contains(self, line: int, column: int) -> bool:
        """Whether the 1-based position is on this id (the character just past its end counts too)."""
        s = self.span
        return s.line == line and s.column <= column <= s.end_column + 1


@dataclass(frozen=True)
class FileIndex:
    """Every id site of one file, in file order."""

    file: str
    sites: tuple[Site, ...] = ()
    catalog: bool = False

    def declared(self, kind: str | None = None) -> list[Site]:
        return [s for s in self.sites if s.declared and (kind is None or s.kind == kind)]

    def at(self, line: int, column: int) -> Site | None:
        """The id site at a 1-based position, if any."""
        return next((s for s in self.sites if s.contains(line, column)), None)


def _matches(path: Path, pattern: tuple[str | int, ...]) -> bool:
    if len(path) != len(pattern):
        return False
    return all((p == _ANY and isinstance(v, int)) or p == v for v, p in zip(path, pattern, strict=True))


def _scalars(value: Any) -> Iterator[tuple[Path, str]]:
    """Every string leaf of the document with its path; iterative, as the reader builds without recursion."""
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        if len(path) >= _DEEPEST and not isinstance(node, str):
            continue  # no id lies deeper: thoughts, demographics and responses are not walked
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(node.items())) if isinstance(k, str))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, str) and len(path) <= _DEEPEST:
            yield path, node


def _lookup(value: Any, path: Path) -> Any:
    for part in path:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return None
    return value


def _unquoted(span: Span, lines: list[str]) -> Span:
    """The span of a scalar's characters without the quotes around a quoted one."""
    if span.line != span.end_line or not 0 < span.line <= len(lines):
        return span
    text = lines[span.line - 1]
    first = text[span.column - 1 : span.column]
    if first in ("'", '"') and span.end_column > span.column:
        return Span(span.line, span.column + 1, span.line, span.end_column - 1)
    return span


def _name_of(container: Any, kind: str) -> tuple[str | None, str | None]:
    if not isinstance(container, dict):
        return None, None
    name = container.get("name") or container.get("text")
    detail = container.get("channel") if kind == "touchpoint" else container.get("kind") if kind == "metric" else None
    return (name if isinstance(name, str) else None), (detail if isinstance(detail, str) else None)


def index_values(file: str, value: Any, source: SourceMap, text: str) -> FileIndex:
    """The index of one parsed document (a journey or a catalog)."""
    if not isinstance(value, dict):
        return FileIndex(file)
    catalog = value.get("kind") == "catalog"
    lines = split_lines(text)
    sites = []
    for path, scalar in _scalars(value):
        for pattern, kind, declared in PATTERNS:
            if not _matches(path, pattern) or (catalog and kind not in CATALOG_KINDS):
                continue
            name, detail = _name_of(_lookup(value, path[:-1]), kind) if declared else (None, None)
            span = _unquoted(source.span(path), lines)
            extent = source.span(path[:-1]) if declared else None
            sites.append(Site(file, kind, scalar, span, declared, path, name, detail, extent))
            break
    sites.sort(key=lambda s: (s.span.line, s.span.column))
    return FileIndex(file, tuple(sites), catalog)


def index_text(file: str, text: str, limits: Limits) -> FileIndex | None:
    """The index of a file's text, or None when it does not parse (or is over the size limit)."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        return None
    parsed = parse_yaml(text, file, limits)
    if any(d.code in ("CJM001", "CJM005") for d in parsed.diagnostics) or parsed.documents != 1:
        return None
    return index_values(file, parsed.value, parsed.source, text)
