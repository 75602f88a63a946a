"""What may be written where the cursor stands: ids where a reference is expected, enum values, emotions.

The place is read from the text around the cursor (the keys above it, by
indentation), not from a parse: the line being typed rarely parses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cjm.lsp.index import FileIndex
from cjm.lsp.navigation import label
from cjm.model import CHANNELS, SEVERITIES

_KEY = re.compile(r"^(\s*)((?:-\s+)*)([A-Za-z_][\w-]*)\s*:(?:\s|$)")
_DASH = re.compile(r"^(\s*)-(?:\s|$)")
# the key of a flow mapping's value being typed: "{id: x, severity: hi" or "{text: y, addresses: [pain-"
_FLOW_KEY = re.compile(r"[{,]\s*([A-Za-z_][\w-]*)\s*:\s*(?:\[[^\[\]{}]*)?[^,{}\[\]:]*$")
_WORD = re.compile(r"[\w-]*$")

EMOTIONS = (
    ("-2", "very negative"),
    ("-1", "negative"),
    ("0", "neutral"),
    ("1", "positive"),
    ("2", "very positive"),
)
LEVELS = ("low", "medium", "high")
EVIDENCE = ("observed", "reported", "assumed")
METRIC_KINDS = ("nps", "ces", "csat", "custom")
ROLES = ("process-owner", "technology-owner", "leadership", "end-user", "ux-lead", "other")
_ENUMS: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "severity": SEVERITIES,
    "impact": LEVELS,
    "effort": LEVELS,
    "evidence": EVIDENCE,
    "role": ROLES,
}


@dataclass(frozen=True)
class Choice:
    """One completion: the text to insert and what it means."""

    text: str
    detail: str
    kind: str  # "id", "value" or "emotion"


@dataclass(frozen=True)
class Place:
    """The keys that lead to the value under the cursor, and the part of the word already typed."""

    keys: tuple[str, ...]
    typed: str


def _entries(line: str) -> list[tuple[int, str | None]]:
    """The dashes (None) and the key of a line, with their columns, left to right."""
    out: list[tuple[int, str | None]] = []
    match = _KEY.match(line)
    if match:
        column = len(match.group(1))
        for dash in re.finditer(r"-\s+", match.group(2)):
            out.append((column + dash.start(), None))
        out.append((match.start(3), match.group(3)))
        return out
    bare = _DASH.match(line)
    if bare:
        out.append((len(bare.group(1)), None))
    return out


def _ancestors(lines: Sequence[str], row: int, column: int, after_dash: bool) -> list[str]:
    """The keys above ``row`` that hold a value starting at ``column``, outermost first."""
    keys: list[str] = []
    for above in range(row - 1, -1, -1):
        if column == 0 and not after_dash:
            break
        text = lines[above]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        for col, key in reversed(_entries(text)):
            if col < column or (col == column and after_dash and key is not None):
                if key is not None:
                    keys.insert(0, key)
                column, after_dash = col, key is None
    return keys


def place(lines: Sequence[str], row: int, character: int) -> Place | None:
    """Where the cursor (0-based row and character) is: in a value, under which keys; None in a key or comment."""
    if not 0 <= row < len(lines):
        return None
    text = lines[row][:character]
    typed = _WORD.search(text)
    word = typed.group(0) if typed else ""
    if "#" in text:
        return None
    flow = _FLOW_KEY.search(text)
    match = _KEY.match(text)
    if match:
        column, key = match.start(3), match.group(3)
        keys = [*_ancestors(lines, row, column, False), key]
        if flow and "{" in text[match.end() :]:
            keys.append(flow.group(1))
        return Place(tuple(keys), word)
    dash = _DASH.match(text)
    if dash:
        if ":" in text[dash.end() :] and not flow:
            return None
        keys = _ancestors(lines, row, len(dash.group(1)), True)
        if flow:
            keys.append(flow.group(1))
        return Place(tuple(keys), word)
    return None


_REFERENCES = {
    "touchpoints": "touchpoint",
    "backstage": "backstage",
    "addresses": "pain point",
}


def expected(keys: tuple[str, ...]) -> tuple[str, str] | None:
    """What the value at ``keys`` is: ("id", kind), ("enum", key) or ("emotion", "")."""
    if not keys:
        return None
    last = keys[-1]
    if last in ("touchpoints", "backstage") and "actions" in keys:
        return ("id", _REFERENCES[last])
    if last == "addresses":
        return ("id", "pain point")
    if keys[-2:] == ("scope", "persona"):
        return ("id", "persona")
    if keys[-2:] == ("metrics", "stage"):
        return ("id", "stage")
    if last == "emotion" and "actions" in keys:
        return ("emotion", "")
    if last == "kind":
        return ("enum", "kind") if "metrics" in keys else ("enum", "catalog") if len(keys) == 1 else None
    if last == "role" and "stakeholders" not in keys:
        return None
    return ("enum", last) if last in _ENUMS else None


def choices(place: Place, here: FileIndex | None, catalogs: Sequence[FileIndex]) -> list[Choice]:
    """The completions for ``place``: declared ids of the expected kind, enum values or emotions."""
    what = expected(place.keys)
    if what is None:
        return []
    category, name = what
    if category == "emotion":
        return [Choice(value, meaning, "emotion") for value, meaning in EMOTIONS]
    if category == "enum":
        values = METRIC_KINDS if name == "kind" else ("catalog",) if name == "catalog" else _ENUMS[name]
        return [Choice(value, name, "value") for value in values]
    out: dict[str, Choice] = {}
    files = [f for f in (here, *catalogs) if f is not None]
    for file in files:
        for site in file.declared(name):
            if site.ident not in out:
                where = "" if here is not None and site.file == here.file else " (catalog)"
                out[site.ident] = Choice(site.ident, f"{label(name)}: {site.name or site.ident}{where}", "id")
    return list(out.values())
