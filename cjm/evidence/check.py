"""`cjm evidence check`: map + event log (or aggregates computed elsewhere) -> report with ranked findings."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjm import __version__
from cjm.errors import ConfigError, InputError
from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.database import Resources, connect, execute, fetch
from cjm.evidence.findings import rank_findings
from cjm.evidence.mapping import LogMapping, from_columns, from_preset, load_mapping
from cjm.evidence.matching import CONFORMANT, MapModel, explain, glob_match, overlaps
from cjm.evidence.measures import (
    PERIOD_OUTCOME_TABLES,
    Measures,
    load_measure_parameters,
    result_tables,
    surveyed,
    with_measures_and_outcomes,
)
from cjm.evidence.model import AtRisk, EvidenceReport, Matching, Outcomes, Periods, Run, RunInput, Segments, Surveys
from cjm.evidence.outcomes import OUTCOME_TABLES, RISK_INPUTS, OutcomeSpec
from cjm.evidence.periods import calendar, check_by, period_outcomes, period_section, periods_of
from cjm.evidence.report import Aggregates, build_report
from cjm.evidence.surveys import drop_survey_events, survey_section
from cjm.evidence.tables import Settings, load_parameters
from cjm.reporters.progress import Progress, no_progress

if TYPE_CHECKING:
    from cjm.evidence.io import LoadStats

APPROX_THRESHOLD = 5_000_000


@dataclass(frozen=True)
class CheckOptions:
    """Everything a check run needs besides the map."""

    events: list[str] = field(default_factory=list)
    columns: str | None = None
    mapping: str | None = None
    preset: str | None = None
    settings: Settings = field(default_factory=Settings)
    min_cases: int = 1
    top_variants: int = 10
    quantiles: str = "auto"  # auto, exact or approximate
    limits: Resources = field(default_factory=Resources)
    progress: Progress = no_progress  # told of each analysis step; the command line passes a bar on a terminal
    explain_matching: bool = False
    allow_outside: bool = False  # --allow-outside: a mapping file may name files outside the workspace
    outcomes: OutcomeSpec | None = None  # --outcome, --active-days, --as-of (the mapping file may name the classes)
    by: str | None = None  # week, month or quarter: the journey over time (cjm.evidence.periods)


def resolve_mapping(options: CheckOptions) -> LogMapping:
    """The log mapping from --mapping, --preset or --columns (with --events as the files)."""
    chosen = [o for o in (options.mapping, options.preset) if o]
    if len(chosen) > 1:
        raise ConfigError("give either --mapping or --preset, not both")
    if options.columns and chosen:
        raise ConfigError("--columns cannot be combined with --mapping or --preset (put the columns in the mapping)")
    if options.mapping:
        return load_mapping(options.mapping, list(options.events), options.allow_outside)
    if not options.events:
        raise ConfigError("name the event log with --events FILE (globs allowed)")
    if options.preset:
        return from_preset(options.preset, list(options.events))
    return from_columns(list(options.events), options.columns)


_NO_LIMIT = ("none", "inf", "infinity", "+inf")


def _days(text: str, option: str, hint: str = "") -> float:
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{option}: '{text}' is not a positive number of days; write e.g. 90{hint}")
    return value


def parse_settings(gap_days: str, window_days: str) -> Settings:
    """The journey gap (``none`` or ``inf``: no splitting) and the funnel window, as given on the command line."""
    no_gap = gap_days.strip().lower() in _NO_LIMIT
    gap = None if no_gap else _days(gap_days, "--gap-days", " or none (one journey per customer)")
    return Settings(gap, _days(window_days, "--window-days"))


MAX_THREADS = 256  # more threads than this only slow DuckDB down (a million took minutes to start)


def validate(options: CheckOptions) -> None:
    """Reject impossible option values before any data is read."""
    gap, window = options.settings.gap_days, options.settings.window_days
    if (gap is not None and not (math.isfinite(gap) and gap > 0)) or not (math.isfinite(window) and window > 0):
        raise ConfigError("--gap-days and --window-days must be positive numbers of days (--gap-days may be none)")
    if options.min_cases < 1:
        raise ConfigError("--min-cases must be 1 or more")
    if not 1 <= options.top_variants <= 10_000:
        raise ConfigError("--top-variants must be between 1 and 10000")
    if options.quantiles not in ("auto", "exact", "approximate"):
        raise ConfigError("--quantiles must be auto, exact or approximate")
    if not 0 <= options.limits.threads <= MAX_THREADS:
        raise ConfigError(f"--threads must be between 0 (every core) and {MAX_THREADS}")
    check_by(options.by)


def load_model(map_path: str) -> tuple[MapModel, str]:
    """The map (which must be valid) and the SHA-256 of its bytes."""
    from cjm.workspace import open_workspace

    journey = open_workspace([map_path]).journey(map_path, ", so it cannot be checked against events")
    if len(journey.stages) >= 1000:
        raise InputError(f"{map_path}: cjm evidence handles up to 999 stages")
    digest = hashlib.sha256(Path(map_path).read_bytes()).hexdigest()
    return MapModel(journey), digest


def semantics(options: CheckOptions, approximate: bool, spec: OutcomeSpec | None = None) -> dict[str, Any]:
    """Every analysis choice, recorded in the report."""
    chosen = _semantics(options, approximate)
    if spec is not None:
        chosen["outcomes"] = {
            "classes": {
                c.name: list(c.patterns) if c.column is None else {"column": c.column, "values": list(c.values)}
                for c in spec.classes
            },
            "active_days": spec.active_days,
            "as_of": spec.as_of.isoformat() if spec.as_of else "the log's last event",
            "outcome": "a journey's first outcome event (an event matching two classes: the first named); only "
            "its steps before that event are compared",
            "open": "no outcome event, and the last event within active_days of as_of; none: no outcome, not open",
            "drivers": "each class against every other finished journey (not open): outcome rate with and without "
            "the feature, lift, difference, Fisher's exact test when a cell has fewer than 1000 journeys, else the "
            "two-proportion z-test; Benjamini-Hochberg q over every comparison; driver: q < 0.05 and at least "
            "min_cases journeys of the class with the feature",
        }
    return chosen


def _semantics(options: CheckOptions, approximate: bool) -> dict[str, Any]:
    return {
        "gap_days": options.settings.gap_days,
        "window_days": options.settings.window_days,
        "min_cases": options.min_cases,
        "top_variants": options.top_variants,
        "time": "compared in microseconds",
        "journeys": "one per customer (no splitting)"
        if options.settings.gap_days is None
        else "split after an inactivity gap of more than gap_days",
        "order": "time, then the touchpoint's earliest stage, then event name",
        "collapse": "consecutive events at one touchpoint are one step; the repeats count as rework",
        "step_stage": "a touchpoint's stage; at a shared touchpoint the journey's current stage when the touchpoint "
        "has it, else its earliest stage after the current one, else its latest (a loop-back); a journey's first "
        "step: the touchpoint's earliest stage",
        "stages": "per stage over journeys: reached (a step there, any order), entered (first step there), "
        "continued (a later step in a later stage), ended (last step there), median hours in stage (first step "
        "there to the first later step in a later stage, journeys that continued)",
        "funnel": "ordered and eventual, per journey; window counted from reaching the first stage; a shared "
        "touchpoint counts for the earliest stage not yet reached",
        "unverifiable_stages": "passed through by the funnel and never counted as skipped",
        "conformant": list(CONFORMANT),
        "conforming_journeys": "share of journeys with mapped steps and no skip or loop_back",
        "edge_time": "from the last event of a step to the first event of the next",
        "quantiles": "approximate" if approximate else "exact",
        "approx_threshold": APPROX_THRESHOLD,
    }


@dataclass(frozen=True)
class CheckResult:
    """A report with the aggregate tables it was built from and the settings to rebuild it."""

    report: EvidenceReport
    aggregates: Aggregates
    meta: dict[str, Any]
    at_risk: list[dict[str, Any]] = field(default_factory=list)  # the rows of at_risk.csv


def run_check(map_path: str, options: CheckOptions) -> CheckResult:
    """Read the log, run the analysis in DuckDB and build the report."""
    from cjm.evidence.io import load

    validate(options)
    model, digest = load_model(map_path)
    mapping = resolve_mapping(options)
    spec = outcome_spec(options, mapping)
    marks = spec.marks(f"{options.mapping}: outcomes") if spec is not None else None
    with connect(options.limits) as con:
        stats = load(con, mapping, marks)
        approximate = options.quantiles == "approximate" or (
            options.quantiles == "auto" and stats.usable > APPROX_THRESHOLD
        )
        load_parameters(con, model, options.settings)
        measures = Measures(bool(surveyed(model)) and mapping.has_score(), _calendar(con, options.by))
        if measures.wanted():
            load_measure_parameters(con, model, measures)
        marked = marks is not None  # outcomes given by a column: the analysis carries each row's class
        analysis = statements(model, options.top_variants, approximate, marked)
        steps = with_measures_and_outcomes(analysis, measures, spec is not None, approximate, marked)
        measured = result_tables(measures.surveys, measures.periods, spec is not None)
        aggregates, drivers, risk = _analyse(con, model, spec, segment_column(mapping), steps, options, approximate,
                                             measured)  # fmt: skip
    info = _read_info(stats, mapping)
    run = _run(model, digest, stats.files, semantics(options, approximate, spec), info)
    meta = _meta(digest, options, approximate)
    extra = Extra(risk[0] if risk else None, segment_column(mapping), mapping.has_score(), outcomes=drivers)
    report = finish(model, aggregates, run, replace(options, outcomes=spec), extra)
    return CheckResult(report, aggregates, meta, risk[1] if risk else [])


def outcome_spec(options: CheckOptions, mapping: LogMapping | None) -> OutcomeSpec | None:
    """The outcome classes of --outcome, or of the mapping file's ``outcomes:`` (not both): event globs, or a
    column's values."""
    from cjm.evidence.outcomes import column_class, outcome_class

    base = options.outcomes or OutcomeSpec(())
    named = mapping.outcomes if mapping is not None else {}
    if named and base.classes:
        raise ConfigError("give the outcomes either with --outcome or in the mapping file's 'outcomes:', not both")
    if named:
        where = f"{options.mapping or 'mapping file'}: outcomes"
        classes = [outcome_class(n, tuple(f), where) if isinstance(f, list)
                   else column_class(n, f.column, tuple(f.values), where) for n, f in named.items()]  # fmt: skip
        base = replace(base, classes=tuple(classes))
    return base if base.classes else None


