"""Safe YAML reading that keeps a source position for every key and value.

The reader walks the parser's event stream (libyaml's C parser when present)
with an explicit stack, so it never recurses: nesting depth, node count,
alias expansion and string length are all bounded before anything is built,
language tags are refused, and duplicate keys are reported where they stand.

The findings never depend on which parser is installed. libyaml has limits
and messages of its own that change between releases (6.0.4's wheels refuse
flow nesting past 1,000 levels before cjm's own depth limit is reached), so
whenever the C parser stops on an error, the file is read again with the
pure-Python parser and that reading is the one reported. Valid files, the
common case, keep the C parser's speed. ``CJM_YAML_PARSER=pure`` forces the
pure-Python parser everywhere (the tests run the corpus both ways).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from cjm.diagnostics import Diagnostic, Related, Span, core

_PURE_LOADER: Any = yaml.SafeLoader
_FAST_LOADER: Any  # libyaml's parser: about 14x faster; None without libyaml or with CJM_YAML_PARSER=pure
try:
    from yaml import CSafeLoader as _FAST_LOADER
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _FAST_LOADER = None
if os.environ.get("CJM_YAML_PARSER", "").strip().lower() == "pure":
    _FAST_LOADER = None

Path = tuple[str | int, ...]
BOOLEAN_WORDS = frozenset(
    w for base in ("yes", "no", "on", "off", "true", "false") for w in (base, base.title(), base.upper())
)
_TRAP_WORDS = frozenset(w for w in BOOLEAN_WORDS if w.lower() in ("yes", "no", "on", "off"))
_CORE = "tag:yaml.org,2002:"
# the first characters an implicit resolver looks at; a plain scalar starting otherwise is text
_RESOLVABLE = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)
_DISCARD = "\0discard"  # compared by identity: marks the value of a duplicate key
_ALLOWED_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp"))
# Python refuses to print an integer of more than 4,300 digits (and YAML's hex, binary and base-60 forms
# reach such values from short text), so any integer over this is refused while reading, where it stands.
_MAX_INT_DIGITS = 4_000
_MAX_INT_BITS = int(_MAX_INT_DIGITS * 3.3219)  # log2(10) bits per decimal digit


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input; each breach is a CJM005 finding, never a hang or a crash."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    max_alias_nodes: int = 10_000
    max_string: int = 100_000
    max_alias_chars: int = 1_000_000  # characters (keys and strings) that aliases expand to


class _Stop(Exception):
    """Reading cannot go on; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


class _Unreadable(_Stop):
    """One value cannot be read (``!!bool maybe``, a huge integer), but the rest of the file can."""


class Unusable:
    """Stands for a value the reader could not read; its CJM010 finding is already made."""

    def __repr__(self) -> str:
        return "<unreadable value>"


