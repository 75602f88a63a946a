"""Plain-language phrases for changes and summaries, shared by the text and markdown formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cjm.diff.change import Change
from cjm.diff.report import FileDiff
from cjm.diff.summary import Snapshot, Summary
from cjm.model import Journey, Opportunity, PainPoint

ENTITY_WORDS = {
    "journey": "journey", "scope": "scope", "persona": "persona", "stage": "stage", "action": "action",
    "touchpoint": "touchpoint", "backstage": "backstage process", "metric": "metric",
    "pain_point": "pain point", "opportunity": "opportunity",
}  # fmt: skip
_MAX = 90


def short(value: Any, limit: int = _MAX) -> str:
    """A value as one short line: lists joined, mappings as key: value, long text cut with an ellipsis."""
    if value is None:
        text = "(none)"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, list):
        text = ", ".join(f"({short(v, limit)})" if isinstance(v, dict) else short(v, limit) for v in value) or "(none)"
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {short(v, limit)}" for k, v in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def signed(value: float | None) -> str:
    """An emotion or delta with its sign: +1, -0.5, 0; a dash when unknown."""
    if value is None:
        return "–"
    return f"{value:+g}" if value else "0"


@dataclass
class Labels:
    """Names and stages of every entity of both versions, to speak of ids in a reader's words."""

    names: dict[tuple[str, str], str] = field(default_factory=dict)
    stage_of: dict[tuple[str, str], str] = field(default_factory=dict)
    stage_order: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, old: Journey | None, new: Journey | None) -> Labels:
        """Labels from both versions; the new version's names win."""
        labels = cls()
        for journey in (old, new):
            if journey is not None:
                for entity, ident, name, stage in _entities(journey):
                    labels.names[(entity, ident)] = name
                    if stage is not None:
                        labels.stage_of[(entity, ident)] = stage
        ranks = {s.id: i for i, s in enumerate(new.stages)} if new else {}
        olds = [s.id for s in old.stages] if old else []
        labels.stage_order = sorted({*ranks, *olds}, key=lambda s: (ranks.get(s, olds.index(s) if s in olds else 0), s))
        return labels

    def name(self, entity: str, ident: str, value: Any = None) -> str:
        """The entity's name or text, from its value when it carries one, else from either version."""
        if isinstance(value, dict):
            for key in ("name", "title", "text"):
                if isinstance(value.get(key), str):
                    return short(value[key], 60)
        return short(self.names.get((entity, ident), ident), 60)

    def stage(self, change: Change) -> str | None:
        """The stage a change belongs to, or None for journey-wide changes."""
        if change.entity == "stage":
            return change.id
        if change.entity == "action":
            return change.parent or self.stage_of.get(("action", change.id))
        if change.entity in ("pain_point", "opportunity") and change.parent:
            return self.stage_of.get(("action", change.parent), change.parent)
        return self.stage_of.get((change.entity, change.id))


def _entities(journey: Journey) -> Iterator[tuple[str, str, str, str | None]]:
    """(entity, reported id, name, stage id) for every entity of ``journey``."""
    yield "journey", journey.id, journey.title, None
    for p in journey.personas:
        yield "persona", p.id, p.name, None
    for stage in journey.stages:
        yield "stage", stage.id, stage.name, stage.id
        yield from _notes(stage.id, stage.pain_points, stage.opportunities, stage.id)
        for action in stage.actions:
            yield "action", action.id, action.name, stage.id
            yield from _notes(action.id, action.pain_points, action.opportunities, stage.id)
    for t in journey.touchpoints:
        yield "touchpoint", t.id, t.name, None
    for b in journey.backstage:
        yield "backstage", b.id, b.name, None
    for m in journey.metrics:
        yield "metric", m.id, f"{m.name or m.id} ({m.kind.upper()})", m.stage


def _notes(
    holder: str, pains: list[PainPoint], opportunities: list[Opportunity], stage: str
) -> Iterator[tuple[str, str, str, str | None]]:
    """Pain points and opportunities of one holder; one without an id is known as HOLDER#N."""
    for i, pain in enumerate(pains):
        yield "pain_point", pain.id or f"{holder}#{i + 1}", pain.text, stage
    for i, opp in enumerate(opportunities):
        yield "opportunity", opp.id or f"{holder}#{i + 1}", opp.text, stage


def describe(change: Change, labels: Labels) -> str:
    """One sentence a reviewer understands without the YAML."""
    word = ENTITY_WORDS[change.entity]
    name = labels.name(change.entity, change.id, change.new if change.op == "added" else change.old)
    if change.op == "renamed":
        return _renamed(change, word, labels)
    if change.op == "moved":
        where = "stage" if change.entity == "action" else "place"
        old, new = (labels.name("stage", str(change.old)), labels.name("stage", str(change.new)))
        if change.entity != "action":
            old = labels.name("action", str(change.old)) if ("action", str(change.old)) in labels.names else old
            new = labels.name("action", str(change.new)) if ("action", str(change.new)) in labels.names else new
        return f"Moved {word} “{name}” to another {where}: {old} → {new}"
    if change.op == "reordered":
        what = "Stages" if change.field == "stages" else f"Actions of stage “{labels.name('stage', change.id)}”"
        kind = "action" if change.field == "actions" else "stage"
        return f"{what} reordered: {', '.join(labels.name(kind, i) for i in change.new)}"
    if change.op in ("added", "removed"):
        return _presence(change, word, name)
    return _changed(change, word, labels)