Risk = tuple[dict[str, Any], list[dict[str, Any]]]  # the report's at_risk, and the rows of at_risk.csv


def segment_column(mapping: LogMapping) -> str | None:
    """The column (or constant) a mapping names as the customers' segment, if any."""
    for source in mapping.sources:
        if source.segment is not None:
            return source.segment.column or source.segment.value
    return None


def _calendar(con: Any, by: str | None) -> tuple[tuple[int, int], ...] | None:
    """The calendar of ``--by`` from the log's first to its last event (None without ``--by``)."""
    if by is None:
        return None
    first, last = con.execute("SELECT MIN(ts), MAX(ts) FROM cjm_events").fetchone()
    return () if first is None else tuple(p.micros() for p in calendar(by, first, last))


def _analyse(con: Any, model: MapModel, spec: OutcomeSpec | None, segment: str | None, steps: list[Any],
         options: CheckOptions, approximate: bool,
         measured: dict[str, tuple[str, ...]] | None = None,
         ) -> tuple[Aggregates, dict[str, Any] | None, Risk | None]:  # fmt: skip
    """The analysis, with the outcome and segment statements when asked for; then the drivers (the report's
    ``outcomes``, when open journeys are scored by them), and the open journeys scored by them."""
    from cjm.evidence import segments
    from cjm.evidence.drivers import names_of, outcome_section
    from cjm.evidence.outcomes import PARAMETER_TABLES
    from cjm.evidence.risk import risk_outcome, score
    from cjm.evidence.tables import load_table

    tables = {**RESULT_TABLES, **(measured or {})}  # with the survey and period tables (cjm.evidence.measures)
    keep: set[str] = set()
    if spec is not None:  # the outcome statements are in ``steps`` (with_measures_and_outcomes)
        for name, rows in spec.rows().items():
            load_table(con, name, PARAMETER_TABLES[name], rows)
        tables.update(OUTCOME_TABLES)
        keep.update(RISK_INPUTS)
    if segment is not None:
        steps = [*steps, *segments.statements(spec is not None)]
        tables.update(segments.tables(spec is not None))
    execute(con, steps, options.progress, keep={*tables, *keep})
    aggregates = fetch(con, tables)
    if spec is None:
        return aggregates, None, None
    check_patterns(spec, aggregates)
    lost = risk_outcome(spec.names())
    if lost is None:
        return aggregates, None, None
    section = outcome_section(model, spec, aggregates, options.min_cases)
    return aggregates, section, score(con, names_of(model, aggregates), section, lost, spec.active_days)


