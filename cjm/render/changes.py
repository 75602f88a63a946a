"""The visual diff: highlights on the new map derived from cjm.diff's Change list, and the old emotion curve."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from cjm.model import Journey
from cjm.render.i18n import N_, _, language, ngettext, speaking
from cjm.render.overlay import Overlay

if TYPE_CHECKING:
    from cjm.workspace import Workspace

ADDED, CHANGED = " cjm-diff-added", " cjm-diff-changed"
MARKED = ("stage", "action", "touchpoint", "backstage", "pain_point", "opportunity")
DIFF_LEGEND = (
    ("cjm-diff-added", N_("Added")),
    ("cjm-diff-changed", N_("Changed")),
    ("cjm-swatch-old", N_("Previous emotion curve")),
)
# What a change is about, as the map's reader says it (cjm.diff's entity kinds)
ENTITIES = {
    "journey": N_("journey"), "scope": N_("scope"), "persona": N_("persona"), "stage": N_("stage"),
    "action": N_("action"), "touchpoint": N_("touchpoint"), "backstage": N_("backstage process"),
    "pain_point": N_("pain point"), "opportunity": N_("opportunity"), "metric": N_("metric"),
}  # fmt: skip
OPS = {"added": N_("Added"), "removed": N_("Removed"), "changed": N_("Changed"), "renamed": N_("Renamed"),
       "moved": N_("Moved"), "reordered": N_("Reordered")}  # fmt: skip


def _entity(kind: str) -> str:
    return _(ENTITIES[kind]) if kind in ENTITIES else kind.replace("_", " ")


def _counted(op: str, n: int) -> str:
    """'3 added', in the map's language (each operation its own message, so a translation can agree with it)."""
    forms = {
        "added": ngettext("%(n)s added", "%(n)s added", n),
        "removed": ngettext("%(n)s removed", "%(n)s removed", n),
        "changed": ngettext("%(n)s changed", "%(n)s changed", n),
        "renamed": ngettext("%(n)s renamed", "%(n)s renamed", n),
        "moved": ngettext("%(n)s moved", "%(n)s moved", n),
        "reordered": ngettext("%(n)s reordered", "%(n)s reordered", n),
    }
    return forms.get(op, f"%(n)s {op}") % {"n": n}


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
    """The overlay that highlights what changed in ``new`` since the version ``spec`` names, in its language."""
    display, old = read_old(spec, new_path, workspace)
    with speaking(language(new.lang)):
        return _diff_overlay(display, old, new)


def _diff_overlay(display: str, old: Journey, new: Journey) -> Overlay:
    from cjm.diff import diff_journeys

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
            line = _("Removed %(what)s: %(name)s") % {"what": _entity(change.entity), "name": name}
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
            what = f"{_entity(change.entity)} {change.field}" if change.field else _entity(change.entity)
            op = _(OPS[change.op]) if change.op in OPS else change.op.capitalize()
            banner.append(_("%(op)s: %(what)s") % {"op": op, "what": what})
    old_emotions = {renamed_ids.get(a.id, a.id): a.emotion for _, a in old.actions() if a.emotion is not None}
    ops = Counter(c.op for c in changes)
    impacts = Counter(c.impact for c in changes)
    counted = " · ".join(_counted(op, n) for op, n in sorted(ops.items())) or _("no changes")
    summary = [(_("Compared with"), display), (_("Changes"), counted)]
    if changes:
        verdict = _("%(better)s better · %(worse)s worse") % {
            "better": impacts["positive"],
            "worse": impacts["negative"],
        }
        summary.append((_("For the customer"), verdict))
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
