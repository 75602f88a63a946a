"""Reporters turn a Report into text on a stream; the registry is this dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TextIO

from cjm.diagnostics import Report

Reporter = Callable[[Report, TextIO], None]


def _text(report: Report, stream: TextIO) -> None:
    from cjm.reporters.text import report_text

    report_text(report, stream)


def _json(report: Report, stream: TextIO) -> None:
    from cjm.reporters.json import report_json

    report_json(report, stream)


REPORTERS: Mapping[str, Reporter] = {"text": _text, "json": _json}