def check_patterns(spec: OutcomeSpec, aggregates: Aggregates) -> None:
    """Stop when an outcome's event pattern matches no event of the log: its class would silently be empty."""
    events = sorted({str(r[0]) for r in aggregates.get("cjm_key_stats", [])})
    for c in spec.classes:
        for pattern in c.patterns:
            if not any(glob_match(pattern, e) for e in events):
                sample = ", ".join(events[:8]) + (", ..." if len(events) > 8 else "")
                raise InputError(f"--outcome {c.name}: no event in the log matches '{pattern}' "
                                 f"(patterns are case-sensitive globs; the log has: {sample})")  # fmt: skip


def spark_events(options: CheckOptions) -> str | LogMapping:
    """What --engine spark reads: a table or view of the session, or files through the log mapping (as DuckDB)."""
    from cjm.evidence.spark import is_table

    if len(options.events) == 1 and not (options.mapping or options.preset) and is_table(options.events[0]):
        if options.columns:
            raise ConfigError(f"--columns names a file's columns; the table '{options.events[0]}' must have "
                              "the columns case_id, ts, event, channel, source (a view can rename them)")  # fmt: skip
        return options.events[0]
    mapping = resolve_mapping(options)
    if segment_column(mapping) is not None:
        raise ConfigError("--engine spark does not compare segments yet: run the segment comparison on DuckDB "
                          "(without --engine spark)")  # fmt: skip
    return mapping


