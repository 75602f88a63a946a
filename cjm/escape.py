"""One escaping policy for every output: user text never drives a terminal, a CI log, a parser or a reader's eyes.

Journey names, paths, event names and messages come from pull requests and CRM exports. Wherever cjm
writes them, the same characters are *unsafe* and are shown as a visible escape (``\\x1b``, ``\\u202e``)
instead of being written raw:

- C0 controls (ESC starts CSI and OSC sequences: screen clears, OSC 52 clipboard writes; BEL; CR and LF,
  which would forge a report line), DEL and the C1 controls (U+0080-U+009F, where U+009B is a CSI too);
- the bidirectional embeddings, overrides, isolates and marks (U+061C, U+200E/F, U+202A-U+202E,
  U+2066-U+2069), which reorder what a reader sees ("Trojan Source");
- the line and paragraph separators U+2028/U+2029, the noncharacters U+FFFE/U+FFFF and lone surrogates,
  which break a line or make XML ill-formed.

Each format then applies its own syntax on top: :func:`visible` for the terminal, text reports and XML;
:func:`json_text` keeps the data exact but writes every unsafe character as a ``\\u`` escape;
:func:`github_data`/:func:`github_property` add GitHub's ``%25``/``%0D``/``%0A`` escaping;
:func:`markdown_inline` neutralises Markdown; :func:`uri_path` percent-encodes per RFC 3986; and
:func:`rich_markup` keeps rich from reading ``[link=...]`` or ``[/]`` as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # as a character class range
_OTHERS = "\x7f-\x9f\u2028\u2029\ufffe\uffff"  # DEL and C1, line and paragraph separators, noncharacters
_SURROGATES = "\ud800-\udfff"  # from file names that are not UTF-8
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHERS}{_BIDI}{_SURROGATES}]")
_UNSAFE_BUT_LINES = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f{_OTHERS}{_BIDI}{_SURROGATES}]")
_JSON_UNSAFE = re.compile(f"[{_OTHERS}{_BIDI}]")  # json.dumps escapes C0 and surrogates itself
_MARKDOWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: f"\\{c}" for c in "\\`*_[]|#~"}})


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character (see the module docstring) written as a visible escape; one line."""
    return _UNSAFE.sub(_escape, text)


def is_unsafe(ch: str) -> bool:
    """Whether the character ``ch`` is one the policy never writes raw."""
    return _UNSAFE.fullmatch(ch) is not None


def json_text(value: Any, indent: int | None = 2) -> str:
    """``value`` as JSON: the same data, but DEL, C1, bidi controls and separators as ``\\u`` escapes.

    ``json`` already escapes C0 controls; with ``ensure_ascii=False`` it would write the rest raw, and a
    terminal showing the report would obey a raw U+009B (CSI) or a bidi override.
    """
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def github_data(text: str) -> str:
    """A GitHub workflow command's message: unsafe characters visible, then ``%``, CR and LF escaped."""
    shown = _UNSAFE_BUT_LINES.sub(_escape, text)
    return shown.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A GitHub workflow command's property value: as a message, plus ``:`` and ``,``."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_inline(text: str) -> str:
    """User text made inert in Markdown and table cells: no markup, no HTML, no line breaks, nothing unsafe."""
    return visible(" ".join(text.split())).translate(_MARKDOWN)


def uri_path(path: str) -> str:
    """A relative path as a URI reference: every byte outside RFC 3986's unreserved set and ``/`` percent-encoded."""
    return quote(path.replace("\\", "/"), safe="/", errors="surrogateescape")


def rich_markup(text: str) -> str:
    """``text`` for a rich string that is parsed as markup: unsafe characters visible, no tag left to read."""
    from rich.markup import escape

    return escape(visible(text))


# A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_text(text: str) -> str:
    """A CSV cell's text that a spreadsheet shows as text: a formula is prefixed with an apostrophe (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_START) else text
