"""cjm diff on real file pairs: golden text/json/markdown, exit codes, gates, colour and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

PAIRS = Path(__file__).parent / "pairs"
CASES = ("identical", "reformatted", "shipped", "structure", "ids", "entities")
FORMATS = {"text": "txt", "json": "json", "markdown": "md"}


def _diff(run_cli: Callable[..., object], case: str, *args: str) -> object:
    return run_cli("diff", f"{case}/old.yaml", f"{case}/new.yaml", *args, cwd=PAIRS)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(run_cli: Callable[..., object], golden: Callable[[str, str], None], case: str, fmt: str) -> None:
    result = _diff(run_cli, case, "--format", fmt)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    golden(f"diff/{case}.{FORMATS[fmt]}", result.stdout)  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", ["identical", "reformatted"])
def test_same_content_has_no_changes(run_cli: Callable[..., object], case: str) -> None:
    result = _diff(run_cli, case, "-F", "json", "--exit-code")
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert data["changes"] == [] and data["summary"]["changes"] == 0


def test_json_is_the_spec_shape(run_cli: Callable[..., object]) -> None:
    data = json.loads(_diff(run_cli, "shipped", "-F", "json").stdout)  # type: ignore[attr-defined]
    assert {"version", "old", "new", "changes", "summary"} <= data.keys()
    assert data["version"] == 1 and data["old"] == "shipped/old.yaml"
    keys = {"op", "entity", "id", "parent", "field", "old", "new", "impact", "fingerprint"}
    assert all(set(c) == keys for c in data["changes"])
    fingerprints = [c["fingerprint"] for c in data["changes"]]
    assert len(set(fingerprints)) == len(fingerprints)
    resolved = [c for c in data["changes"] if c["entity"] == "pain_point" and c["op"] == "removed"]
    assert [(c["id"], c["impact"]) for c in resolved] == [("phone-queue", "positive")]
    ces = next(c for c in data["changes"] if c["id"] == "enrol-ces")
    assert (ces["old"], ces["new"], ces["impact"]) == (4.5, 3.1, "positive")


def test_every_op_and_entity_is_covered_by_the_pairs(run_cli: Callable[..., object]) -> None:
    from cjm.diff import ENTITIES, OPS

    seen_ops: set[str] = set()
    seen_entities: set[str] = set()
    for case in CASES:
        for change in json.loads(_diff(run_cli, case, "-F", "json").stdout)["changes"]:  # type: ignore[attr-defined]
            seen_ops.add(change["op"])
            seen_entities.add(change["entity"])
    assert seen_ops == set(OPS)
    assert seen_entities == set(ENTITIES)


def test_id_change_is_reported_once_without_its_references(run_cli: Callable[..., object]) -> None:
    changes = json.loads(_diff(run_cli, "ids", "-F", "json").stdout)["changes"]  # type: ignore[attr-defined]
    assert {(c["op"], c["field"]) for c in changes} == {("renamed", "id")}
    assert sorted((c["entity"], c["old"], c["new"]) for c in changes) == [
        ("action", "pick-slot", "choose-slot"),
        ("backstage", "seat-allocation", "seat-planning"),
        ("pain_point", "fee-surprise", "hidden-fee"),
        ("persona", "learner", "lena"),
        ("stage", "enrol", "booking"),
        ("touchpoint", "website", "course-site"),
    ]


def test_markdown_starts_with_the_sticky_marker_and_headline(run_cli: Callable[..., object]) -> None:
    text = _diff(run_cli, "shipped", "-F", "md").stdout  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0] == "<!-- cjm-diff -->"
    assert "5 improvements, 3 regressions" in lines[3] and "1 high pain point resolved" in lines[3]
    assert "#### Emotion per action" in text and "<details>" in text


@pytest.mark.parametrize(
    ("case", "args", "code"),
    [
        ("shipped", [], 0),
        ("shipped", ["--exit-code"], 1),
        ("identical", ["--exit-code"], 0),
        ("shipped", ["--fail-on", "negative"], 1),
        ("ids", ["--fail-on", "negative"], 0),
        ("structure", ["--fail-on", "moved:action"], 1),
        ("structure", ["--fail-on", "removed,touchpoint"], 0),
        ("entities", ["--fail-on", "removed:touchpoint"], 1),
    ],
)
def test_gates(run_cli: Callable[..., object], case: str, args: list[str], code: int) -> None:
    assert _diff(run_cli, case, *args).exit_code == code  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["shipped/old.yaml"], "takes OLD and NEW"),
        (["shipped/old.yaml", "missing.yaml"], "missing.yaml: no such file"),
        (["shipped/old.yaml", "shipped/new.yaml", "-F", "xml"], "unknown format 'xml'"),
        (["shipped/old.yaml", "shipped/new.yaml", "--fail-on", "worse"], "unknown change kind 'worse'"),
    ],
)
def test_usage_errors_exit_2(run_cli: Callable[..., object], args: list[str], message: str) -> None:
    result = run_cli("diff", *args, cwd=PAIRS)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert message in result.stderr and "Traceback" not in result.stderr  # type: ignore[attr-defined]


def test_invalid_journey_names_the_file_and_first_error(run_cli: Callable[..., object], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cjm: 1\nid: x\ntitle: X\nscope: {persona: p, scenario: s}\nstages: []\n", encoding="utf-8")
    result = run_cli("diff", str(PAIRS / "shipped/old.yaml"), str(bad))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert f"{bad}:5:" in result.stderr and "cjm validate" in result.stderr  # type: ignore[attr-defined]


def test_colour_only_when_forced(run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" not in _diff(run_cli, "shipped").stdout  # type: ignore[attr-defined]
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[32m+\x1b[0m" in _diff(run_cli, "shipped").stdout  # type: ignore[attr-defined]


def test_output_file_is_written(run_cli: Callable[..., object], tmp_path: Path) -> None:
    target = tmp_path / "out" / "comment.md"
    result = _diff(run_cli, "shipped", "-F", "md", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith("<!-- cjm-diff -->\n")


def test_markdown_stays_under_the_comment_limit(run_cli: Callable[..., object], tmp_path: Path) -> None:
    def journey(emotion: int, word: str) -> str:
        actions = "\n".join(
            f"      - {{id: a{i}, name: {word} step {i} {'with a long description ' * 3}, emotion: {emotion},"
            f" pain_points: [{{id: p{i}, text: Pain {i} {word}, severity: high}}]}}"
            for i in range(400)
        )
        return (
            "cjm: 1\nid: big\ntitle: Big\nscope: {persona: p, scenario: s}\npersonas: [{id: p, name: P}]\n"
            f"stages:\n  - id: s\n    name: S\n    actions:\n{actions}\n"
        )

    (tmp_path / "old.yaml").write_text(journey(-1, "Old"), encoding="utf-8")
    (tmp_path / "new.yaml").write_text(journey(1, "New"), encoding="utf-8")
    result = run_cli("diff", "old.yaml", "new.yaml", "-F", "md", cwd=tmp_path)
    text = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0 and text.startswith("<!-- cjm-diff -->")  # type: ignore[attr-defined]
    assert len(text) < 65_536
    assert "more; run `cjm diff` locally" in text


def test_user_text_cannot_inject_markdown(run_cli: Callable[..., object], tmp_path: Path) -> None:
    base = (PAIRS / "shipped/old.yaml").read_text(encoding="utf-8")
    (tmp_path / "old.yaml").write_text(base, encoding="utf-8")
    evil = base.replace("name: Pays the course fee", "name: 'Pays <img src=x onerror=alert(1)> | **fee**'")
    (tmp_path / "new.yaml").write_text(evil, encoding="utf-8")
    text = run_cli("diff", "old.yaml", "new.yaml", "-F", "md", cwd=tmp_path).stdout  # type: ignore[attr-defined]
    assert "<img" not in text and "&lt;img" in text and "\\| \\*\\*fee\\*\\*" in text


def test_the_emotion_table_matches_renamed_actions_and_leaves_gaps() -> None:
    from cjm.diff.formats.chart import curve, table
    from cjm.validate.loader import load_text

    def journey(actions: str) -> object:
        text = "cjm: 1\nid: j\ntitle: J\nscope: {persona: p, scenario: s}\npersonas: [{id: p, name: P}]\n"
        text += f"stages:\n  - id: s\n    name: S\n    actions:\n{actions}"
        loaded = load_text(text, "j.journey.yaml").journey
        assert loaded is not None
        return loaded

    old = journey("      - {id: a, name: A, emotion: 1}\n      - {id: b, name: B, emotion: -2}\n"
                  "      - {id: gone, name: Gone, emotion: 2}\n")  # fmt: skip
    new = journey("      - {id: a, name: A, emotion: 1}\n      - {id: b2, name: B, emotion: 0}\n"
                  "      - {id: fresh, name: Fresh}\n")  # fmt: skip
    points = curve(old, new, {"b": "b2"})  # type: ignore[arg-type]
    assert [(p.action, p.before, p.after) for p in points] == [
        ("a", 1, 1), ("b2", -2, 0), ("gone", 2, None), ("fresh", None, None),
    ]  # fmt: skip
    rows = table(points, str).splitlines()[2:]
    assert rows[1] == "| 2 | B | -2 ▁ | 0 ▃ | ▲ +2 |", "a renamed action is one row"
    assert rows[2] == "| 3 | Gone | +2 ▇ | _not in this version_ | removed |", "no value is invented for a gap"
    assert rows[3] == "| 4 | Fresh | _not in this version_ | _not recorded_ | added |"
    many = journey("".join(f"      - {{id: a{i}, name: Action {i}, emotion: {i % 5 - 2}}}\n" for i in range(24)))
    assert len(table(curve(many, many), str).splitlines()) == 26, "24 actions, 24 rows: nothing overlaps"  # type: ignore[arg-type]