def run_spark_check(map_path: str, options: CheckOptions, remote: str | None = None, spark: Any = None) -> CheckResult:
    """Run the same statements on a Spark session (local, or Spark Connect at ``remote``) and build the report."""
    from cjm.evidence.spark import analyse, spark_session

    validate(options)
    model, digest = load_model(map_path)
    events = spark_events(options)
    spec = outcome_spec(options, None if isinstance(events, str) else events)
    if spec is not None and spec.marked:
        named = next(c for c in spec.classes if c.column is not None)
        raise ConfigError(f"{options.mapping}: outcomes.{named.name}: an outcome given by a column ('{named.column}') "
                          "is read by the DuckDB engine only: run without --engine spark, or name the outcome's "
                          "events instead (outcomes: {lost: [contract_cancelled]})")  # fmt: skip
    approximate = options.quantiles == "approximate"
    with spark_session(remote, spark) as session:
        result = analyse(session, events, model, digest, options.settings, options.top_variants, approximate, spec,
                         options.by)  # fmt: skip
    aggregates, stats, score_column = result.aggregates, result.stats, result.score_column
    if spec is not None:
        check_patterns(spec, aggregates)
    info: dict[str, Any] = {"engine": "spark", "spark_remote": remote}
    if isinstance(events, str) or stats is None:
        info["events"] = events if isinstance(events, str) else None
    else:
        info |= _read_info(stats, events)
    files = list(options.events) if stats is None else stats.files
    run = _run(model, digest, files, semantics(options, approximate, spec), info)
    meta = _meta(digest, options, approximate)
    report = finish(model, aggregates, run, replace(options, outcomes=spec), Extra(score_column=score_column))
    return CheckResult(report, aggregates, meta)


