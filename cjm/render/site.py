"""The site index of a rendered folder: one card per journey, and who is involved where across journeys."""

from __future__ import annotations

from dataclasses import dataclass

from cjm.model import SEVERITY_RANK, Journey
from cjm.render.curve import emotion_css
from cjm.render.i18n import _, language, ngettext, number, primary, speaking
from cjm.render.view import CHANNEL_LABELS

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
class SiteView:
    """Everything the index page shows."""

    cards: tuple[JourneyCard, ...]
    departments: tuple[str, ...]
    rows: tuple[CrossRow, ...]
    spark_width: int
    spark_height: int

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


def build_site(journeys: list[Journey]) -> SiteView:
    """The index view of a set of journeys, in the order given (sorted by title for a stable page)."""
    ordered = sorted(journeys, key=lambda j: (j.title.lower(), j.id))
    departments: list[str] = []
    # Keyed by id and name: ids are local to a journey unless a shared catalog defines them.
    touchpoints: dict[tuple[str, str], tuple[str, str, set[str], list[str]]] = {}
    for journey in ordered:
        used = {ref for _, a in journey.actions() for ref in a.touchpoints}
        for tp in journey.touchpoints:
            departments.extend(d for d in tp.departments if d not in departments)
            _name, _channel, depts, titles = touchpoints.setdefault((tp.id, tp.name), (tp.name, tp.channel, set(), []))
            depts.update(tp.departments)
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
    return SiteView(tuple(_card(j) for j in ordered), tuple(departments), rows, SPARK_WIDTH, SPARK_HEIGHT)


def render_index(journeys: list[Journey]) -> str:
    """The ``index.html`` of a rendered folder."""
    from cjm.render.html import page

    langs = {primary(j.lang) for j in journeys}
    with speaking(language(next(iter(langs)) if len(langs) == 1 else None)):
        return page("index.html.j2", site=build_site(journeys))
