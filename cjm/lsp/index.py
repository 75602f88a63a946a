"""Where every id of a file is declared and referred to, read from the YAML values and their source map.

The index is built from the parser's source map, not from the model, so a file with
schema errors (a half-typed action, a missing name) still has its ids located:
navigation and completion keep working while the file is being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cjm.diagnostics import Span
from cjm.validate.yaml_reader import Limits, Path, SourceMap, parse_yaml

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


_BY_SHAPE = {pattern: (kind, declared) for pattern, kind, declared in PATTERNS}
# the last keys of the patterns (besides a list index): a path ending otherwise ("name", "emotion") is no id,
# which rules out most of a file's values before their shape is computed
_LAST_KEYS = frozenset(pattern[-1] for pattern in _BY_SHAPE if isinstance(pattern[-1], str))


def _shape(path: Path) -> tuple[str | int, ...]:
    """The path with its list indexes as ``_ANY``: the key of ``_BY_SHAPE``."""
    return tuple(_ANY if isinstance(part, int) else part for part in path)


def _text(source: SourceMap, path: Path) -> str | None:
    """The text of the plain or quoted scalar at ``path``, if there is one."""
    value = getattr(source.values.get(path), "value", None)
    return value if isinstance(value, str) else None


def _quoted(span: Span, event: Any) -> Span:
    """The span of a scalar's characters, without the quotes of a quoted one."""
    if getattr(event, "style", None) in ("'", '"') and span.line == span.end_line and span.end_column > span.column:
        return Span(span.line, span.column + 1, span.line, span.end_column - 1)
    return span


def index_source(file: str, source: SourceMap) -> FileIndex:
    """The index of one parsed document (a journey or a catalog), from its source map alone.

    The source map holds the parser event of every value, scalars with their
    text: the ids are read from it, so a document is parsed once per change.
    """
    catalog = _text(source, ("kind",)) == "catalog"
    sites = []
    for path, event in source.values.items():
        if not path or len(path) > _DEEPEST or not (type(path[-1]) is int or path[-1] in _LAST_KEYS):
            continue
        found = _BY_SHAPE.get(_shape(path))
        ident = getattr(event, "value", None)
        if found is None or not isinstance(ident, str):
            continue
        kind, declared = found
        if catalog and kind not in CATALOG_KINDS:
            continue
        span = _quoted(source.span(path), event)
        if declared:
            name = _text(source, (*path[:-1], "name")) or _text(source, (*path[:-1], "text"))
            detail = _text(source, (*path[:-1], "channel" if kind == "touchpoint" else "kind"))
            extent = source.span(path[:-1])
            sites.append(
                Site(
                    file,
                    kind,
                    ident,
                    span,
                    True,
                    path,
                    name,
                    detail if kind in ("touchpoint", "metric") else None,
                    extent,
                )
            )
        else:
            sites.append(Site(file, kind, ident, span, False, path))
    sites.sort(key=lambda s: (s.span.line, s.span.column))
    return FileIndex(file, tuple(sites), catalog)


def index_text(file: str, text: str, limits: Limits) -> FileIndex | None:
    """The index of a file's text, or None when it does not parse (or is over the size limit)."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        return None
    parsed = parse_yaml(text, file, limits)
    if any(d.code in ("CJM001", "CJM005") for d in parsed.diagnostics) or parsed.documents != 1:
        return None
    return index_source(file, parsed.source)
