"""Survey metrics measured from the answers in the log: NPS, CSAT and CES with 95% intervals, overall and per stage.

The counts come from SQL (:mod:`cjm.evidence.measures`); the statistics are here, as small pure functions:

- NPS (answers 0..10): 100 x (promoters - detractors) / responses. Each answer scores +1, 0 or -1, so the
  variance of one answer is p + d - (p - d)^2 and the interval is the normal one, NPS +- 1.96 x 100 x
  sqrt(variance / n), cut to -100..100.
- CSAT (answers 1..5): the percent satisfied (4 or 5) with a Wilson score interval; with ``unit: score`` the
  mean answer with a normal interval (mean +- 1.96 x sd / sqrt(n)), cut to 1..5.
- CES (answers 1..7, lower is less effort): the mean answer with a normal interval, cut to 1..7.

An interval needs two usable answers. Scores outside the scale or not numbers are counted as unusable, never
clipped, and never enter a figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cjm.evidence.matching import MapModel
from cjm.evidence.model import EvidenceReport, SurveyFigure, SurveyMetric
from cjm.model import Metric

Z95 = 1.959963984540054
Aggregates = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Counts:
    """The sums of one group of answers (one metric, in one stage or period)."""

    answers: int = 0
    unusable: int = 0
    missing: int = 0
    responses: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    high: int = 0
    low: int = 0
    bad_example: str | None = None

    def __add__(self, other: Counts) -> Counts:
        examples = [e for e in (self.bad_example, other.bad_example) if e is not None]
        return Counts(self.answers + other.answers, self.unusable + other.unusable, self.missing + other.missing,
                      self.responses + other.responses, self.total + other.total, self.total_sq + other.total_sq,
                      self.high + other.high, self.low + other.low, min(examples) if examples else None)  # fmt: skip


def counts_from_row(row: tuple[Any, ...]) -> Counts:
    """Counts from a row of answers, unusable, missing, responses, total, total_sq, high, low, bad_example."""
    a, u, m, r, t, tq, h, lo, bad = row
    return Counts(int(a or 0), int(u or 0), int(m or 0), int(r or 0), float(t or 0), float(tq or 0), int(h or 0),
                  int(lo or 0), None if bad is None else str(bad))  # fmt: skip


@dataclass(frozen=True)
class Estimate:
    """A measured value with its 95% interval (None when there are too few answers)."""

    value: float | None
    low: float | None
    high: float | None
    responses: int


def _cut(value: float, bounds: tuple[float, float]) -> float:
    return float(min(max(value, bounds[0]), bounds[1]))


def nps(promoters: int, detractors: int, n: int) -> Estimate:
    """NPS with a normal interval from the variance of the per-answer score (+1, 0, -1)."""
    if n <= 0:
        return Estimate(None, None, None, 0)
    p, d = promoters / n, detractors / n
    value = 100 * (p - d)
    if n < 2:
        return Estimate(round(value, 1), None, None, n)
    half = Z95 * 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    return Estimate(round(value, 1), round(_cut(value - half, (-100, 100)), 1),
                    round(_cut(value + half, (-100, 100)), 1), n)  # fmt: skip


def wilson_percent(successes: int, n: int) -> Estimate:
    """A share in percent with its Wilson score interval."""
    if n <= 0:
        return Estimate(None, None, None, 0)
    p = successes / n
    if n < 2:
        return Estimate(round(100 * p, 1), None, None, n)
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Estimate(round(100 * p, 1), round(100 * max(0.0, centre - half), 1),
                    round(100 * min(1.0, centre + half), 1), n)  # fmt: skip


def mean_interval(total: float, total_sq: float, n: int, bounds: tuple[float, float]) -> Estimate:
    """A mean answer with a normal interval from the sample standard deviation."""
    if n <= 0:
        return Estimate(None, None, None, 0)
    mean = total / n
    if n < 2:
        return Estimate(round(mean, 2), None, None, n)
    variance = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    half = Z95 * math.sqrt(variance / n)
    return Estimate(round(mean, 2), round(_cut(mean - half, bounds), 2), round(_cut(mean + half, bounds), 2), n)


def estimate(metric: Metric, c: Counts) -> Estimate:
    """The metric's value measured from its answers' counts."""
    if metric.kind == "nps":
        return nps(c.high, c.low, c.responses)
    if metric.kind == "csat" and metric.unit != "score":
        return wilson_percent(c.high, c.responses)
    bounds = (1.0, 5.0) if metric.kind == "csat" else (1.0, 7.0)
    return mean_interval(c.total, c.total_sq, c.responses, bounds)


def on_emotion_scale(kind: str, unit: str | None, value: float) -> float:
    """A measured value on the emotion curve's -2..+2 scale, the scale's neutral point at 0.

    NPS -100..100 is /50; CSAT percent 0..100 is (v - 50) / 25; a CSAT score 1..5 is v - 3; CES 1..7 (lower is
    less effort, so better) is (4 - v) x 2/3.
    """
    if kind == "nps":
        return value / 50
    if kind == "csat":
        return value - 3 if unit == "score" else (value - 50) / 25
    return (4 - value) * 2 / 3


SCALE_TEXT = {"nps": "whole numbers 0 to 10", "csat": "numbers 1 to 5", "ces": "numbers 1 to 7"}
MEASURES = {
    "nps": "promoters (9-10) minus detractors (0-6), in percent of responses",
    "csat": "percent of responses that are satisfied (4 or 5 of 1..5)",
    "csat-score": "mean answer (1..5)",
    "ces": "mean answer (1..7; lower is less effort)",
}


def stage_emotions(model: MapModel) -> list[float | None]:
    """The map's mean emotion per stage (None where no action has one)."""
    out: list[float | None] = []
    for stage in model.journey.stages:
        values = [a.emotion for a in stage.actions if a.emotion is not None]
        out.append(round(sum(values) / len(values), 2) if values else None)
    return out


