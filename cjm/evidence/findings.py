"""Ranked findings: what in the report matters most, as values with a severity, a message and the ids concerned.

Each check is a small function over the report; ``CHECKS`` lists them. Findings
are ranked by severity, then by the share of customers or journeys they
concern, so the first lines of a report are the ones to act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cjm.evidence.model import EvidenceFinding, EvidenceReport

_SEVERITY_RANK = {"warning": 0, "info": 1}


@dataclass(frozen=True)
class Thresholds:
    """When a figure becomes a finding."""

    skip_share: float = 0.5  # a stage skipped by at least this share of the journeys that got past it
    loop_share: float = 0.1  # a loop-back reaching at least this share of customers
    unmapped_share: float = 0.05  # an unmapped event reaching at least this share of customers
    channel_share: float = 0.5  # below this share of events on the declared channel, the data contradicts it
    low_fitness: float = 0.8


def finding(severity: str, kind: str, message: str, ids: tuple[str | None, ...], weight: float) -> EvidenceFinding:
    """One finding; ``weight`` (0..1) ranks findings of the same severity."""
    return EvidenceFinding.model_validate(
        {"severity": severity, "kind": kind, "message": message, "ids": [i for i in ids if i is not None],
         "weight": round(weight, 4)}
    )  # fmt: skip


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _name(report: EvidenceReport, ident: str | None) -> str:
    """A stage's or touchpoint's name as the map gives it, quoted; the id when the report has no name."""
    return f"“{report.names().get(ident or '', ident)}”"


def never_observed(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Touchpoints whose patterns no event matched."""
    for tp in report.touchpoints:
        if tp.status == "never_observed":
            message = (f"touchpoint {_name(report, tp.id)} never appears in the data (no event matches its "
                       "event patterns): is it real, or are its patterns wrong?")  # fmt: skip
            yield finding("warning", "never-observed", message, (tp.id,), 1.0)