UNUSABLE = Unusable()


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file.

    Positions are kept as the parser's raw marks and turned into Spans only
    when a finding asks for one: most values are never asked about.
    """

    values: dict[Path, Any] = field(default_factory=dict)  # path -> the parser event that started the value
    ends: dict[Path, Any] = field(default_factory=dict)  # path -> end mark of a mapping or sequence
    keys: dict[Path, Any] = field(default_factory=dict)  # path -> the parser event of the key
    scalars: dict[Path, str] = field(default_factory=dict)  # raw text of plain scalars that are not strings

    def span(self, path: Path) -> Span:
        """The span of the value at ``path``, or of its nearest located ancestor."""
        for n in range(len(path), -1, -1):
            prefix = path[:n]
            event = self.values.get(prefix)
            if event is not None:
                return _span(event.start_mark, self.ends.get(prefix, event.end_mark))
        return Span()

    def key_span(self, path: Path) -> Span:
        """The span of the key that introduces ``path``, falling back to the value."""
        event = self.keys.get(path)
        return _span(event.start_mark, event.end_mark) if event is not None else self.span(path)

    def has_key(self, path: Path) -> bool:
        return path in self.keys


@dataclass
class Parsed:
    """The plain Python value of a document, its source map, and findings made on the way."""

    value: Any = None
    source: SourceMap = field(default_factory=SourceMap)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: int = 0
    duplicates: list[Path] = field(default_factory=list)  # the paths of keys a mapping repeats
    unusable: list[Path] = field(default_factory=list)  # values that could not be read (CJM010 made, reading went on)
    stopped: bool = False  # reading stopped at the first finding: ``value`` is None


def _span(start: Any, end: Any) -> Span:
    # marks are 0-based and the end mark points one past the last character
    end_col = end.column if end.column > 0 or end.line == start.line else end.column + 1
    if end.line > start.line and end.column == 0:
        return Span(start.line + 1, start.column + 1, end.line, 10**6)
    return Span(start.line + 1, start.column + 1, end.line + 1, max(end_col, start.column + 1))


_TAG_HINTS = {
    _CORE + "bool": "a !!bool is true or false",
    _CORE + "timestamp": "a !!timestamp is a date such as 2024-05-01 or a time such as 2024-05-01T09:30:00Z",
}


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class _Builder:
    """Turns a parser event stream into values plus a SourceMap, within Limits."""

    _resolver = yaml.resolver.Resolver()
    _constructor = yaml.constructor.SafeConstructor()

    def __init__(self, path: str, limits: Limits, parsed: Parsed) -> None:
        self.path = path
        self.limits = limits
        self.parsed = parsed
        self.source = parsed.source
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, nodes, characters it expands to)
        self.nodes = 0
        self.alias_nodes = 0
        self.chars = 0  # characters of the keys and scalars read so far
        self.alias_chars = 0  # characters that aliases expanded to: a long string aliased many times

    @property
    def weight(self) -> int:
        """Nodes built so far, counting each alias as the nodes it expands to."""
        return self.nodes + self.alias_nodes

    @property
    def char_weight(self) -> int:
        """Characters built so far, counting each alias as the characters it expands to."""
        return self.chars + self.alias_chars

    def stop(self, code: str, span: Span, message: str, hint: str | None = None) -> _Stop:
        return _Stop(core(code, self.path, span, message, hint))

    def scalar(self, event: Any) -> Any:
        text = event.value
        if len(text) > self.limits.max_string:
            raise self.stop(
                "CJM005",
                _span(event.start_mark, event.end_mark),
                f"a string of {len(text):,} characters is over the limit of {self.limits.max_string:,}",
                "raise limits.max-string in cjm.toml if this is intended",
            )
        tag = event.tag
        if tag in (None, "!"):
            if not event.implicit[0]:
                return text
            tag = self._resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        if tag not in _ALLOWED_TAGS:
            raise self.unsafe_tag(tag, event)
        if tag == _CORE + "str":
            return text
        if tag == _CORE + "int" and len(text) > _MAX_INT_DIGITS:
            raise self.too_large(event)
        try:
            value = self._constructor.construct_object(ScalarNode(tag, text), deep=True)
        except (ValueError, yaml.YAMLError, OverflowError) as exc:
            raise self.unreadable(
                _span(event.start_mark, event.end_mark),
                f"cannot read {text[:40]!r} as {_tag_name(tag)}: {str(exc).splitlines()[0][:120]}",
            ) from None
        except (KeyError, AttributeError, TypeError, IndexError):  # '!!bool maybe', '!!timestamp nope'
            raise self.unreadable(
                _span(event.start_mark, event.end_mark),
                f"cannot read {text[:40]!r} as {_tag_name(tag)}",
                _TAG_HINTS.get(tag),
            ) from None
        if type(value) is int and value.bit_length() > _MAX_INT_BITS:
            raise self.too_large(event)
        return value

    def unreadable(self, span: Span, message: str, hint: str | None = None) -> _Unreadable:
        return _Unreadable(core("CJM010", self.path, span, message, hint))

    def unusable(self, problem: _Unreadable, path: Path) -> Unusable:
        """Record a value that could not be read, so the rest of the file is read and checked."""
        self.parsed.diagnostics.append(problem.diagnostic)
        self.parsed.unusable.append(path)
        return UNUSABLE

    def too_large(self, event: Any) -> _Stop:
        return self.unreadable(
            _span(event.start_mark, event.end_mark),
            f"the integer is too large: cjm reads integers of up to {_MAX_INT_DIGITS:,} digits",
            "quote it if it is meant as text",
        )

    def unsafe_tag(self, tag: str, event: Any) -> _Stop:
        return self.stop(
            "CJM005",
            _span(event.start_mark, event.end_mark),
            f"the tag '{_tag_name(tag)}' is not allowed",
            "cjm reads YAML safely and never builds language objects: remove the tag",
        )

    def build(self, next_event: Callable[[], Any]) -> Any:  # noqa: C901 - one flat loop per YAML node, for speed
        """Consume one document's events (after DocumentStart) and return its value.

        This loop runs once per YAML node of every file, so the common cases
        (a key, a plain word, a quoted string) take the shortest path.
        """
        stack: list[_Frame] = []
        root: Any = None
        limits = self.limits
        max_string = limits.max_string
        values, ends, keys, scalars = self.source.values, self.source.ends, self.source.keys, self.source.scalars
        scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
        end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        resolvable = _RESOLVABLE
        while True:
            event = next_event()
            kind = type(event)
            if kind is yaml.DocumentEndEvent:
                return root
            if kind in end_events:
                frame = stack.pop()
                ends[frame.path] = event.end_mark
                for merged in frame.merges:
                    for k, v in merged.items():
                        frame.container.setdefault(k, v)
                if frame.anchor:
                    self.anchors[frame.anchor] = (
                        frame.container,
                        self.weight - frame.first_weight + 1,
                        self.char_weight - frame.first_chars,
                    )
                continue
            top = stack[-1] if stack else None
            if top is not None and top.key is None and top.is_map:
                key = event.value if kind is scalar_event else None
                if (
                    key is not None
                    and not event.tag
                    and key != "<<"
                    and key not in top.container
                    and len(key) <= max_string
                ):
                    keys[(*top.path, key)] = event
                    top.key = key
                    self.chars += len(key)
                else:
                    self.key(event, top)
                continue
            if top is None:
                path: Path = ()
            elif top.key is None:
                path = (*top.path, len(top.container))
            elif top.key is _DISCARD:
                path = (*top.path, "\0duplicate")
            else:
                path = (*top.path, top.key)
            self.nodes += 1
            if self.nodes > limits.max_nodes:
                raise self.stop(
                    "CJM005",
                    _span(event.start_mark, event.end_mark),
                    f"the document has more than {limits.max_nodes:,} nodes",
                    "raise max-nodes under [limits] in cjm.toml if this is intended",
                )
            values[path] = event
            new_frame = None
            if kind is scalar_event:
                text = event.value
                self.chars += len(text)
                try:
                    if len(text) > max_string or event.tag:
                        value = self.scalar(event)
                    elif event.style or not event.implicit[0]:
                        value = text  # quoted or block scalar: always text
                    elif text and text[0] not in resolvable:
                        value = text  # a plain word no implicit resolver can claim
                    else:
                        value = self.scalar(event)
                        if type(value) is not str:
                            scalars[path] = text
                except _Unreadable as problem:
                    value = self.unusable(problem, path)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1, len(text))
            elif kind is yaml.AliasEvent:
                value = self.alias(event)
            else:
                if event.tag not in (None, "!") and event.tag not in _ALLOWED_TAGS:
                    raise self.unsafe_tag(event.tag, event)
                if len(stack) >= limits.max_depth:
                    raise self.stop(
                        "CJM005",
                        _span(event.start_mark, event.end_mark),
                        f"nesting is deeper than {limits.max_depth} levels",
                        "raise max-depth under [limits] in cjm.toml if this is intended",
                    )
                value = {} if kind is mapping_start else []
                new_frame = _Frame(value, path, event.anchor, self.weight, self.char_weight, kind is mapping_start)
            if top is None:
                root = value
            elif top.key is None:
                top.container.append(value)
            else:
                if top.key == "<<":
                    top.merges.extend(self.merge_sources(value, path))
                elif top.key is not _DISCARD:
                    top.container[top.key] = value
                top.key = None
            if new_frame is not None:
                stack.append(new_frame)

    def key(self, event: Any, frame: _Frame) -> None:
        """Record a mapping key, reporting duplicates where the repeat stands."""
        if type(event) is not yaml.ScalarEvent:
            raise self.stop("CJM010", _span(event.start_mark, event.end_mark), "a mapping key must be plain text")
        if event.tag:  # a tag would change what the key means, so it is refused rather than dropped
            if event.tag != "!" and event.tag not in _ALLOWED_TAGS:
                raise self.unsafe_tag(event.tag, event)
            problem = self.unreadable(
                _span(event.start_mark, event.end_mark),
                f"a mapping key cannot carry a tag ('{_tag_name(event.tag)}')",
                "keys are plain text: remove the tag",
            )
            self.unusable(problem, (*frame.path, event.value))
            frame.key = _DISCARD  # its value is read (and bounded) but never reaches the model
            return
        key = event.value
        kpath = (*frame.path, key)
        if key in frame.container or (key == "<<" and frame.merges):
            kspan = _span(event.start_mark, event.end_mark)
            first = self.source.keys.get(kpath)
            where = f" (first at line {first.start_mark.line + 1})" if first else ""
            first_at: tuple[Related, ...] = ()
            if first is not None:
                first_at = (Related(self.path, _span(first.start_mark, first.end_mark), f"the first '{key}'"),)
            self.parsed.diagnostics.append(
                core(
                    "CJM002",
                    self.path,
                    kspan,
                    f"duplicate key '{key}'{where}",
                    "YAML would keep only the last value, silently: remove or rename one",
                    first_at,
                )
            )
            self.parsed.duplicates.append(kpath)
            frame.key = _DISCARD  # the repeat is read (and checked) but never reaches the model
            return
        if len(key) > self.limits.max_string:
            raise self.stop("CJM005", _span(event.start_mark, event.end_mark), "a mapping key is over the string limit")
        self.source.keys[kpath] = event
        frame.key = key
        self.chars += len(key)

    def alias(self, event: Any) -> Any:
        """The anchored value, counted against the alias-expansion limit."""
        span = _span(event.start_mark, event.end_mark)
        if event.anchor not in self.anchors:
            raise self.stop(
                "CJM001", span, f"unknown alias '*{event.anchor}'", "define the anchor '&name' before using it"
            )
        value, size, chars = self.anchors[event.anchor]
        self.alias_nodes += size
        self.alias_chars += chars
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise self.stop(
                "CJM005",
                span,
                f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes",
                "this looks like an alias bomb; raise max-alias-nodes under [limits] in cjm.toml if intended",
            )
        if self.alias_chars > self.limits.max_alias_chars:  # few nodes, but each a long string
            raise self.stop(
                "CJM005",
                span,
                f"aliases expand to more than {self.limits.max_alias_chars:,} characters",
                "this looks like an alias bomb; raise max-alias-chars under [limits] in cjm.toml if intended",
            )
        return value

    def merge_sources(self, value: Any, path: Path) -> list[dict[str, Any]]:
        """The mappings a merge key '<<' brings in."""
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, dict) for item in items):
            raise self.stop("CJM010", self.source.span(path), "a merge key '<<' takes a mapping or a list of mappings")
        return items


@dataclass
class _Frame:
    """An open mapping or sequence while events stream in."""

    container: Any
    path: Path
    anchor: str | None
    first_weight: int  # nodes plus alias expansions before it opened: its size when it closes
    first_chars: int  # the same in characters
    is_map: bool
    key: str | None = None  # the key whose value comes next (mappings only), or _DISCARD
    merges: list[dict[str, Any]] = field(default_factory=list)


def parse_yaml(text: str, path: str, limits: Limits | None = None) -> Parsed:
    """Parse one YAML document safely into plain values and a source map.

    The C parser reads first when it is there; if it stops on a YAML error, the
    pure-Python parser reads the file again and its findings are the ones kept,
    so codes, messages and positions are the same whichever parser is installed.
    """
    limits = limits or Limits()
    if _FAST_LOADER is not None:
        parsed, parser_failed = _parse_with(_FAST_LOADER, text, path, limits)
        if not parser_failed:
            return parsed
    return _parse_with(_PURE_LOADER, text, path, limits)[0]


def _parse_with(loader_class: Any, text: str, path: str, limits: Limits) -> tuple[Parsed, bool]:
    """One reading with one parser; the flag says whether the parser itself raised a YAML error."""
    parsed = Parsed()
    builder = _Builder(path, limits, parsed)
    try:
        loader = loader_class(text)  # the pure-Python reader checks every character here
    except yaml.reader.ReaderError as exc:
        parsed.diagnostics.append(_reader_error(exc, text, path))
        parsed.stopped = True
        return parsed, True
    try:
        while True:
            event = loader.get_event()
            if event is None or type(event) is yaml.StreamEndEvent:
                break
            if type(event) is yaml.DocumentStartEvent:
                parsed.documents += 1
                if parsed.documents > 1:
                    parsed.diagnostics.append(
                        core(
                            "CJM003",
                            path,
                            _span(event.start_mark, event.end_mark),
                            "the file holds more than one YAML document",
                            "a journey file is one document: remove the '---' and what follows, or split the file",
                        )
                    )
                    return parsed, False
                parsed.value = builder.build(loader.get_event)
    except _Stop as stop:
        parsed.diagnostics.append(stop.diagnostic)
        parsed.value = None
        parsed.stopped = True
    except yaml.MarkedYAMLError as exc:
        parsed.diagnostics.append(_syntax_error(exc, text, path))
        parsed.value = None
        parsed.stopped = True
        return parsed, True
    except yaml.reader.ReaderError as exc:
        parsed.diagnostics.append(_reader_error(exc, text, path))
        parsed.value = None
        parsed.stopped = True
        return parsed, True
    except yaml.YAMLError as exc:
        parsed.diagnostics.append(core("CJM001", path, Span(), str(exc).splitlines()[0]))
        parsed.value = None
        parsed.stopped = True
        return parsed, True
    finally:
        loader.dispose()
    return parsed, False


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """CJM001 where the mistake is: an unclosed quote or bracket is reported where it opens, not where YAML gave up."""
    mark = exc.problem_mark or exc.context_mark
    span = Span.point(mark.line + 1, mark.column + 1) if mark else Span()
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    lines = split_lines(text)
    found = _cause(exc, mark, lines, text) if mark is not None else None
    if found is None:
        misfit = _misfit_indentation(problem, mark, lines)
        if misfit is not None:
            return core("CJM001", path, span, *misfit)
        return core("CJM001", path, span, f"{problem}{context}", _syntax_hint(problem))
    cause, message, hint, inside = found
    if isinstance(inside, Span):  # the cause's line was read into an earlier value: point there
        related = Related(path, inside, f"the value line {cause.line} was read into")
    else:
        why = "the file ended" if "end of stream" in problem else problem
        related = Related(path, span, f"the YAML reader gave up here, still inside {inside} ({why})")
    return core("CJM001", path, cause, message, hint, (related,))


# a line that starts a key or a list item of its own: inside a quoted text, a sign the quote ran on
_LOOKS_LIKE_KEY = re.compile(r"\s*(?:- |-$|[^\s#'\"][^:#]*:(?:\s|$))")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _cause(
    exc: yaml.MarkedYAMLError, mark: Any, lines: list[str], text: str
) -> tuple[Span, str, str, str | Span] | None:
    """Where the mistake is, when the reader failed further on: an unclosed quote or bracket, a missing ':',
    a line indented into the value above it.

    Returns the span of the cause, the message, the hint, and what the reader was still inside (or the
    span of the value an over-indented line was read into).
    """
    opened = exc.context_mark
    if opened is not None and exc.context == "while scanning a quoted scalar":
        return _quote_cause(lines, opened.line, opened.column, mark.line)
    if opened is not None and exc.context == "while scanning a simple key" and opened.line < mark.line:
        return (
            _rest_of_line(lines, opened.line, opened.column),
            f"this line has no ':' after its key, so the YAML reader read on to line {mark.line + 1}",
            "write 'key: value', with ': ' after the key",
            f"the key of line {opened.line + 1}",
        )
    if exc.problem == "mapping values are not allowed here":
        swallowed = _indented_into_value(text, lines, mark)
        if swallowed is not None:
            return swallowed
    token = _runaway_quote(text, lines, mark.index)
    if token is not None:
        return _quote_cause(lines, token.start_mark.line, token.start_mark.column, mark.line)
    flow = exc.context in ("while parsing a flow sequence", "while parsing a flow mapping")
    if (
        flow
        and opened is not None
        and opened.line < mark.line < len(lines)
        and _indent(lines[mark.line]) <= _indent(lines[opened.line])  # the next key or item, not a continuation
    ):
        listed = str(exc.context).endswith("sequence")
        bracket, close = ("[", "]") if listed else ("{", "}")
        return (
            Span.point(opened.line + 1, opened.column + 1),
            f"the '{bracket}' opened here is never closed, so the YAML reader read on to line {mark.line + 1}",
            f"close it with '{close}' on this line"
            + (", or write the items one per line as '- item'" if listed else ""),
            f"the '{bracket}' of line {opened.line + 1}",
        )
    return None


def _rest_of_line(lines: list[str], line: int, column: int) -> Span:
    """From a 0-based line and column to the end of the line's text."""
    text = lines[line] if 0 <= line < len(lines) else ""
    return Span(line + 1, column + 1, line + 1, max(len(text.rstrip()), column + 1))