def _figure(metric: Metric, c: Counts, min_cases: int) -> dict[str, Any]:
    e = estimate(metric, c)
    entry: dict[str, Any] = {"value": e.value, "low": e.low, "high": e.high, "responses": e.responses}
    if metric.kind == "nps":
        entry.update(promoters=c.high, passives=c.responses - c.high - c.low, detractors=c.low)
    elif metric.kind == "csat" and metric.unit != "score":
        entry.update(satisfied=c.high, total=c.responses)
    if min_cases > 1 and 0 < e.responses < min_cases:
        entry = {k: None for k in entry} | {"responses": None, "suppressed": True}
    return entry


def _metric_section(model: MapModel, index: int, per_stage: dict[int, Counts], min_cases: int) -> dict[str, Any]:
    metric = model.journey.metrics[index]
    overall = sum(per_stage.values(), Counts())
    emotions = stage_emotions(model)
    by_stage = []
    for s in sorted(per_stage):
        figure = _figure(metric, per_stage[s], min_cases)
        entry = {"stage": model.stages[s] if s >= 0 else None, **figure,
                 "on_emotion_scale": None if figure["value"] is None
                 else round(on_emotion_scale(metric.kind, metric.unit, figure["value"]), 2),
                 "map_emotion": emotions[s] if s >= 0 else None}  # fmt: skip
        by_stage.append(entry)
    scope = model.stages.index(metric.stage) if metric.stage in model.stages else None
    measured = _figure(metric, per_stage.get(scope, Counts()) if scope is not None else overall, min_cases)
    current = metric.value  # typed in, or computed from the typed-in responses
    current_in = None
    if current is not None and measured["low"] is not None and measured["high"] is not None:
        current_in = measured["low"] <= current <= measured["high"]
    gap = None
    if metric.target is not None and measured["value"] is not None:
        gap = round(metric.target - measured["value"], 2)
    kind = "csat-score" if metric.kind == "csat" and metric.unit == "score" else metric.kind
    return {
        "id": metric.id, "name": metric.name, "kind": metric.kind, "unit": metric.unit, "stage": metric.stage,
        "measures": MEASURES[kind], "scale": SCALE_TEXT[metric.kind],
        "answers": overall.answers, "unusable": overall.unusable, "missing_score": overall.missing,
        "unusable_example": overall.bad_example,
        "overall": _figure(metric, overall, min_cases), "by_stage": by_stage, "measured": measured,
        "current": current, "target": metric.target, "current_in_interval": current_in,
        "gap_to_target": gap,
    }  # fmt: skip


def survey_section(
    model: MapModel, aggregates: Aggregates, score_column: bool, min_cases: int = 1, hint: str | None = None
) -> dict[str, Any] | None:
    """The report's ``surveys`` section; None when the map names no survey events and no score column was given.

    ``hint`` says how to give the scores where the log's columns are not named here (``--aggregates``).
    """
    from cjm.evidence.measures import SURVEY_TABLES, surveyed

    metrics = surveyed(model)
    if not metrics and not score_column:
        return None
    section: dict[str, Any] = {"score_column": score_column, "metrics": []}
    if not score_column:
        section["note"] = hint or ("give the column that holds the survey scores (--columns ...,score=COLUMN, or "
                                   "'score:' in the mapping file) to measure these metrics")  # fmt: skip
        section["unmeasured"] = [model.journey.metrics[i].id for i in metrics]
        return section
    if not metrics:
        section["note"] = "no metric of the map lists survey events (metrics[].events), so the scores were not used"
        return section
    columns = SURVEY_TABLES["cjm_survey_stats"]
    grouped: dict[int, dict[int, Counts]] = {i: {} for i in metrics}
    for row in aggregates.get("cjm_survey_stats", []):
        r = dict(zip(columns, row, strict=True))
        grouped.setdefault(int(r["metric"]), {})[int(r["stage"])] = counts_from_row(row[2:])
    section["metrics"] = [_metric_section(model, i, grouped[i], min_cases) for i in metrics]
    return section


