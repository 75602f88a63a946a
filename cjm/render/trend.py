"""A stage's reach over time on its header: a small inline SVG line from the periods of a `--by` evidence report.

The line is drawn on a fixed 0-100% scale, the same on every stage, so a steeper line is a bigger change and
stages can be compared; a period without a figure is a gap, never a zero. A period whose change the report
finds beyond chance (``Periods.beyond_chance``) carries a ring. Words are built when the map is drawn, in its
language; the figures are read once with the rest of the overlay.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjm.evidence.model import EvidenceReport
from cjm.render.i18n import _, current, number

WIDTH = 168  # px: fits the header of a one-action stage (216 px less its padding) with room to spare
HEIGHT = 40
PAD = 6  # px around the plot, so a ring (r 5 in _trend.html.j2) on an edge point stays inside the drawing


@dataclass(frozen=True)
class Flag:
    """A change of a stage's reach into ``period`` from the one before that the report finds beyond chance."""

    before: str
    period: str
    old: float
    new: float
    q: float


@dataclass(frozen=True)
class Trend:
    """A stage's reach share per period, in calendar order; None is a period without a figure (a gap)."""

    periods: tuple[str, ...]
    shares: tuple[float | None, ...]
    flags: tuple[Flag, ...] = ()


def stage_trends(report: EvidenceReport) -> dict[str, Trend]:
    """Per stage with reach figures, its trend over the report's periods (none with fewer than two periods).

    A period whose journeys are fewer than the report's ``min_cases`` is a gap: its customers are fewer still,
    and the page withholds what the rest of the report would withhold.
    """
    section = report.periods
    if section is None or len(section.periods) < 2:
        return {}
    least = max(1, int(report.run.semantics.get("min_cases") or 1))
    labels = tuple(p.period for p in section.periods)
    flags: dict[str, list[Flag]] = {}
    for c in section.beyond_chance():
        if c.figure == "reach" and c.id and c.old is not None and c.new is not None and c.q is not None:
            flags.setdefault(c.id, []).append(Flag(c.from_, c.to, c.old, c.new, c.q))
    out = {}
    for stage in dict.fromkeys(s for p in section.periods for s in p.stages):
        shares = tuple(
            p.stages[stage].share if stage in p.stages and p.journeys >= least else None for p in section.periods
        )
        shown = {p for p, s in zip(labels, shares, strict=True) if s is not None}
        if shown:  # a ring only on a drawn point: where the page withholds a figure, its change stays unsaid
            out[stage] = Trend(labels, shares, tuple(f for f in flags.get(stage, []) if f.period in shown))
    return out


@dataclass(frozen=True)
class Ring:
    """The mark of a change beyond chance, with what changed in words."""

    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Sparkline:
    """The inline SVG of one stage's trend and its words: what the label, the tooltip and a screen reader say."""

    dom_id: str
    width: int
    height: int
    top: float  # y of 100%
    bottom: float  # y of 0%
    path: str
    dots: tuple[tuple[float, float], ...]
    rings: tuple[Ring, ...]
    label: str
    desc: str
    notes: tuple[str, ...]


def _percent(share: float) -> str:
    return f"{number(100 * share, 0)}%"


def _label(points: list[tuple[str, float]]) -> str:
    (first, a), (last, b) = points[0], points[-1]
    if first == last:
        return _("Reached by %(value)s of journeys in %(period)s") % {"value": _percent(a), "period": first}
    return _("Reached by %(first)s of journeys in %(start)s, %(last)s in %(end)s") % {
        "first": _percent(a), "start": first, "last": _percent(b), "end": last,
    }  # fmt: skip


def _ring_title(flag: Flag) -> str:
    words = {
        "old": _percent(flag.old),
        "before": flag.before,
        "new": _percent(flag.new),
        "period": flag.period,
        "q": f"{flag.q:.3g}".replace(".", current().decimal),  # as in the report's findings: q = 0.00683
    }
    if flag.new < flag.old:
        return _("Beyond chance: down from %(old)s in %(before)s to %(new)s in %(period)s (q = %(q)s)") % words
    return _("Beyond chance: up from %(old)s in %(before)s to %(new)s in %(period)s (q = %(q)s)") % words


def _note(flag: Flag) -> str:
    if flag.new < flag.old:
        return _("down in %(period)s, beyond chance") % {"period": flag.period}
    return _("up in %(period)s, beyond chance") % {"period": flag.period}


def build_sparkline(dom_id: str, trend: Trend) -> Sparkline:
    """The drawing of ``trend``: one path with a break at every gap, dots where the label's values sit, rings.

    ``trend`` has a figure in one period at least, as ``stage_trends`` gives them.
    """
    step = (WIDTH - 2 * PAD) / max(1, len(trend.periods) - 1)
    bottom = HEIGHT - PAD

    def at(index: int, share: float) -> tuple[float, float]:
        return round(PAD + index * step, 2), round(bottom - share * (HEIGHT - 2 * PAD), 2)

    runs: list[list[tuple[float, float]]] = []  # the stretches of consecutive periods with a figure
    for i, share in enumerate(trend.shares):
        if share is not None:
            if not runs or trend.shares[i - 1] is None:
                runs.append([])
            runs[-1].append(at(i, share))
    path = " ".join("M " + " L ".join(f"{x:g},{y:g}" for x, y in run) for run in runs if len(run) > 1)
    known = [(trend.periods[i], s) for i, s in enumerate(trend.shares) if s is not None]
    ends = [runs[0][0], runs[-1][-1]]
    dots = tuple(dict.fromkeys([*ends, *(run[0] for run in runs if len(run) == 1)]))  # a lone point is a dot
    index = {p: i for i, p in enumerate(trend.periods)}
    rings = tuple(Ring(*at(index[f.period], f.new), _ring_title(f)) for f in trend.flags)
    gap = _("no figure")
    values = [f"{p}: {gap if s is None else _percent(s)}" for p, s in zip(trend.periods, trend.shares, strict=True)]
    desc = "; ".join([*values, *(r.title for r in rings)])
    return Sparkline(
        dom_id, WIDTH, HEIGHT, PAD, bottom, path, dots, rings, _label(known), desc, tuple(_note(f) for f in trend.flags)
    )
