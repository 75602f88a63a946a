"""The site index of a rendered folder: the portfolio (lifecycle board, blind spots, opportunity backlog,
pain points by touchpoint and department, nested journeys), one card per journey, and who is involved where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cjm.model import SEVERITY_RANK, Journey, LifecycleStage
from cjm.portfolio import by_title
from cjm.portfolio.backlog import RankedOpportunity, Reach, backlog
from cjm.portfolio.board import Board, Nesting, build_board
from cjm.portfolio.tables import (
    NO_DEPARTMENT,
    NO_TOUCHPOINT,
    DepartmentPains,
    PainGroup,
    department_pains,
    pain_groups,
    pain_rows,
)
from cjm.render.curve import emotion_css
from cjm.render.i18n import N_, _, language, ngettext, number, primary, speaking
from cjm.render.view import CHANNEL_LABELS, SEVERITY_LABELS

if TYPE_CHECKING:
    from cjm.evidence.model import EvidenceReport

SPARK_WIDTH, SPARK_HEIGHT = 280, 48


@dataclass(frozen=True)
class JourneyCard:
    """One journey on the index."""

    href: str
    title: str
    persona: str
    scenario: str
    owner: str
    stats: tuple[str, ...]
    spark: str
    spark_points: tuple[tuple[float, float, str], ...]
    mood: str
    mood_css: str


@dataclass(frozen=True)
class CrossRow:
    """A touchpoint across journeys: its departments and the journeys that use it."""

    name: str
    channel: str
    cells: tuple[bool, ...]
    journeys: str


@dataclass(frozen=True)
class Link:
    """A link to another journey of the site (no ``href`` when that journey was not rendered), and why."""

    title: str
    href: str
    via: str  # the action the nested journey details


@dataclass(frozen=True)
class BoardCard:
    """One journey on the lifecycle board."""

    href: str
    title: str
    status: str  # the status's label in the current language, or "No status"
    status_css: str
    type: str
    owner: str
    spark: str
    spark_points: tuple[tuple[float, float, str], ...]
    mood: str
    evidence: str  # the evidence badge, or '' when no report was given for it
    nested_in: tuple[Link, ...]
    nests: tuple[Link, ...]


@dataclass(frozen=True)
class BoardColumn:
    """One lifecycle stage, a column of the board (1-based ``column``); a blind spot when no journey covers it."""

    name: str
    description: str
    column: int
    blind: bool


@dataclass(frozen=True)
class Segment:
    """A run of neighbouring lifecycle stages one journey covers: grid columns ``start`` to ``end`` inclusive."""

    start: int
    end: int
    first: bool  # the first run carries the card; later runs say the journey continues there


@dataclass(frozen=True)
class BoardRow:
    """One journey on the board: its card and the runs of stages it covers."""

    card: BoardCard
    segments: tuple[Segment, ...]
    covers: str  # the stage names, for readers and print


@dataclass(frozen=True)
class BacklogRow:
    """One ranked opportunity as the backlog table shows it."""

    item: RankedOpportunity
    href: str
    place: str
    factors: str
    score: str  # two decimals, as the current language writes them


@dataclass(frozen=True)
class DepartmentRow:
    """One department of the pain table by department: its severity chips (css severity, count, label)."""

    department: str
    total: int
    counts: tuple[tuple[str, int, str], ...]
    touchpoints: tuple[str, ...]


@dataclass(frozen=True)
class PortfolioView:
    """The portfolio sections of the index."""

    lifecycle: bool  # whether the workspace declares a lifecycle at all
    columns: tuple[BoardColumn, ...]
    rows: tuple[BoardRow, ...]
    unplaced: tuple[BoardCard, ...]
    blind_spots: tuple[str, ...]
    backlog: tuple[BacklogRow, ...]
    pains: tuple[PainGroup, ...]
    departments: tuple[DepartmentRow, ...]
    nesting: tuple[tuple[Link, Link], ...]  # (parent, child)
    statuses: tuple[tuple[str, str], ...]  # the legend: (css class, label)
    severities: Mapping[str, str]  # a pain point's severity chip, in the current language


@dataclass(frozen=True)
class SiteView:
    """Everything the index page shows."""

    cards: tuple[JourneyCard, ...]
    departments: tuple[str, ...]
    rows: tuple[CrossRow, ...]
    spark_width: int
    spark_height: int
    portfolio: PortfolioView | None = None

    @property
    def heading(self) -> str:
        """The page title: "1 journey", "3 journeys"."""
        return ngettext("%(count)s journey", "%(count)s journeys", len(self.cards)) % {"count": len(self.cards)}


def _spark(journey: Journey) -> tuple[str, tuple[tuple[float, float, str], ...]]:
    scores = [a.emotion for _, a in journey.actions()]
    n = len(scores)
    points = []
    for i, score in enumerate(scores):
        if score is None:
            continue
        x = 6 + (SPARK_WIDTH - 12) * (i / (n - 1) if n > 1 else 0.5)
        y = 6 + (SPARK_HEIGHT - 12) * (2 - score) / 4
        points.append((round(x, 2), round(y, 2), emotion_css(score)))
    path = ("M " + " L ".join(f"{x:g},{y:g}" for x, y, _ in points)) if len(points) > 1 else ""
    return path, tuple(points)


def _card(journey: Journey) -> JourneyCard:
    persona = next((p.name for p in journey.personas if p.id == journey.scope.persona), journey.scope.persona)
    actions = journey.actions()
    pains = [p for s in journey.stages for p in s.pain_points] + [p for _, a in actions for p in a.pain_points]
    severe = sum(1 for p in pains if SEVERITY_RANK[p.severity] >= SEVERITY_RANK["high"])
    opportunities = sum(len(s.opportunities) for s in journey.stages) + sum(len(a.opportunities) for _, a in actions)
    scores = [a.emotion for _, a in actions if a.emotion is not None]
    mean = sum(scores) / len(scores) if scores else None
    stages, metrics = len(journey.stages), len(journey.metrics)
    stats = (
        ngettext("%(count)s stage", "%(count)s stages", stages) % {"count": stages},
        ngettext("%(count)s action", "%(count)s actions", len(actions)) % {"count": len(actions)},
        ngettext(
            "%(count)s pain point (%(severe)s high or critical)",
            "%(count)s pain points (%(severe)s high or critical)",
            len(pains),
        ) % {"count": len(pains), "severe": severe},
        ngettext("%(count)s opportunity", "%(count)s opportunities", opportunities) % {"count": opportunities},
        ngettext("%(count)s metric", "%(count)s metrics", metrics) % {"count": metrics},
    )  # fmt: skip
    path, points = _spark(journey)
    shown = (("+" if mean > 0 else "−" if mean < 0 else "") + number(abs(mean), 1)) if mean is not None else ""
    mood = _("average emotion %(mean)s") % {"mean": shown} if mean is not None else _("no emotions recorded")
    mood_css = emotion_css(round(mean)) if mean is not None else emotion_css(None)
    return JourneyCard(
        f"{journey.id}.html", journey.title, persona, journey.scope.scenario, journey.owner or "", stats, path, points,
        mood, mood_css,
    )  # fmt: skip


# The board's labels are marked here and translated where they are drawn (`cjm report` keeps the values as written).
STATUS_LABELS = {
    "draft": N_("Draft"), "researched": N_("Researched"), "validated": N_("Validated"), "live": N_("Live"),
    "retired": N_("Retired"),
}  # fmt: skip
NO_STATUS = N_("No status")
TYPE_LABELS = {"macro": N_("macro"), "micro": N_("micro"), "blueprint": N_("blueprint")}


def _fixed(value: float) -> str:
    """A score with its two decimals kept (12.50), as the current language writes it (12,50)."""
    return number(value, 2, trim=False)


def _placeholder(name: str) -> str:
    """The pain tables' "no touchpoint" / "no department" in the current language; any other name as written."""
    return {NO_TOUCHPOINT: _("no touchpoint"), NO_DEPARTMENT: _("no department")}.get(name, name)