def skipped_stages(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Stages most journeys jump over."""
    for stage in report.stages:
        share = stage.skipped_share
        if share is not None and share >= t.skip_share:
            yield finding("warning", "skipped-stage", f"{_pct(share)} of the journeys that got past stage "
                          f"{_name(report, stage.id)} jumped over it", (stage.id,), share)  # fmt: skip


def loop_backs(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Loop-backs that many customers make."""
    cases = report.cases or 0
    for move in report.transitions:
        if move.kind != "loop_back" or move.cases is None or not cases:
            continue
        share = move.cases / cases
        if share >= t.loop_share:
            yield finding("warning", "loop-back", f"{_pct(share)} of customers go back from "
                          f"{_name(report, move.from_stage)} to an earlier stage, "
                          f"{_name(report, move.to_stage)} ({move.count or 0:,} times)",
                          (move.from_stage, move.to_stage), share)  # fmt: skip


def unmapped_events(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Events the map lacks that reach many customers, with where they sit."""
    cases = report.cases or 0
    for item in report.unmapped:
        if item.cases is None or not cases or _outcome_event(report, item.event):
            continue
        share = item.cases / cases
        if share >= t.unmapped_share:
            places = [(p.between, p.share) for p in item.places or []] or [(item.between or [None, None], None)]
            where = ", ".join(
                _where(report, *between) + (f" ({_pct(part or 0.0)})" if len(places) > 1 else "")
                for between, part in places
            )
            yield finding("warning", "unmapped-event",
                          f"event '{item.event}' reaches {_pct(share)} of customers "
                          f"but is not on the map; it happens {where}", (item.event,), share)  # fmt: skip


def _outcome_event(report: EvidenceReport, event: str) -> bool:
    """Whether an event marks an outcome (``--outcome``): it ends journeys, it is not missing from the map."""
    from cjm.evidence.matching import glob_match

    classes = report.outcomes.classes if report.outcomes is not None else []
    return any(glob_match(p, event) for c in classes for p in c.events)


def _where(report: EvidenceReport, before: str | None, after: str | None) -> str:
    if before and after:
        if before == after:
            return f"in stage {_name(report, before)}"
        return f"between {_name(report, before)} and {_name(report, after)}"
    if after:
        return f"before {_name(report, after)}"
    return f"after {_name(report, before)}" if before else "in journeys with no touchpoint of the map"


def channel_mismatch(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """A touchpoint whose events mostly come from another channel than the map declares."""
    for tp in report.touchpoints:
        channels = {k.lower(): v for k, v in (tp.channels or {}).items() if k != "unknown"}
        total = sum(channels.values())
        if not total:
            continue
        share = channels.get(tp.declared_channel, 0) / total
        if share < t.channel_share:
            top = max(channels.items(), key=lambda kv: (kv[1], kv[0]))[0]
            yield finding("warning", "channel-mismatch", f"touchpoint {_name(report, tp.id)} is declared as "
                          f"{tp.declared_channel}, but {_pct(1 - share)} of its events come from other channels "
                          f"(mostly '{top}')", (tp.id,), 1 - share)  # fmt: skip


def low_fitness(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """The map explains too few of the observed transitions."""
    fitness = report.fitness
    if fitness is not None and fitness < t.low_fitness:
        yield finding("warning", "low-fitness", f"only {_pct(fitness)} of the moves follow the map: "
                      f"{_pct(1 - fitness)} jump over a stage or go back to an earlier one", (report.run.map,),
                      1 - fitness)  # fmt: skip


def unverifiable(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Touchpoints without event patterns: the data can say nothing about them."""
    ids = tuple(tp.id for tp in report.touchpoints if tp.status == "unverifiable")
    if ids:
        names = ", ".join(_name(report, i) for i in ids)
        many = len(ids) > 1
        said = (f"{len(ids)} touchpoints have no events defined, so the data cannot confirm them" if many
                else "1 touchpoint has no events defined, so the data cannot confirm it")  # fmt: skip
        yield finding("info", "unverifiable", f"{said}: {names}", ids,
                      len(ids) / max(1, len(report.touchpoints)))  # fmt: skip


def rejected_rows(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Rows of the log that could not be used."""
    rejected = report.run.input.rejected_rows or 0
    rows = report.run.input.rows or 0
    if rejected:
        message = (f"{rejected:,} of {rows:,} rows lack a customer id, an event or a time and were not used "
                   "(the JSON report lists them per file)")  # fmt: skip
        yield finding("warning", "rejected-rows", message, (), rejected / max(1, rows))


def overlapping_patterns(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Events that several touchpoints' patterns match."""
    overlaps = report.run.matching.overlaps
    if overlaps:
        events = sum(o.events for o in overlaps)
        ids = tuple(sorted({tp for o in overlaps for tp in o.touchpoints}))
        yield finding("info", "overlapping-patterns",
                      f"{events:,} events match several touchpoints and went to "
                      "the first in map order; see --explain-matching", ids, 0.0)  # fmt: skip


def outcome_drivers(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Features of a journey associated with an outcome (``--outcome``), and outcome classes no journey reached."""
    from cjm.evidence.drivers import findings

    for severity, kind, message, ids, weight in findings(report):
        yield finding(severity, kind, message, ids, weight)


def at_risk(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Open journeys that show what lost customers showed (counts only: no customer is named)."""
    risk = report.at_risk
    if risk is not None and risk.journeys:
        top = "; ".join(f"{r.reason} ({r.journeys:,})" for r in risk.reasons[:3])
        message = (f"{risk.journeys:,} of {risk.open_journeys:,} open journeys look like those that ended as "
                   f"“{risk.outcome}”: {top} (with -o, at_risk.csv lists them)")  # fmt: skip
        yield finding("warning", "at-risk", message, (risk.outcome,), risk.journeys / max(1, risk.open_journeys))


def surveys(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """Survey metrics: unusable scores, answers matching nothing, a map's number or emotion the answers contradict."""
    from cjm.evidence.surveys import survey_findings

    for severity, kind, message, ids, weight in survey_findings(report):
        yield finding(severity, kind, message, ids, weight)


def periods(report: EvidenceReport, t: Thresholds) -> Iterator[EvidenceFinding]:
    """The journey over time: changes between periods beyond chance, unmapped events that appear, empty periods."""
    from cjm.evidence.periods import period_findings

    for severity, kind, message, ids, weight in period_findings(report):
        yield finding(severity, kind, message, ids, weight)


CHECKS: tuple[Callable[[EvidenceReport, Thresholds], Iterator[EvidenceFinding]], ...] = (
    never_observed, skipped_stages, loop_backs, unmapped_events, channel_mismatch, low_fitness,
    rejected_rows, unverifiable, overlapping_patterns, outcome_drivers, at_risk, surveys, periods,
)  # fmt: skip


def rank_findings(report: EvidenceReport, thresholds: Thresholds | None = None) -> list[EvidenceFinding]:
    """Every finding, most important first."""
    t = thresholds or Thresholds()
    found = [f for check in CHECKS for f in check(report, t)]
    found.sort(key=lambda f: (_SEVERITY_RANK[f.severity], -f.weight, f.kind, f.ids))
    return found
