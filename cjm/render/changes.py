"""The visual diff: highlights on the new map derived from cjm.diff's Change list, and the old emotion curve."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from cjm.model import Journey
from cjm.render.overlay import Overlay

if TYPE_CHECKING:
    from cjm.workspace import Workspace

ADDED, CHANGED = " cjm-diff-added", " cjm-diff-changed"
MARKED = ("stage", "action", "touchpoint", "backstage", "pain_point", "opportunity")
DIFF_LEGEND = (
    ("cjm-diff-added", "Added"),
    ("cjm-diff-changed", "Changed"),
    ("cjm-swatch-old", "Previous emotion curve"),
)


def read_old(spec: str, new_path: str, workspace: Workspace) -> tuple[str, Journey]:
    """The old version: a journey file, ``REV:path``, or a bare git revision of the new file.

    A version from git is read against the catalogs of its own revision.
    """
    from cjm import git

    if not Path(spec).exists() and ":" not in spec:
        root = git.repository_root()
        spec = f"{spec}:{Path(os.path.relpath(Path(new_path).resolve(), root)).as_posix()}"
    return spec, workspace.journey(spec, ", so the changes cannot be drawn")


def diff_overlay(spec: str, new_path: str, new: Journey, workspace: Workspace) -> Overlay:
    """The overlay that highlights what changed in ``new`` since the version ``spec`` names."""
    from cjm.diff import diff_journeys

    display, old = read_old(spec, new_path, workspace)
    changes = diff_journeys(old, new)
    stage_of = {a.id: s.id for s, a in new.actions()}
    stage_ids = {s.id for s in new.stages}
    marks: dict[tuple[str, str], str] = {}
    notes: dict[str, list[str]] = {}
    banner: list[str] = []
    renamed_ids: dict[str, str] = {}
    for change in changes:
        if change.op == "renamed" and change.field == "id":
            renamed_ids[str(change.old)] = str(change.new)
        if change.op == "removed":
            name = _name(change.old) or change.id
            where = change.parent if change.parent in stage_ids else stage_of.get(change.parent or "")
            line = f"Removed {change.entity.replace('_', ' ')}: {name}"
            if where:
                notes.setdefault(where, []).append(line)
            else:
                banner.append(line)
        elif change.entity in MARKED:
            mark = ADDED if change.op == "added" else CHANGED
            key = (change.entity, change.id)
            if marks.get(key) != ADDED:
                marks[key] = mark
        else:
            what = f"{change.entity} {change.field}" if change.field else change.entity
            banner.append(f"{change.op.capitalize()}: {what}")
    old_emotions = {renamed_ids.get(a.id, a.id): a.emotion for _, a in old.actions() if a.emotion is not None}
    ops = Counter(c.op for c in changes)
    impacts = Counter(c.impact for c in changes)
    counted = " · ".join(f"{n} {op}" for op, n in sorted(ops.items())) or "no changes"
    summary = [("Compared with", display), ("Changes", counted)]
    if changes:
        summary.append(("For the customer", f"{impacts['positive']} better · {impacts['negative']} worse"))
    return Overlay(
        stage_notes={k: tuple(v) for k, v in notes.items()},
        marks=marks,
        old_emotions=old_emotions,
        summary=tuple(summary),
        banner=tuple(banner),
        legend=DIFF_LEGEND,
    )


def _name(value: object) -> str:
    if isinstance(value, dict):
        for key in ("name", "title", "text"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return value if isinstance(value, str) else ""
