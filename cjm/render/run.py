"""One `cjm render` run, and `--watch`: discover inputs, render, write atomically, say what changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cjm.discovery import JOURNEY_SUFFIXES, discover, is_journey_name
from cjm.errors import CjmError, InputError
from cjm.escape import visible
from cjm.render import Output, RenderRequest, Skipped, Written, notes, render_all, write_outputs
from cjm.reporters.progress import Progress, no_progress
from cjm.workspace import Workspace

if TYPE_CHECKING:
    import threading

PROGRESS_FROM = 5  # files; fewer render too fast for a bar to help
Say = Callable[[str], None]


def inputs(paths: list[str], workspace: Workspace) -> list[str]:
    """The journey files ``paths`` name; none at all is an InputError (a render that draws nothing is a mistake)."""
    if "-" in paths:
        raise InputError("render reads journey files, not standard input: pass a file or a folder")
    files = discover(paths, workspace.config)
    catalogs = {os.path.abspath(f) for f in workspace.catalogs.files}
    files = [f for f in files if os.path.abspath(f) not in catalogs]
    if not files:
        where = ", ".join(paths) if paths else "the workspace include patterns"
        raise InputError(f"no journey files found in {where}; journey files end in {' or '.join(JOURNEY_SUFFIXES)}")
    return files


def render_once(
    paths: list[str], request: RenderRequest, workspace: Workspace, progress: Progress = no_progress
) -> tuple[list[Output], list[Written], list[Skipped]]:
    """Render and write every output; returns the outputs, what was written to disk and the journeys skipped.

    ``progress`` hears of each rendered file when there are many (the command line passes a terminal bar).
    """
    files = inputs(paths, workspace)
    bar = progress if len(files) >= PROGRESS_FROM else no_progress
    with bar(len(files), "rendering") as tick:
        outputs, skipped = render_all(files, request, workspace, lambda path: tick(Path(path).name))
    return outputs, write_outputs(outputs), skipped


def summary(written: list[Written]) -> str:
    """One line for stderr: what the run wrote."""
    changed = [w for w in written if w.changed]
    if not written:
        return ""
    if len(written) == 1:
        return f"Wrote {visible(str(written[0].path))}" + ("" if changed else " (unchanged)")
    folders = sorted({visible(str(w.path.parent)) for w in written})
    return f"Wrote {len(written)} files to {', '.join(folders)} ({len(changed)} changed)"


def watch(
    paths: list[str], request: RenderRequest, workspace: Workspace, say: Say, stop: threading.Event | None = None
) -> int:
    """Re-render whenever an input journey, a catalog (or the evidence report) is saved, until interrupted."""
    from watchfiles import Change
    from watchfiles import watch as watch_files

    named = [p for p in paths if Path(p).exists()]
    if request.evidence:
        named.append(request.evidence)
    say(f"Watching {', '.join(visible(p) for p in named)} for changes (Ctrl-C to stop)")
    # Folders, never files: many editors save by writing a new file and renaming it over the old one,
    # which ends a watch on the old file. A named file is watched through its folder and the filter.
    roots = list(dict.fromkeys(p if Path(p).is_dir() else str(Path(p).resolve().parent) for p in named))
    evidence = Path(request.evidence).resolve() if request.evidence else None

    def relevant(change: Change, path: str) -> bool:
        return is_journey_name(path) or Path(path).resolve() in explicit

    explicit = {Path(p).resolve() for p in [*paths, *workspace.catalogs.files] if Path(p).is_file()}
    if evidence:
        explicit.add(evidence)
    roots.extend(
        str(Path(f).resolve().parent)
        for f in workspace.catalogs.files
        if not any(Path(f).resolve().is_relative_to(Path(r).resolve()) for r in roots)
    )
    roots = list(dict.fromkeys(roots))
    for changes in watch_files(*roots, watch_filter=relevant, stop_event=stop, raise_interrupt=False, debounce=300):
        edited = sorted({visible(str(Path(path).relative_to(Path.cwd())) if Path(path).is_relative_to(Path.cwd())
                                 else path) for _, path in changes})  # fmt: skip
        try:
            workspace = workspace.reloaded()
            outputs, written, skipped = render_once(paths, request, workspace)
        except CjmError as exc:
            say(f"{', '.join(edited)} changed; not rendered: {visible(str(exc))}")
            continue
        redrawn = [visible(str(w.path)) for w in written if w.changed]
        say(f"{', '.join(edited)} changed -> " + (f"rewrote {', '.join(redrawn)}" if redrawn else "no output changed"))
        for item in skipped:
            say(f"  skipped {visible(item.path)}: {visible(item.reason.splitlines()[0])}")
        for note in notes(outputs):
            say(f"  warning: {visible(note)}")
    return 0
