"""The survey and period sections as tables (title, header, rows) for the terminal and Markdown reports.

Cells are plain text; the reporters escape them (``clean``, ``_md_cell``) like every other cell.
"""

from __future__ import annotations

from cjm.evidence.model import EvidenceReport, OutcomeCount, Periods, SurveyFigure, SurveyMetric, Surveys

Table = tuple[str, list[str], list[list[str]], int]  # title, header, rows, how many columns are text


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _interval(entry: SurveyFigure) -> str:
    if entry.low is None or entry.high is None:
        return "-"
    return _interval_of(entry.low, entry.high)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _label(metric: SurveyMetric) -> str:
    return f"{metric.name or metric.id} ({metric.kind.upper()})"


def survey_tables(section: Surveys, names: dict[str, str]) -> list[Table]:
    """The metrics as the map states them beside the answers, and the score per stage beside the map's emotion."""
    if not section.metrics:
        return []
    metrics = [
        [_label(m), names.get(m.stage, m.stage) if m.stage else "whole journey", _value(m.current),
         _value(m.measured.value), _interval(m.measured), _count(m.measured.responses), _value(m.target),
         _value(m.gap_to_target)]
        for m in section.metrics
    ]  # fmt: skip
    stages = [
        [names.get(e.stage, e.stage) if e.stage else "before the first step", _label(m), _value(e.value),
         _interval(e), _count(e.responses), _value(e.on_emotion_scale), _value(e.map_emotion)]
        for m in section.metrics for e in m.by_stage
    ]  # fmt: skip
    return [
        ("Survey metrics: what the map says, what the answers measure (95% interval)",
         ["metric", "stage", "map says", "measured", "95% interval", "responses", "target", "gap"], metrics, 2),
        ("Survey scores per stage beside the map's emotion (both on the -2..+2 scale)",
         ["stage", "metric", "measured", "95% interval", "responses", "as emotion", "map emotion"], stages, 2),
    ]  # fmt: skip


def _rate(entry: OutcomeCount | None) -> float | None:
    return entry.count / entry.journeys if entry and entry.journeys else None


def period_tables(section: Periods, names: dict[str, str], metrics: dict[str, str]) -> list[Table]:
    """One compact table per figure over the periods: journeys and fitness, stage reach, outcomes, each survey."""
    by, rows = section.by, section.periods
    out: list[Table] = [(
        f"Journeys per {by} (by the {by} they started in)",
        ["period", "journeys", "follow the map", "events not on the map"],
        [[r.period, _count(r.journeys), _pct(r.fitness), _pct(r.unmapped_share)] for r in rows],
        1,
    )]  # fmt: skip
    stage_ids = list(rows[0].stages) if rows else []
    if stage_ids:
        reach = [[r.period, *(_pct(r.stages[s].share) for s in stage_ids)] for r in rows]
        out.append((f"Stage reached, share of the journeys that started that {by}",
                    ["period", *(names.get(s, s) for s in stage_ids)], reach, 1))  # fmt: skip
    classes = sorted({c for r in rows for c in r.outcomes})
    if classes:
        shares = [[r.period, *(_pct(_rate(r.outcomes.get(c))) for c in classes)] for r in rows]
        out.append((f"Outcomes, share of the journeys that started that {by}", ["period", *classes], shares, 1))
    for metric, series in section.surveys.items():
        cells = [[e.period, _value(e.value), _interval_of(e.low, e.high), _count(e.responses)] for e in series]
        out.append((f"{metrics.get(metric, metric)} per {by}", ["period", "measured", "95% interval", "responses"],
                    cells, 1))  # fmt: skip
    return out


def _interval_of(low: float | None, high: float | None) -> str:
    return "-" if low is None or high is None else f"{low:g} to {high:g}"


def measure_tables(report: EvidenceReport) -> list[Table]:
    """Every table of the survey and period sections, in report order."""
    names = {s.id: s.name or s.id for s in report.stages}
    out = survey_tables(report.surveys, names) if report.surveys else []
    if report.periods:
        metrics = {m.id: _label(m) for m in report.surveys.metrics} if report.surveys else {}
        out += period_tables(report.periods, names, metrics)
    return out