def run_aggregates(map_path: str, folder: str, options: CheckOptions) -> CheckResult:
    """Build the report from aggregate tables computed elsewhere (`cjm evidence sql`)."""
    from cjm.evidence.aggregates import read_aggregates

    validate(options)
    model, digest = load_model(map_path)
    aggregates, meta = read_aggregates(folder, options.limits)
    spec = outcome_spec(options, None)
    if spec is not None:
        _outcome_tables(folder, spec, aggregates)
    if meta.get("map_sha256") and meta["map_sha256"] != digest:
        raise InputError(f"{folder}: the aggregates were computed for another version of {map_path} "
                         f"(map_sha256 {meta['map_sha256'][:12]}..., this map {digest[:12]}...)")  # fmt: skip
    if options.by:
        _period_tables(folder, options.by, spec is not None, aggregates)
    recorded = semantics(options, meta.get("quantiles") == "approximate", spec)
    for key in ("gap_days", "window_days", "top_variants"):
        if key in meta:
            recorded[key] = meta[key]
    run = _run(model, digest, [folder], recorded, {"aggregates": folder})
    # survey answers were measured when the script was emitted with --score (its survey tables are here)
    extra = Extra(score_column="cjm_survey_stats" in aggregates, folder=folder)
    return CheckResult(finish(model, aggregates, run, options, extra), aggregates, meta)


def _period_tables(folder: str, by: str, outcomes: bool, aggregates: Aggregates) -> None:
    """Aggregates for --by: computed by a script emitted with --by (and --score, --outcome), all of them here."""
    from cjm.evidence.measures import PERIOD_SURVEY_TABLES, PERIOD_TABLES

    needed = [*PERIOD_TABLES]
    if "cjm_survey_stats" in aggregates:
        needed += [*PERIOD_SURVEY_TABLES]
    if outcomes:
        needed += [*PERIOD_OUTCOME_TABLES]
    missing = [f"{t}.csv" for t in needed if t not in aggregates]
    if missing:
        raise InputError(f"{folder}: --by needs the period tables, and {', '.join(missing)} (or .parquet) "
                         f"{'is' if len(missing) == 1 else 'are'} missing: emit the SQL with 'cjm evidence sql ... "
                         f"--by {by} --from DAY --to DAY' and export all its tables")  # fmt: skip


def _outcome_tables(folder: str, spec: OutcomeSpec, aggregates: Aggregates) -> None:
    """Aggregates for --outcome: computed by a script emitted with --outcome, for as many classes as named."""
    if "cjm_outcome_stats" not in aggregates:
        raise InputError(f"{folder}: no outcome tables (cjm_outcome_stats, ...): emit the SQL with "
                         "'cjm evidence sql ... --outcome NAME=EVENTS' and export its tables too")  # fmt: skip
    numbers = {int(float(r[0])) for r in aggregates["cjm_outcome_stats"]} - {-1, -2}
    if numbers and max(numbers) >= len(spec.classes):
        raise InputError(f"{folder}: the aggregates have {max(numbers) + 1} outcome classes, --outcome names "
                         f"{len(spec.classes)}: name the classes of the script, in its order")  # fmt: skip


def _read_info(stats: LoadStats, mapping: LogMapping) -> dict[str, Any]:
    """The report's ``run.input`` for a log read through a mapping: its rows, the rejected ones, the mapping."""
    return {"rows": stats.rows, "usable_rows": stats.usable, "rejected_rows": stats.rows - stats.usable,
            "rejected": stats.rejected, "mapping": mapping.model_dump(mode="json", exclude_defaults=True)}  # fmt: skip


def _meta(digest: str, options: CheckOptions, approximate: bool) -> dict[str, Any]:
    """The settings written beside exported aggregates, checked when a report is rebuilt from them."""
    return {"map_sha256": digest, "gap_days": options.settings.gap_days, "window_days": options.settings.window_days,
            "top_variants": options.top_variants, "quantiles": "approximate" if approximate else "exact"}  # fmt: skip


def _run(model: MapModel, digest: str, files: list[str], chosen: dict[str, Any], info: dict[str, Any]) -> Run:
    return Run(cjm=__version__, map=model.journey.id, map_sha256=digest, events_files=files, semantics=chosen,
               input=RunInput.model_validate(info))  # fmt: skip


