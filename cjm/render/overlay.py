"""Overlays on the HTML map: what a `cjm evidence` report says about each touchpoint and stage.

The evidence report is read from JSON and validated against the same typed
models `cjm evidence check` builds it from (:mod:`cjm.evidence.model`); the
overlay is a plain value the view model consults by id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cjm.errors import InputError
from cjm.escape import visible
from cjm.evidence.model import VERSION, EvidenceReport
from cjm.model import Journey
from cjm.render.drivers import DRIVER_LEGEND, FEWER_LEGEND, DriverBadge, driver_badges, has_fewer
from cjm.render.i18n import N_, _, in_units, language, ngettext, number, speaking
from cjm.render.trend import Trend, stage_trends

HEAT_LEVELS = 4
EVIDENCE_LEGEND = (
    ("cjm-heat-4", N_("Reach in the event data")),
    ("cjm-swatch-never", N_("Never observed")),
    ("cjm-swatch-ghost", N_("In the data, not on the map")),
)


@dataclass(frozen=True)
class TouchpointEvidence:
    """What the data says about one touchpoint."""

    status: str
    label: str
    badge: str
    heat: int


@dataclass(frozen=True)
class Funnel:
    """A stage's reach as a bar on its header."""

    share: float
    label: str


@dataclass(frozen=True)
class Ghost:
    """An event the data shows but the map does not: drawn as a ghost card in the stage where it sits."""

    event: str
    meta: str
    drivers: tuple[DriverBadge, ...] = ()  # the outcomes the event goes with


@dataclass(frozen=True)
class StageScore:
    """The survey score measured in a stage, on the emotion curve's -2..+2 scale, and what it is made of."""

    value: float
    title: str


TREND_LEGEND = (("cjm-swatch-trend", N_("Reach of the stage per period (scale 0–100%)")),)
FLAG_LEGEND = (("cjm-swatch-trend-flag", N_("Change in reach beyond chance")),)
SURVEY_LEGEND = (
    ("cjm-swatch-measured", N_("Survey score measured per stage, on the emotion scale −2..+2 (NPS ÷ 50; "
     "CSAT % (v − 50) ÷ 25; CSAT 1–5: v − 3; CES (4 − v) × 2⁄3)")),
)  # fmt: skip


@dataclass(frozen=True)
class Overlay:
    """Annotations by id: evidence figures, and diff marks with the old emotion curve."""

    touchpoints: Mapping[str, TouchpointEvidence] = field(default_factory=dict)
    funnels: Mapping[str, Funnel] = field(default_factory=dict)
    stage_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ghosts: Mapping[str, tuple[Ghost, ...]] = field(default_factory=dict)
    marks: Mapping[tuple[str, str], str] = field(default_factory=dict)
    old_emotions: Mapping[str, int] = field(default_factory=dict)
    summary: tuple[tuple[str, str], ...] = ()
    banner: tuple[str, ...] = field(default=())
    legend: tuple[tuple[str, str], ...] = ()
    stage_scores: Mapping[str, StageScore] = field(default_factory=dict)
    measured_metrics: Mapping[str, str] = field(default_factory=dict)
    trends: Mapping[str, Trend] = field(default_factory=dict)
    drivers: Mapping[tuple[str, str], tuple[DriverBadge, ...]] = field(default_factory=dict)  # by (entity, id)

    def mark(self, entity: str, ident: str) -> str:
        """The diff class (with a leading space) of an entity, or ''."""
        return self.marks.get((entity, ident), "")

    def badges_of(self, entity: str, ident: str) -> tuple[DriverBadge, ...]:
        """The driver badges of a touchpoint or stage (``entity``), or none."""
        return self.drivers.get((entity, ident), ())

    def merged(self, other: Overlay) -> Overlay:
        """Both overlays at once (evidence figures and diff marks)."""
        notes = {k: (*self.stage_notes.get(k, ()), *v) for k, v in other.stage_notes.items()}
        return Overlay(
            {**self.touchpoints, **other.touchpoints}, {**self.funnels, **other.funnels},
            {**self.stage_notes, **notes}, {**self.ghosts, **other.ghosts}, {**self.marks, **other.marks},
            {**self.old_emotions, **other.old_emotions}, (*self.summary, *other.summary), (*self.banner, *other.banner),
            (*self.legend, *other.legend), {**self.stage_scores, **other.stage_scores},
            {**self.measured_metrics, **other.measured_metrics}, {**self.trends, **other.trends},
            {**self.drivers, **other.drivers},
        )  # fmt: skip


