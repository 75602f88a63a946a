"""Mermaid export: goldens, the journey grammar's rules, hostile names, and properties of every renderer."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.importers.mermaid import parse, to_journey_yaml
from cjm.model import Journey
from cjm.render.dot import to_dot
from cjm.render.markdown import to_markdown
from cjm.render.mermaid import UNSCORED_MARK, escape_name, to_mermaid
from cjm.validate.loader import load_text
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, Result, example_workspace

# Mermaid's journey lexer (journey.jison): what each kind of line may contain.
TASK = re.compile(r"^\s+(?=\S)(?!(?:journey|title|section|acctitle|accdescr))[^#:\n;%]+:[^#\n;%]+$", re.IGNORECASE)
TITLE = re.compile(r"^\s+title\s[^#\n;%]+$")
SECTION = re.compile(r"^\s+section\s[^#:\n;%]+$")
ACCESSIBLE = re.compile(r"^\s+acc(?:Title|Descr):\s[^#\n;%]+$")


def statements(diagram: str) -> list[str]:
    """The lines Mermaid's lexer sees: no comments, entity codes replaced as Mermaid does before parsing."""
    return [
        re.sub(r"#\w+;", "\ufb02\xb0\xb0E\xb6\xdf", line)
        for line in diagram.splitlines()
        if line.strip() and not line.strip().startswith("%%")
    ]


def assert_grammatical(diagram: str) -> None:
    """Every statement is one Mermaid's journey lexer reads as intended."""
    lines = statements(diagram)
    assert lines[0] == "journey"
    for line in lines[1:]:
        assert TITLE.match(line) or ACCESSIBLE.match(line) or SECTION.match(line) or TASK.match(line), line


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_export_matches_golden(
    example: Path, run_cli: Callable[..., Result], golden: Callable[[str, str], None], tmp_path: Path
) -> None:
    result = run_cli("export", "mermaid", str(example))
    assert result.exit_code == 0, result.stderr
    golden(f"render/{example.name.removesuffix('.journey.yaml')}.mmd", result.stdout)
    assert_grammatical(result.stdout)
    out = tmp_path / "map.mmd"
    assert run_cli("export", "mermaid", str(example), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_one_task_per_action_scored_emotion_plus_three(example: Path) -> None:
    journey = load_journey(str(example))
    tasks = [line for line in statements(to_mermaid(journey)) if TASK.match(line)]
    assert len(tasks) == len(journey.actions())
    for line, (_, action) in zip(tasks, journey.actions(), strict=True):
        assert line.split(":")[1].strip() == str(3 if action.emotion is None else action.emotion + 3)


def test_unscored_actions_are_neutral_and_marked(tmp_path: Path) -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8")
    path = example_workspace(tmp_path) / "unscored.journey.yaml"
    path.write_text(re.sub(r"\n\s+emotion: -?\d", "", text), encoding="utf-8")
    journey = load_journey(str(path))
    diagram = to_mermaid(journey)
    assert diagram.count(UNSCORED_MARK) == len(journey.actions())
    assert all(line.split(":")[1].strip() == "3" for line in statements(diagram) if TASK.match(line))


def test_hostile_names_are_escaped_and_survive_a_round_trip(hostile_journey: Path) -> None:
    journey = load_journey(str(hostile_journey))
    diagram = to_mermaid(journey)
    assert_grammatical(diagram)
    assert "<script>" not in diagram and "%%{init}" not in diagram
    assert 'Zoë#44; "the" #60;admin#62;#58; #35;1#59; ok' in diagram  # the persona, as one actor
    assert "#32;#32;padded name#32;#32;" in diagram
    assert "#116;itle deed check" in diagram  # not read as a 'title' statement
    back = parse(diagram, "hostile.mmd")
    assert back.title == journey.title
    assert [s.name for s in back.sections] == [s.name for s in journey.stages]
    assert [t.name for s in back.sections for t in s.tasks] == [a.name for _, a in journey.actions()]
    assert {t.actors for s in back.sections for t in s.tasks} == {('Zoë, "the" <admin>: #1; ok',)}


def test_escape_name_leaves_plain_text_alone() -> None:
    assert escape_name("Pays the invoice (twice) — €12, ok?") == "Pays the invoice (twice) — €12, ok?"
    assert escape_name("a\nb\u2028c") == "a#10;b#8232;c"


def test_export_of_an_invalid_journey_is_a_located_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey.yaml"
    bad.write_text("cjm: 1\nid: Bad Id\n", encoding="utf-8")
    result = run_cli("export", "mermaid", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "not a valid journey" in result.stderr
    assert "Traceback" not in result.stderr


# Property test: any journey the model accepts renders in every text format and survives Mermaid.

NAMES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    """Small valid journeys with arbitrary names, emotions, references and empty stages."""
    counter = 0
    stages: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 3))):
        actions = []
        for _ in range(draw(st.integers(0, 3))):
            counter += 1
            actions.append(
                {
                    "id": f"a{counter}",
                    "name": draw(NAMES),
                    "emotion": draw(st.none() | st.integers(-2, 2)),
                    "feeling": draw(st.none() | NAMES),
                    "touchpoints": draw(st.lists(st.sampled_from(["t1", "t2"]), max_size=2, unique=True)),
                    "backstage": draw(st.lists(st.just("b1"), max_size=1)),
                    "evidence": draw(st.none() | st.sampled_from(["observed", "reported", "assumed"])),
                    "pain_points": draw(st.lists(NAMES, max_size=2)),
                    "opportunities": draw(st.lists(NAMES, max_size=1)),
                }
            )
        stages.append({"id": f"s{index}", "name": draw(NAMES), "actions": actions})
    return Journey.model_validate(
        {
            "cjm": 1,
            "id": "generated",
            "title": draw(NAMES),
            "scope": {"persona": "p", "scenario": draw(NAMES)},
            "personas": [{"id": "p", "name": draw(NAMES)}],
            "stages": stages,
            "touchpoints": [{"id": "t1", "name": draw(NAMES), "channel": "web"}],
            "backstage": [{"id": "b1", "name": draw(NAMES)}],
        }
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_every_renderer_handles_any_journey(journey: Journey) -> None:
    dot = to_dot(journey)
    done = subprocess.run(["dot", "-Tcanon"], input=dot.encode(), capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    assert to_markdown(journey).startswith("# ")
    diagram = to_mermaid(journey)
    assert_grammatical(diagram)
    assert len([line for line in statements(diagram) if TASK.match(line)]) == len(journey.actions())

    loaded = load_text(to_journey_yaml(parse(diagram, "generated.mmd"), "Fallback", "generated.mmd"), "back.yaml")
    assert loaded.journey is not None and not loaded.diagnostics, [d.message for d in loaded.diagnostics]
    back = loaded.journey
    assert back.title == journey.title
    assert [s.name for s in back.stages] == [s.name for s in journey.stages]
    assert [(a.name, a.emotion) for _, a in back.actions()] == [(a.name, a.emotion) for _, a in journey.actions()]
