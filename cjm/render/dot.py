"""Graphviz rendering: the journey flow as DOT, and SVG/PNG/PDF drawn by Graphviz's ``dot``.

Layout, top to bottom, one lane per rank: a header per stage, the customer
actions left to right in journey order (filled on a red..grey..green scale by
emotion), the touchpoints, the frontstage steps if any, the line of
visibility and the backstage processes the actions rely on; lane labels run
down the left. The order of lanes and of nodes within a lane is fixed by
construction, not left to Graphviz's crossing minimisation. Every user
string reaches DOT either HTML-escaped inside an HTML-like label or through
the ``graphviz`` package's quoting, never raw. Node ids are built from slugs
prefixed by the journey id, so the output is deterministic and several maps
can share one page.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from cjm.errors import CjmError, DependencyError
from cjm.render.i18n import N_, _, duration, language, ngettext, speaking

if TYPE_CHECKING:
    from graphviz import Digraph

    from cjm.model import Action, Frontstage, Journey, Stage

GRAPHVIZ_FORMATS = ("svg", "png", "pdf")
DOT_TIMEOUT_SECONDS = 60
INSTALL_HINT = (
    "Graphviz's 'dot' program is needed for svg, png and pdf output; install it with "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'sudo dnf install graphviz' (Fedora) or "
    "'brew install graphviz' (macOS), or choose a format that does not need it: dot, mermaid, md, html"
)

# Emotion -> (fill, font colour, legend text). A diverging red..grey..green scale
# that stays readable when printed in greyscale (the dark ends get white text).
EMOTION_STYLE: dict[int | None, tuple[str, str, str]] = {
    -2: ("#d73027", "#ffffff", N_("very negative")),
    -1: ("#fc8d59", "#000000", N_("negative")),
    0: ("#e0e0e0", "#000000", N_("neutral")),
    1: ("#91cf60", "#000000", N_("positive")),
    2: ("#1a9850", "#ffffff", N_("very positive")),
    None: ("#ffffff", "#000000", N_("not recorded")),
}
_WRAP = 28
_MAX_LINES = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # the noncharacters: XML refuses them too
_FONT = "Helvetica"


def to_dot(journey: Journey) -> str:
    """The journey as Graphviz DOT source in the journey's language: deterministic, every user string escaped."""
    with speaking(language(journey.lang)):
        return cast(str, _graph(journey).source)


def render_graphviz(journey: Journey, fmt: str) -> bytes:
    """The journey drawn by Graphviz as ``svg``, ``png`` or ``pdf`` bytes."""
    if fmt not in GRAPHVIZ_FORMATS:
        raise CjmError(f"Graphviz cannot draw '{fmt}' here; choose from: {', '.join(GRAPHVIZ_FORMATS)}")
    return run_dot(to_dot(journey), fmt)


