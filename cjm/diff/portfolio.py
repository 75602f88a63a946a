"""What a change set does to the portfolio: journeys added or retired, status changes, opportunities added or
resolved, across every file of a ``cjm diff --base`` run; one line for the headline of the PR comment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cjm.diff.report import DiffReport
from cjm.entities import walk


@dataclass(frozen=True)
class PortfolioChanges:
    """The portfolio-level facts of a diff, each list in the report's file order (titles as they are now)."""

    added: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()  # deleted, or set to status: retired
    statuses: tuple[tuple[str, str, str], ...] = ()  # (title, old status, new status); "none" when absent
    opportunities_added: int = 0
    opportunities_resolved: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The facts as JSON values."""
        return {
            "journeys_added": list(self.added),
            "journeys_retired": list(self.retired),
            "status_changes": [{"journey": t, "old": o, "new": n} for t, o, n in self.statuses],
            "opportunities_added": self.opportunities_added,
            "opportunities_resolved": self.opportunities_resolved,
        }


def portfolio_changes(report: DiffReport) -> PortfolioChanges:
    """Gather the portfolio facts of every file of the report.

    A new journey file's opportunities count as added; a deleted file's are not counted as resolved
    (the journey is retired, its ideas are not done).
    """
    added: list[str] = []
    retired: list[str] = []
    statuses: list[tuple[str, str, str]] = []
    opp_added = opp_resolved = 0
    for diff in report.files:
        if diff.status == "added" and diff.new is not None:
            added.append(diff.title)
            opp_added += sum(1 for e in walk(diff.new) if e.kind == "opportunity")
            continue
        if diff.status == "removed":
            retired.append(diff.title)
            continue
        old = (diff.old.status if diff.old else None) or "none"
        new = (diff.new.status if diff.new else None) or "none"
        if old != new:
            statuses.append((diff.title, old, new))
            if new == "retired":
                retired.append(diff.title)
        opp_added += sum(1 for c in diff.changes if c.entity == "opportunity" and c.op == "added")
        opp_resolved += sum(1 for c in diff.changes if c.entity == "opportunity" and c.op == "removed")
    return PortfolioChanges(tuple(added), tuple(retired), tuple(statuses), opp_added, opp_resolved)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def portfolio_line(report: DiffReport) -> str:
    """One sentence: "Portfolio: 1 journey added (A); 1 retired (B); C draft → validated; 2 opportunities added";
    empty when nothing portfolio-wide changed or the report is not of a ``--base`` run."""
    if report.base is None:
        return ""
    changes = portfolio_changes(report)
    parts = []
    if changes.added:
        parts.append(f"{_count(len(changes.added), 'journey', 'journeys')} added ({', '.join(changes.added)})")
    if changes.retired:
        parts.append(f"{len(changes.retired)} retired ({', '.join(changes.retired)})")
    parts.extend(f"{title} {old} → {new}" for title, old, new in changes.statuses if new != "retired")
    opportunities = [
        f"{_count(n, 'opportunity', 'opportunities')} {verb}"
        for n, verb in ((changes.opportunities_added, "added"), (changes.opportunities_resolved, "resolved"))
        if n
    ]
    if opportunities:
        parts.append(", ".join(opportunities))
    return "Portfolio: " + "; ".join(parts) if parts else ""
