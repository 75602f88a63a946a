"""Mermaid rendering: the journey as a Mermaid ``journey`` diagram that GitHub and GitLab draw natively.

Mapping: sections are stages, tasks are actions, a task's score is the
action's emotion + 3 (1 very negative .. 5 very positive), and a task's
actors are the action's ``actors``, or the map's persona when it has none.
The ``accessible_title`` (else the title) is the diagram's ``accTitle`` and the description its
``accDescr``, which screen readers announce. An action with no emotion is
drawn as 3 (neutral) and marked by the comment line ``UNSCORED_MARK`` just
before it, so that ``cjm import mermaid`` can restore "no emotion" exactly;
the first comment names the journey id (``JOURNEY_ID_MARK``), which the
importer restores too.

Mermaid's journey grammar has no quoting: ``#`` starts a comment, ``%``
can start one too, ``;`` is invalid, ``:`` ends a task name and ``,``
separates actors. Such characters (plus ``<``, ``>``, line breaks, control
characters and leading or trailing spaces) are written as Mermaid entity
codes (``#58;`` for ``:``), which Mermaid turns back into the character when
it draws the diagram and which the importer decodes, so names survive a
round trip unchanged. A name that starts with a keyword (``title``,
``section``, ...) gets its first letter encoded for the same reason.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from cjm.escape import is_unsafe

if TYPE_CHECKING:
    from cjm.model import Journey

NEUTRAL_SCORE = 3
JOURNEY_ID_MARK = "cjm journey"
UNSCORED_MARK = "%% no emotion recorded for the next task: drawn as 3 (neutral)"
KEYWORDS = ("journey", "title", "section", "acctitle", "accdescr")
# Characters that would end, split or comment out a name in Mermaid's journey grammar,
# or that Mermaid's own entity pass would misread (it uses U+FB02 and U+00B6 internally).
_ALWAYS = frozenset("#;%:<>\ufb02\u00b6")
_ACTOR = _ALWAYS | {","}


def to_mermaid(journey: Journey) -> str:
    """The journey as a Mermaid ``journey`` diagram: deterministic, every name escaped."""
    persona = persona_name(journey)
    title = escape_name(journey.title)
    lines = [
        f"%% {title} ({JOURNEY_ID_MARK} {journey.id})",
        "%% score = emotion + 3: 1 very negative, 2 negative, 3 neutral, 4 positive, 5 very positive",
        "journey",
        f"    title {title}",
        f"    accTitle: {escape_name(journey.accessible_title or journey.title)}",
    ]
    if journey.description:
        lines.append(f"    accDescr: {escape_name(journey.description)}")
    for stage in journey.stages:
        lines.append(f"    section {escape_name(stage.name)}")
        for action in stage.actions:
            if action.emotion is None:
                lines.append(f"      {UNSCORED_MARK}")
            actors = ", ".join(escape_name(actor, _ACTOR) for actor in action.actors or [persona])
            lines.append(f"      {escape_name(action.name)}: {score(action.emotion)}: {actors}")
    return "\n".join(lines) + "\n"


def score(emotion: int | None) -> int:
    """The Mermaid task score (1..5) of an emotion (-2..+2); no emotion is neutral, 3."""
    return NEUTRAL_SCORE if emotion is None else emotion + NEUTRAL_SCORE


def persona_name(journey: Journey) -> str:
    """The display name of the map's persona, or its id when the persona lives in a catalog."""
    for persona in journey.personas:
        if persona.id == journey.scope.persona:
            return persona.name
    return journey.scope.persona


def escape_name(text: str, special: frozenset[str] = _ALWAYS) -> str:
    """``text`` safe on one line of a Mermaid journey, as entity codes Mermaid and cjm both decode."""
    chars = [f"#{ord(ch)};" if ch in special or _unprintable(ch) else ch for ch in text]
    for index in range(len(chars)):  # leading spaces would be skipped by Mermaid's lexer
        if not text[index].isspace():
            break
        chars[index] = f"#{ord(text[index])};"
    for index in range(len(chars) - 1, -1, -1):  # trailing ones would be trimmed on import
        if not text[index].isspace():
            break
        chars[index] = f"#{ord(text[index])};"
    if text.lower().startswith(KEYWORDS) and chars:
        chars[0] = f"#{ord(text[0])};"
    return "".join(chars)


def _unprintable(ch: str) -> bool:
    """Control characters and line or paragraph separators, which would break the line."""
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp") or is_unsafe(ch)  # bidi controls too
