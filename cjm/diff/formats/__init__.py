"""Diff formatters: each turns a DiffReport into text; the registry is this dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cjm.diff.report import DiffReport

Formatter = Callable[[DiffReport, bool], str]  # (report, colour) -> text


def _text(report: DiffReport, colour: bool) -> str:
    from cjm.diff.formats.text import format_text

    return format_text(report, colour)


def _json(report: DiffReport, colour: bool) -> str:
    from cjm.diff.formats.json import format_json

    return format_json(report)


def _markdown(report: DiffReport, colour: bool) -> str:
    from cjm.diff.formats.markdown import format_markdown

    return format_markdown(report)


FORMATS: Mapping[str, Formatter] = {"text": _text, "json": _json, "markdown": _markdown, "md": _markdown}
