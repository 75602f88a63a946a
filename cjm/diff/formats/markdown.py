"""The pull-request comment: marker, one-line summary, before/after table, changes by stage, curve, details."""

from __future__ import annotations

from collections.abc import Callable

from cjm.diff.describe import Labels, describe, emotion_text, headline, short
from cjm.diff.formats.chart import changed, curve, table
from cjm.diff.formats.text import grouped
from cjm.diff.portfolio import portfolio_line
from cjm.diff.report import DiffReport, FileDiff
from cjm.diff.summary import Snapshot
from cjm.escape import markdown_inline as md

MARKER = "<!-- cjm-diff -->"
LIMIT = 65_536  # GitHub's comment limit, in characters
_BUDGET = LIMIT - 1_536  # room for what a CI step adds around the comment
ICONS = {"positive": "🟢", "negative": "🔴", "neutral": "⚪"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _figures(old: Snapshot | None, new: Snapshot | None) -> list[str]:
    def cell(snap: Snapshot | None, get: Callable[[Snapshot], str]) -> str:
        return get(snap) if snap else "–"

    def pains(s: Snapshot) -> str:
        return " / ".join(str(n) for n in s.pain_points.values())

    rows = [
        ("Stages", lambda s: str(s.stages)),
        ("Actions", lambda s: str(s.actions)),
        ("Mean emotion", lambda s: emotion_text(s, "mean")),
        ("Lowest emotion", lambda s: emotion_text(s, "min")),
        ("Pain points (critical / high / medium / low)", pains),
    ]
    lines = ["| | Before | After |", "|---|--:|--:|"]
    lines += [f"| {label} | {cell(old, get)} | {cell(new, get)} |" for label, get in rows]
    before = {m.id: m for m in old.metrics} if old else {}
    after = {m.id: m for m in new.metrics} if new else {}
    for ident in [*after, *(i for i in before if i not in after)]:
        m = after.get(ident) or before[ident]
        target = f", target {short(m.target)}" if m.target is not None else ""
        label = md(f"{m.kind.upper()} · {m.name or m.id}{target}")
        old_v = short(before[ident].value) if ident in before else "–"
        new_v = short(after[ident].value) if ident in after else "–"
        lines.append(f"| {label} | {old_v} | {new_v} |")
    return lines


def _changes(diff: FileDiff, labels: Labels, cap: int | None) -> list[str]:
    lines: list[str] = []
    shown = 0
    for stage, indexes in grouped(diff, labels):
        if cap is not None and shown >= cap:
            break
        title = "Journey-wide" if stage is None else md(labels.name("stage", stage))
        lines += ["", f"**{title}**", "", "| | Change |", "|:-:|---|"]
        for i in indexes:
            if cap is not None and shown >= cap:
                break
            change = diff.changes[i]
            lines.append(f"| {ICONS[change.impact]} | {md(describe(change, labels))} |")
            shown += 1
    if shown < len(diff.changes):
        lines += ["", f"_… and {len(diff.changes) - shown} more; run `cjm diff` locally for all of them._"]
    return lines


def _details(diff: FileDiff) -> list[str]:
    lines = [
        "",
        f"<details><summary>All {_plural(len(diff.changes), 'change')} as data</summary>",
        "",
        "| Impact | Op | Entity | Id | Field | Before | After | Fingerprint |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in diff.changes:
        cells = [c.impact, c.op, c.entity, c.id, c.field or "", short(c.old, 60), short(c.new, 60)]
        lines.append("| " + " | ".join(md(str(v)) for v in cells) + f" | `{c.fingerprint}` |")
    return [*lines, "", "</details>"]


def _file(diff: FileDiff, level: int, several: bool) -> list[str]:
    """One file's section; higher levels drop detail to fit the comment limit."""
    labels = Labels.of(diff.old, diff.new)
    both = diff.old_path and diff.new_path and not diff.old_path.endswith((f":{diff.new_path}", diff.new_path))
    where = f"`{md(diff.old_path or '')}` → `{md(diff.new_path or '')}`" if both else f"`{md(diff.path)}`"
    status = f"{where} · {diff.status}" + (f" · **{md(headline(diff))}**" if several else "")
    lines = [f"### {md(diff.title)}", "", status]
    if level >= 4:
        return lines
    lines += ["", *_figures(diff.summary.old, diff.summary.new)]
    if diff.status in ("added", "removed") or not diff.changes:
        return lines
    lines += ["", "#### Changes by stage", *_changes(diff, labels, 25 if level >= 3 else None)]
    if level < 2 and diff.old is not None and diff.new is not None:
        renamed = {str(c.old): str(c.new) for c in diff.changes if c.entity == "action" and c.op == "renamed"
                   and c.field == "id"}  # fmt: skip
        points = curve(diff.old, diff.new, renamed)
        if changed(points):
            lines += ["", "#### Emotion per action", "", table(points, md)]
    if level < 1:
        lines += _details(diff)
    return lines


def _top(report: DiffReport) -> str:
    files = report.files
    if not files:
        since = f" since `{md(report.base)}`" if report.base else ""
        return f"**No journey files changed{since}.**"
    if len(files) == 1:
        return f"**{md(files[0].title)}: {md(headline(files[0]))}**"
    kinds = [f"{n} {s}" for s in ("added", "removed", "renamed") if (n := sum(f.status == s for f in files))]
    impacts = {k: sum(f.summary.impacts.get(k, 0) for f in files) for k in ("positive", "negative")}
    counts = f"{_plural(impacts['positive'], 'improvement')}, {_plural(impacts['negative'], 'regression')}"
    return f"**{len(files)} journey files changed{' (' + ', '.join(kinds) + ')' if kinds else ''}: {counts}**"


def format_markdown(report: DiffReport) -> str:
    """The comment, collapsing detail level by level until it fits GitHub's limit."""
    head = [MARKER, "## Customer journey changes", "", _top(report)]
    portfolio = portfolio_line(report)
    if portfolio:
        head += ["", md(portfolio)]
    text = ""
    for level in range(5):
        several = len(report.files) > 1
        body = [line for diff in report.files for line in ["", *_file(diff, level, several)]]
        text = "\n".join([*head, *body]) + "\n"
        if len(text) <= _BUDGET:
            return text
    note = "\n\n_Cut to fit a comment; run `cjm diff` locally for everything._\n"
    return text[: _BUDGET - len(note)].rsplit("\n", 1)[0] + note
