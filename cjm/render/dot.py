"""Graphviz rendering: the journey flow as DOT, and SVG/PNG/PDF drawn by Graphviz's ``dot``.

Layout, left to right: one cluster per stage in journey order holding its
actions (filled on a red..grey..green scale by emotion), then a touchpoints
row and, below the line of visibility, the backstage processes the actions
rely on. Every user string reaches DOT either HTML-escaped inside an HTML-like
label or through the ``graphviz`` package's quoting, never raw. Node ids are
built from slugs prefixed by the journey id, so the output is deterministic
and several maps can share one page.
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
    -2: ("#d73027", "#ffffff", "-2 very negative"),
    -1: ("#fc8d59", "#000000", "-1 negative"),
    0: ("#e0e0e0", "#000000", "0 neutral"),
    1: ("#91cf60", "#000000", "+1 positive"),
    2: ("#1a9850", "#ffffff", "+2 very positive"),
    None: ("#ffffff", "#000000", "not recorded"),
}
_WRAP = 28
_MAX_LINES = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # the noncharacters: XML refuses them too
_FONT = "Helvetica"


def to_dot(journey: Journey) -> str:
    """The journey as Graphviz DOT source: deterministic, every user string escaped."""
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
            "rankdir": "LR",
            # Orthogonal edges read like a service blueprint, and dot's curved splines fail
            # ("triangulation failed") on flat edges between a column's clusters.
            "splines": "ortho",
            "newrank": "true",
            "compound": "true",
            "fontname": _FONT,
            "labelloc": "t",
            "label": _html(f"<B>{_text(journey.title, 80, 2)}</B>"),
            "nodesep": "0.25",
            "ranksep": "0.45",
        },
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": _FONT, "fontsize": "11", "margin": "0.12"},
        edge_attr={"fontname": _FONT, "fontsize": "9", "color": "#555555"},
    )
    flow = _stages(graph, journey)
    for tail, head in itertools.pairwise(flow):
        graph.edge(tail, head, weight="10")
    _row(graph, journey, _ROWS[0])
    _frontstage(graph, journey)
    for row in _ROWS[1:]:
        _row(graph, journey, row)
    _align(graph, journey)
    _legend(graph, journey)
    return graph


def _stages(graph: Digraph, journey: Journey) -> list[str]:
    """Draw one cluster per stage, in order; return the flow of node ids, left to right."""
    flow: list[str] = []
    for number, stage in enumerate(journey.stages, start=1):
        with graph.subgraph(name=f"cluster_{node_id(journey, 'stage', stage.id)}") as cluster:
            cluster.attr(
                label=_html(f"<B>{number}. {_text(stage.name, _WRAP, 2)}</B>{_stage_extra(stage)}"),
                style="rounded,filled",
                fillcolor="#f7f7f7",
                color="#999999",
                tooltip=_tooltip(stage.description or stage.goal or stage.name),
            )
            if not stage.actions:
                placeholder = node_id(journey, "stage", stage.id) + "__empty"
                cluster.node(placeholder, label="no actions yet", style="dashed", fontcolor="#777777")
                flow.append(placeholder)
            for action in stage.actions:
                ident = node_id(journey, "action", action.id)
                fill, font, _ = EMOTION_STYLE[action.emotion]
                style = "rounded,filled" + (",dashed" if action.evidence == "assumed" or action.emotion is None else "")
                cluster.node(
                    ident,
                    label=_html(_action_label(action)),
                    fillcolor=fill,
                    fontcolor=font,
                    style=style,
                    tooltip=_tooltip(action.description or action.name),
                )
                flow.append(ident)
    return flow


def _stage_extra(stage: Stage) -> str:
    count = len(stage.pain_points)
    return f'<BR/><FONT POINT-SIZE="9">{count} stage pain point{"s" if count != 1 else ""}</FONT>' if count else ""


def _action_label(action: Action) -> str:
    lines = [f"<B>{_text(action.name, _WRAP, _MAX_LINES)}</B>"]
    mood = [] if action.emotion is None else [f"{action.emotion:+d}" if action.emotion else "0"]
    if action.feeling:
        mood.append(_text(action.feeling, _WRAP, 1))
    if mood:
        lines.append(" · ".join(mood))
    facts = []
    if action.pain_points:
        facts.append(f"{len(action.pain_points)} pain point{'s' if len(action.pain_points) != 1 else ''}")
    if action.duration:
        facts.append(_text(action.duration, 16, 1))
    if facts:
        lines.append(f'<FONT POINT-SIZE="9">{", ".join(facts)}</FONT>')
    if action.actors:
        names = ", ".join(_text(actor, _WRAP, 1) for actor in action.actors)
        lines.append(f'<FONT POINT-SIZE="9">with {names}</FONT>')
    if action.evidence == "assumed":
        lines.append('<FONT POINT-SIZE="9"><I>assumed</I></FONT>')
    return "<BR/>".join(lines)


@dataclass(frozen=True)
class _Row:
    """How one row below the actions is drawn: the touchpoints, or the backstage processes."""

    kind: str  # node kind, also the action field that references the row's items
    label: str
    color: str
    shape: str
    fill: str
    edge: dict[str, str]
    cluster: dict[str, str]


_ROWS = (
    _Row("touchpoint", "Touchpoints (line of interaction)", "#4575b4", "note", "#deebf7",
         {"style": "dashed", "arrowhead": "none"}, {}),
    _Row("backstage", "Backstage, below the line of visibility", "#7f7f7f", "component", "#f0f0f0",
         {"style": "dotted"}, {"labelloc": "b"}),
)  # fmt: skip


def _details(journey: Journey, kind: str) -> dict[str, tuple[str, str]]:
    """Id -> (name, small print under it) of a row's declared items: a touchpoint's channel, a process's systems."""
    if kind == "touchpoint":
        return {t.id: (t.name, _text(t.channel, 16, 1)) for t in journey.touchpoints}
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


