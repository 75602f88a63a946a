"""Graphviz output: DOT goldens, escaping of hostile text, and dot's absence, failure and timeout."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from cjm.errors import CjmError, DependencyError
from cjm.model import Journey
from cjm.render.dot import node_id, render_graphviz, run_dot, to_dot
from cjm.validate.loader import load_text
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, GOLDEN, HOSTILE_LONG, Result
from tests.strategies import journey_documents

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz is not installed"
)
SVG = "{http://www.w3.org/2000/svg}"
BLUEPRINT = Path(__file__).with_name("blueprint.journey.yaml")


def canon(source: str) -> str:
    """Graphviz's own parse of DOT source; a syntax error fails the test."""
    done = subprocess.run(["dot", "-Tcanon"], input=source.encode(), capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    return done.stdout.decode()


def svg_nodes(svg: bytes) -> dict[str, str]:
    """Each drawn node of a Graphviz SVG: its DOT id -> all the text drawn in it."""
    root = ET.fromstring(svg)
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            nodes[title.text] = " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
    return nodes


def appearances(nodes: dict[str, str], base: str) -> list[str]:
    """The text of every node that draws the item ``base``: once per stage that uses it."""
    return [text for node, text in nodes.items() if node == base or node.startswith(f"{base}__")]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_dot_matches_golden(example: Path, golden: Callable[[str, str], None]) -> None:
    journey = load_journey(str(example))
    golden(f"render/{example.name.removesuffix('.journey.yaml')}.dot", to_dot(journey))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_dot_is_deterministic_and_lays_out_stages_in_order(example: Path) -> None:
    journey = load_journey(str(example))
    first, second = to_dot(journey), to_dot(load_journey(str(example)))
    assert first == second
    assert "rankdir=TB" in first and "cluster" not in first
    positions = [first.index(f'"{node_id(journey, "stage", s.id)}" [') for s in journey.stages]
    assert positions == sorted(positions)
    for _, action in journey.actions():
        assert f'"{node_id(journey, "action", action.id)}"' in first


@needs_dot
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_svg_draws_every_action_touchpoint_and_backstage_process(example: Path) -> None:
    journey = load_journey(str(example))
    nodes = svg_nodes(render_graphviz(journey, "svg"))
    for _, action in journey.actions():
        assert node_id(journey, "action", action.id) in nodes
    for touchpoint in journey.touchpoints:
        drawn = appearances(nodes, node_id(journey, "touchpoint", touchpoint.id))
        assert drawn and all(touchpoint.name in text for text in drawn)
    for process in journey.backstage:
        assert appearances(nodes, node_id(journey, "backstage", process.id))


def test_an_item_is_drawn_once_per_stage_that_uses_it() -> None:
    journey = load_journey(str(EXAMPLES[0]))
    source = to_dot(journey)
    for touchpoint in journey.touchpoints:
        stages = {s.id for s, a in journey.actions() if touchpoint.id in a.touchpoints}
        base = node_id(journey, "touchpoint", touchpoint.id)
        expected = {f"{base}__{stage}" for stage in stages} if stages else {base}
        drawn = set(re.findall(rf'"({re.escape(base)}(?:__[a-z0-9-]+)?)" \[', source))
        assert drawn == expected


@needs_dot
def test_hostile_text_is_escaped_in_dot_and_svg(hostile_journey: Path) -> None:
    journey = load_journey(str(hostile_journey))
    source = to_dot(journey)
    canon(source)
    assert "&lt;script&gt;alert" in source  # HTML-like labels carry the escaped text
    assert 'tooltip="<script>alert' in source  # quoted strings carry it verbatim, quotes escaped
    nodes = svg_nodes(render_graphviz(journey, "svg"))
    expected = {node_id(journey, "action", a.id) for _, a in journey.actions()}
    expected.add(node_id(journey, "stage", "empty") + "__empty")
    assert expected <= set(nodes)
    assert appearances(nodes, node_id(journey, "touchpoint", "tp-hostile"))
    assert appearances(nodes, node_id(journey, "backstage", "bs-hostile"))
    assert not any(name.strip() in {"x", "pwned"} for name in nodes)  # the '"]; x [label=' text made no node
    assert '"]; x [label="pwned"]; //' in nodes[node_id(journey, "action", "act-dot")]
    assert "<script>alert('x')</script>" in nodes[node_id(journey, "action", "act-script")]
    assert "💳" in nodes[node_id(journey, "action", "act-emoji")]
    assert "مرحبا" in nodes[node_id(journey, "action", "act-rtl")]
    assert "line one" in nodes[node_id(journey, "action", "act-newlines")]
    assert "line two" in nodes[node_id(journey, "action", "act-newlines")]
    assert "C:\\path\\new \\N \\l \\" in nodes[node_id(journey, "action", "act-backslash")]
    long_text = nodes[node_id(journey, "action", "act-long")]
    assert long_text.startswith("Long name") and "…" in long_text and len(long_text) < len(HOSTILE_LONG)


@needs_dot
@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_binary_formats(fmt: str, magic: bytes) -> None:
    journey = load_journey(str(EXAMPLES[0]))
    assert render_graphviz(journey, fmt).startswith(magic)


def test_missing_dot_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    journey = load_journey(str(EXAMPLES[0]))
    with pytest.raises(DependencyError) as caught:
        render_graphviz(journey, "svg")
    assert "apt-get install graphviz" in str(caught.value)
    assert "brew install graphviz" in str(caught.value)
    assert to_dot(journey).startswith("digraph")  # the DOT text itself never needs the program


def _fake_dot(folder: Path, body: str) -> None:
    script = folder / "dot"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_slow_dot_is_stopped_by_the_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_dot(tmp_path, "exec sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(CjmError, match=r"took more than 0.5 s"):
        run_dot("digraph {}", "svg", timeout=0.5)


def test_failing_dot_reports_its_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_dot(tmp_path, "echo 'Error: out of memory' >&2; exit 3")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(CjmError, match=r"Graphviz 'dot' failed \(Error: out of memory\)"):
        run_dot("digraph {}", "png")


def test_unknown_graphviz_format_is_refused() -> None:
    with pytest.raises(CjmError, match="choose from: svg, png, pdf"):
        render_graphviz(load_journey(str(EXAMPLES[0])), "gif")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_render_command_writes_the_golden_dot(example: Path, run_cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "map.dot"
    result = run_cli("render", str(example), "-f", "dot", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / "render" / f"{example.name.removesuffix('.journey.yaml')}.dot"
    assert out.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_without_dot_svg_fails_with_install_steps_and_text_formats_still_work(
    run_process: Callable[..., Result], tmp_path: Path
) -> None:
    env = {"PATH": str(tmp_path)}  # a folder with no 'dot' in it
    failed = run_process("render", str(EXAMPLES[0]), "-f", "svg", "-o", str(tmp_path / "map.svg"), env=env)
    assert failed.exit_code == 2
    assert "apt-get install graphviz" in failed.stderr and "Traceback" not in failed.stderr
    assert not (tmp_path / "map.svg").exists()
    for fmt in ("dot", "mermaid", "md"):
        worked = run_process("render", str(EXAMPLES[0]), "-f", fmt, env=env)
        assert worked.exit_code == 0, worked.stderr
        assert worked.stdout


@needs_dot
def test_brackets_right_after_a_tag_are_drawn() -> None:
    """Graphviz's HTML lexer rejects "<B>]</B>"; found by the renderer property test with a title of "]"."""
    journey = Journey.model_validate(
        {
            "cjm": 1,
            "id": "brackets",
            "title": "]",
            "scope": {"persona": "p", "scenario": "s"},
            "stages": [{"id": "s", "name": "[x]", "actions": [{"id": "a", "name": "]"}]}],
        }
    )
    canon(to_dot(journey))
    nodes = svg_nodes(render_graphviz(journey, "svg"))
    assert "]" in nodes[node_id(journey, "action", "a")]


# The lanes top to bottom, by the kind in each node id; a stage with no actions holds its place in the actions' lane.
LANES = ("stage", "action", "touchpoint", "frontstage", "visibility", "backstage", "legend")


_LABELS = {"stages": "stage", "actions": "action", "touchpoints": "touchpoint", "frontstage": "frontstage",
           "visibility": "visibility", "visibility-end": "visibility", "backstage": "backstage"}  # fmt: skip


def _lane(journey: Journey, name: str) -> str | None:
    """The lane a drawn node belongs to, read from its DOT id (a lane's label belongs to its lane)."""
    kind, _, rest = name.removeprefix(f"{journey.id}__").partition("__")
    if name.endswith("__empty"):
        return "action"
    if kind == "lane":
        return _LABELS[rest]
    return kind if kind in LANES else None


def layout(journey: Journey) -> dict[str, tuple[float, float]]:
    """Where Graphviz placed each node: DOT id -> (x, y), y growing upwards."""
    drawn = json.loads(run_dot(to_dot(journey), "json"))
    return {o["name"]: tuple(map(float, o["pos"].split(","))) for o in drawn.get("objects", []) if "pos" in o}


def assert_lanes_in_order(journey: Journey) -> None:
    """Every lane lies wholly below the one before it; stage headers and actions run left to right in map order."""
    places = layout(journey)
    heights: dict[str, list[float]] = {}
    for name, (_x, y) in places.items():
        lane = _lane(journey, name)
        if lane is not None:
            heights.setdefault(lane, []).append(y)
    present = [lane for lane in LANES if lane in heights]
    assert {"stage", "action", "legend"} <= set(present), present
    for upper, lower in itertools.pairwise(present):
        assert min(heights[upper]) > max(heights[lower]), f"{upper} is not above {lower}"
    for lane in present:
        assert max(heights[lane]) - min(heights[lane]) < 1, f"{lane} is not one row"
    headers = [places[node_id(journey, "stage", s.id)][0] for s in journey.stages]
    assert headers == sorted(headers)
    flow = [
        places[node_id(journey, "action", a.id)][0] if a else places[node_id(journey, "stage", s.id) + "__empty"][0]
        for s in journey.stages
        for a in (s.actions or [None])
    ]
    assert flow == sorted(flow)


@needs_dot
@pytest.mark.parametrize("example", [*EXAMPLES, BLUEPRINT], ids=lambda p: p.stem)
def test_lanes_keep_their_order_in_every_drawing(example: Path) -> None:
    assert_lanes_in_order(load_journey(str(example)))


@needs_dot
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journey_documents(max_stages=4, max_actions=4))
def test_lanes_keep_their_order_for_any_journey(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    journey = load_text(text, "generated.journey.yaml").journey
    assert journey is not None
    assert_lanes_in_order(journey)


@needs_dot
def test_a_flow_png_shrunk_to_graphvizs_limit_says_so(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    from tests.render.test_printed import big_journey

    big = big_journey(tmp_path)  # 144 actions in one row: wider than a PNG can be
    done = run_cli("render", str(big), "-f", "flow-png", "-o", str(tmp_path / "big.png"))
    assert done.exit_code == 0
    assert "too long for one PNG" in done.stderr and "-f flow-svg or flow-pdf" in done.stderr
    small = run_cli("render", str(BLUEPRINT), "-f", "flow-png", "-o", str(tmp_path / "small.png"))
    assert small.exit_code == 0 and "too long" not in small.stderr
