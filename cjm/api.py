"""The Python API: load, validate, render, diff and check evidence from Python, as the commands do.

Thin, typed functions over the same code the ``cjm`` command runs, with the
same workspace rules (``cjm.toml`` and catalogs found upward from the file).
Stable names; everything else in the package is internal. Each function
imports what it needs when called, so ``import cjm.api`` is cheap. What
stops a call is a :class:`cjm.errors.CjmError` (``InputError`` for a file
that is missing or not a valid journey, ``ConfigError`` for a bad option or
configuration, ``DependencyError`` for a missing extra); findings are values.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from cjm.diagnostics import Diagnostic
    from cjm.diff.change import Change
    from cjm.evidence.model import EvidenceReport
    from cjm.model import Journey

__all__ = ["JourneyLike", "PathLike", "diff", "evidence", "load", "render", "validate"]

PathLike = Union[str, "os.PathLike[str]"]
JourneyLike = Union[str, "os.PathLike[str]", "Journey"]  # a path (or ``REV:path``), or a journey already loaded


def load(path: PathLike) -> Journey:
    """The valid journey at ``path`` (or ``REV:path`` in git), completed with its workspace's catalog definitions.

    Raises ``InputError`` naming the first error when the file is not a valid
    journey; :func:`validate` lists every finding.
    """
    from cjm.workspace import load_journey

    return load_journey(os.fspath(path))


def validate(
    paths: PathLike | Sequence[PathLike], *, config: PathLike | None = None, allow_empty: bool = False
) -> list[Diagnostic]:
    """Every finding for the journey files ``paths`` name (files or folders), sorted by file, line and column.

    As ``cjm validate``: syntax, schema, references, the lint rules the
    workspace's configuration (or ``config``) selects, and the checks across
    files. A path that matches no journey file raises ``InputError`` unless
    ``allow_empty``.
    """
    from cjm.validate.run import RunOptions, check
    from cjm.workspace import open_workspace

    names = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    workspace = open_workspace(names, os.fspath(config) if config is not None else None)
    return check(names, workspace, RunOptions(allow_empty=allow_empty, jobs=1)).diagnostics


def render(journey: JourneyLike, format: str = "html", page: str = "A3", lang: str | None = None) -> str | bytes:
    """The journey drawn in ``format``: html, md, mermaid or dot (text), svg and flow-svg (text), pdf and png
    (bytes: the map, printed by headless Chromium on ``page`` paper), flow-png and flow-pdf (bytes).

    ``lang`` draws the labels in that language instead of the journey's own ``lang``. The flow formats
    (svg, flow-*) need Graphviz's ``dot`` program; pdf and png need Chromium.
    """
    from cjm.errors import ConfigError
    from cjm.render import FORMATS, RenderRequest, check_request
    from cjm.render.overlay import NO_OVERLAY

    if format not in FORMATS:
        raise ConfigError(f"unknown format '{format}'; choose from: {', '.join(FORMATS)}")
    request = RenderRequest((format,), page=page, lang=lang)
    check_request(request)
    drawn_journey = _journey(journey)
    if lang:
        drawn_journey = drawn_journey.model_copy(update={"lang": lang})
    drawn = FORMATS[format].draw(drawn_journey, NO_OVERLAY, request)
    return drawn.decode("utf-8") if format == "svg" and isinstance(drawn, bytes) else drawn


def diff(old: JourneyLike, new: JourneyLike) -> list[Change]:
    """Every change from ``old`` to ``new``, matched by id, each rated for the customer (as ``cjm diff``)."""
    from cjm.diff import diff_journeys

    return diff_journeys(_journey(old), _journey(new))


def evidence(
    journey: PathLike,
    events: PathLike | Sequence[PathLike] = (),
    *,
    columns: str | None = None,
    mapping: PathLike | None = None,
    preset: str | None = None,
    gap_days: float | None = 90,
    window_days: float = 60,
    min_cases: int = 1,
    top_variants: int = 10,
) -> EvidenceReport:
    """The evidence report of a journey against an event log: what ``cjm evidence check -F json`` prints, typed.

    An :class:`cjm.evidence.model.EvidenceReport` (frozen pydantic models);
    ``report.model_dump(mode="json")`` is the JSON object.

    ``events`` are files or globs; ``columns`` (``case=...,time=...,event=...``),
    a ``mapping`` file or a ``preset`` say how to read them. ``gap_days=None``
    keeps one journey per customer. Needs the evidence extra
    (``pip install "cjm-cli[evidence]"``), else raises ``DependencyError``.
    """
    from cjm.errors import require_evidence_extra

    require_evidence_extra()
    from cjm.evidence.check import CheckOptions, run_check
    from cjm.evidence.tables import Settings

    files = [os.fspath(events)] if isinstance(events, (str, os.PathLike)) else [os.fspath(e) for e in events]
    options = CheckOptions(
        files,
        columns,
        os.fspath(mapping) if mapping is not None else None,
        preset,
        Settings(gap_days, window_days),
        min_cases,
        top_variants,
    )
    return run_check(os.fspath(journey), options).report


def _journey(value: JourneyLike) -> Journey:
    from cjm.model import Journey

    return value if isinstance(value, Journey) else load(value)