def _row(graph: Digraph, journey: Journey, row: _Row) -> None:
    """One row of items, each drawn under the stages that use it and linked from their actions;
    declared items nothing uses are drawn once, so the row still shows them."""
    field = "touchpoints" if row.kind == "touchpoint" else "backstage"
    details = _details(journey, row.kind)
    uses = _uses(journey, field)
    used = {ref for _, ref in uses}
    nodes = [(_instance(journey, row.kind, ref, stage_id), ref) for stage_id, ref in uses]
    nodes += [(node_id(journey, row.kind, ref), ref) for ref in details if ref not in used]
    if not nodes:
        return
    with graph.subgraph(name=f"cluster_{node_id(journey, 'row', field)}") as cluster:
        cluster.attr(label=_html(f"<I>{row.label}</I>"), style="dashed", color=row.color, **row.cluster)
        for node, ref in nodes:
            name, small = details.get(ref, (ref, ""))
            extra = f'<BR/><FONT POINT-SIZE="9">{small}</FONT>' if small else ""
            cluster.node(
                node,
                label=_html(f"{_text(name, _WRAP, 3)}{extra}"),
                shape=row.shape,
                style="filled",
                fillcolor=row.fill,
                tooltip=_tooltip(name),
            )
    for (stage_id, ref), actions in uses.items():
        for action_id in actions:
            graph.edge(
                node_id(journey, "action", action_id),
                _instance(journey, row.kind, ref, stage_id),
                color=row.color,
                constraint="false",
                **row.edge,
            )


def _steps(journey: Journey) -> list[tuple[str, str, Frontstage]]:
    """(action node, step node, step) of every frontstage step, in journey order."""
    return [
        (node_id(journey, "action", action.id), node_id(journey, "frontstage", f"{action.id}__{i}"), step)
        for _stage, action in journey.actions()
        for i, step in enumerate(action.frontstage)
    ]


def _frontstage(graph: Digraph, journey: Journey) -> None:
    """What staff do in front of the customer: a box under each action, between touchpoints and backstage."""
    steps = _steps(journey)
    if not steps:
        return
    with graph.subgraph(name=f"cluster_{node_id(journey, 'row', 'frontstage')}") as cluster:
        label = "Frontstage, above the line of visibility"
        cluster.attr(label=_html(f"<I>{label}</I>"), style="dashed", color="#1b7837")
        for _action, node, step in steps:
            who = ", ".join(x for x in (step.owner, step.department) if x)
            extra = f'<BR/><FONT POINT-SIZE="9">{_text(who, _WRAP, 2)}</FONT>' if who else ""
            cluster.node(
                node, label=_html(f"{_text(step.text, _WRAP, 3)}{extra}"), shape="box", style="filled",
                fillcolor="#e5f5e0", tooltip=_tooltip(step.text),
            )  # fmt: skip
    for action, node, _step in steps:
        graph.edge(action, node, color="#1b7837", constraint="false", arrowhead="none")


def _align(graph: Digraph, journey: Journey) -> None:
    """Put each item's appearance in a stage in the column of the first action there that uses it."""
    columns: dict[str, list[str]] = {}
    for row in _ROWS:
        field = "touchpoints" if row.kind == "touchpoint" else "backstage"
        for (stage_id, ref), actions in _uses(journey, field).items():
            anchor = node_id(journey, "action", actions[0])
            columns.setdefault(anchor, []).append(_instance(journey, row.kind, ref, stage_id))
    for anchor, node, _step in _steps(journey):
        columns.setdefault(anchor, []).append(node)
    for anchor, refs in columns.items():
        with graph.subgraph() as column:
            column.attr(rank="same")
            for ref in (anchor, *refs):
                column.node(ref)


def _legend(graph: Digraph, journey: Journey) -> None:
    """A compact key to the emotion colours: one small table, no wider than an action."""
    cells = "".join(
        f'<TR><TD BGCOLOR="{fill}" WIDTH="14" BORDER="1" COLOR="#999999"></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{html.escape(text)}</FONT></TD></TR>'
        for fill, _, text in EMOTION_STYLE.values()
    )
    table = (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2"><TR><TD COLSPAN="2"><I>Emotion</I></TD></TR>{cells}</TABLE>'
    )
    graph.node(node_id(journey, "legend", "emotion"), label=_html(table), shape="box", style="rounded", color="#bbbbbb")


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
