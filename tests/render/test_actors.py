"""An action's `actors` (who takes part, by name) are drawn: small names on the HTML action card and a line
in the DOT action node, escaped like every other user text. Maps without actors render as before (goldens)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, Result, standalone
from tests.render.test_dot import canon, needs_dot
from tests.render.test_html import parse

EXAMPLE = ROOT / "examples" / "b2c-online-grocery.journey.yaml"
HOSTILE_ACTOR = '<script>alert(1)</script> & "Tom" ]; x [label=\\N'


def _with_actors(tmp_path: Path, *actors: str) -> Path:
    listed = ", ".join('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in actors)
    text = standalone(EXAMPLE.read_text(encoding="utf-8")).replace(
        "        name: Hears about FreshCart from a friend\n",
        f"        name: Hears about FreshCart from a friend\n        actors: [{listed}]\n",
        1,
    )
    path = tmp_path / "actors.journey.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_html_draws_the_actors_on_the_action_card(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("render", str(_with_actors(tmp_path, "Mia", "Her friend Ana")))
    assert result.exit_code == 0, result.stderr
    assert (
        '<span class="cjm-action-desc cjm-actors">With <span class="cjm-actor">Mia</span>, '
        '<span class="cjm-actor">Her friend Ana</span></span>'
    ) in result.stdout
    assert result.stdout.count('class="cjm-action-desc cjm-actors"') == 1, "only the action that has actors"


def test_html_escapes_hostile_actor_names(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    html = run_cli("render", str(_with_actors(tmp_path, HOSTILE_ACTOR))).stdout
    page = parse(html)
    assert "script" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Tom&#34;" in html
    assert HOSTILE_ACTOR in "".join(page.text)


def test_dot_names_the_actors_in_the_action_node(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    dot = run_cli("render", "-f", "dot", str(_with_actors(tmp_path, "Mia", "Her friend Ana"))).stdout
    assert '<FONT POINT-SIZE="9">with Mia, Her friend Ana</FONT>' in dot
    assert dot.count("with Mia") == 1


@needs_dot
def test_dot_escapes_hostile_actor_names(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    dot = run_cli("render", "-f", "dot", str(_with_actors(tmp_path, '<b>Tom & "Al"</b>', "]; x [label=\\N"))).stdout
    assert "with &lt;b&gt;Tom &amp; &quot;Al&quot;&lt;/b&gt;, &#93;; x &#91;label=\\\\N</FONT>" in dot
    assert "<b>" not in dot
    canon(dot)  # Graphviz parses it: the name cannot close the label or add attributes


@pytest.mark.parametrize("fmt", ["html", "dot"])
def test_without_actors_nothing_is_added(run_cli: Callable[..., Result], fmt: str) -> None:
    out = run_cli("render", "-f", fmt, str(EXAMPLE)).stdout
    assert "cjm-actors" not in out and 'POINT-SIZE="9">with ' not in out