def run_dot(source: str, fmt: str, timeout: float = DOT_TIMEOUT_SECONDS) -> bytes:
    """Run ``dot -T<fmt>`` on DOT source; a missing program is a DependencyError with install steps."""
    # The graphviz package's pipe() takes no timeout, so the same command runs here directly.
    program = shutil.which("dot")
    if program is None:
        raise DependencyError(INSTALL_HINT)
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise CjmError(f"Graphviz 'dot' took more than {timeout:g} s to draw the map and was stopped") from None
    except OSError as exc:
        raise DependencyError(f"cannot run Graphviz 'dot' ({exc.strerror or exc}); {INSTALL_HINT}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CjmError(f"Graphviz 'dot' failed ({detail[-1] if detail else f'exit {done.returncode}'})")
    return done.stdout


def node_id(journey: Journey, kind: str, slug: str) -> str:
    """The stable DOT node id of a stage, action, touchpoint or backstage process."""
    return f"{journey.id}__{kind}__{slug}"


def _graph(journey: Journey) -> Digraph:
    from graphviz import Digraph

    graph = Digraph(
        name=journey.id,
        graph_attr={
            # Top to bottom, each lane one rank: ranks are ordered by the chain of lane labels,
            # so the lanes cannot swap (a cluster per stage let crossing minimisation reorder them).
            "rankdir": "TB",
            "newrank": "true",
            # Straight segments: Graphviz's orthogonal router aborts the whole program on some layouts
            # (an assertion in maze.c, found by the property tests), so it is not used.
            "splines": "polyline",
            "fontname": _FONT,
            "labelloc": "t",
            "label": _html(f"<B>{_text(journey.title, 80, 2)}</B>"),
            "nodesep": "0.25",
            "ranksep": "0.4",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": _FONT, "fontsize": "11", "margin": "0.12"},
        edge_attr={"fontname": _FONT, "fontsize": "9", "color": "#555555"},
    )
    flow = _actions(journey)
    backstage = _items(journey, _ROWS[1])
    lanes = [
        _Lane("stages", "", _headers(journey)),
        _Lane("actions", _("Customer actions"), flow),
        _Lane("touchpoints", _(_ROWS[0].label), _items(journey, _ROWS[0])),
        _Lane("frontstage", _("Frontstage, above the line of visibility"), _frontstage(journey)),
    ]
    if backstage:  # the line is drawn from its label to a point under the last action
        end = {"shape": "point", "width": "0.01", "style": "invis"}
        lanes.append(_Lane("visibility", _("Line of visibility"), [(node_id(journey, "lane", "visibility-end"), end)]))
        lanes.append(_Lane("backstage", _(_ROWS[1].label), backstage))
    _draw_lanes(graph, journey, [lane for lane in lanes if lane.nodes])
    _edges(graph, journey, [ident for ident, _ in flow], bool(backstage))
    return graph


_Node = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class _Lane:
    """One horizontal band of the drawing: a label at the left, then its nodes left to right in map order."""

    key: str
    label: str
    nodes: list[_Node]


def _draw_lanes(graph: Digraph, journey: Journey, lanes: list[_Lane]) -> None:
    """Each lane one rank; an edge chain fixes the order of lanes top to bottom and of nodes left to right.

    Invisible edges between the lane labels make every lane one rank below the one above it,
    and a chain of flat edges through each lane is an order Graphviz's crossing minimisation
    may not change: both orders hold for any journey, by construction.
    """
    labels = [node_id(journey, "lane", lane.key) for lane in lanes]
    for lane, label in zip(lanes, labels, strict=True):
        with graph.subgraph() as rank:
            rank.attr(rank="same")
            wrapped = html.escape(lane.label).replace(", ", ",<BR/>").replace(" (", "<BR/>(")  # a narrow column
            text = f"<I>{wrapped}</I>" if lane.label else "&#160;"
            rank.node(label, label=_html(text), shape="plaintext", style="", fontcolor="#444444")
            for ident, attrs in lane.nodes:
                rank.node(ident, **attrs)
        chain = [label, *(ident for ident, _ in lane.nodes)]
        if lane.key == "visibility":
            graph.edge(*chain, style="dashed", arrowhead="none", color="#7f7f7f", penwidth="1.5", weight="0")
        elif lane.key == "actions":
            graph.edge(chain[0], chain[1], style="invis", weight="0")  # the flow edges chain the actions
        else:
            for tail, head in itertools.pairwise(chain):
                graph.edge(tail, head, style="invis", weight="0")
    for tail, head in itertools.pairwise(labels):
        graph.edge(tail, head, style="invis", weight="100")
    legend = node_id(journey, "legend", "emotion")
    _legend(graph, legend)
    graph.edge(labels[-1], legend, style="invis", weight="100")


def _headers(journey: Journey) -> list[_Node]:
    """A header per stage, in journey order: number, name and stage pain points."""
    return [
        (
            node_id(journey, "stage", stage.id),
            {
                "label": _html(f"<B>{number}. {_text(stage.name, _WRAP, 2)}</B>{_stage_extra(stage)}"),
                "fillcolor": "#f7f7f7",
                "color": "#999999",
                "tooltip": _tooltip(stage.description or stage.goal or stage.name),
            },
        )
        for number, stage in enumerate(journey.stages, start=1)
    ]


def _column(journey: Journey, stage: Stage) -> list[str]:
    """The action nodes of one stage, or its placeholder when it has none."""
    if not stage.actions:
        return [node_id(journey, "stage", stage.id) + "__empty"]
    return [node_id(journey, "action", action.id) for action in stage.actions]


def _actions(journey: Journey) -> list[_Node]:
    """Every action (or a stage's placeholder), in journey order, filled by emotion."""
    nodes: list[_Node] = []
    for stage in journey.stages:
        if not stage.actions:
            attrs = {"label": _("no actions yet"), "style": "dashed", "fontcolor": "#777777"}
            nodes.append((_column(journey, stage)[0], attrs))
        for action in stage.actions:
            fill, font, _legend_text = EMOTION_STYLE[action.emotion]
            style = "rounded,filled" + (",dashed" if action.evidence == "assumed" or action.emotion is None else "")
            attrs = {
                "label": _html(_action_label(action)),
                "fillcolor": fill,
                "fontcolor": font,
                "style": style,
                "tooltip": _tooltip(action.description or action.name),
            }
            nodes.append((node_id(journey, "action", action.id), attrs))
    return nodes


def _edges(graph: Digraph, journey: Journey, flow: list[str], visibility: bool) -> None:
    """The flow between actions, each stage header over its actions, each action down to what it uses."""
    starts = {_column(journey, stage)[0] for stage in journey.stages}
    for tail, head in itertools.pairwise(flow):
        # A wider gap between stages (minlen counts nodesep on a flat edge) shows where each begins.
        graph.edge(tail, head, weight="10", **({"minlen": "4"} if head in starts else {}))
    for stage in journey.stages:
        for ident in _column(journey, stage):
            graph.edge(node_id(journey, "stage", stage.id), ident, style="invis", weight="2")
    for row in _ROWS:
        for (stage_id, ref), actions in _uses(journey, row.field).items():
            for action_id in actions:
                target = _instance(journey, row.kind, ref, stage_id)
                graph.edge(node_id(journey, "action", action_id), target, color=row.color, **row.edge)
    for action, node, _step in _steps(journey):
        graph.edge(action, node, color="#1b7837", arrowhead="none")
    if visibility:  # holds the line's end under the last action
        graph.edge(flow[-1], node_id(journey, "lane", "visibility-end"), style="invis", weight="1")


def _stage_extra(stage: Stage) -> str:
    count = len(stage.pain_points)
    if not count:
        return ""
    text = ngettext("%(n)s stage pain point", "%(n)s stage pain points", count) % {"n": count}
    return f'<BR/><FONT POINT-SIZE="9">{html.escape(text)}</FONT>'


def _action_label(action: Action) -> str:
    lines = [f"<B>{_text(action.name, _WRAP, _MAX_LINES)}</B>"]
    mood = [] if action.emotion is None else [_score(action.emotion)]
    if action.feeling:
        mood.append(_text(action.feeling, _WRAP, 1))
    if mood:
        lines.append(" · ".join(mood))
    facts = []
    if action.pain_points:
        count = len(action.pain_points)
        facts.append(html.escape(ngettext("%(n)s pain point", "%(n)s pain points", count) % {"n": count}))
    if action.duration:
        facts.append(_text(duration(action.duration), 20, 1))
    if facts:
        lines.append(f'<FONT POINT-SIZE="9">{", ".join(facts)}</FONT>')
    if action.actors:
        names = ", ".join(_text(actor, _WRAP, 1) for actor in action.actors)
        company = html.escape(_("with %(names)s")).replace("%(names)s", names)  # names are escaped already
        lines.append(f'<FONT POINT-SIZE="9">{company}</FONT>')
    if action.evidence == "assumed":
        assumed = html.escape(_("assumed"))
        lines.append(f'<FONT POINT-SIZE="9"><I>{assumed}</I></FONT>')
    return "<BR/>".join(lines)


@dataclass(frozen=True)
class _Row:
    """How a lane of items under the actions is drawn: the touchpoints, or the backstage processes."""

    kind: str  # node kind
    field: str  # the action field that references the lane's items
    label: str
    color: str
    shape: str
    fill: str
    edge: dict[str, str]


_ROWS = (
    _Row("touchpoint", "touchpoints", N_("Touchpoints (line of interaction)"), "#4575b4", "note", "#deebf7",
         {"style": "dashed", "arrowhead": "none"}),
    _Row("backstage", "backstage", N_("Backstage, below the line of visibility"), "#7f7f7f", "component", "#f0f0f0",
         {"style": "dotted"}),
)  # fmt: skip


def _details(journey: Journey, kind: str) -> dict[str, tuple[str, str]]:
    """Id -> (name, small print under it) of a row's declared items: a touchpoint's channel, a process's systems."""
    if kind == "touchpoint":
        from cjm.render.view import CHANNEL_LABELS  # the channel's name in the map's language, as on the map

        return {t.id: (t.name, _text(_(CHANNEL_LABELS.get(t.channel, t.channel)), 16, 1)) for t in journey.touchpoints}
    return {b.id: (b.name, _text(", ".join(b.systems), _WRAP, 2)) for b in journey.backstage}


def _uses(journey: Journey, field: str) -> dict[tuple[str, str], list[str]]:
    """(stage id, item id) -> the actions of that stage that use the item, in journey order.

    A touchpoint or backstage process is drawn once per stage that uses it, under that
    stage's actions: an edge then never crosses more than its own stage, which keeps
    Graphviz's layout fast on large maps (one shared node made every edge span the map).
    """
    uses: dict[tuple[str, str], list[str]] = {}
    for stage in journey.stages:
        for action in stage.actions:
            for ref in dict.fromkeys(getattr(action, field)):
                uses.setdefault((stage.id, ref), []).append(action.id)
    return uses


def _instance(journey: Journey, kind: str, ref: str, stage_id: str) -> str:
    """The node id of an item's appearance in one stage ('__' cannot occur inside an id)."""
    return node_id(journey, kind, f"{ref}__{stage_id}")


def _items(journey: Journey, row: _Row) -> list[_Node]:
    """A lane's items, each drawn under every stage that uses it in the order of first use;
    declared items nothing uses are drawn once, at the end, so the lane still shows them."""
    details = _details(journey, row.kind)
    uses = _uses(journey, row.field)
    used = {ref for _, ref in uses}
    nodes = [(_instance(journey, row.kind, ref, stage_id), ref) for stage_id, ref in uses]
    nodes += [(node_id(journey, row.kind, ref), ref) for ref in details if ref not in used]
    drawn: list[_Node] = []
    for node, ref in nodes:
        name, small = details.get(ref, (ref, ""))
        extra = f'<BR/><FONT POINT-SIZE="9">{small}</FONT>' if small else ""
        label = _html(f"{_text(name, _WRAP, 3)}{extra}")
        attrs = {"label": label, "shape": row.shape, "style": "filled", "fillcolor": row.fill}
        drawn.append((node, {**attrs, "tooltip": _tooltip(name)}))
    return drawn


def _steps(journey: Journey) -> list[tuple[str, str, Frontstage]]:
    """(action node, step node, step) of every frontstage step, in journey order."""
    return [
        (node_id(journey, "action", action.id), node_id(journey, "frontstage", f"{action.id}__{i}"), step)
        for _stage, action in journey.actions()
        for i, step in enumerate(action.frontstage)
    ]


def _frontstage(journey: Journey) -> list[_Node]:
    """What staff do in front of the customer: a box per step, under its action, in journey order."""
    nodes: list[_Node] = []
    for _action, node, step in _steps(journey):
        department = journey.department_name(step.department) if step.department else None
        who = ", ".join(x for x in (step.owner, department) if x)
        extra = f'<BR/><FONT POINT-SIZE="9">{_text(who, _WRAP, 2)}</FONT>' if who else ""
        label = _html(f"{_text(step.text, _WRAP, 3)}{extra}")
        attrs = {"label": label, "style": "filled", "fillcolor": "#e5f5e0", "tooltip": _tooltip(step.text)}
        nodes.append((node, attrs))
    return nodes


def _legend(graph: Digraph, ident: str) -> None:
    """A compact key to the emotion colours: one small table, no wider than an action."""
    cells = "".join(
        f'<TR><TD BGCOLOR="{fill}" WIDTH="14" BORDER="1" COLOR="#999999"></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{_score(emotion)} {html.escape(_(text))}</FONT></TD></TR>'
        for emotion, (fill, _font, text) in EMOTION_STYLE.items()
    )
    title = f'<TR><TD COLSPAN="2"><I>{html.escape(_("Emotion"))}</I></TD></TR>'
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{title}{cells}</TABLE>'
    graph.node(ident, label=_html(table), shape="box", style="rounded", color="#bbbbbb")


def _score(emotion: int | None) -> str:
    """An emotion as the legend and the action cards write it: -2, 0, +1; nothing when not recorded."""
    return "" if emotion is None else f"{emotion:+d}" if emotion else "0"


def _clean(text: str) -> str:
    """Drop control characters and noncharacters that XML (and so SVG, and Graphviz's label parser) cannot carry."""
    return _CONTROL.sub("\ufffd", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


def _text(text: str, width: int, max_lines: int) -> str:
    """User text for an HTML-like label: wrapped, shortened with an ellipsis, every character escaped."""
    if not text.strip():
        return "&#160;"  # Graphviz rejects an empty <B></B>; a blank name still gets a visible box
    lines: list[str] = []
    for paragraph in _clean(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    # Graphviz expands escString sequences (\N, \G, \L) even in HTML-like labels; a doubled backslash is literal.
    # Graphviz's HTML lexer also rejects "]" right after a tag (<B>]</B>), so brackets go in as entities.
    return "<BR/>".join(
        html.escape(line, quote=True).replace("\\", "\\\\").replace("]", "&#93;").replace("[", "&#91;")
        for line in lines
    )


def _html(markup: str) -> str:
    """An HTML-like DOT label: the graphviz package emits ``<...>`` strings unquoted."""
    return f"<{markup}>"


def _tooltip(text: str) -> str:
    """A plain quoted-string attribute; backslashes and '<...>' lose any special meaning."""
    from graphviz import escape

    return cast(str, escape(_clean(text)[:1000]))  # keeps graphviz's NoHtml str subclass
