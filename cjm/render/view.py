"""The view model of one HTML journey map: everything the template shows, computed here, never in Jinja."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cjm.model import (
    SEVERITY_RANK,
    Action,
    Backstage,
    Expectation,
    Journey,
    Opportunity,
    PainPoint,
    ResearchSource,
    Stage,
    Touchpoint,
)
from cjm.render.curve import Curve, build_curve
from cjm.render.drivers import DriverBadge
from cjm.render.i18n import N_, _, duration, number
from cjm.render.overlay import NO_OVERLAY, Ghost, Overlay, TouchpointEvidence
from cjm.render.panels import MatrixView, MetricView, build_highlights, build_matrix, build_metrics
from cjm.render.trend import Sparkline, build_sparkline

SAFE_SCHEMES = ("http", "https", "mailto")
CHANNEL_LABELS: Mapping[str, str] = {
    "web": N_("Web"), "email": N_("Email"), "phone": N_("Phone"), "chat": N_("Chat"), "social": N_("Social"),
    "ads": N_("Ads"), "video": N_("Video"), "podcast": N_("Podcast"), "document": N_("Document"),
    "event": N_("Event"), "in-person": N_("In person"), "app": N_("App"), "mail": N_("Mail"), "sms": N_("SMS"),
    "community": N_("Community"), "partner": N_("Partner"), "other": N_("Other"),
}  # fmt: skip
LEGEND = (
    ("cjm-sev-critical", N_("Critical pain")),
    ("cjm-sev-high", N_("High")),
    ("cjm-sev-medium", N_("Medium")),
    ("cjm-sev-low", N_("Low")),
    ("cjm-swatch-opp", N_("Opportunity")),
    ("cjm-swatch-assumed", N_("Assumed, not yet evidenced")),
)
EVIDENCE_LABELS: Mapping[str, str] = {"observed": N_("Observed"), "reported": N_("Reported"), "assumed": N_("Assumed")}
SEVERITY_LABELS: Mapping[str, str] = {
    "critical": N_("Critical"), "high": N_("High"), "medium": N_("Medium"), "low": N_("Low"),
}  # fmt: skip
LEVEL_LABELS: Mapping[str, tuple[str, str]] = {  # impact, effort
    "high": (N_("Impact high"), N_("Effort high")),
    "medium": (N_("Impact medium"), N_("Effort medium")),
    "low": (N_("Impact low"), N_("Effort low")),
}


def safe_href(url: str | None) -> str | None:
    """The URL when it is an http(s) or mailto link a page may follow, else None (shown as text)."""
    if not url:
        return None
    text = url.strip()
    if any(ord(c) < 0x21 or c in "\x7f\\" for c in text):
        return None
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES or (scheme != "mailto" and not parts.netloc):
        return None
    return text


@dataclass(frozen=True)
class Item:
    """A text with an optional safe link, as research sources and stakeholders are shown."""

    text: str
    detail: str = ""
    href: str | None = None


@dataclass(frozen=True)
class Chip:
    """A touchpoint as shown in an action's cell: channel icon, name, and evidence figures."""

    id: str
    name: str
    channel: str
    channel_label: str
    icon: str
    css: str
    title: str
    evidence: TouchpointEvidence | None = None
    drivers: tuple[DriverBadge, ...] = ()  # the outcomes using it goes with


@dataclass(frozen=True)
class Card:
    """A pain point, opportunity or backstage process card."""

    text: str
    css: str
    badges: tuple[str, ...] = ()
    meta: str = ""
    dom_id: str = ""


@dataclass(frozen=True)
class Column:
    """One action: the map's unit column, with every lane's content for it."""

    dom_id: str
    id: str
    name: str
    description: str
    css: str
    badges: tuple[str, ...]
    touchpoints: tuple[Chip, ...]
    thoughts: tuple[str, ...]
    pains: tuple[Card, ...]
    opportunities: tuple[Card, ...]
    backstage: tuple[Card, ...]
    departments: tuple[str, ...]
    source: str = ""
    empty: bool = False
    frontstage: tuple[Card, ...] = ()  # what staff do in front of the customer
    actors: tuple[str, ...] = ()  # who takes part, by name; empty: the map's persona alone

    @property
    def cell(self) -> str:
        """The class of this column's lane cells: a stage's first column draws the stage border."""
        return "cjm-stage-start" if "cjm-stage-start" in self.css else ""


@dataclass(frozen=True)
class TrackCell:
    """One cell of a backstage track: a process card spanning the adjacent actions that use it, or a gap."""

    span: int
    cell: str  # the lane-cell class of the first column it covers (draws a stage border)
    card: Card | None = None