def _renamed(change: Change, word: str, labels: Labels) -> str:
    if change.field == "id":
        name = labels.name(change.entity, change.id)
        return f"New id for {word} “{name}”: {change.old or '(none)'} → {change.new or '(none)'} (references follow it)"
    what = {"text": "Reworded", "title": "Retitled"}.get(str(change.field), "Renamed")
    return f"{what} {word}: “{short(change.old, 60)}” → “{short(change.new, 60)}”"


def _presence(change: Change, word: str, name: str) -> str:
    value = change.new if change.op == "added" else change.old
    data = value if isinstance(value, dict) else {}
    if change.entity == "journey":
        size = f" ({data.get('stages', 0)} stages, {data.get('actions', 0)} actions)"
        return f"{'New' if change.op == 'added' else 'Deleted'} journey “{name}”{size}"
    if change.entity == "pain_point":
        severity = data.get("severity", "medium")
        verb = "New" if change.op == "added" else "Resolved"
        return f"{verb} {severity} pain point “{name}”"
    extra = f" (emotion {signed(data['emotion'])})" if change.entity == "action" and "emotion" in data else ""
    return f"{'New' if change.op == 'added' else 'Removed'} {word} “{name}”{extra}"


def _changed(change: Change, word: str, labels: Labels) -> str:
    name = labels.name(change.entity, change.id)
    field_name = str(change.field).replace("_", " ")
    old, new = change.old, change.new
    if change.field == "emotion":
        return f"Emotion of “{name}”: {signed(old)} → {signed(new)}"
    if change.entity == "action" and change.field in ("touchpoints", "backstage") and isinstance(new, list):
        kind = "touchpoint" if change.field == "touchpoints" else "backstage"
        listed = _removed_added(old or [], new, lambda i: labels.name(kind, i))
        return f"{field_name.capitalize()} of “{name}”: {listed}"
    if change.entity == "action" and change.field == "frontstage":
        return f"Frontstage of “{name}”: {_steps(old, new)}"
    if change.entity == "metric" and change.field in ("current", "responses"):
        return f"{name}: {short(old)} → {short(new)}"
    if change.entity in ("journey", "scope"):
        return f"{word.capitalize()} {field_name}: {short(old)} → {short(new)}"
    return f"{field_name.capitalize()} of {word} “{name}”: {short(old)} → {short(new)}"


def _steps(old: Any, new: Any) -> str:
    """What changed in a frontstage lane: the steps removed and added (a reworded step is both), by text."""

    def texts(value: Any) -> list[str]:
        items = value if isinstance(value, list) else []
        return [str(i.get("text", "")) + (f" ({i['owner']})" if i.get("owner") else "") for i in items]

    return _removed_added(texts(old), texts(new), lambda t: f"“{short(t, 60)}”") or "reordered or re-assigned"


def _removed_added(old: list[Any], new: list[Any], label: Callable[[Any], str]) -> str:
    """The items of one list value that left it and that joined it, in their order: "removed A, B; added C"."""
    gone = [label(i) for i in old if i not in new]
    came = [label(i) for i in new if i not in old]
    parts = [f"removed {', '.join(gone)}" if gone else "", f"added {', '.join(came)}" if came else ""]
    return "; ".join(p for p in parts if p)


def emotion_text(snap: Snapshot | None, which: str) -> str:
    """A snapshot's mean or minimum emotion as text."""
    if snap is None:
        return "–"
    value = snap.mean_emotion if which == "mean" else snap.min_emotion
    return signed(None if value is None else float(value))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def headline(diff: FileDiff) -> str:
    """The one-line summary: improvements and regressions first, then emotion, pain and metrics that moved."""
    s: Summary = diff.summary
    if diff.status in ("added", "removed"):
        snap = s.new if diff.status == "added" else s.old
        assert snap is not None
        verb = "new journey" if diff.status == "added" else "journey deleted"
        size = f"{_plural(snap.stages, 'stage')}, {_plural(snap.actions, 'action')}"
        return f"{verb}: {size}, mean emotion {emotion_text(snap, 'mean')}"
    if not s.changes:
        return "no changes to the journey"
    parts = [
        ", ".join(
            [_plural(s.impacts["positive"], "improvement"), _plural(s.impacts["negative"], "regression")]
            + ([f"{s.impacts['neutral']} neutral"] if s.impacts["neutral"] else [])
        )
    ]
    old_mean, new_mean = emotion_text(s.old, "mean"), emotion_text(s.new, "mean")
    if old_mean != new_mean:
        parts.append(f"mean emotion {old_mean} → {new_mean}")
    for severity, n in s.resolved.items():
        parts.append(f"{_plural(n, severity + ' pain point')} resolved")
    for severity, n in s.introduced.items():
        parts.append(f"{_plural(n, 'new ' + severity + ' pain point')}")
    for before, after in _metric_pairs(s):
        if before.value != after.value:
            unit = f" {after.unit}" if after.unit and after.unit != "score" else ""
            parts.append(f"{after.kind.upper()} {short(before.value)} → {short(after.value)}{unit}")
    return "; ".join(parts)


def _metric_pairs(s: Summary) -> Iterator[tuple[Any, Any]]:
    if s.old is None or s.new is None:
        return
    before = {m.id: m for m in s.old.metrics}
    for after in s.new.metrics:
        if after.id in before:
            yield before[after.id], after
