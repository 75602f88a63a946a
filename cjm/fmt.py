"""``cjm fmt``: one canonical layout for journey and catalog files, keeping every comment and blank line.

The layout: keys in the order the format documents them (the order of the
model's fields; keys the format does not know stay last, in their order),
two-space indentation with list items indented under their key, flow
mappings and sequences kept as written, quotes kept as written, no line
wrapping. Formatting never changes what the file means: the loaded journey
before and after is the same value, and formatting twice changes nothing.

Files are first read by cjm's own safe reader (size, depth, alias and tag
limits); a file it cannot read is reported and left alone. ruamel.yaml, the
well-kept round-trip YAML library, keeps comments and styles.
"""

from __future__ import annotations

import io
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel

from cjm.diagnostics import Diagnostic
from cjm.errors import ConfigError
from cjm.model import Catalog, Journey
from cjm.validate.loader import decode
from cjm.validate.yaml_reader import Limits, parse_yaml

if TYPE_CHECKING:
    from cjm.workspace import Workspace

_READ_FAILURES = ("CJM001", "CJM003", "CJM005")


@dataclass(frozen=True)
class Formatted:
    """One file's formatting: the new text (None when it could not be read), and why not."""

    path: str
    before: str
    after: str | None
    problem: Diagnostic | None = None

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


def format_bytes(data: bytes, path: str, limits: Limits | None = None) -> Formatted:
    """The canonical text of one file's bytes, or the finding that stops it being read."""
    limits = limits or Limits()
    text, problem = decode(data, path, limits)
    if text is None:
        return Formatted(path, "", None, problem)
    parsed = parse_yaml(text, path, limits)
    stop = next((d for d in parsed.diagnostics if d.code in _READ_FAILURES), None)
    if stop is not None or parsed.documents != 1 or not isinstance(parsed.value, dict):
        return Formatted(path, text, None, stop)
    return Formatted(path, text, format_text(text))


def format_text(text: str) -> str:
    """``text`` (a YAML mapping cjm's reader accepted) in the canonical layout."""
    yaml = _round_trip()
    bom = text.startswith("\ufeff")
    document = yaml.load(text[1:] if bom else text)
    model: type[BaseModel] = Catalog if document.get("kind") == "catalog" else Journey
    _order(document, model)
    out = io.StringIO()
    yaml.dump(document, out)
    result = str(out.getvalue()).rstrip() + "\n"  # one newline at the end, never trailing blank lines
    return ("\ufeff" if bom else "") + result


def format_paths(paths: list[str], workspace: Workspace, write: bool) -> list[Formatted]:
    """Format the journey files ``paths`` name (every journey and catalog of the workspace without paths).

    With ``write``, each file whose layout changes is rewritten atomically,
    keeping its permissions (a link inside the workspace stays a link); a
    file that cannot be read is never touched.
    """
    from cjm.discovery import discover, read_limited
    from cjm.output import rewrite

    if "-" in paths:
        raise ConfigError("cjm fmt rewrites files: pass files or folders, not '-'")
    files = discover(paths, workspace.config)
    if not paths:
        files += [f for f in workspace.catalogs.files if f not in files]
    limits = workspace.limits
    results = [format_bytes(read_limited(p, limits.max_bytes, workspace.root), p, limits) for p in files]
    for item in results:
        if write and item.changed and item.after is not None:
            rewrite(item.path, item.after)
    return results


def unified_diff(item: Formatted) -> str:
    """The change ``fmt`` would make to one file, as a unified diff (empty when none)."""
    from cjm.output import unified_diff as text_diff

    if not item.changed or item.after is None:
        return ""
    return text_diff(item.path, item.before, item.after)


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = True  # cjm reports them (CJM002); formatting keeps what is there
    return yaml


def _order(node: Any, model: type[BaseModel] | None) -> None:
    """Put the keys of ``node`` (and of every model below it) in the model's field order, in place."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(node, CommentedMap):
        return
    fields = model.model_fields if model is not None else {}
    keys_of = {(info.alias or name): info for name, info in fields.items()}
    if model is not None:
        known = [k for k in keys_of if k in node]
        unknown = [k for k in node if k not in keys_of]
        wanted = known + unknown
        if list(node) != wanted:
            _reorder(node, wanted)
    for key in list(node):
        info = keys_of.get(key)
        child_model = _model_of(info.annotation if info is not None else None, node[key])
        value = node[key]
        if isinstance(value, list):
            for item in value:
                _order(item, child_model)
        elif child_model is not None:
            _order(value, child_model)


def _reorder(node: Any, wanted: list[Any]) -> None:
    """Reorder a CommentedMap's keys, carrying each key's comments with it.

    The blank lines and comments that follow a mapping's last value belong to
    the mapping's end (they separate it from what comes next), so they move
    to the end of whichever key is last after the reordering.
    """
    trailing = _take_trailing(node)
    comments = node.ca.items
    values = [(key, node[key], comments.get(key)) for key in wanted]
    first_key = next(iter(node))
    head = comments.get(first_key)
    for key in list(node):
        del node[key]
    for key, value, comment in values:
        node[key] = value
        if comment is not None:
            comments[key] = comment
    if head is not None and wanted[0] != first_key and head[1]:
        # a comment above the first key belongs to the mapping, not to whichever key came first
        comments[wanted[0]] = [None, head[1], *comments.get(wanted[0], [None, None, None, None])[2:]]
    if trailing:
        _give_trailing(node, trailing)


def _tail_slot(node: Any) -> tuple[list[Any], int] | None:
    """The comment slot after the last scalar of ``node`` (its deepest last element): (slot list, index)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while True:
        if isinstance(node, CommentedMap) and len(node):
            key, index = list(node)[-1], 2
        elif isinstance(node, CommentedSeq) and len(node):
            key, index = len(node) - 1, 0
        else:
            return None
        value = node[key]
        flow = getattr(getattr(value, "fa", None), "_flow_style", None)
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not flow:
            node = value
            continue
        slots = node.ca.items.setdefault(key, [None, None, None, None])
        return slots, index


def _take_trailing(node: Any) -> str:
    """Remove and return what follows the first line end of the mapping's trailing comment (blank lines, comments)."""
    slot = _tail_slot(node)
    if slot is None or slot[0][slot[1]] is None:
        return ""
    token = slot[0][slot[1]]
    value = str(token.value)
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return ""
    token.value = value[: cut + 1]
    return value[cut + 1 :]


def _give_trailing(node: Any, rest: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    slot = _tail_slot(node)
    if slot is None:
        return
    slots, index = slot
    if slots[index] is None:
        slots[index] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        token = slots[index]
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + rest


def _model_of(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or in an optional/union), matched to ``value``'s keys."""
    if annotation is None:
        return None
    candidates = list(_models_in(annotation))
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    keys = set(_sample(value))
    fitting = [c for c in candidates if keys <= {(i.alias or n) for n, i in c.model_fields.items()}]
    return fitting[0] if len(fitting) == 1 else None


def _sample(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [k for item in value if isinstance(item, dict) for k in item]
    return list(value) if isinstance(value, dict) else []


def _models_in(annotation: Any) -> typing.Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(typing.get_args(annotation)[0])
    elif origin in (list, Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)