@dataclass(frozen=True)
class Extra:
    """What a run adds to the report beyond the map: the scored open journeys, the segment column."""

    at_risk: dict[str, Any] | None = None
    segment: str | None = None
    score_column: bool = False  # the events have a score column: survey metrics are measured
    folder: str = ""  # --aggregates: the folder the tables come from (checked before they are used)
    outcomes: dict[str, Any] | None = None  # the outcome section, when the run built it already to score at_risk


def finish(model: MapModel, aggregates: Aggregates, run: Run, options: CheckOptions,
           extra: Extra = Extra()) -> EvidenceReport:  # fmt: skip
    """The report with how events matched, the sections beyond the map (outcomes, at risk, segments) and its
    ranked findings: built once, then only read."""
    keys = [(str(r[0]), str(r[1] or ""), str(r[2] or ""), int(r[3])) for r in aggregates.get("cjm_key_stats", [])]
    matching = Matching.model_validate(
        {"overlaps": overlaps(model, keys), "keys": explain(model, keys) if options.explain_matching else None}
    )
    report = build_report(model, aggregates, run.model_copy(update={"matching": matching}), options.min_cases)
    report = report.model_copy(update=beyond(model, aggregates, options, extra))
    report = _with_measures(report, model, aggregates, options, extra)
    return report.model_copy(update={"findings": rank_findings(report)})


AGGREGATES_SURVEY_HINT = (
    "emit the SQL with 'cjm evidence sql ... --score' (the events table needs a score column) and export its "
    "survey tables too, to measure these metrics"
)
SURVEY_SEMANTICS = (
    "an answer belongs to the stage of the journey's latest step at or before it; intervals 95%: normal for NPS "
    "and means, Wilson for CSAT percent; scores outside the scale are unusable, counted, never clipped"
)
PERIOD_SEMANTICS = (
    "calendar periods in UTC (weeks from Monday); a journey counts in the period it starts in, events and answers "
    "in the period they happen in; consecutive periods compared by two-proportion (means: z) tests when both "
    "have 10 or more cases, Benjamini-Hochberg q < 0.05"
)


def _with_measures(
    report: EvidenceReport, model: MapModel, aggregates: Aggregates, options: CheckOptions, extra: Extra
) -> EvidenceReport:
    """The report with its ``surveys`` and ``periods`` sections, when the map and the options ask for them."""
    update: dict[str, Any] = {}
    semantics = dict(report.run.semantics)
    hint = AGGREGATES_SURVEY_HINT if extra.folder else None
    section = survey_section(model, aggregates, extra.score_column, options.min_cases, hint)
    if section is not None:
        update["surveys"] = Surveys.model_validate(section)
        update["unmapped"] = drop_survey_events(model, report.unmapped, aggregates.get("cjm_key_stats", []))
        if section["metrics"]:
            semantics["surveys"] = SURVEY_SEMANTICS
    if options.by is not None:
        periods = periods_of(options.by, aggregates, extra.folder)
        outcomes = period_outcomes(aggregates, options.outcomes.names() if options.outcomes else (), periods)
        section = period_section(model, aggregates, options.by, periods, outcomes)
        update["periods"] = Periods.model_validate(section)
        semantics["periods"] = PERIOD_SEMANTICS
    if not update:
        return report
    update["run"] = report.run.model_copy(update={"semantics": semantics})
    return report.model_copy(update=update)


def beyond(model: MapModel, aggregates: Aggregates, options: CheckOptions, extra: Extra) -> dict[str, Any]:
    """The report's sections beyond the map, as models: outcomes, at_risk and segments (those the run made)."""
    from cjm.evidence.drivers import outcome_section
    from cjm.evidence.segments import segment_section

    out: dict[str, Any] = {}
    if options.outcomes is not None and "cjm_outcome_stats" in aggregates:
        section = extra.outcomes
        if section is None:
            section = outcome_section(model, options.outcomes, aggregates, options.min_cases)
        out["outcomes"] = Outcomes.model_validate(section)
    if extra.at_risk is not None:
        out["at_risk"] = AtRisk.model_validate(extra.at_risk)
    if extra.segment is not None and "cjm_segment_stats" in aggregates:
        section = segment_section(model, aggregates, extra.segment, options.outcomes, options.min_cases)
        out["segments"] = Segments.model_validate(section)
    return out