def _indented_into_value(text: str, lines: list[str], mark: Any) -> tuple[Span, str, str, Span] | None:
    """A key line indented deeper than the key above it, so YAML read it as the rest of that key's value."""
    value = None
    try:
        for token in yaml.scan(text, Loader=_PURE_LOADER):
            if token.start_mark.index >= mark.index:
                break
            value = token if type(token) is yaml.ScalarToken else value
    except yaml.YAMLError:
        pass  # the scan stops at the same error
    if value is None or not value.plain or value.start_mark.line >= mark.line or mark.line >= len(lines):
        return None
    above = value.start_mark.line
    indent = _indent(lines[mark.line])
    key_indent = len(lines[above]) - len(lines[above].lstrip(" -"))  # the key, after any '- ' of its list item
    if indent <= key_indent:
        return None
    return (
        _rest_of_line(lines, mark.line, indent),
        f"this line is indented deeper than line {above + 1}, so YAML reads it as more of the value there",
        f"indent it by {key_indent} spaces, as far as the key above it",
        _rest_of_line(lines, above, value.start_mark.column),
    )


def _quote_cause(lines: list[str], line: int, column: int, until: int) -> tuple[Span, str, str, str]:
    text = lines[line] if 0 <= line < len(lines) else ""
    quote = text[column : column + 1] if text[column : column + 1] in ("'", '"') else '"'
    reach = f"line {until + 1}" if until < len(lines) else "the end of the file"
    return (
        _rest_of_line(lines, line, column),
        f"the quoted text opened here is never closed, so the YAML reader read on to {reach}",
        f"close it with {quote} at the end of the text on this line",
        f"the quoted text of line {line + 1}",
    )


