"""`cjm evidence check`: map + event log (or aggregates computed elsewhere) -> report with ranked findings."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm import __version__
from cjm.errors import ConfigError, InputError
from cjm.evidence.analysis import RESULT_TABLES, statements
from cjm.evidence.database import Resources, connect, execute, fetch
from cjm.evidence.findings import rank_findings
from cjm.evidence.mapping import LogMapping, from_columns, from_preset, load_mapping
from cjm.evidence.matching import CONFORMANT, MapModel, explain, overlaps
from cjm.evidence.report import Aggregates, Report, RunInfo, build_report
from cjm.evidence.tables import Settings, load_parameters
from cjm.reporters.progress import Progress, no_progress

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


def resolve_mapping(options: CheckOptions) -> LogMapping:
    """The log mapping from --mapping, --preset or --columns (with --events as the files)."""
    chosen = [o for o in (options.mapping, options.preset) if o]
    if len(chosen) > 1:
        raise ConfigError("give either --mapping or --preset, not both")
    if options.columns and chosen:
        raise ConfigError("--columns cannot be combined with --mapping or --preset (put the columns in the mapping)")
    if options.mapping:
        return load_mapping(options.mapping, list(options.events))
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


def load_model(map_path: str) -> tuple[MapModel, str]:
    """The map (which must be valid) and the SHA-256 of its bytes."""
    from cjm.workspace import open_workspace

    journey = open_workspace([map_path]).journey(map_path, ", so it cannot be checked against events")
    if len(journey.stages) >= 1000:
        raise InputError(f"{map_path}: cjm evidence handles up to 999 stages")
    digest = hashlib.sha256(Path(map_path).read_bytes()).hexdigest()
    return MapModel(journey), digest


def semantics(options: CheckOptions, approximate: bool) -> dict[str, Any]:
    """Every analysis choice, recorded in the report."""
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

    report: Report
    aggregates: Aggregates
    meta: dict[str, Any]


def run_check(map_path: str, options: CheckOptions) -> CheckResult:
    """Read the log, run the analysis in DuckDB and build the report."""
    from cjm.evidence.io import load

    validate(options)
    model, digest = load_model(map_path)
    mapping = resolve_mapping(options)
    with connect(options.limits) as con:
        stats = load(con, mapping)
        approximate = options.quantiles == "approximate" or (
            options.quantiles == "auto" and stats.usable > APPROX_THRESHOLD
        )
        load_parameters(con, model, options.settings)
        execute(con, statements(model, options.top_variants, approximate), options.progress, keep=RESULT_TABLES)
        aggregates = fetch(con, RESULT_TABLES)
    info = {"rows": stats.rows, "usable_rows": stats.usable, "rejected_rows": stats.rows - stats.usable,
            "rejected": stats.rejected, "mapping": mapping.model_dump(mode="json", exclude_defaults=True)}  # fmt: skip
    run = RunInfo(__version__, model.journey.id, digest, stats.files, semantics(options, approximate), info)
    meta = {"map_sha256": digest, "gap_days": options.settings.gap_days, "window_days": options.settings.window_days,
            "top_variants": options.top_variants, "quantiles": "approximate" if approximate else "exact"}  # fmt: skip
    return CheckResult(finish(model, aggregates, run, options), aggregates, meta)


def spark_events(options: CheckOptions) -> str | LogMapping:
    """What --engine spark reads: a table or view of the session, or files through the log mapping (as DuckDB)."""
    from cjm.evidence.spark import is_table

    if len(options.events) == 1 and not (options.mapping or options.preset) and is_table(options.events[0]):
        if options.columns:
            raise ConfigError(f"--columns names a file's columns; the table '{options.events[0]}' must have "
                              "the columns case_id, ts, event, channel, source (a view can rename them)")  # fmt: skip
        return options.events[0]
    return resolve_mapping(options)


def run_spark_check(map_path: str, options: CheckOptions, remote: str | None = None, spark: Any = None) -> CheckResult:
    """Run the same statements on a Spark session (local, or Spark Connect at ``remote``) and build the report."""
    from cjm.evidence.spark import analyse, spark_session

    validate(options)
    model, digest = load_model(map_path)
    events = spark_events(options)
    approximate = options.quantiles == "approximate"
    with spark_session(remote, spark) as session:
        aggregates, stats = analyse(session, events, model, digest, options.settings, options.top_variants, approximate)
    info: dict[str, Any] = {"engine": "spark", "spark_remote": remote}
    if isinstance(events, str) or stats is None:
        info["events"] = events if isinstance(events, str) else None
    else:
        mapped = events.model_dump(mode="json", exclude_defaults=True)
        info |= {"rows": stats.rows, "usable_rows": stats.usable, "rejected_rows": stats.rows - stats.usable,
                 "rejected": stats.rejected, "mapping": mapped}  # fmt: skip
    files = list(options.events) if stats is None else stats.files
    run = RunInfo(__version__, model.journey.id, digest, files, semantics(options, approximate), info)
    meta = {"map_sha256": digest, "gap_days": options.settings.gap_days, "window_days": options.settings.window_days,
            "top_variants": options.top_variants, "quantiles": "approximate" if approximate else "exact"}  # fmt: skip
    return CheckResult(finish(model, aggregates, run, options), aggregates, meta)


def run_aggregates(map_path: str, folder: str, options: CheckOptions) -> CheckResult:
    """Build the report from aggregate tables computed elsewhere (`cjm evidence sql`)."""
    from cjm.evidence.aggregates import read_aggregates

    validate(options)
    model, digest = load_model(map_path)
    aggregates, meta = read_aggregates(folder, options.limits)
    if meta.get("map_sha256") and meta["map_sha256"] != digest:
        raise InputError(f"{folder}: the aggregates were computed for another version of {map_path} "
                         f"(map_sha256 {meta['map_sha256'][:12]}..., this map {digest[:12]}...)")  # fmt: skip
    recorded = semantics(options, meta.get("quantiles") == "approximate")
    for key in ("gap_days", "window_days", "top_variants"):
        if key in meta:
            recorded[key] = meta[key]
    run = RunInfo(__version__, model.journey.id, digest, [folder], recorded, {"aggregates": folder})
    return CheckResult(finish(model, aggregates, run, options), aggregates, meta)


def finish(model: MapModel, aggregates: Aggregates, run: RunInfo, options: CheckOptions) -> Report:
    """Report, matching overlaps and ranked findings."""
    report = build_report(model, aggregates, run, options.min_cases)
    keys = [(str(r[0]), str(r[1] or ""), str(r[2] or ""), int(r[3])) for r in aggregates.get("cjm_key_stats", [])]
    report["run"]["matching"] = {"overlaps": overlaps(model, keys)}
    if options.explain_matching:
        report["run"]["matching"]["keys"] = explain(model, keys)
    report["findings"] = rank_findings(report)
    return report
