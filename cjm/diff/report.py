"""Diff results as values: one FileDiff per compared file, gathered in a DiffReport."""

from __future__ import annotations

from dataclasses import dataclass

from cjm.diff import diff_journeys
from cjm.diff.change import Change
from cjm.diff.match import own_value
from cjm.diff.summary import Summary, summarize
from cjm.model import Journey

STATUSES = ("modified", "added", "removed", "renamed")


@dataclass(frozen=True)
class FileDiff:
    """The changes between two versions of one journey file; a side is None when the file is new or deleted."""

    status: str
    old_path: str | None
    new_path: str | None
    old: Journey | None
    new: Journey | None
    changes: tuple[Change, ...]
    summary: Summary

    @property
    def path(self) -> str:
        """The path a reader knows the file by (the new one, or the old one for a deleted file)."""
        return self.new_path or self.old_path or ""

    @property
    def title(self) -> str:
        """The journey's title, as it is now (or was, for a deleted file)."""
        journey = self.new or self.old
        return journey.title if journey else self.path


@dataclass(frozen=True)
class DiffReport:
    """Everything one ``cjm diff`` run compared; ``base`` is the revision of a ``--base`` run."""

    files: tuple[FileDiff, ...]
    base: str | None = None

    @property
    def changes(self) -> tuple[Change, ...]:
        """Every change of every file."""
        return tuple(c for f in self.files for c in f.changes)


def diff_file(
    old: Journey | None, new: Journey | None, old_path: str | None, new_path: str | None, status: str = "modified"
) -> FileDiff:
    """Compare two versions of a file; a new or deleted file is one journey-level change, not one per line."""
    if old is not None and new is not None:
        changes = diff_journeys(old, new)
    elif new is not None:
        changes, status = [Change("added", "journey", new.id, None, None, None, _outline(new))], "added"
    elif old is not None:
        changes, status = [Change("removed", "journey", old.id, None, None, _outline(old))], "removed"
    else:
        raise ValueError("diff_file needs at least one version")
    return FileDiff(status, old_path, new_path, old, new, tuple(changes), summarize(changes, old, new))


def _outline(journey: Journey) -> dict[str, object]:
    """A whole journey as one value: its own fields and its size."""
    return {**own_value("journey", journey), "stages": len(journey.stages), "actions": len(journey.actions())}