def _severity_count(severity: str, count: int) -> str:
    """A severity chip of the table by department: "3 high"."""
    words = {
        "critical": ngettext("%(count)s critical", "%(count)s critical", count),
        "high": ngettext("%(count)s high", "%(count)s high", count),
        "medium": ngettext("%(count)s medium", "%(count)s medium", count),
        "low": ngettext("%(count)s low", "%(count)s low", count),
    }
    return words[severity] % {"count": count}


def _department_row(d: DepartmentPains) -> DepartmentRow:
    counts = tuple((severity, n, _severity_count(severity, n)) for severity, n in d.counts)
    return DepartmentRow(_placeholder(d.department), d.total, counts, tuple(_placeholder(t) for t in d.touchpoints))


def _pain_group(group: PainGroup) -> PainGroup:
    return replace(group, touchpoint=_placeholder(group.touchpoint))


def evidence_reach(report: EvidenceReport) -> Reach | None:
    """What an evidence report says about reach, for the backlog's score; None when it withheld the total."""

    def number(value: object) -> float | None:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    customers = number(report.cases)
    if customers is None:
        return None
    touchpoints = {t.id: n for t in report.touchpoints if (n := number(t.cases)) is not None}
    stages = {s.id: n for s in report.stages if (n := number(s.reached_cases)) is not None}
    return Reach(customers, touchpoints, stages)


