"""One `cjm report` run: the valid journeys the paths name, read through the workspace, and the table asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cjm.discovery import JOURNEY_SUFFIXES, discover
from cjm.errors import ConfigError, InputError
from cjm.model import Journey
from cjm.portfolio.backlog import Reach
from cjm.portfolio.formats import FORMATS, REPORTS
from cjm.workspace import Workspace


@dataclass(frozen=True)
class ReportRun:
    """The report text, and the journey files left out of it because they are not valid (path, reason)."""

    text: str
    skipped: tuple[tuple[str, str], ...]


def load_journeys(paths: list[str], workspace: Workspace) -> tuple[list[Journey], list[tuple[str, str]]]:
    """The valid journeys ``paths`` name (the workspace's include patterns when none), and the files left out."""
    if "-" in paths:
        raise InputError("report reads journey files, not standard input: pass files or folders")
    catalogs = {os.path.abspath(f) for f in workspace.catalogs.files}
    files = [f for f in discover(paths, workspace.config) if os.path.abspath(f) not in catalogs]
    if not files:
        where = ", ".join(paths) if paths else "the workspace include patterns"
        raise InputError(f"no journey files found in {where}; journey files end in {' or '.join(JOURNEY_SUFFIXES)}")
    journeys: list[Journey] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            journeys.append(workspace.journey(path, ", so it is left out of the report"))
        except InputError as exc:
            skipped.append((path, str(exc)))
    if not journeys:
        raise InputError(f"no valid journey to report on:\n  {skipped[0][1]}")
    return journeys, skipped


def run_report(
    name: str, paths: list[str], fmt: str, workspace: Workspace, evidence: Mapping[str, Reach] | None = None
) -> ReportRun:
    """The ``name`` report (opportunities, pains, owners) of the journeys ``paths`` name, in format ``fmt``."""
    if name not in REPORTS:
        raise ConfigError(f"unknown report '{name}'; choose from: {', '.join(REPORTS)}")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format '{fmt}'; choose from: {', '.join(FORMATS)}")
    journeys, skipped = load_journeys(paths, workspace)
    table = REPORTS[name](journeys, evidence or {})
    return ReportRun(FORMATS[fmt](table), tuple(skipped))