@dataclass(frozen=True)
class StageView:
    """A stage header spanning its actions' columns, with stage-wide items and overlays."""

    dom_id: str
    name: str
    goal: str
    description: str
    span: int
    css: str
    pains: tuple[Card, ...]
    opportunities: tuple[Card, ...]
    notes: tuple[str, ...] = ()
    funnel: float | None = None
    funnel_label: str = ""
    ghosts: tuple[Ghost, ...] = ()
    trend: Sparkline | None = None  # its reach per period (evidence with --by)
    drivers: tuple[DriverBadge, ...] = ()  # the outcomes reaching, ending in, lingering in or leaving it go with


@dataclass(frozen=True)
class PersonaView:
    """The persona card."""

    name: str
    role: str
    description: str
    goals: tuple[str, ...]
    needs: tuple[str, ...]
    frustrations: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MapView:
    """Everything one journey page shows."""

    id: str
    title: str
    description: str
    owner: str
    tags: tuple[str, ...]
    stakeholders: tuple[Item, ...]
    scenario: str
    start: str
    end: str
    goal: str
    expectations: tuple[Item, ...]
    research: tuple[Item, ...]
    persona: PersonaView | None
    persona_ref: str
    stages: tuple[StageView, ...]
    columns: tuple[Column, ...]
    backstage_tracks: tuple[tuple[TrackCell, ...], ...]
    curve: Curve
    metrics: tuple[MetricView, ...]
    matrix: MatrixView
    channels: tuple[str, ...]
    has_stage_items: bool
    has_ghosts: bool
    has_frontstage: bool = False
    highlights: tuple[tuple[str, str], ...] = ()
    legend: tuple[tuple[str, str], ...] = ()
    summary: tuple[tuple[str, str], ...] = ()
    banner: tuple[str, ...] = field(default=())


def _evidence_badges(evidence: str | None) -> tuple[str, ...]:
    return (_(EVIDENCE_LABELS[evidence]),) if evidence else ()


def _owner(owner: str | None) -> str:
    return _("Owner: %(owner)s") % {"owner": owner} if owner else ""


def pain_card(pain: PainPoint, dom_id: str, mark: str = "") -> Card:
    """A pain point card, coloured by severity, dashed when assumed."""
    css = f"cjm-pain cjm-sev-{pain.severity}" + (" cjm-assumed" if pain.evidence == "assumed" else "") + mark
    source = _("Source: %(source)s") % {"source": pain.source} if pain.source else ""
    meta = " · ".join(x for x in (_owner(pain.owner), source) if x)
    return Card(pain.text, css, (_(SEVERITY_LABELS[pain.severity]), *_evidence_badges(pain.evidence)), meta, dom_id)


def opportunity_card(opp: Opportunity, dom_id: str, mark: str = "") -> Card:
    """An opportunity card with its impact and effort."""
    badges = tuple(
        x
        for x in (
            _("Quick win") if opp.impact == "high" and opp.effort == "low" else "",
            opp.impact and _(LEVEL_LABELS[opp.impact][0]),
            opp.effort and _(LEVEL_LABELS[opp.effort][1]),
        )
        if x
    )
    css = "cjm-opp" + (f" cjm-impact-{opp.impact}" if opp.impact else "") + mark
    return Card(opp.text, css, badges, _owner(opp.owner), dom_id)


def _sorted_pains(pains: Iterable[PainPoint]) -> list[PainPoint]:
    return sorted(pains, key=lambda p: -SEVERITY_RANK[p.severity])


def _chip(jid: str, ref: str, touchpoints: Mapping[str, Touchpoint], overlay: Overlay) -> Chip:
    tp = touchpoints.get(ref)
    channel = tp.channel if tp else "other"
    name = tp.name if tp else ref
    found = overlay.touchpoints.get(ref)
    css = "cjm-tp" + (f" cjm-tp-{found.status}" if found else "") + overlay.mark("touchpoint", ref)
    label = _(CHANNEL_LABELS[channel])
    if tp and tp.owner:
        title = _("%(channel)s touchpoint, owned by %(owner)s") % {"channel": label, "owner": tp.owner}
    else:
        title = _("%(channel)s touchpoint") % {"channel": label}
    if found:
        title += f"; {found.label}"
    drivers = overlay.badges_of("touchpoint", ref)
    return Chip(ref, name, channel, label, f"{jid}-ch-{channel}", css, title, found, drivers)