def evidence_by_journey(path: str | None) -> dict[str, Reach]:
    """The reach of the journey a ``--evidence`` report is for, by journey id; empty without a report."""
    if not path:
        return {}
    from cjm.render.overlay import load_evidence

    return reach_by_journey(load_evidence(path))


def reach_by_journey(report: EvidenceReport) -> dict[str, Reach]:
    """The reach of the journey an evidence report is for, by journey id; empty when it withheld the total."""
    reach = evidence_reach(report)
    return {report.run.map: reach} if reach else {}


def _links(nesting: Sequence[Nesting], pick_child: bool, titles: Mapping[str, str]) -> tuple[Link, ...]:
    out = []
    for n in nesting:
        ident = n.child if pick_child else n.parent
        out.append(Link(titles.get(ident, ident), f"{ident}.html" if ident in titles else "", n.action))
    return tuple(out)


def _board_card(
    journey: Journey, card: JourneyCard, board: Board, titles: Mapping[str, str], reach: Reach | None
) -> BoardCard:
    status = _(STATUS_LABELS.get(journey.status, journey.status)) if journey.status else _(NO_STATUS)
    evidence = ""
    if reach:
        customers = round(reach.customers)
        evidence = ngettext("Evidence: %(count)s customer", "Evidence: %(count)s customers", customers) % {
            "count": number(customers, 0)
        }
    kind = _(TYPE_LABELS[journey.type]) if journey.type in TYPE_LABELS else journey.type or ""
    return BoardCard(
        card.href, journey.title, status, f"cjm-status-{journey.status or 'none'}", kind, journey.owner or "",
        card.spark, card.spark_points, card.mood, evidence,
        _links(board.parents(journey.id), False, titles), _links(board.children(journey.id), True, titles),
    )  # fmt: skip


def _backlog_row(item: RankedOpportunity) -> BacklogRow:
    place = f"{item.stage} · {item.action}" if item.action else _("%(stage)s (stage-wide)") % {"stage": item.stage}
    factors = _("pain %(pain)s × impact %(impact)s ÷ effort %(effort)s") % {
        "pain": item.pain, "impact": item.impact_points, "effort": item.effort_points,
    }  # fmt: skip
    if item.reached is not None:
        reached = round(item.reached)
        factors += ngettext(
            " × reach %(reach)s (%(count)s customer)", " × reach %(reach)s (%(count)s customers)", reached
        ) % {"reach": number(item.reach), "count": number(reached, 0)}
    return BacklogRow(item, f"{item.journey_id}.html", place, factors, _fixed(item.score))


def _segments(columns: Sequence[int]) -> tuple[Segment, ...]:
    """Runs of consecutive column numbers: [1, 2, 3, 5] -> (1..3), (5..5)."""
    runs: list[list[int]] = []
    for col in sorted(set(columns)):
        if runs and col == runs[-1][-1] + 1:
            runs[-1].append(col)
        else:
            runs.append([col])
    return tuple(Segment(run[0], run[-1], n == 0) for n, run in enumerate(runs))


def _board_rows(board: Board, cards: Mapping[str, BoardCard]) -> tuple[BoardRow, ...]:
    """One row per placed journey, ordered by the first stage it covers, then by title."""
    placed: dict[str, list[int]] = {}
    for n, column in enumerate(board.columns, 1):
        for ident in column.journeys:
            placed.setdefault(ident, []).append(n)
    names = {n: c.stage.name for n, c in enumerate(board.columns, 1)}
    rows = [BoardRow(cards[i], _segments(cols), ", ".join(names[c] for c in cols)) for i, cols in placed.items()]
    rows.sort(key=lambda r: (r.segments[0].start, r.card.title.lower(), r.card.href))
    return tuple(rows)