def _runaway_quote(text: str, lines: list[str], before: int) -> Any:
    """The last quoted scalar before the failure that ran over a line looking like a key or list item of its own."""
    found = None
    try:
        for token in yaml.scan(text, Loader=_PURE_LOADER):
            if token.start_mark.index >= before:
                break
            if type(token) is yaml.ScalarToken and token.style in ("'", '"'):
                start, end = token.start_mark.line, min(token.end_mark.line, len(lines) - 1)
                base = _indent(lines[start]) if start < len(lines) else 0
                if any(
                    lines[n].strip() and _indent(lines[n]) <= base and _LOOKS_LIKE_KEY.match(lines[n])
                    for n in range(start + 1, end + 1)
                ):
                    found = token
    except yaml.YAMLError:
        pass  # the scan stops at the same error; the tokens before it are what counts
    return found


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: str) -> Diagnostic:
    """A character YAML does not allow, located at its own line and column (not at 1:1)."""
    before = text[: exc.position] if isinstance(exc.position, int) else ""
    lines = _LINE_BREAK.split(before)
    span = Span.point(len(lines), len(lines[-1]) + 1)
    char = exc.character
    code_point = ord(char) if isinstance(char, str) else char
    shown = f"U+{code_point:04X}" if isinstance(code_point, int) else "here"
    return core(
        "CJM001",
        path,
        span,
        f"the character {shown} is not allowed in YAML",
        "remove it, or write it as an escape such as \\u0007 inside a double-quoted string",
    )