def _cards(
    base: str, pains: list[PainPoint], opportunities: list[Opportunity], overlay: Overlay
) -> tuple[tuple[Card, ...], tuple[Card, ...]]:
    """The pain point cards (most severe first) and opportunity cards of an action or a stage."""
    pain_cards = tuple(
        pain_card(p, f"{base}--pain-{p.id or i}", overlay.mark("pain_point", p.id or ""))
        for i, p in enumerate(_sorted_pains(pains))
    )
    opportunity_cards = tuple(
        opportunity_card(o, f"{base}--opp-{o.id or i}", overlay.mark("opportunity", o.id or ""))
        for i, o in enumerate(opportunities)
    )
    return pain_cards, opportunity_cards


def _column(
    journey: Journey,
    action: Action,
    touchpoints: dict[str, Touchpoint],
    backstage: dict[str, Backstage],
    overlay: Overlay,
    first: bool,
) -> Column:
    jid = journey.id
    chips = tuple(_chip(jid, ref, touchpoints, overlay) for ref in action.touchpoints)
    departments: list[str] = []
    for ref in action.touchpoints:
        for dept in touchpoints[ref].departments if ref in touchpoints else ():
            shown = journey.department_name(dept)
            if shown not in departments:
                departments.append(shown)
    base = f"{jid}--{action.id}"
    pains, opps = _cards(base, action.pain_points, action.opportunities, overlay)
    cards = []
    for ref in action.backstage:
        b = backstage.get(ref)
        meta = " · ".join(x for x in (_owner(b.owner if b else None), b and ", ".join(b.systems)) if x)
        cards.append(Card(b.name if b else ref, "cjm-back" + overlay.mark("backstage", ref), (), meta))
    takes = _("Takes %(duration)s") % {"duration": duration(action.duration)} if action.duration else ""
    badges = tuple(x for x in (takes, *_evidence_badges(action.evidence)) if x)
    css = (
        "cjm-action" + (" cjm-stage-start" if first else "") + (" cjm-assumed" if action.evidence == "assumed" else "")
    )
    return Column(
        base, action.id, action.name, action.description or "", css + overlay.mark("action", action.id), badges,
        chips, tuple(action.thoughts), pains, opps, tuple(cards), tuple(departments), action.source or "",
        frontstage=_frontstage(journey, action, overlay),
        actors=tuple(action.actors),
    )  # fmt: skip


def _frontstage(journey: Journey, action: Action, overlay: Overlay) -> tuple[Card, ...]:
    """The frontstage steps of an action: who faces the customer, and from which department."""
    cards = []
    for step in action.frontstage:
        department = journey.department_name(step.department) if step.department else None
        meta = " · ".join(x for x in (_owner(step.owner), department) if x)
        cards.append(Card(step.text, "cjm-front" + overlay.mark("action", action.id), (), meta))
    return tuple(cards)


def _placeholder(jid: str, stage: Stage) -> Column:
    """The one column an empty stage still takes, so the map shows the gap."""
    return Column(
        f"{jid}--stage-{stage.id}--empty", "", _("No actions mapped yet"), "", "cjm-action cjm-stage-start cjm-empty",
        (), (), (), (), (), (), (), empty=True,
    )  # fmt: skip


def _stage(jid: str, stage: Stage, overlay: Overlay) -> StageView:
    base = f"{jid}--stage-{stage.id}"
    pains, opps = _cards(base, stage.pain_points, stage.opportunities, overlay)
    funnel = overlay.funnels.get(stage.id)
    trend = overlay.trends.get(stage.id)
    return StageView(
        base, stage.name, stage.goal or "", stage.description or "", max(1, len(stage.actions)),
        "cjm-stage" + overlay.mark("stage", stage.id), pains, opps, overlay.stage_notes.get(stage.id, ()),
        funnel.share if funnel else None, funnel.label if funnel else "", overlay.ghosts.get(stage.id, ()),
        build_sparkline(f"{base}--trend", trend) if trend else None, overlay.badges_of("stage", stage.id),
    )  # fmt: skip


def _persona(journey: Journey) -> PersonaView | None:
    persona = next((p for p in journey.personas if p.id == journey.scope.persona), None)
    if persona is None:
        return None
    return PersonaView(
        persona.name, persona.role or "", persona.description or "", tuple(persona.goals), tuple(persona.needs),
        tuple(persona.frustrations), tuple(persona.demographics.items()),
    )  # fmt: skip


