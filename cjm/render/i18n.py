"""The customer's language: every label the map, the site index and the Markdown export print.

Labels are gettext messages (``_("Pain points")``), kept in catalogs under ``cjm/render/locale``:
``make messages`` extracts them with Babel from the templates and this package, merges them into each
language's ``.po`` file, and compiles the ``.mo`` files that ship with cjm (the standard library reads
them; Babel is needed only to edit the catalogs). A journey's ``lang`` (BCP 47, e.g. ``it``, ``it-CH``)
picks the catalog by its primary language; an unknown one draws in English (``unsupported_language``
says so, for the command line to warn).

The language is set for one drawing by ``speaking(lang)`` (a context variable, so the view-model
functions need no extra argument and concurrent drawings do not mix); outside it, labels are English.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

DOMAIN = "cjm"
LANGUAGES = ("en", "it")  # the catalogs shipped, complete
DEFAULT = "en"
DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(mo|min|s|m|h|d|w|y)\s*")  # as the format reads them (cjm.model)


@dataclass(frozen=True)
class Language:
    """One language's catalog and number conventions."""

    code: str  # as written in the journey (the page's lang attribute)
    catalog: gettext.NullTranslations
    decimal: str = "."
    thousands: str = ","


@lru_cache(maxsize=8)
def _catalog(primary: str) -> gettext.NullTranslations:
    folder = files("cjm.render") / "locale"
    return gettext.translation(DOMAIN, localedir=str(folder), languages=[primary], fallback=True)


def primary(code: str | None) -> str:
    """The primary language subtag of a BCP 47 tag, lower-cased ("it-CH" -> "it"); none is English."""
    return (code or DEFAULT).split("-")[0].split("_")[0].lower()


def unsupported_language(code: str | None) -> str | None:
    """A warning when ``code`` names a language cjm has no labels for, else None."""
    if primary(code) in LANGUAGES:
        return None
    return f"no translation for lang '{code}': the map's labels are drawn in English (cjm has {', '.join(LANGUAGES)})"


def language(code: str | None) -> Language:
    """The Language of a journey's ``lang``: its catalog when cjm has one, else English labels."""
    main = primary(code)
    if main not in LANGUAGES or main == DEFAULT:
        return Language(code or DEFAULT, gettext.NullTranslations())
    decimal, thousands = (",", ".") if main == "it" else (".", ",")
    return Language(code or DEFAULT, _catalog(main), decimal, thousands)


ENGLISH = language(DEFAULT)
_current: ContextVar[Language] = ContextVar("cjm_language", default=ENGLISH)


@contextmanager
def speaking(lang: Language) -> Iterator[Language]:
    """Draw in ``lang`` inside the block."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def current() -> Language:
    """The language of the drawing under way."""
    return _current.get()


def _(message: str) -> str:
    """``message`` in the current language."""
    return current().catalog.gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is defined; it is translated where it is shown (``_(label)``)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for ``count``, by the current language's plural rule."""
    return current().catalog.ngettext(singular, plural, count)


def number(value: float, digits: int = 2, trim: bool = True) -> str:
    """A number as the current language writes it: 1,234.5 in English, 1.234,5 in Italian.

    Trailing zeros of the decimals are dropped unless ``trim`` is false (a score keeps 12.50).
    """
    text = f"{value:,.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    lang = current()
    marks: dict[str, str | int | None] = {",": lang.thousands, ".": lang.decimal}
    return text.translate(str.maketrans(marks))


def in_units(amount: float, unit: str) -> str:
    """An amount of a duration unit of the format (s, min, m, h, d, w, mo, y) in words: "1,5 ore", "3 weeks"."""
    count = int(amount) if amount.is_integer() else 2  # a fraction takes the plural in English and Italian
    words = {
        "s": ngettext("%(n)s second", "%(n)s seconds", count),
        "min": ngettext("%(n)s minute", "%(n)s minutes", count),
        "m": ngettext("%(n)s minute", "%(n)s minutes", count),
        "h": ngettext("%(n)s hour", "%(n)s hours", count),
        "d": ngettext("%(n)s day", "%(n)s days", count),
        "w": ngettext("%(n)s week", "%(n)s weeks", count),
        "mo": ngettext("%(n)s month", "%(n)s months", count),
        "y": ngettext("%(n)s year", "%(n)s years", count),
    }
    return words[unit] % {"n": number(amount)}


def duration(text: str) -> str:
    """A duration of the format ("3w", "1h30m") in words of the current language ("3 weeks", "1 ora 30 minuti").

    ISO 8601 durations ("P2D") and anything unreadable are shown as written.
    """
    parts = []
    position = 0
    for match in DURATION.finditer(text.strip()):
        if match.start() != position:
            return text
        parts.append(in_units(float(match.group(1)), match.group(2)))
        position = match.end()
    return " ".join(parts) if parts and position == len(text.strip()) else text
