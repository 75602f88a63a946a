"""The HTML journey map: one self-contained page (inline CSS and SVG, nothing loaded from the network)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from cjm.model import Journey
from cjm.render.curve import COLUMN_WIDTH
from cjm.render.icons import CHANNEL_ICONS
from cjm.render.overlay import NO_OVERLAY, Overlay
from cjm.render.view import MapView, build_view

if TYPE_CHECKING:
    from jinja2 import Environment

LABEL_WIDTH = 156  # px of the lane-label column
PRINT_WIDTH = 1512  # px across an A3 landscape page with 8 mm margins at 96 px per inch (1527), less a safety margin
PAGE_PADDING = 32  # px left and right of the page body (map.css)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(value: Any) -> Any:
    """Every printed value without control characters (a parse error in HTML, an escape on a terminal)."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("\ufffd", value)
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of cjm's templates: autoescape always on, undefined names are errors."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from cjm.escape import visible

    env = Environment(
        loader=PackageLoader("cjm.render", "templates"),
        autoescape=True,
        finalize=_printable,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["visible"] = visible  # for <title>, plain text where no element can isolate a bidi override
    return env


@lru_cache(maxsize=4)
def stylesheet(name: str = "map.css") -> str:
    """The CSS that the page inlines."""
    return (files("cjm.render") / "assets" / name).read_text(encoding="utf-8")


def page(template: str, sheets: tuple[str, ...] = ("map.css",), **context: Any) -> str:
    """Render one of cjm's page templates with its stylesheets inlined, in the current language."""
    from markupsafe import Markup

    from cjm.render.i18n import _, current, ngettext

    css = Markup("\n".join(stylesheet(s) for s in sheets))  # our own files, never user text: escaping breaks CSS
    lang = current().code
    return environment().get_template(template).render(css=css, _=_, ngettext=ngettext, lang=lang, **context)


def icon_markup(channels: tuple[str, ...]) -> dict[str, Any]:
    """The inline SVG drawing of each channel, as trusted markup for the template's <symbol> list."""
    from markupsafe import Markup

    return {channel: Markup(CHANNEL_ICONS[channel]) for channel in channels}


def grid_context(view: MapView, print_width: float = PRINT_WIDTH) -> dict[str, Any]:
    """The grid template's measures: column widths, the table's width, and the zoom that fits it on paper."""
    width = LABEL_WIDTH + view.curve.width
    return {
        "column_width": COLUMN_WIDTH,
        "label_width": LABEL_WIDTH,
        "table_width": width,
        "print_zoom": round(min(1.0, print_width / width), 3),
        "stage_numbers": tuple(range(1, len(view.stages) + 1)),
    }


def render_html(journey: Journey, overlay: Overlay = NO_OVERLAY) -> str:
    """The journey map of ``journey`` as one self-contained HTML page."""
    from cjm.render.i18n import language, speaking

    with speaking(language(journey.lang)):
        view = build_view(journey, overlay)
        return page("map.html.j2", view=view, icons=icon_markup(view.channels), about_open=False, **grid_context(view))