def _misfit_indentation(problem: str, mark: Any, lines: list[str]) -> tuple[str, str] | None:
    """The message and hint for a line whose indentation fits no key or list above it, in words, not parser terms."""
    if mark is None or not problem.startswith("expected <block end>") or not 0 <= mark.line < len(lines):
        return None
    if mark.column != _indent(lines[mark.line]):
        return None  # not at the start of the line: some other mistake
    above = next(
        (n for n in range(mark.line - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")), None
    )
    hint = "indent it exactly as far as the key or '- ' it belongs with"
    if above is not None:
        key_at = len(lines[above]) - len(lines[above].lstrip(" -"))
        if key_at == mark.column and lines[mark.line].lstrip().startswith("-"):
            hint = f"a list item ('- ') cannot stand among the keys of line {above + 1}: indent it as its list's items"
        else:
            hint += f" (the key on line {above + 1} is indented by {key_at} spaces)"
    return f"the indentation of this line ({mark.column} spaces) does not fit the lines above it", hint


def _syntax_hint(problem: str) -> str | None:
    if "tab" in problem:
        return "YAML indents with spaces, never tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or fix the indentation"
    if "could not find expected ':'" in problem:
        return "a key needs ': ' after it; check the line above for a missing colon or quote"
    return None


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML counts them (CR, LF, CRLF, NEL, LS, PS), so line N is the parser's line N."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def is_boolean_trap(raw: str | None) -> bool:
    """True when a bare word became a YAML 1.1 boolean though it reads as text (yes/no/on/off)."""
    return raw is not None and raw in _TRAP_WORDS