NO_OVERLAY = Overlay()


def figure(value: int | None) -> str:
    """A count as printed on the map in its language: 30,112 (30.112), or 'suppressed' when the report withheld it."""
    return _("suppressed") if value is None else number(value, 0)


def _count(value: int | None) -> int:
    """The count that picks a plural form: a withheld figure reads as plural ("suppressed customers")."""
    return 2 if value is None else value


def _customers(value: int | None) -> str:
    return ngettext("%(n)s customer", "%(n)s customers", _count(value)) % {"n": figure(value)}


def _events(value: int | None) -> str:
    return ngettext("%(n)s event", "%(n)s events", _count(value)) % {"n": figure(value)}


def _journeys(value: int | None) -> str:
    return ngettext("%(n)s journey", "%(n)s journeys", _count(value)) % {"n": figure(value)}


def load_evidence(path: str) -> EvidenceReport:
    """Read a `cjm evidence` JSON report; an unreadable or malformed one is an InputError naming where.

    Like a journey, it is read only from a regular file, at most 64 MiB of it,
    and JSON nested deeper than Python's parser recurses is refused, not a crash.
    """
    from cjm.discovery import read_limited

    limit = 64 * 1024 * 1024  # a report holds a few figures per touchpoint and stage: megabytes at most
    if not Path(path).exists() and not Path(path).is_symlink():
        raise InputError(f"{path}: no such evidence report")
    raw = read_limited(path, limit, Path.cwd())
    if len(raw) > limit:
        raise InputError(f"{path}: is over {limit:,} bytes, more than any evidence report")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read the evidence report (not UTF-8 at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:  # json.loads recurses once per nested array or object
        raise InputError(f"{path}: not a cjm evidence report: arrays or objects nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("version"), int) and data["version"] != VERSION:
        raise InputError(
            f"{path}: this evidence report has version {data['version']}, and this cjm reads version {VERSION}:"
            " run 'cjm evidence check --format json' again to make a current one"
        )
    try:
        return EvidenceReport.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(
            f"{path}: not a cjm evidence report: {visible(where)}: {first['msg']}"
            f"{f' ({len(exc.errors()) - 1} more problem(s))' if len(exc.errors()) > 1 else ''}"
            " (produce one with 'cjm evidence check --format json')"
        ) from None


def _hours(hours: float) -> str:
    """A typical time in a stage, in hours, days or weeks of the map's language (one decimal)."""
    amount, unit = (hours, "h") if hours < 48 else (hours / 24, "d") if hours < 24 * 14 else (hours / 168, "w")
    return in_units(round(amount, 1), unit)


def _touchpoints(report: EvidenceReport, names: Mapping[str, str]) -> dict[str, TouchpointEvidence]:
    reach = [t.cases for t in report.touchpoints if t.cases is not None]
    top = max(reach, default=0) or 1
    out = {}
    for tp in report.touchpoints:
        if tp.status == "never_observed":
            out[tp.id] = TouchpointEvidence("never-observed", _("never observed in the event data"), _("never seen"), 0)
        elif tp.status == "unverifiable":
            out[tp.id] = TouchpointEvidence(
                "unverifiable", _("no events defined, so the data cannot confirm it"), _("no data"), 0
            )
        else:
            heat = round(HEAT_LEVELS * tp.cases / top) if tp.cases is not None else 0
            label = _("observed: %(customers)s, %(events)s") % {
                "customers": _customers(tp.cases),
                "events": _events(tp.events),
            }
            if tp.by_stage and len(tp.by_stage) > 1:  # a shared touchpoint: its customers in each stage
                label += "; " + ", ".join(
                    _("%(count)s in %(stage)s") % {"count": figure(b.cases), "stage": names.get(b.stage, b.stage)}
                    for b in tp.by_stage
                )
            out[tp.id] = TouchpointEvidence("observed", label, figure(tp.cases), max(1, heat))
    return out


def _reached(report: EvidenceReport) -> dict[str, Funnel]:
    """The customers with a step in each stage and what they did there; no data for an unverifiable stage."""
    reach = [s.reached_cases for s in report.stages if s.reached_cases is not None]
    top = max(reach, default=0) or 1
    out = {}
    for stage in report.stages:
        if stage.status == "unverifiable":
            out[stage.id] = Funnel(0.0, _("no data: none of its touchpoints has events"))
            continue
        share = stage.reached_cases / top if stage.reached_cases is not None else 0.0
        parts = [_("%(customers)s reached it") % {"customers": _customers(stage.reached_cases)}]
        if stage.entered_journeys:
            parts.append(_("%(journeys)s started here") % {"journeys": _journeys(stage.entered_journeys)})
        if stage.continued_journeys is not None:
            parts.append(_("%(count)s moved on") % {"count": figure(stage.continued_journeys)})
        if stage.median_hours_in_stage is not None:
            parts.append(_("typically %(time)s in the stage") % {"time": _hours(stage.median_hours_in_stage)})
        out[stage.id] = Funnel(round(100 * share, 1), " · ".join(parts))
    return out


STALE = N_(
    "These figures were computed from a different version of this map: the file changed after "
    "'cjm evidence check' ran. Run it again before presenting them."
)


def evidence_overlay(report: EvidenceReport, journey: Journey, source: str, map_sha256: str | None = None) -> Overlay:
    """The overlay of an evidence report on the journey it was made for.

    ``map_sha256`` is the SHA-256 of the map file being drawn; when the report names another, the page says
    so in its banner (a stale report is shown, never silently passed off as current). Its words are in the
    journey's language.
    """
    with speaking(language(journey.lang)):
        return _evidence_overlay(report, journey, source, map_sha256)


def _evidence_overlay(report: EvidenceReport, journey: Journey, source: str, map_sha256: str | None) -> Overlay:
    if report.run.map != journey.id:
        raise InputError(f"{source}: the evidence report is for map '{report.run.map}', not '{journey.id}'")
    names = {s.id: s.name for s in journey.stages}
    notes: dict[str, list[str]] = {}
    for t in report.transitions:
        if t.from_stage not in names or t.kind not in ("skip", "loop_back"):
            continue
        target = names.get(t.to_stage or "", t.to_stage or _("a later stage"))
        words = {"count": figure(t.count), "stage": target, "customers": _customers(t.cases)}
        if t.kind == "skip":
            note = "↷ " + _("%(count)s skip to %(stage)s (%(customers)s)") % words
        else:
            note = "↺ " + _("%(count)s go back to %(stage)s (%(customers)s)") % words
        notes.setdefault(t.from_stage, []).append(note)
    badges = driver_badges(report, journey)
    ghosts: dict[str, list[Ghost]] = {}
    unplaced = []
    for u in report.unmapped:
        home = next((s for s in u.between or [] if s in names), None)  # null: withheld for too few customers
        meta = f"{_events(u.events)} · {_customers(u.cases)}"
        if home is None:
            unplaced.append(f"{u.event} ({meta})")
        else:
            ghosts.setdefault(home, []).append(Ghost(u.event, meta, badges.get(("event", u.event), ())))
    summary = [(_("Customers in the data"), figure(report.cases))]
    if report.fitness is not None:
        share = f"{report.fitness:.0%}"
        summary.append((_("Map fitness"), _("%(share)s of transitions follow the map") % {"share": share}))
    if report.conforming_journeys is not None:
        summary.append((_("Journeys that follow the map all the way"), f"{report.conforming_journeys:.0%}"))
    banner: tuple[str, ...] = ()
    if unplaced:
        banner = (_("Events the map does not place in a stage: %(events)s") % {"events": ", ".join(unplaced)},)
    if map_sha256 and report.run.map_sha256 and report.run.map_sha256 != map_sha256:
        banner = (_(STALE), *banner)
    trends = {k: v for k, v in stage_trends(report).items() if k in names}
    drawn = {("stage", s) for s in names} | {("touchpoint", t) for _s, a in journey.actions() for t in a.touchpoints}
    drawn |= {("event", g.event) for found in ghosts.values() for g in found}
    badges = {k: v for k, v in badges.items() if k in drawn}  # a legend only for badges the page shows
    flagged = any(t.flags for t in trends.values())
    return Overlay(
        touchpoints=_touchpoints(report, {**names, **{t.id: t.name for t in journey.touchpoints}}),
        funnels=_reached(report),
        stage_notes={k: tuple(v) for k, v in notes.items()},
        ghosts={k: tuple(v) for k, v in ghosts.items()},
        summary=tuple(summary),
        banner=banner,
        legend=(
            *EVIDENCE_LEGEND,
            *(SURVEY_LEGEND if _stage_scores(report, names) else ()),
            *(TREND_LEGEND if trends else ()),
            *(FLAG_LEGEND if flagged else ()),
            *(DRIVER_LEGEND if badges else ()),
            *(FEWER_LEGEND if has_fewer(badges.values()) else ()),
        ),
        stage_scores=_stage_scores(report, names),
        measured_metrics=_measured_metrics(report),
        trends=trends,
        drivers={k: v for k, v in badges.items() if k[0] != "event"},
    )


def _stage_scores(report: EvidenceReport, names: Mapping[str, str]) -> dict[str, StageScore]:
    """Per stage, the survey scores measured there on the -2..+2 scale, averaged by their responses."""
    parts: dict[str, list[tuple[float, int, str]]] = {}
    for m in report.surveys.metrics if report.surveys else []:
        for e in m.by_stage:
            if e.stage and e.stage in names and e.on_emotion_scale is not None and e.responses and e.value is not None:
                words = {"metric": f"{m.name or m.id} ({m.kind.upper()})", "value": number(e.value),
                         "responses": number(e.responses, 0)}  # fmt: skip
                text = ngettext("%(metric)s %(value)s from %(responses)s response",
                                "%(metric)s %(value)s from %(responses)s responses", e.responses) % words  # fmt: skip
                parts.setdefault(e.stage, []).append((e.on_emotion_scale, e.responses, text))
    out = {}
    for stage, found in parts.items():
        weight = sum(n for _v, n, _t in found)
        value = round(sum(v * n for v, n, _t in found) / weight, 2)
        words = {"stage": names[stage], "value": _signed(value), "parts": "; ".join(t for _v, _n, t in found)}
        title = _("%(stage)s: measured %(value)s on the emotion scale (%(parts)s)") % words
        out[stage] = StageScore(max(-2.0, min(2.0, value)), title)
    return out


def _measured_metrics(report: EvidenceReport) -> dict[str, str]:
    """Per metric with survey events, what the data measured, in words for its card."""
    out = {}
    for m in report.surveys.metrics if report.surveys else []:
        f = m.measured
        if f.value is None:
            out[m.id] = _("measured: no usable answers in the data")
            continue
        responses = f.responses or 0
        text = ngettext(
            "measured %(value)s from %(responses)s response",
            "measured %(value)s from %(responses)s responses",
            responses,
        ) % {"value": number(f.value), "responses": number(responses, 0)}
        if f.low is not None and f.high is not None:
            text += ", " + _("95%% interval %(low)s to %(high)s") % {"low": number(f.low), "high": number(f.high)}
        out[m.id] = text
    return out


def _signed(value: float) -> str:
    """A value on the emotion scale with its sign, as the language writes numbers: +0,5 / -1.25 / 0."""
    return ("+" if value > 0 else "") + number(value)
