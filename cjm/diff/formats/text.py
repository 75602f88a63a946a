"""The terminal diff: per file a headline, then the changes grouped by stage with impact marks."""

from __future__ import annotations

from cjm.diff.describe import Labels, describe, headline
from cjm.diff.portfolio import portfolio_line
from cjm.diff.report import DiffReport, FileDiff
from cjm.escape import visible as safe

_MARKS = {"positive": ("+", "32"), "negative": ("-", "31"), "neutral": ("·", "2")}


def _style(on: bool, code: str, text: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def grouped(diff: FileDiff, labels: Labels) -> list[tuple[str | None, list[int]]]:
    """Change indexes grouped by stage: journey-wide first, then stages in journey order."""
    groups: dict[str | None, list[int]] = {}
    for i, change in enumerate(diff.changes):
        groups.setdefault(labels.stage(change), []).append(i)
    order = {s: n for n, s in enumerate(labels.stage_order)}
    return sorted(groups.items(), key=lambda g: -1 if g[0] is None else order.get(g[0], len(order)))


def _file(diff: FileDiff, colour: bool) -> list[str]:
    labels = Labels.of(diff.old, diff.new)
    both = diff.old_path and diff.new_path and not diff.old_path.endswith((f":{diff.new_path}", diff.new_path))
    where = f"{diff.old_path} → {diff.new_path}" if both else diff.path
    lines = [_style(colour, "1", f"{safe(where)} ({diff.status}): {safe(diff.title)}"), f"  {safe(headline(diff))}"]
    for stage, indexes in grouped(diff, labels):
        if diff.status in ("added", "removed"):
            break
        lines.append("")
        lines.append("  " + _style(colour, "1", "Journey-wide" if stage is None else safe(labels.name("stage", stage))))
        for i in indexes:
            change = diff.changes[i]
            mark, code = _MARKS[change.impact]
            lines.append(f"    {_style(colour, code, mark)} {safe(describe(change, labels))}")
    return lines


def format_text(report: DiffReport, colour: bool) -> str:
    """Every file's changes as terminal text; colour only when asked."""
    if not report.files:
        since = f" since {report.base}" if report.base else ""
        return f"No journey files changed{since}.\n"
    blocks = ["\n".join(_file(diff, colour)) for diff in report.files]
    portfolio = portfolio_line(report)
    if portfolio:
        blocks.insert(0, safe(portfolio))
    total = len(report.changes)
    tail = (
        f"{total} change{'s' if total != 1 else ''} in {len(report.files)} file{'s' if len(report.files) != 1 else ''}."
    )
    return "\n\n".join(blocks) + ("\n\n" + tail if len(report.files) > 1 else "") + "\n"