FindingTuple = tuple[str, str, str, tuple[str, ...], float]  # severity, kind, message, ids, weight


def _label(m: SurveyMetric) -> str:
    return f"“{m.name or m.id}” ({m.kind.upper()})"


def _range(f: SurveyFigure) -> str:
    return f"{f.value:g} (95% interval {f.low:g} to {f.high:g}, {f.responses or 0:,} responses)"


def survey_findings(report: EvidenceReport) -> Iterator[FindingTuple]:
    """The survey findings: unmeasured metrics, unusable scores, the map's number or emotion contradicted."""
    section = report.surveys
    if section is None:
        return
    if not section.score_column and section.unmeasured:
        yield ("info", "survey-not-measured", f"{len(section.unmeasured)} metric(s) list survey events but no score "
               f"column was given: {section.note}", tuple(section.unmeasured), 0.0)  # fmt: skip
    names = report.names()
    for m in section.metrics:
        yield from _metric_findings(m, names)


def _metric_findings(m: SurveyMetric, names: dict[str, str]) -> Iterator[FindingTuple]:
    ids = (m.id,)
    if m.answers == 0:
        yield ("warning", "survey-no-answers", f"no event in the log matches the survey events of {_label(m)}, "
               "so it was not measured: are its events right?", ids, 1.0)  # fmt: skip
        return
    if m.unusable:
        example = f" (e.g. '{m.unusable_example}')" if m.unusable_example is not None else ""
        yield ("warning", "unusable-scores", f"{m.unusable:,} of {m.answers:,} answers of {_label(m)} have a score "
               f"that is not one of the {m.scale}{example}; they were not counted", ids,
               m.unusable / m.answers)  # fmt: skip
    if m.missing_score:
        yield ("info", "missing-scores", f"{m.missing_score:,} answer(s) of {_label(m)} have no score and were not "
               "counted", ids, m.missing_score / m.answers)  # fmt: skip
    if m.current_in_interval is False and m.current is not None:
        where = f" in stage “{names.get(m.stage, m.stage)}”" if m.stage else ""
        yield ("warning", "metric-contradicted", f"the map says {_label(m)} is {m.current:g}{where}; the survey "
               f"answers give {_range(m.measured)}", ids, 1.0)  # fmt: skip
    for entry in m.by_stage:
        emotion, stage = entry.map_emotion, entry.stage
        if stage is None or not emotion or entry.low is None or entry.high is None:
            continue
        ends = sorted(on_emotion_scale(m.kind, m.unit, v) for v in (entry.low, entry.high))
        if (emotion > 0 and ends[1] < 0) or (emotion < 0 and ends[0] > 0):
            feeling = "positive" if emotion > 0 else "negative"
            yield ("warning", "emotion-contradicted", f"the map shows customers feeling {feeling} in stage "
                   f"“{names.get(stage, stage)}” (mean emotion {emotion:+g}), but {_label(m)} measured there is "
                   f"{_range(entry)}", (stage, m.id), 1.0)  # fmt: skip


def standard_error(metric: Metric, c: Counts) -> float | None:
    """The standard error of the measured value (same units), None under two responses."""
    n = c.responses
    if n < 2:
        return None
    if metric.kind == "nps":
        p, d = c.high / n, c.low / n
        return 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    if metric.kind == "csat" and metric.unit != "score":
        p = c.high / n
        return 100 * math.sqrt(p * (1 - p) / n)
    mean = c.total / n
    return math.sqrt(max(0.0, (c.total_sq - n * mean * mean) / (n - 1)) / n)


def drop_survey_events(model: MapModel, unmapped: list[Any], keys: list[tuple[Any, ...]]) -> list[Any]:
    """The unmapped events without those that are only survey answers of the map's metrics (known to the map).

    ``keys`` are the rows of ``cjm_key_stats`` (event, channel, source, events, tp, key_rank). An event name is
    dropped when every one of its unmatched keys is a survey answer; a name that is partly something else stays.
    """
    from cjm.evidence.matching import pattern_matches
    from cjm.evidence.measures import surveyed

    patterns = [p for i in surveyed(model) for p in model.journey.metrics[i].events]
    answers: dict[str, bool] = {}
    for event, channel, source, _events, tp, _rank in keys:
        if tp is None:
            survey = any(pattern_matches(p, str(event), str(channel or ""), str(source or "")) for p in patterns)
            answers[str(event)] = answers.get(str(event), True) and survey
    return [u for u in unmapped if not answers.get(u.event, False)]
