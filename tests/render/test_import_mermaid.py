"""'cjm import mermaid': Mermaid journeys become valid cjm files; bad input is a located error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, Result

# The example of Mermaid's own documentation.
WORKING_DAY = """\
journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_mermaid_docs_example_becomes_a_valid_journey(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    source = write(tmp_path, "day.mmd", WORKING_DAY)
    out = tmp_path / "day.journey.yaml"
    result = run_cli("import", "mermaid", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert run_cli("validate", str(out)).exit_code == 0
    journey = load_journey(str(out))
    assert (journey.id, journey.title) == ("my-working-day", "My working day")
    assert journey.scope.persona == "me" and [p.name for p in journey.personas] == ["Me"]
    assert [(s.id, s.name) for s in journey.stages] == [("go-to-work", "Go to work"), ("go-home", "Go home")]
    actions = [(a.id, a.name, a.emotion) for _, a in journey.actions()]
    assert actions == [
        ("make-tea", "Make tea", 2),
        ("go-upstairs", "Go upstairs", 0),
        ("do-work", "Do work", -2),
        ("go-downstairs", "Go downstairs", 2),
        ("sit-down", "Sit down", 2),
    ]
    assert [a.actors for _, a in journey.actions()] == [[], [], ["Me", "Cat"], [], []]
    assert journey.stages[0].actions[2].description is None


def test_several_actors_and_each_tasks_own_actor_survive_import_and_export(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    text = "journey\n  title Shared chores\n  section Home\n"
    text += "    Cook: 4: Me\n    Feed: 2: Cat\n    Play: 5: Me, Cat, Dog\n"
    out = tmp_path / "chores.journey.yaml"
    assert run_cli("import", "mermaid", str(write(tmp_path, "chores.mmd", text)), "-o", str(out)).exit_code == 0
    journey = load_journey(str(out))
    assert [a.actors for _, a in journey.actions()] == [[], ["Cat"], ["Me", "Cat", "Dog"]]
    exported = run_cli("export", "mermaid", str(out)).stdout
    tasks = [line.strip() for line in exported.splitlines() if line.startswith("    ") and ": " in line.strip()[:40]]
    assert tasks[-3:] == ["Cook: 4: Me", "Feed: 2: Cat", "Play: 5: Me, Cat, Dog"]


def test_acc_title_and_acc_descr_survive_import_and_export(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "journey\n  accTitle: Checkout, told by Ana\n  accDescr: Ana pays #59; twice\n"
    text += "  section Pay\n    Pay: 2: Ana\n"
    out = tmp_path / "pay.journey.yaml"
    result = run_cli("import", "mermaid", str(write(tmp_path, "pay.mmd", text)), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    journey = load_journey(str(out))
    assert (journey.title, journey.description) == ("Checkout, told by Ana", "Ana pays ; twice")
    exported = run_cli("export", "mermaid", str(out)).stdout
    assert "    accTitle: Checkout, told by Ana\n    accDescr: Ana pays #59; twice\n" in exported
    again = run_cli("import", "mermaid", "-", stdin=exported.encode())
    assert yaml.safe_load(again.stdout)["description"] == "Ana pays ; twice"


def test_an_acc_descr_block_keeps_its_lines_and_stays_inside_its_markdown_block(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    text = "journey\n  accDescr {\n    First line\n    Second #59; line\n  }\n  section Pay\n    Pay: 2: Ana\n"
    result = run_cli("import", "mermaid", str(write(tmp_path, "pay.mmd", text)))
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["description"] == "First line\nSecond ; line"
    unclosed = "```mermaid\njourney\n  accDescr {\n  section A\n    T: 3\n```\n\nLater text } here\n"
    failed = run_cli("import", "mermaid", str(write(tmp_path, "notes.md", unclosed)))
    assert failed.exit_code == 2 and f"{tmp_path / 'notes.md'}:3: 'accDescr {{' is never closed" in failed.stderr


def test_an_acc_title_that_differs_from_the_title_is_kept(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "journey\n  title Checkout\n  accTitle: Checkout for screen readers\n  section Pay\n    Pay: 2: Ana\n"
    result = run_cli("import", "mermaid", str(write(tmp_path, "pay.mmd", text)))
    assert result.exit_code == 0, result.stderr
    document = yaml.safe_load(result.stdout)
    assert (document["title"], document["accessible_title"]) == ("Checkout", "Checkout for screen readers")
    assert "accTitle" not in result.stderr, "nothing is lost, so there is nothing to report"
    journey = write(tmp_path, "pay.journey.yaml", result.stdout)
    exported = run_cli("export", "mermaid", str(journey))
    assert exported.exit_code == 0, exported.stderr
    assert "    title Checkout\n    accTitle: Checkout for screen readers\n" in exported.stdout
    again = run_cli("import", "mermaid", str(write(tmp_path, "again.mmd", exported.stdout)))
    assert run_cli("export", "mermaid", str(write(tmp_path, "again.journey.yaml", again.stdout))).stdout == (
        exported.stdout
    ), "export, import, export is a fixed point"


def test_an_acc_title_equal_to_the_title_adds_no_field(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "journey\n  title Checkout\n  accTitle: Checkout\n  section Pay\n    Pay: 2: Ana\n"
    document = yaml.safe_load(run_cli("import", "mermaid", str(write(tmp_path, "pay.mmd", text))).stdout)
    assert document["title"] == "Checkout" and "accessible_title" not in document
    only = "journey\n  accTitle: Checkout\n  section Pay\n    Pay: 2: Ana\n"
    document = yaml.safe_load(run_cli("import", "mermaid", str(write(tmp_path, "only.mmd", only))).stdout)
    assert document["title"] == "Checkout" and "accessible_title" not in document


TWO_DIAGRAMS = (
    "# Our maps\n\n```mermaid\n" + WORKING_DAY + "```\n\nText.\n\n"
    "```mermaid\n%% a comment first\njourney\n  title Weekend\n  section Sat\n    Sleep: 5: Me\n```\n"
)


def test_several_diagrams_need_a_choice_and_the_count_is_told(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    source = write(tmp_path, "maps.md", TWO_DIAGRAMS)
    unchosen = run_cli("import", "mermaid", str(source))
    assert unchosen.exit_code == 2 and unchosen.stdout == ""
    assert (
        f"{source}: it holds 2 journey diagrams: 1 'My working day' (line 4), 2 'Weekend' (line 18);"
        " choose one with --index N or --title TEXT"
    ) in unchosen.stderr
    second = run_cli("import", "mermaid", str(source), "--index", "2")
    assert second.exit_code == 0 and yaml.safe_load(second.stdout)["title"] == "Weekend"
    assert f"{source}: found 2 journey diagrams; imported diagram 2 'Weekend' (line 18)" in second.stderr
    first = run_cli("import", "mermaid", str(source), "--title", "my working DAY")
    assert first.exit_code == 0 and yaml.safe_load(first.stdout)["title"] == "My working day"
    assert "found 2 journey diagrams; imported diagram 1 'My working day'" in first.stderr


def test_names_in_messages_show_control_characters_as_codes(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    hostile = TWO_DIAGRAMS.replace("title Weekend", "title Week#27;[2J#8238;end")
    result = run_cli("import", "mermaid", str(write(tmp_path, "maps.md", hostile)))
    assert result.exit_code == 2
    assert "2 'Week\\u001b[2J\\u202eend' (line 18)" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--index", "3"], "there is no diagram 3: it holds 2 journey diagrams"),
        (["--title", "Holidays"], "no journey diagram is titled 'Holidays': it holds 2 journey diagrams"),
        (["--index", "1", "--title", "Weekend"], "--index and --title both choose a diagram"),
        (["--index", "0"], "--index"),
    ],
)
def test_a_wrong_diagram_choice_is_a_usage_error(
    args: list[str], message: str, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = run_cli("import", "mermaid", str(write(tmp_path, "maps.md", TWO_DIAGRAMS)), *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_stdout_is_the_default_and_matches_the_written_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    source = write(tmp_path, "day.mmd", WORKING_DAY)
    printed = run_cli("import", "mermaid", str(source))
    assert printed.exit_code == 0
    out = tmp_path / "day.journey.yaml"
    run_cli("import", "mermaid", str(source), "-o", str(out))
    assert out.read_text(encoding="utf-8") == printed.stdout
    assert run_cli("import", "mermaid", "-", stdin=WORKING_DAY.encode()).stdout.endswith(
        printed.stdout.split("\n", 2)[2]
    )


def test_refuses_to_overwrite_without_force(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    source = write(tmp_path, "day.mmd", WORKING_DAY)
    out = write(tmp_path, "day.journey.yaml", "precious: true\n")
    refused = run_cli("import", "mermaid", str(source), "-o", str(out))
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert out.read_text(encoding="utf-8") == "precious: true\n"
    assert run_cli("import", "mermaid", str(source), "-o", str(out), "--force").exit_code == 0
    assert load_journey(str(out)).title == "My working day"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.journey.yaml", "day.mmd"]  # no temp files left


def test_ids_are_slugified_and_deduplicated_and_comments_skipped(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    text = """---
title: From front matter
---
%% exported somewhere
journey
  accDescr: Weekly shop, as the customer tells it
  section Shop
    Pay!: 2: Anna # she hates this
    Pay?: 4: Anna
    Pay #58; twice: 3
    #35;1 priority: 3: Anna, Bob
  section Shop
    日本語のタスク: 3
    ✨: 5
"""
    out = tmp_path / "shop.journey.yaml"
    assert run_cli("import", "mermaid", str(write(tmp_path, "shop.mmd", text)), "-o", str(out)).exit_code == 0
    journey = load_journey(str(out))
    assert journey.title == "From front matter"
    assert journey.description == "Weekly shop, as the customer tells it"
    assert [s.id for s in journey.stages] == ["shop", "shop-2"]
    assert [(a.id, a.name) for _, a in journey.actions()] == [
        ("pay", "Pay!"),
        ("pay-2", "Pay?"),
        ("pay-twice", "Pay : twice"),
        ("1-priority", "#1 priority"),
        ("action-5", "日本語のタスク"),
        ("action-6", "✨"),
    ]


def test_imports_the_journey_block_of_a_markdown_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "# Notes\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\nOur map:\n\n```mermaid\n" + WORKING_DAY + "```\n"
    result = run_cli("import", "mermaid", str(write(tmp_path, "README.md", text)))
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["title"] == "My working day"
    broken = text.replace("Sit down: 5: Me", "Sit down: 9: Me")
    failed = run_cli("import", "mermaid", str(write(tmp_path, "BROKEN.md", broken)))
    assert failed.exit_code == 2 and f"{tmp_path / 'BROKEN.md'}:19: the score" in failed.stderr


def test_untitled_diagram_is_named_after_the_file(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "journey\n  Task before any section: 3: Me\n"
    result = run_cli("import", "mermaid", str(write(tmp_path, "first-order.mmd", text)))
    data = yaml.safe_load(result.stdout)
    assert data["title"] == "first order"
    assert data["stages"][0]["name"] == "first order" and data["stages"][0]["actions"][0]["emotion"] == 0


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("flowchart LR\n  A --> B\n", 1, "expected a Mermaid 'journey' diagram, found 'flowchart LR'"),
        ("", 1, "no Mermaid 'journey' diagram found"),
        ("journey\n  title Only a title\n", 1, "the journey has no sections or tasks"),
        ("journey\n  section A\n    Task: 7: Me\n", 3, "the score must be a whole number from 1 to 5"),
        ("journey\n  section A\n    Task: 4.5: Me\n", 3, "the score must be a whole number from 1 to 5"),
        (
            "journey\n  section A\n    Task:: Me\n",
            3,
            "the score must be a whole number from 1 to 5 (emotion + 3), found nothing",
        ),
        ("journey\n  section A\n    Task without a score\n", 3, "expected 'Task name: score: Actor, Actor'"),
        ("journey\n  section A\n    : 3: Me\n", 3, "the task has no name"),
        ("journey\n  section A: B\n", 2, "a section name cannot contain ':'"),
        ("journey\n  section A\n    Pay; now: 3: Me\n", 3, "';' is not allowed"),
        ("journey\n  section A\n    Pay: 3: Me: Bob\n", 3, "a task has at most two ':'"),
        ("journey\n  section A\n    Pay #1114112;: 3\n", 3, "'#1114112;' is not a valid character code"),
        ("journey\n  section A\n    Pay #nosuch;: 3\n", 3, "'#nosuch;' is not a known entity name"),
        ("journey extra\n", 1, "unexpected 'extra' after 'journey'"),
        ("---\ntitle: [unclosed\n---\njourney\n", 2, "front matter is not valid YAML"),
        ("---\ntitle: x\njourney\n", 1, "front matter opened with '---' is never closed"),
        ("journey\n  accDescr {\n  never closed\n", 2, "'accDescr {' is never closed"),
        # Issue 21: these were internal errors (ValueError, RecursionError) before.
        (
            "journey\n  section A\n    Task #²;: 3: Me\n",
            3,
            "expected 'Task name: score: Actor, Actor', found 'Task' ('#' starts a comment: write it as #35;)",
        ),
        ("journey\n  section A\n    Task #²;\n", 3, "expected 'Task name: score: Actor, Actor'"),
        ("journey\n  section A\n    Pay #" + "9" * 5000 + ";: 3\n", 3, f"'#{'9' * 39}…;' is not a valid character"),
        (
            "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\njourney\n",
            2,
            "front matter is not valid YAML (nesting is deeper than 64 levels)",
        ),
        (
            "---\n" + "".join("  " * i + "a:\n" for i in range(1000)) + "---\njourney\n",
            66,
            "front matter is not valid YAML (nesting is deeper than 64 levels)",
        ),
        ("---\ntitle: &a [*a]\n---\njourney\n", 2, "front matter is not valid YAML"),
    ],
)
def test_bad_mermaid_is_a_located_error(
    text: str, line: int, message: str, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    source = write(tmp_path, "bad.mmd", text)
    result = run_cli("import", "mermaid", str(source), "-o", str(tmp_path / "out.journey.yaml"))
    assert result.exit_code == 2
    assert f"{source}:{line}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.journey.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["missing.mmd"], "missing.mmd: no such file"), (["latin1.mmd"], "latin1.mmd: is not UTF-8 text")],
)
def test_unreadable_input_is_a_usage_error(
    args: list[str], message: str, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "latin1.mmd").write_bytes("journey\n  section Café\n    Thé: 3\n".encode("latin-1"))
    result = run_cli("import", "mermaid", *(str(tmp_path / a) for a in args))
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_export_then_import_keeps_stages_actions_emotions_and_persona(
    example: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    diagram = tmp_path / "map.mmd"
    assert run_cli("export", "mermaid", str(example), "-o", str(diagram)).exit_code == 0
    out = tmp_path / "back.journey.yaml"
    assert run_cli("import", "mermaid", str(diagram), "-o", str(out)).exit_code == 0
    assert run_cli("validate", str(out)).exit_code == 0
    original, back = load_journey(str(example)), load_journey(str(out))
    assert back.title == original.title
    assert [s.name for s in back.stages] == [s.name for s in original.stages]
    assert [(a.name, a.emotion) for _, a in back.actions()] == [(a.name, a.emotion) for _, a in original.actions()]
    persona = next(p for p in original.personas if p.id == original.scope.persona)
    assert back.personas[0].name == persona.name


def test_yaml_line_break_characters_survive_export_and_import() -> None:
    """NEL, LS and PS are line breaks inside YAML scalars: written raw, they would come back as spaces."""
    from cjm.importers import import_mermaid
    from cjm.model import Journey
    from cjm.render.mermaid import to_mermaid
    from cjm.validate.loader import load_text

    names = ["a\x85b", "c\u2028d", "e\u2029f"]
    journey = Journey.model_validate(
        {
            "cjm": 1,
            "id": "breaks",
            "title": "T\x85itle",
            "scope": {"persona": "p", "scenario": "s"},
            "personas": [{"id": "p", "name": "P"}],
            "stages": [
                {"id": "s", "name": names[0], "actions": [{"id": f"a{i}", "name": n} for i, n in enumerate(names)]}
            ],
        }
    )
    back = load_text(import_mermaid(to_mermaid(journey), "x.mmd", "Fallback").text, "back.journey.yaml").journey
    assert back is not None
    assert back.title == "T\x85itle"
    assert back.stages[0].name == names[0]
    assert [a.name for _, a in back.actions()] == names