def _expectation(expectation: Expectation) -> Item:
    parts = [_("measured by %(metric)s") % {"metric": expectation.metric}] if expectation.metric else []
    target = expectation.target
    if target is not None:
        shown = number(target) if isinstance(target, float) else duration(str(target))
        parts.append(_("target %(target)s") % {"target": shown})
    return Item(expectation.text, " · ".join(parts))


def _research(source: ResearchSource) -> Item:
    href = safe_href(source.link)
    detail = [source.date.isoformat()] if source.date else []
    if source.link and not href:
        detail.append(source.link)  # not a web link: shown as text, never followed
    return Item(source.source, " · ".join(detail), href)


def backstage_tracks(columns: list[Column], actions: list[Action | None]) -> tuple[tuple[TrackCell, ...], ...]:
    """The backstage lane as tracks: each process one card over each run of adjacent actions that use it.

    A process used by two neighbouring actions is one card spanning both, not
    two identical cards; runs that would overlap go on separate tracks (rows),
    packed first-fit in column order, so a process used far apart gets a card
    per run and never seems to serve the actions between.
    """
    runs: list[tuple[int, int, str, Card]] = []  # (first column, last column, process id, card)
    open_runs: dict[str, tuple[int, Card]] = {}
    for index in range(len(columns) + 1):
        using = {}
        if index < len(columns) and actions[index] is not None:
            using = dict(zip(actions[index].backstage, columns[index].backstage, strict=True))  # type: ignore[union-attr]
        for ref in [r for r in open_runs if r not in using]:
            start, card = open_runs.pop(ref)
            runs.append((start, index - 1, ref, card))
        for ref, card in using.items():
            open_runs.setdefault(ref, (index, card))
    runs.sort(key=lambda r: (r[0], r[1]))
    tracks: list[list[tuple[int, int, Card]]] = []
    for start, end, _order, card in runs:
        track = next((t for t in tracks if t[-1][1] < start), None)
        if track is None:
            tracks.append([(start, end, card)])
        else:
            track.append((start, end, card))
    rows = []
    for track in tracks or [[]]:
        cells: list[TrackCell] = []
        column = 0
        for start, end, card in track:
            cells.extend(TrackCell(1, columns[c].cell) for c in range(column, start))
            cells.append(TrackCell(end - start + 1, columns[start].cell, card))
            column = end + 1
        cells.extend(TrackCell(1, columns[c].cell) for c in range(column, len(columns)))
        rows.append(tuple(cells))
    return tuple(rows)


def build_view(journey: Journey, overlay: Overlay = NO_OVERLAY) -> MapView:
    """The complete view of one journey, with an optional evidence or diff overlay."""
    jid = journey.id
    scope = journey.scope
    columns: list[Column] = []
    touchpoints = {tp.id: tp for tp in journey.touchpoints}
    backstage = {b.id: b for b in journey.backstage}
    column_actions: list[Action | None] = []
    for stage in journey.stages:
        columns.extend(
            _column(journey, a, touchpoints, backstage, overlay, i == 0) for i, a in enumerate(stage.actions)
        )
        column_actions.extend(stage.actions)
        if not stage.actions:
            columns.append(_placeholder(jid, stage))
            column_actions.append(None)
    stages = tuple(_stage(jid, s, overlay) for s in journey.stages)
    expectations = tuple(_expectation(e) for e in scope.expectations)
    research = tuple(_research(r) for r in scope.research)
    used = sorted({tp.channel for tp in journey.touchpoints} | {"other"})
    return MapView(
        id=jid,
        title=journey.title,
        description=journey.description or "",
        owner=journey.owner or "",
        tags=tuple(journey.tags),
        stakeholders=tuple(Item(s.name, s.role.replace("-", " ")) for s in journey.stakeholders),
        scenario=scope.scenario,
        start=scope.start or "",
        end=scope.end or "",
        goal=scope.goal or "",
        expectations=expectations,
        research=research,
        persona=_persona(journey),
        persona_ref=scope.persona,
        stages=stages,
        columns=tuple(columns),
        backstage_tracks=backstage_tracks(columns, column_actions),
        curve=build_curve(journey, overlay.old_emotions, overlay.stage_scores),
        metrics=build_metrics(journey, overlay.measured_metrics),
        matrix=build_matrix(journey),
        channels=tuple(used),
        has_stage_items=any(s.pains or s.opportunities for s in stages),
        has_ghosts=any(s.ghosts for s in stages),
        has_frontstage=any(c.frontstage for c in columns),
        highlights=build_highlights(journey),
        legend=tuple((css, _(label)) for css, label in (*LEGEND, *overlay.legend)),  # an overlay's N_ labels too
        summary=overlay.summary,
        banner=overlay.banner,
    )
