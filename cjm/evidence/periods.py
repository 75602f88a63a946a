"""The journey over time (`--by week|month|quarter`): figures per period and the changes beyond chance.

Periods are calendar weeks (from Monday), months or quarters in UTC, from the log's first event to its last.
A journey belongs to the period in which it starts; events (the unmapped share) and survey answers to the
period in which they happen. Between consecutive periods, every share (stage reach, fitness, unmapped share,
satisfied or promoter shares, outcome rates) is compared with a two-proportion z-test, survey scores with a
z-test on their means; the p-values of one run are adjusted together (Benjamini-Hochberg) and a change with
q < 0.05 is a finding. A figure is compared only when both periods have at least ``MIN_N`` journeys (moves,
events, answers) behind it: periods with too little to compare are left out of the tests, never counted as zero.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cjm.errors import ConfigError, InputError
from cjm.evidence.matching import MapModel
from cjm.evidence.model import EvidenceReport
from cjm.evidence.stats import Table, benjamini_hochberg, z_test

PERIODS = ("week", "month", "quarter")
MAX_PERIODS = 1000
Q_LEVEL = 0.05
MIN_N = 10  # a share or score is compared only when both periods have this many journeys, events or answers
NEW_EVENT_CASES = 5  # an unmapped event that appears is a finding from this many customers in its first period
Aggregates = dict[str, list[tuple[Any, ...]]]
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Period:
    """One calendar period: its label and its bounds in microseconds since the epoch (end excluded)."""

    label: str
    start: dt.datetime
    end: dt.datetime

    def micros(self) -> tuple[int, int]:
        """Start and end as integer microseconds, the unit every engine compares times in."""
        return _us(self.start), _us(self.end)


def _us(moment: dt.datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _start_of(by: str, moment: dt.datetime) -> dt.datetime:
    day = dt.datetime(moment.year, moment.month, moment.day)
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return dt.datetime(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1)


def _next(by: str, start: dt.datetime) -> dt.datetime:
    if by == "week":
        return start + dt.timedelta(days=7)
    months = 1 if by == "month" else 3
    month = start.month - 1 + months
    return dt.datetime(start.year + month // 12, month % 12 + 1, 1)


def _label(by: str, start: dt.datetime) -> str:
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def check_by(by: str | None) -> str | None:
    """The ``--by`` value, checked."""
    if by is not None and by not in PERIODS:
        raise ConfigError(f"--by must be week, month or quarter, not '{by}'")
    return by


def calendar(by: str, first: dt.datetime, last: dt.datetime, what: str = "the log") -> list[Period]:
    """The periods from the one holding ``first`` to the one holding ``last``."""
    out: list[Period] = []
    start = _start_of(by, first)
    while start <= last:
        end = _next(by, start)
        out.append(Period(_label(by, start), start, end))
        if len(out) > MAX_PERIODS:
            raise ConfigError(f"--by {by}: {what} spans more than {MAX_PERIODS} {by}s ({first:%Y-%m-%d} to "
                              f"{last:%Y-%m-%d}); choose a longer period (month or quarter)")  # fmt: skip
        start = end
    return out


def moment(us: int) -> dt.datetime:
    """Integer microseconds since the epoch as a naive UTC time."""
    return _EPOCH + dt.timedelta(microseconds=us)


def _day(text: str, option: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"{option}: '{text}' is not a date; write e.g. 2026-01-01") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def script_calendar(by: str | None, start: str | None, end: str | None) -> list[Period] | None:
    """The calendar of an emitted script (``--by``, ``--from``, ``--to``): None without ``--by``.

    A script cannot know the log's first and last event in advance; computing the periods in its SQL would need
    date functions that differ by warehouse (BigQuery's weeks start on Sunday, Snowflake's on a setting), so the
    team names the dates the log lies in and the script keeps the periods that hold an event.
    """
    by = check_by(by)
    if by is None:
        if start is not None or end is not None:
            raise ConfigError("--from and --to set the calendar of --by: give --by week, month or quarter too")
        return None
    if start is None or end is None:
        raise ConfigError(f"--by {by} needs --from and --to: the first and last day the events table may hold "
                          "(a script cannot know them; it keeps the periods with events)")  # fmt: skip
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise ConfigError(f"--from {start} comes after --to {end}")
    return calendar(by, first, last, f"--from {start} --to {end}")


def periods_of(by: str, aggregates: Aggregates, where: str = "") -> list[Period]:
    """The periods of a run, from its ``cjm_periods`` and ``cjm_log_span`` tables (DuckDB, Spark or a script).

    Tables computed elsewhere are checked: their periods must be ``by``'s, and must hold the log's first and last
    event (a script's ``--from`` and ``--to`` may have missed them).
    """
    periods: list[Period] = []
    for _, start_us, end_us in sorted(aggregates.get("cjm_periods", []), key=lambda r: int(r[0])):
        start, end = moment(int(start_us)), moment(int(end_us))
        if _start_of(by, start) != start or _next(by, start) != end:
            kind = next((k for k in PERIODS if _start_of(k, start) == start and _next(k, start) == end), "other")
            raise InputError(f"{where}: the period tables were computed per {kind}, not per {by}: check with "
                             f"--by {kind}, or emit the SQL again with --by {by}")  # fmt: skip
        if periods and periods[-1].end != start:
            raise InputError(f"{where}: the periods of cjm_periods leave a gap before {start:%Y-%m-%d}")
        periods.append(Period(_label(by, start), start, end))
    span = aggregates.get("cjm_log_span", [])
    first, last = (span[0][0], span[0][1]) if span else (None, None)
    if first is not None and last is not None:
        low, high = moment(int(first)), moment(int(last))
        if not periods or periods[0].start > low or periods[-1].end <= high:
            raise InputError(f"{where}: the events run from {low:%Y-%m-%d} to {high:%Y-%m-%d}, beyond the calendar "
                             f"the script was given: emit the SQL again with --from {low:%Y-%m-%d} --to "
                             f"{high:%Y-%m-%d} (or wider)")  # fmt: skip
    return periods


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> float:
    """The two-sided p-value of the pooled two-proportion z-test (1.0 when nothing varies)."""
    return z_test(Table(x1, n1, x2, n2))


def two_means(m1: float, se1: float, m2: float, se2: float) -> float:
    """The two-sided p-value of the z-test of two independent estimates with their standard errors."""
    se = math.sqrt(se1 * se1 + se2 * se2)
    if se == 0:
        return 1.0 if m1 == m2 else 0.0
    return math.erfc(abs(m2 - m1) / se / math.sqrt(2))


@dataclass(frozen=True)
class Change:
    """One figure compared between two consecutive periods."""

    figure: str  # reach, fitness, unmapped_share, survey, outcome
    ident: str | None  # the stage, metric or outcome class
    before: str
    after: str
    old: float
    new: float
    p: float


def _rows(aggregates: Aggregates, table: str) -> list[dict[str, Any]]:
    from cjm.evidence.measures import PERIOD_SURVEY_TABLES, PERIOD_TABLES

    columns = {**PERIOD_TABLES, **PERIOD_SURVEY_TABLES}[table]
    return [dict(zip(columns, row, strict=True)) for row in aggregates.get(table, [])]


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def period_figures(model: MapModel, aggregates: Aggregates, periods: list[Period]) -> list[dict[str, Any]]:
    """Per period: journeys started, fitness, conforming journeys, stage reach and the unmapped share."""
    stats = {int(r["period"]): r for r in _rows(aggregates, "cjm_period_stats")}
    reach: dict[int, dict[int, int]] = {}
    for r in _rows(aggregates, "cjm_period_stage_stats"):
        reach.setdefault(int(r["period"]), {})[int(r["stage"])] = int(r["reached_journeys"])
    events: dict[int, dict[str, int]] = {}
    unmapped: dict[int, dict[str, tuple[int, int]]] = {}
    for r in _rows(aggregates, "cjm_period_event_stats"):
        if int(r["survey"]):
            continue
        totals = events.setdefault(int(r["period"]), {"events": 0, "unmapped": 0})
        totals["events"] += int(r["events"])
        if not int(r["mapped"]):
            totals["unmapped"] += int(r["events"])
            unmapped.setdefault(int(r["period"]), {})[str(r["event"])] = (int(r["events"]), int(r["cases"]))
    out = []
    for i, period in enumerate(periods):
        s = stats.get(i, {})
        journeys, ends = int(s.get("journeys") or 0), int(s.get("journeys_with_steps") or 0)
        moves, conformant = int(s.get("moves") or 0) + ends, int(s.get("conformant_moves") or 0) + ends
        e = events.get(i, {"events": 0, "unmapped": 0})
        stages = {
            model.stages[k]: {"reached": n, "share": _share(n, journeys)} for k, n in sorted(reach.get(i, {}).items())
        }
        for k, ok in enumerate(model.verifiable):
            if ok and model.stages[k] not in stages:
                stages[model.stages[k]] = {"reached": 0, "share": _share(0, journeys)}
        out.append({
            "period": period.label, "start": period.start.strftime("%Y-%m-%d"), "journeys": journeys,
            "moves": moves, "conformant_moves": conformant, "fitness": _share(conformant, moves),
            "journeys_with_steps": ends,
            "conforming_journeys": _share(ends - int(s.get("nonconforming_journeys") or 0), ends),
            "events": e["events"], "unmapped_events": e["unmapped"],
            "unmapped_share": _share(e["unmapped"], e["events"]),
            "stages": dict(sorted(stages.items(), key=lambda kv: model.stages.index(kv[0]))),
            "unmapped": [{"event": k, "events": v[0], "cases": v[1]} for k, v in sorted(unmapped.get(i, {}).items())],
        })  # fmt: skip
    return out


def _share_changes(a: dict[str, Any], b: dict[str, Any]) -> Iterator[Change]:
    """Stage reach, fitness, unmapped share and outcome rates of two consecutive periods."""
    pa, pb = a["period"], b["period"]
    pairs: list[tuple[str, str | None, int, int, int, int]] = []
    for stage, fa in a["stages"].items():
        pairs.append(("reach", stage, fa["reached"], a["journeys"], b["stages"][stage]["reached"], b["journeys"]))
    pairs.append(("fitness", None, a["conformant_moves"], a["moves"], b["conformant_moves"], b["moves"]))
    pairs.append(("unmapped_share", None, a["unmapped_events"], a["events"], b["unmapped_events"], b["events"]))
    for outcome, ra in (a.get("outcomes") or {}).items():
        rb = (b.get("outcomes") or {}).get(outcome)
        if rb:
            pairs.append(("outcome", outcome, ra["count"], ra["journeys"], rb["count"], rb["journeys"]))
    for figure, ident, x1, n1, x2, n2 in pairs:
        if n1 >= MIN_N and n2 >= MIN_N:
            yield Change(figure, ident, pa, pb, x1 / n1, x2 / n2, two_proportions(x1, n1, x2, n2))


def _survey_p(a: dict[str, Any], b: dict[str, Any]) -> float:
    """The p-value of a change in a survey value: pooled tests for NPS and CSAT shares, a z-test for means."""
    n1, n2 = a["responses"], b["responses"]
    if "satisfied" in a:
        return two_proportions(a["satisfied"], n1, b["satisfied"], n2)
    if "promoters" in a:  # NPS: the per-answer score +1/0/-1, its variance pooled over both periods
        p = (a["promoters"] + b["promoters"]) / (n1 + n2)
        d = (a["detractors"] + b["detractors"]) / (n1 + n2)
        se = 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) * (1 / n1 + 1 / n2))
        return 1.0 if se == 0 else math.erfc(abs(b["value"] - a["value"]) / se / math.sqrt(2))
    return two_means(a["value"], a["se"] or 0.0, b["value"], b["se"] or 0.0)


def _changes(rows: list[dict[str, Any]], surveys: Mapping[str, list[dict[str, Any]]]) -> Iterator[Change]:
    """Every comparison of a figure between consecutive periods with at least MIN_N cases on both sides."""
    for a, b in pairwise(rows):
        yield from _share_changes(a, b)
    for metric, series in surveys.items():
        for a, b in pairwise(series):
            if a["responses"] >= MIN_N and b["responses"] >= MIN_N:
                yield Change("survey", metric, a["period"], b["period"], a["value"], b["value"], _survey_p(a, b))


def _survey_series(model: MapModel, aggregates: Aggregates, periods: list[Period]) -> dict[str, list[dict[str, Any]]]:
    """Per surveyed metric and period: the measured value, its interval, its standard error and its counts."""
    from cjm.evidence.surveys import counts_from_row, estimate, standard_error

    out: dict[str, list[dict[str, Any]]] = {}
    found = {(int(r[0]), int(r[1])): counts_from_row(r[2:]) for r in aggregates.get("cjm_period_survey_stats", [])}
    for metric_no in sorted({m for m, _ in found}):
        metric = model.journey.metrics[metric_no]
        series = []
        for i, period in enumerate(periods):
            counts = found.get((metric_no, i))
            if counts is None:
                continue
            e = estimate(metric, counts)
            entry = {
                "period": period.label,
                "value": e.value,
                "low": e.low,
                "high": e.high,
                "responses": e.responses,
                "unusable": counts.unusable,
                "se": standard_error(metric, counts),
            }
            if metric.kind == "nps":
                entry.update(promoters=counts.high, detractors=counts.low)
            elif metric.kind == "csat" and metric.unit != "score":
                entry["satisfied"] = counts.high
            series.append(entry)  # fmt: skip
        out[metric.id] = series
    return out


def period_section(
    model: MapModel,
    aggregates: Aggregates,
    by: str,
    periods: list[Period],
    outcomes: Mapping[str, Mapping[str, dict[str, int]]] | None = None,
) -> dict[str, Any]:
    """The report's ``periods`` section: per period figures, survey series and the tested changes.

    ``outcomes`` is the hook for outcome rates (``--outcome``): per period label, per outcome class,
    ``{"count": journeys with the outcome, "journeys": journeys of the period}``; they are shown and tested
    like the other shares.
    """
    rows = period_figures(model, aggregates, periods)
    for row in rows:
        row["outcomes"] = dict((outcomes or {}).get(row["period"], {}))
    surveys = _survey_series(model, aggregates, periods)
    changes = list(_changes(rows, surveys))
    q = benjamini_hochberg([c.p for c in changes])
    tested = [{"figure": c.figure, "id": c.ident, "from": c.before, "to": c.after, "old": _round(c.old),
               "new": _round(c.new), "p": _round(c.p, 6), "q": _round(qv, 6)}
              for c, qv in zip(changes, q, strict=True)]  # fmt: skip
    for series in surveys.values():
        for entry in series:
            entry["se"] = _round(entry["se"], 4)
    return {"by": by, "periods": rows, "surveys": surveys, "changes": tested, "q_level": Q_LEVEL}


def period_outcomes(
    aggregates: Aggregates, classes: tuple[str, ...], periods: tuple[Period, ...] | list[Period]
) -> dict[str, dict[str, dict[str, int]]]:
    """Per period label and outcome class: journeys with the outcome, of the period's finished journeys.

    Open journeys (no outcome yet, still active) are left out of the rate: the last periods hold many of them,
    and counting them would make every outcome look rarer there.
    """
    counts: dict[int, dict[int, int]] = {}
    for period, outcome, journeys in aggregates.get("cjm_period_outcome_stats", []):
        counts.setdefault(int(period), {})[int(outcome)] = int(journeys)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for i, period in enumerate(periods):
        found = counts.get(i, {})
        finished = sum(n for code, n in found.items() if code != -1)
        if classes:
            out[period.label] = {
                name: {"count": found.get(k, 0), "journeys": finished} for k, name in enumerate(classes)
            }
    return out


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


_FIGURE_TEXT = {
    "reach": "{name} was reached by {new} of the journeys that started in {to}, {way} from {old} in {from_}",
    "fitness": "{new} of the moves of journeys that started in {to} followed the map, {way} from {old} in {from_}",
    "unmapped_share": "{new} of the events in {to} were not on the map, {way} from {old} in {from_}",
    "outcome": "{new} of the journeys that started in {to} ended '{name}', {way} from {old} in {from_}",
    "survey": "{name} measured {new} in {to}, {way} from {old} in {from_}",
}


def _show(value: float, score: bool) -> str:
    return f"{value:g}" if score else f"{100 * value:.0f}%"


def period_findings(report: EvidenceReport) -> Iterator[tuple[str, str, str, tuple[str, ...], float]]:
    """(severity, kind, message, ids, weight): changes beyond chance, unmapped events that appear, empty periods."""
    section = report.periods
    if section is None:
        return
    names = {s.id: f"stage “{s.name or s.id}”" for s in report.stages}
    measured = report.surveys.metrics if report.surveys else []
    metrics = {m.id: f"“{m.name or m.id}” ({m.kind.upper()})" for m in measured}
    for c in section.beyond_chance():
        assert c.q is not None and c.old is not None and c.new is not None  # beyond_chance keeps only these
        survey = c.figure == "survey"
        name = (metrics if survey else names).get(c.id or "", c.id)
        text = _FIGURE_TEXT[c.figure].format(name=name, new=_show(c.new, survey), old=_show(c.old, survey), to=c.to,
                                             from_=c.from_, way="up" if c.new > c.old else "down")  # fmt: skip
        ids = tuple(x for x in (c.id, c.to) if x)
        yield ("warning", "period-change", f"{text} (beyond chance: q = {c.q:.3g})", ids, 1 - c.q)
    seen: set[str] = set()
    for number, row in enumerate(section.periods):
        if not row.journeys and not row.events:
            yield ("info", "empty-period", f"no events in {row.period}: a gap in the export, or a pause?",
                   (row.period,), 0.0)  # fmt: skip
        for item in row.unmapped:
            if number and item.event not in seen and item.cases >= NEW_EVENT_CASES:
                yield ("warning", "new-unmapped-event", f"event '{item.event}' appears in {row.period} "
                       f"({item.events:,} events, {item.cases:,} customers) and is not on the map",
                       (item.event, row.period), item.cases / max(1, row.journeys))  # fmt: skip
        seen.update(item.event for item in row.unmapped)
