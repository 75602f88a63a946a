"""Where a validate run's reports go: ``-F FMT[=FILE]`` entries and ``-o FILE``, each format written once.

As ruff and Spectral do it: one pass of validation, several reports. An entry
without ``=FILE`` goes to standard output (or to ``-o FILE`` when given); at
most one entry may go there. ``FMT=-`` names standard output too. Files are
written atomically through :func:`cjm.output.write_atomic`, with its refusals
(a directory, a symbolic link, a socket).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from cjm.diagnostics import Report
from cjm.discovery import is_journey_name
from cjm.errors import ConfigError
from cjm.output import write_atomic
from cjm.reporters import REPORTERS, ReportOptions


@dataclass(frozen=True)
class Destination:
    """One report of a run: its format and its file (None: standard output)."""

    format: str
    path: str | None = None


def parse_destinations(
    entries: Sequence[str], output: str | None, default: str, known: Collection[str] = tuple(REPORTERS)
) -> tuple[Destination, ...]:
    """The reports ``-F`` entries and ``-o`` ask for, or a ConfigError that says what is wrong with them."""
    parsed = [_entry(entry, known) for entry in entries] or [Destination(default)]
    to_stdout = [d for d in parsed if d.path is None]
    if len(to_stdout) > 1:
        names = " and ".join(f"'{d.format}'" for d in to_stdout)
        raise ConfigError(
            f"--format {names} would both write to standard output: give all but one a file, "
            f"as in -F {to_stdout[-1].format}=FILE"
        )
    if output is not None:
        if not to_stdout:
            raise ConfigError(
                f"-o {output} names the file of the --format given without '=FILE', but every --format has its own"
            )
        parsed = [replace(d, path=output) if d.path is None else d for d in parsed]
    _no_repeats(parsed)
    return tuple(parsed)


def refuse_inputs(destinations: Sequence[Destination], inputs: Sequence[str]) -> None:
    """A ConfigError when a report would overwrite a journey file: one named as input, or any *.journey.yaml."""
    named = {os.path.realpath(p) for p in inputs if p != "-" and os.path.isfile(p)}
    for d in destinations:
        if d.path is None:
            continue
        if os.path.realpath(d.path) in named or is_journey_name(d.path):
            raise ConfigError(
                f"{d.path}: is a journey file; the {d.format} report would replace it (name another file)"
            )


def _entry(entry: str, known: Collection[str]) -> Destination:
    name, sep, path = entry.partition("=")
    name = name.strip()
    if name not in known:
        raise ConfigError(f"unknown format '{name}' in --format {entry}; choose from: {', '.join(known)}")
    if sep and not path:
        raise ConfigError(f"--format {entry}: no file after '='; write FMT=FILE, or FMT alone for standard output")
    return Destination(name, None if not sep or path == "-" else path)


def _no_repeats(destinations: Sequence[Destination]) -> None:
    formats: set[str] = set()
    files: dict[str, str] = {}
    for d in destinations:
        if d.format in formats:
            raise ConfigError(f"--format {d.format} is given twice; each format is written once per run")
        formats.add(d.format)
        if d.path is not None:
            key = os.path.abspath(d.path)
            if key in files:
                raise ConfigError(f"{d.path}: both the {files[key]} and the {d.format} report would be written there")
            files[key] = d.format


def write_reports(
    report: Report,
    destinations: Sequence[Destination],
    options_for: Callable[[Destination], ReportOptions],
    stdout: TextIO,
) -> None:
    """Write ``report`` once per destination: files first (atomically, never coloured), then standard output."""
    for d in destinations:
        if d.path is None:
            continue
        buffer = io.StringIO()
        REPORTERS[d.format](report, buffer, replace(options_for(d), colour=False))
        write_atomic(d.path, buffer.getvalue())
    for d in destinations:
        if d.path is None:
            REPORTERS[d.format](report, stdout, options_for(d))
