"""`--update-metrics`: write the measured survey metrics back into the journey file, changing nothing else.

Each metric the run measured gets its ``current`` (and, for NPS, CSAT percent and CES, its ``responses``)
set. The edits are made in the text at the positions cjm's own reader records for each value, so every
comment, blank line, quote and the layout of block and flow mappings stay exactly as written; only the
edited values change. The result is read again and must be a valid journey whose metrics carry the new
values before it replaces the file, atomically; a file that changed since the run is left alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cjm.errors import InputError
from cjm.evidence.model import EvidenceReport


@dataclass(frozen=True)
class MetricUpdate:
    """The new values of one metric: ``current`` and, where the format has a shape for them, ``responses``."""

    index: int  # the metric's position in the journey's metrics
    metric: str
    old: float | None
    current: float
    responses: dict[str, float] | None
    count: int  # responses behind the value


def planned_updates(report: EvidenceReport, metrics: list[Any]) -> list[MetricUpdate]:
    """The updates a report's survey section supports: metrics with a measured value (not withheld)."""
    index = {m.id: i for i, m in enumerate(metrics)}
    out = []
    for m in report.surveys.metrics if report.surveys else []:
        f = m.measured
        if f.value is None or f.responses is None or m.id not in index:
            continue
        responses: dict[str, float] | None = None
        if m.kind == "nps" and None not in (f.promoters, f.passives, f.detractors):
            responses = {"promoters": f.promoters or 0, "passives": f.passives or 0, "detractors": f.detractors or 0}
        elif m.kind == "csat" and m.unit != "score":
            responses = {"satisfied": f.satisfied or 0, "total": f.total or 0}
        elif m.kind == "ces":
            responses = {"mean": f.value, "respondents": f.responses}
        out.append(MetricUpdate(index[m.id], m.id, m.current, f.value, responses, f.responses))
    return out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _flow(values: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}: {_number(v)}" for k, v in values.items()) + "}"


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _line_end(text: str, at: int) -> int:
    """The end of the line holding the last non-blank character before ``at``."""
    while at > 0 and text[at - 1] in " \t\r\n":
        at -= 1
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _insert(text: str, source: Any, base: tuple[Any, ...], key: str, value: str) -> Edit:
    """A new ``key: value`` in the mapping at ``base``: before ``}`` of a flow mapping, else a line of its own."""
    start = source.values[base].start_mark.index
    end = source.ends.get(base, source.values[base].end_mark).index
    if text[start] == "{":
        close = text.rindex("}", start, end)
        return (close, close, f", {key}: {value}")
    children = [p for p in source.values if len(p) == len(base) + 1 and p[: len(base)] == base]
    last = max(source.ends.get(p, source.values[p].end_mark).index for p in children)
    first_key = min((source.keys[p] for p in children if p in source.keys), key=lambda e: e.start_mark.index)
    at = _line_end(text, last)
    if at > 0 and text[at - 1] == "\r":  # a file with CRLF line endings keeps them
        at -= 1
    newline = "\r\n" if "\r\n" in text else "\n"
    return (at, at, newline + " " * first_key.start_mark.column + f"{key}: {value}")


def _replace(text: str, source: Any, path: tuple[Any, ...], new: str) -> Edit:
    event = source.values[path]
    return (event.start_mark.index, source.ends.get(path, event.end_mark).index, new)


def _edits(text: str, source: Any, update: MetricUpdate) -> list[Edit]:
    base = ("metrics", update.index)
    edits = []
    current = (*base, "current")
    if current in source.values:
        edits.append(_replace(text, source, current, _number(update.current)))
    else:
        edits.append(_insert(text, source, base, "current", _number(update.current)))
    if update.responses is not None:
        path = (*base, "responses")
        if path not in source.values:
            edits.append(_insert(text, source, base, "responses", _flow(update.responses)))
        elif text[source.values[path].start_mark.index] == "{":
            edits.append(_replace(text, source, path, _flow(update.responses)))
        else:  # a block mapping: each count in its place
            for key, value in update.responses.items():
                child = (*path, key)
                if child not in source.values:
                    raise InputError(f"metric '{update.metric}': its responses have no '{key}'; fix them by hand")
                edits.append(_replace(text, source, child, _number(value)))
    return edits


def rewrite(text: str, path: str, updates: list[MetricUpdate]) -> str:
    """``text`` with the updates made; checked to load as a journey whose metrics carry the new values."""
    from pydantic import ValidationError

    from cjm.model import Journey
    from cjm.validate.yaml_reader import parse_yaml

    parsed = parse_yaml(text, path)
    planned = [e for u in updates for e in _edits(text, parsed.source, u)]
    # from the end of the text back, so earlier positions stay valid; two inserts at one place keep their order
    edits = sorted(enumerate(planned), key=lambda item: (item[1][0], item[0]), reverse=True)
    out = text
    for _, (start, end, new) in edits:
        out = out[:start] + new + out[end:]
    try:
        journey = Journey.model_validate(parse_yaml(out, path).value)
    except ValidationError as exc:
        raise InputError(f"{path}: the measured metrics would not make a valid journey, so the file is unchanged: "
                         f"{exc.errors(include_url=False)[0]['msg']}") from None  # fmt: skip
    for u in updates:
        if journey.metrics[u.index].current != u.current:  # pragma: no cover - a guard on the edits themselves
            raise InputError(f"{path}: could not update metric '{u.metric}'; the file is unchanged")
    return out


def update_metrics(path: str, report: EvidenceReport) -> list[str]:
    """Rewrite the journey file with the measured metrics; lines saying what changed (none: nothing to write)."""
    from cjm.model import Journey
    from cjm.output import rewrite as write_back
    from cjm.validate.yaml_reader import parse_yaml

    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != report.run.map_sha256:
        raise InputError(f"{path} changed while the evidence was computed; run again to update its metrics")
    text = data.decode("utf-8-sig")
    bom = data.startswith(b"\xef\xbb\xbf")
    journey = Journey.model_validate(parse_yaml(text, path).value)
    updates = planned_updates(report, journey.metrics)
    if not updates:
        return []
    new = rewrite(text, path, updates)
    write_back(path, ("\ufeff" if bom else "") + new)  # atomic, the file's permissions from the start
    return [f"{u.metric}: current {'-' if u.old is None else _number(u.old)} -> {_number(u.current)} "
            f"({u.count:,} responses)" for u in updates]  # fmt: skip
