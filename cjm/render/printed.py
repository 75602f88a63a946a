"""The map itself as PDF and PNG: the HTML map laid out in bands of stages, drawn by headless Chromium.

A wide map is never shrunk into a strip. Its stages are packed, in order, into *bands* that each fit
the paper at a readable zoom (at least ``MIN_ZOOM``); each band is a complete grid with its own lane
labels and stage headers, on its own page. A stage wider than a band is split between its actions,
its header repeated with "(continued)". The PNG stacks the same bands, wider (``PNG_COLUMNS``), on
one image.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjm.model import Journey, Stage
from cjm.render.curve import COLUMN_WIDTH
from cjm.render.i18n import _
from cjm.render.overlay import NO_OVERLAY, Overlay

PX_PER_MM = 96 / 25.4
MARGIN_MM = 8
MIN_ZOOM = 0.55  # below this the 14 px text prints smaller than 6 pt: the map is split into bands instead
PNG_COLUMNS = 24  # action columns per band of the PNG (about 5400 px wide)
PAGES: dict[str, tuple[float, float]] = {  # landscape width x height, mm
    "A4": (297, 210),
    "A3": (420, 297),
    "A2": (594, 420),
    "letter": (279.4, 215.9),
}
DEFAULT_PAGE = "A3"


@dataclass(frozen=True)
class Part:
    """Actions ``start``..``end`` (exclusive) of stage number ``stage`` (0-based) on one band."""

    stage: int
    start: int
    end: int


def printable_width(page: str) -> float:
    """CSS px across the page inside its margins, less a safety margin of 1 %."""
    return (PAGES[page][0] - 2 * MARGIN_MM) * PX_PER_MM * 0.99


def band_capacity(width: float, label: int, min_zoom: float = MIN_ZOOM) -> int:
    """How many action columns fit ``width`` px at ``min_zoom`` or larger (at least one)."""
    return max(1, int((width / min_zoom - label) // COLUMN_WIDTH))


def pack(sizes: list[int], capacity: int) -> list[list[Part]]:
    """Stages of ``sizes`` actions (an empty stage takes a column) packed in order into bands of ``capacity``.

    Whole stages stay together when they fit; a stage wider than a band is cut between actions.
    """
    bands: list[list[Part]] = []
    band: list[Part] = []
    used = 0
    for index, size in enumerate(sizes):
        columns = max(1, size)
        if used and used + columns > capacity:  # the stage does not fit what is left: a new band
            bands.append(band)
            band, used = [], 0
        start = 0
        while columns - start > capacity:  # wider than a whole band: fill bands, cutting between actions
            band.append(Part(index, start, start + capacity))
            bands.append(band)
            band, start = [], start + capacity
        band.append(Part(index, start, size))
        used += columns - start
    if band:
        bands.append(band)
    return bands


def _slice(journey: Journey, parts: list[Part]) -> tuple[Journey, tuple[int, ...]]:
    """The journey holding only ``parts``, and the 1-based number of each of its stages in the whole map."""
    stages: list[Stage] = []
    for part in parts:
        stage = journey.stages[part.stage]
        update: dict[str, object] = {"actions": stage.actions[part.start : part.end]}
        if part.start:
            name = _("%(stage)s (continued)") % {"stage": stage.name}
            update |= {"name": name, "pain_points": [], "opportunities": [], "goal": None}
        stages.append(stage.model_copy(update=update))
    return journey.model_copy(update={"stages": stages}), tuple(p.stage + 1 for p in parts)


def print_html(journey: Journey, overlay: Overlay = NO_OVERLAY, page: str = DEFAULT_PAGE, png: bool = False) -> str:
    """The page to print: the HTML map with its grid in bands, one per printed page (or stacked, for a PNG)."""
    from cjm.render.i18n import language, speaking

    with speaking(language(journey.lang)):
        return _print_html(journey, overlay, page, png)


def _print_html(journey: Journey, overlay: Overlay, page: str, png: bool) -> str:
    from cjm.render.html import LABEL_WIDTH, grid_context, icon_markup
    from cjm.render.html import page as render_page
    from cjm.render.view import build_view

    width = printable_width(page)
    capacity = PNG_COLUMNS if png else band_capacity(width, LABEL_WIDTH)
    bands = pack([len(s.actions) for s in journey.stages], capacity)
    grids = []
    for number, parts in enumerate(bands, 1):
        part, stage_numbers = _slice(journey, parts)
        view = build_view(part, overlay)
        context = grid_context(view, print_width=width)
        grids.append({**context, "view": view, "stage_numbers": stage_numbers, "number": number})
    whole = build_view(journey, overlay)
    paper = PAGES[page]
    return render_page(
        "print.html.j2",
        view=whole,
        bands=grids,
        icons=icon_markup(whole.channels),
        page_size=f"{paper[0]}mm {paper[1]}mm",
        margin=f"{MARGIN_MM}mm",
        png=png,
        about_open=True,
    )


def render_pdf(journey: Journey, overlay: Overlay = NO_OVERLAY, page: str = DEFAULT_PAGE) -> bytes:
    """The map as a PDF: a cover with the scope and persona, one page per band of the grid, then the panels."""
    from cjm.render.chromium import Shot, draw

    return draw(print_html(journey, overlay, page), Shot("pdf"))


def render_png(journey: Journey, overlay: Overlay = NO_OVERLAY) -> bytes:
    """The map as one PNG: the page as a browser shows it, its grid in bands of ``PNG_COLUMNS`` actions."""
    from cjm.render.chromium import Shot, draw
    from cjm.render.html import LABEL_WIDTH, PAGE_PADDING

    columns = min(PNG_COLUMNS, sum(max(1, len(s.actions)) for s in journey.stages))
    width = max(1280, LABEL_WIDTH + columns * COLUMN_WIDTH + 2 * PAGE_PADDING + 4)
    return draw(print_html(journey, overlay, png=True), Shot("png", width=width))