def build_portfolio(
    journeys: Sequence[Journey],
    lifecycle: Sequence[LifecycleStage],
    evidence: Mapping[str, Reach],
    journey_cards: Mapping[str, JourneyCard],
) -> PortfolioView:
    """The portfolio sections: board, blind spots, backlog, pain points by touchpoint and department, nesting.

    ``journey_cards`` are the index's cards by journey id: the board's cards reuse their sparkline and mood.
    """
    board = build_board(journeys, lifecycle)
    titles = {j.id: j.title for j in journeys}
    cards = {j.id: _board_card(j, journey_cards[j.id], board, titles, evidence.get(j.id)) for j in journeys}
    columns = tuple(
        BoardColumn(c.stage.name, c.stage.description or "", n, c.blind) for n, c in enumerate(board.columns, 1)
    )
    nesting = tuple(
        (Link(titles[n.parent], f"{n.parent}.html", n.action), _links([n], True, titles)[0])
        for n in board.nesting
        if n.parent in titles
    )
    pains = pain_rows(journeys)
    return PortfolioView(
        bool(lifecycle), columns, _board_rows(board, cards), tuple(cards[i] for i in board.unplaced),
        tuple(s.name for s in board.blind_spots), tuple(_backlog_row(item) for item in backlog(journeys, evidence)),
        tuple(_pain_group(g) for g in pain_groups(pains)), tuple(_department_row(d) for d in department_pains(pains)),
        nesting, tuple((f"cjm-status-{k}", _(v)) for k, v in [*STATUS_LABELS.items(), ("none", NO_STATUS)]),
        {severity: _(label) for severity, label in SEVERITY_LABELS.items()},
    )  # fmt: skip


def build_site(
    journeys: list[Journey],
    lifecycle: Sequence[LifecycleStage] = (),
    evidence: Mapping[str, Reach] | None = None,
) -> SiteView:
    """The index view of a set of journeys, in the order given (sorted by title for a stable page)."""
    ordered = by_title(journeys)
    departments: list[str] = []
    # Keyed by id and name: ids are local to a journey unless a shared catalog defines them.
    touchpoints: dict[tuple[str, str], tuple[str, str, set[str], list[str]]] = {}
    for journey in ordered:
        used = {ref for _, a in journey.actions() for ref in a.touchpoints}
        for tp in journey.touchpoints:
            shown = [journey.department_name(d) for d in tp.departments]  # a catalog's display name, else as written
            departments.extend(d for d in shown if d not in departments)
            _name, _channel, depts, titles = touchpoints.setdefault((tp.id, tp.name), (tp.name, tp.channel, set(), []))
            depts.update(shown)
            if tp.id in used and journey.title not in titles:
                titles.append(journey.title)
    departments.sort(key=str.lower)
    rows = tuple(
        CrossRow(
            name,
            _(CHANNEL_LABELS[channel]),
            tuple(d in depts for d in departments),
            ", ".join(titles) or _("no action"),
        )
        for name, channel, depts, titles in sorted(touchpoints.values(), key=lambda t: (t[0].lower(), t[1]))
    )
    cards = {j.id: _card(j) for j in ordered}
    portfolio = build_portfolio(ordered, lifecycle, evidence or {}, cards)
    return SiteView(tuple(cards.values()), tuple(departments), rows, SPARK_WIDTH, SPARK_HEIGHT, portfolio)


def render_index(
    journeys: list[Journey], lifecycle: Sequence[LifecycleStage] = (), evidence: Mapping[str, Reach] | None = None
) -> str:
    """The ``index.html`` of a rendered folder: the map pages' stylesheet plus the portfolio's."""
    from cjm.render.html import page

    langs = {primary(j.lang) for j in journeys}
    with speaking(language(next(iter(langs)) if len(langs) == 1 else None)):
        site = build_site(journeys, lifecycle, evidence)
        return page("index.html.j2", sheets=("map.css", "portfolio.css"), site=site)
