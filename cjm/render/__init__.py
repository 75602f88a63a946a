"""Renderers and the render run: the FORMATS registry, where outputs go, and the site of a folder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cjm.errors import ConfigError, InputError
from cjm.model import Journey
from cjm.render.overlay import NO_OVERLAY, Overlay

if TYPE_CHECKING:
    from cjm.evidence.model import EvidenceReport
    from cjm.workspace import Workspace

Draw = Callable[[Journey, Overlay, "RenderRequest"], "str | bytes"]


@dataclass(frozen=True)
class Format:
    """One output format: its file extension, whether it is binary, and the pure function that draws it."""

    name: str
    extension: str
    draw: Draw
    binary: bool = False
    overlays: bool = False  # draws --evidence and --diff


def _html(journey: Journey, overlay: Overlay, request: RenderRequest) -> str:
    from cjm.render.html import render_html

    return render_html(journey, overlay)


def _graphviz(fmt: str) -> Draw:
    def draw(journey: Journey, overlay: Overlay, request: RenderRequest) -> bytes:
        from cjm.render.dot import render_graphviz

        return render_graphviz(journey, fmt)

    return draw


def _printed(fmt: str) -> Draw:
    def draw(journey: Journey, overlay: Overlay, request: RenderRequest) -> bytes:
        from cjm.render.printed import render_pdf, render_png

        return render_pdf(journey, overlay, request.page) if fmt == "pdf" else render_png(journey, overlay)

    return draw


def _dot(journey: Journey, overlay: Overlay, request: RenderRequest) -> str:
    from cjm.render.dot import to_dot

    return to_dot(journey)


def _mermaid(journey: Journey, overlay: Overlay, request: RenderRequest) -> str:
    from cjm.render.mermaid import to_mermaid

    return to_mermaid(journey)


def _markdown(journey: Journey, overlay: Overlay, request: RenderRequest) -> str:
    from cjm.render.markdown import to_markdown

    return to_markdown(journey)


FORMATS: dict[str, Format] = {
    "html": Format("html", ".html", _html, overlays=True),
    "pdf": Format("pdf", ".pdf", _printed("pdf"), binary=True, overlays=True),
    "png": Format("png", ".png", _printed("png"), binary=True, overlays=True),
    "flow-svg": Format("flow-svg", ".flow.svg", _graphviz("svg")),
    "flow-png": Format("flow-png", ".flow.png", _graphviz("png"), binary=True),
    "flow-pdf": Format("flow-pdf", ".flow.pdf", _graphviz("pdf"), binary=True),
    "svg": Format("svg", ".svg", _graphviz("svg")),  # the flow too: no other drawing is an SVG
    "mermaid": Format("mermaid", ".mmd", _mermaid),
    "md": Format("md", ".md", _markdown),
    "dot": Format("dot", ".dot", _dot),
}
BY_EXTENSION = {f.extension: f.name for f in FORMATS.values()} | {
    ".htm": "html",
    ".mermaid": "mermaid",
    ".markdown": "md",
    ".gv": "dot",
}
INDEX = "index.html"


@dataclass(frozen=True)
class RenderRequest:
    """What `cjm render` was asked for."""

    formats: tuple[str, ...] = ()  # empty: inferred from the output file's extension, else html
    output: str | None = None
    evidence: str | None = None
    diff: str | None = None
    page: str = "A3"  # the paper of -f pdf: A4, A3, A2 or letter, landscape
    lang: str | None = None  # --lang: the labels' language for every journey, instead of each journey's `lang`


@dataclass(frozen=True)
class Output:
    """One rendered output: a file to write, or standard output when ``path`` is None."""

    path: Path | None
    data: str | bytes
    source: str
    notes: tuple[str, ...] = ()  # warnings for the person rendering (e.g. a language cjm has no labels for)


@dataclass(frozen=True)
class Written:
    """A file the run wrote, and whether its bytes changed."""

    path: Path
    changed: bool
    source: str


def check_request(request: RenderRequest) -> None:
    """Refuse a --page or --lang that cannot be drawn, before anything is read."""
    import re

    from cjm.model import LANG_PATTERN
    from cjm.render.printed import PAGES

    if request.page not in PAGES:
        raise ConfigError(f"--page: unknown paper '{request.page}'; choose from: {', '.join(PAGES)}")
    if request.lang is not None and not re.match(LANG_PATTERN, request.lang):
        raise ConfigError(f"--lang: '{request.lang}' is not a language tag; write e.g. it, en-GB or de-CH")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """The formats of ``-f html,svg``; an unknown one is a ConfigError listing the choices."""
    if not text:
        return ()
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    for name in names:
        if name not in FORMATS:
            raise ConfigError(f"unknown format '{name}'; choose from: {', '.join(FORMATS)}")
    return names


def _inferred(output: str) -> str | None:
    """The format a file name asks for by its extension (the longest that matches: map.flow.pdf is flow-pdf)."""
    name = Path(output).name.lower()
    matches = [ext for ext in BY_EXTENSION if name.endswith(ext) and len(name) > len(ext)]
    return BY_EXTENSION[max(matches, key=len)] if matches else None


def _is_file_target(output: str) -> bool:
    return not output.endswith(("/", "\\")) and not Path(output).is_dir() and _inferred(output) is not None


def _stream_formats(request: RenderRequest, inputs: int) -> tuple[str, ...]:
    """The one format written into ``-o`` when it is a device, a FIFO or /dev/stdout (no extension to infer)."""
    from cjm.output import is_stream

    output = request.output or ""
    if not is_stream(output):
        return ()
    formats = request.formats or ("html",)
    if inputs > 1 or len(formats) > 1:
        raise ConfigError(f"-o {output} is a stream: it takes one journey in one format")
    return formats


def resolve_formats(request: RenderRequest, inputs: int) -> tuple[tuple[str, ...], Path | None, bool]:
    """(formats, output path, whether it is a folder) for a run over ``inputs`` journeys."""
    output = request.output
    streamed = _stream_formats(request, inputs) if output else ()
    if output and streamed:
        return streamed, Path(output), False
    if output and _is_file_target(output):
        inferred = _inferred(output) or "html"
        formats = request.formats or (inferred,)
        if inputs > 1:
            raise ConfigError(f"-o {output} is a file but {inputs} journeys were given; pass a folder to -o")
        if len(formats) > 1:
            raise ConfigError(f"-o {output} is one file but {len(formats)} formats were asked for; pass a folder")
        if FORMATS[inferred].extension.rsplit(".", 1)[1] != FORMATS[formats[0]].extension.rsplit(".", 1)[1]:
            raise ConfigError(f"-o {output} has a {Path(output).suffix} extension but the format is {formats[0]}")
        return formats, Path(output), False
    formats = request.formats or ("html",)
    if output:
        return formats, Path(output), True
    if inputs > 1:
        raise ConfigError(f"{inputs} journeys were given: pass -o FOLDER to write them (e.g. -o site/)")
    if len(formats) > 1:
        raise ConfigError("several formats need -o FOLDER (standard output takes one)")
    if FORMATS[formats[0]].binary:
        raise ConfigError(f"{formats[0]} is binary: write it to a file with -o map.{formats[0]}")
    return formats, None, False


def child(folder: Path, name: str) -> Path:
    """``folder/name``, refusing any name that would land outside ``folder``."""
    target = folder / name
    if Path(name).name != name or name in ("", ".", "..") or not target.resolve().is_relative_to(folder.resolve()):
        raise InputError(f"refusing to write '{name}' outside the output folder {folder}")
    return target


@dataclass(frozen=True)
class Skipped:
    """A journey a multi-file render could not draw, and why; the other pages are still written."""

    path: str
    reason: str


def load_all(files: list[str], workspace: Workspace) -> tuple[list[tuple[str, Journey]], list[Skipped]]:
    """Load every journey. One file: an invalid one stops the run. Several: it is skipped and said.

    Ids must be unique: two journeys with one id would write one page, so that stops the run (CJM022).
    """
    journeys: list[tuple[str, Journey]] = []
    skipped: list[Skipped] = []
    for path in files:
        try:
            journeys.append((path, workspace.journey(path, ", so it cannot be drawn")))
        except InputError as exc:
            if len(files) == 1:
                raise
            skipped.append(Skipped(path, str(exc)))
    if not journeys:
        raise InputError(f"no journey could be drawn:\n  {skipped[0].reason}" if skipped else "no journey to draw")
    seen: dict[str, str] = {}
    for path, journey in journeys:
        if journey.id in seen:
            raise InputError(
                f"{path}: journey id '{journey.id}' is also the id of {seen[journey.id]}; ids must be unique "
                "(cjm validate reports it as CJM022)"
            )
        seen[journey.id] = path
    return journeys, skipped


def overlays(
    request: RenderRequest,
    journeys: list[tuple[str, Journey]],
    workspace: Workspace,
    report: EvidenceReport | None = None,
) -> dict[str, Overlay]:
    """The evidence and diff overlays of the journeys they apply to, by journey id.

    ``report`` is the ``--evidence`` report, read once by the caller (the site index weighs its backlog by it too).
    """
    out: dict[str, Overlay] = {}
    if request.evidence and report is not None:
        from cjm.render.overlay import evidence_overlay

        match = [j for _, j in journeys if j.id == report.run.map]
        if not match:
            ids = ", ".join(j.id for _, j in journeys)
            raise InputError(f"{request.evidence}: the evidence report is for map '{report.run.map}', not {ids}")
        path = next(p for p, j in journeys if j.id == report.run.map)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        out[report.run.map] = evidence_overlay(report, match[0], request.evidence, digest)
    if request.diff:
        from cjm.render.changes import diff_overlay

        if len(journeys) != 1:
            raise ConfigError("--diff compares one journey: pass exactly one journey file")
        path, journey = journeys[0]
        out[journey.id] = out.get(journey.id, NO_OVERLAY).merged(diff_overlay(request.diff, path, journey, workspace))
    return out


def render_all(
    files: list[str],
    request: RenderRequest,
    workspace: Workspace,
    on_file: Callable[[str], None] | None = None,
) -> tuple[list[Output], list[Skipped]]:
    """Render every journey in every asked format, plus the site index in a folder; nothing is written here.

    Journeys that could not be loaded (in a run over several) are returned as skipped, not drawn.
    """
    check_request(request)
    formats, target, folder = resolve_formats(request, len(files))
    if (request.evidence or request.diff) and not all(FORMATS[f].overlays for f in formats):
        raise ConfigError("--evidence and --diff are drawn on the html map only: use -f html")
    journeys, skipped = load_all(files, workspace)
    if request.lang:  # checked by check_request: the labels' language, the map's own text unchanged
        journeys = [(path, journey.model_copy(update={"lang": request.lang})) for path, journey in journeys]
    site = bool(folder and target and "html" in formats)
    for path, journey in journeys:
        if site and journey.id + FORMATS["html"].extension == INDEX:  # the index would overwrite the map
            raise InputError(
                f"{path}: the journey id '{journey.id}' would make its map {INDEX}, which is the site's index page; "
                f"rename the id, or render this journey to a file (-o {journey.id}-map.html)"
            )
    report = None
    if request.evidence:
        from cjm.render.overlay import load_evidence

        report = load_evidence(request.evidence)
    extra = overlays(request, journeys, workspace, report)
    outputs: list[Output] = []
    for path, journey in journeys:
        notes = _notes(path, journey)
        for name in formats:
            fmt = FORMATS[name]
            data = fmt.draw(journey, extra.get(journey.id, NO_OVERLAY), request)
            if isinstance(data, bytes) and not fmt.binary:
                data = data.decode("utf-8")  # SVG is text: it may go to standard output
            where = child(target, journey.id + fmt.extension) if folder and target else target
            outputs.append(Output(where, data, path, notes + _shrunk(path, name, data)))
        if on_file:
            on_file(path)
    if site and target:
        from cjm.render.site import reach_by_journey, render_index

        reach = reach_by_journey(report) if report else {}
        index = render_index([j for _, j in journeys], workspace.catalogs.lifecycle, reach)
        outputs.append(Output(child(target, INDEX), index, ""))
    return outputs, skipped


def _notes(path: str, journey: Journey) -> tuple[str, ...]:
    from cjm.render.i18n import unsupported_language

    warning = unsupported_language(journey.lang)
    return (f"{path}: {warning}",) if warning else ()


PNG_LIMIT = 32767  # Graphviz's largest bitmap side: a wider flow is scaled down to it


def _shrunk(path: str, name: str, data: str | bytes) -> tuple[str, ...]:
    """A warning when Graphviz shrank a flow PNG to its bitmap limit (it says so on stderr only)."""
    if name != "flow-png" or not isinstance(data, bytes) or data[12:16] != b"IHDR":
        return ()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if PNG_LIMIT not in (width, height):
        return ()
    return (
        f"{path}: the flow is too long for one PNG ({PNG_LIMIT:,} pixels at most), so Graphviz shrank it to fit; "
        "-f flow-svg or flow-pdf keep it full size, and -f png draws the map itself in pages",
    )


def notes(outputs: list[Output]) -> list[str]:
    """Every warning of a run, once each, in order."""
    return list(dict.fromkeys(note for output in outputs for note in output.notes))


def write_outputs(outputs: list[Output]) -> list[Written]:
    """Write each file output atomically; a file whose bytes are unchanged is left untouched."""
    from cjm.output import unchanged, write_atomic

    written = []
    for output in outputs:
        if output.path is None:
            continue
        data = output.data.encode("utf-8") if isinstance(output.data, str) else output.data
        same = unchanged(output.path, data)
        if not same:
            write_atomic(output.path, data)
        written.append(Written(output.path, not same, output.source))
    return written
