"""Markdown output: goldens through 'cjm render -f md', and a CommonMark+tables parse of hostile text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from cjm.render.markdown import inline, to_markdown
from cjm.render.mermaid import to_mermaid
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, Result


def tokens(text: str) -> list[Token]:
    """The document as a GitHub-like Markdown parser reads it (CommonMark plus tables, no raw HTML)."""
    return MarkdownIt("commonmark").enable("table").parse(text)


def tables(parsed: list[Token]) -> list[list[int]]:
    """For each table, the number of cells in each of its rows (header first)."""
    found: list[list[int]] = []
    for token in parsed:
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append(0)
        elif token.type in ("th_open", "td_open"):
            found[-1][-1] += 1
    return found


def plain(token: Token) -> str:
    """The text a reader sees in an inline token; a ``<br>`` is a line break, no other HTML may appear."""
    parts = []
    for child in token.children or []:
        if child.type == "html_inline":
            assert child.content == "<br>", child.content
            parts.append("\n")
        else:
            parts.append(child.content)
    return "".join(parts)


def headings(parsed: list[Token]) -> list[tuple[str, str]]:
    """Each heading as (level tag, text)."""
    return [(t.tag, plain(parsed[i + 1])) for i, t in enumerate(parsed) if t.type == "heading_open"]


def assert_structure(text: str, stages: int) -> list[Token]:
    """Headings are only ours, every table is rectangular, and the Mermaid block is one fence."""
    parsed = tokens(text)
    levels = [tag for tag, _ in headings(parsed)]
    assert levels.count("h1") == 1 and levels.count("h3") == stages
    assert all(len(set(rows)) == 1 for rows in tables(parsed)), tables(parsed)
    fences = [t for t in parsed if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid"]
    assert not [t for t in parsed if t.type.startswith("html_")]
    for token in parsed:
        if token.type == "inline":
            plain(token)
    return parsed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_markdown_matches_golden(
    example: Path, run_cli: Callable[..., Result], golden: Callable[[str, str], None]
) -> None:
    result = run_cli("render", str(example), "-f", "md")
    assert result.exit_code == 0, result.stderr
    golden(f"render/{example.name.removesuffix('.journey.yaml')}.md", result.stdout)
    journey = load_journey(str(example))
    assert result.stdout == to_markdown(journey)
    parsed = assert_structure(result.stdout, len(journey.stages))
    assert next(t for t in parsed if t.type == "fence").content == to_mermaid(journey)
    h2 = [text for tag, text in headings(parsed) if tag == "h2"]
    assert h2[:4] == ["Scope", "Journey", "Stages", "Pain points"] and "Opportunities" in h2


def test_hostile_text_keeps_tables_and_headings(hostile_journey: Path) -> None:
    journey = load_journey(str(hostile_journey))
    text = to_markdown(journey)
    parsed = assert_structure(text, len(journey.stages))
    assert headings(parsed)[0] == ("h1", 'Hostile "title" <script>: #1; | `x`')
    assert not [t for t in parsed if t.type in ("bullet_list_open", "ordered_list_open", "hr", "code_block")]
    cells = [plain(t) for t in parsed if t.type == "inline"]
    joined = "\n".join(cells)
    for name in ("<script>alert('x')</script> & <b>bold</b>", "a | b `code` ```fence``` \\| end", "# not a heading"):
        assert name in joined
    assert "- not a list" in joined and "💳" in joined and "مرحبا" in joined
    assert any("line one\nline two\n\nline four" in cell for cell in cells)
    fence = next(t for t in parsed if t.type == "fence")
    assert fence.content == to_mermaid(journey)  # the ```fence``` in a name did not close the block


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_thought_is_in_its_actions_row(example: Path) -> None:
    journey = load_journey(str(example))
    parsed = tokens(to_markdown(journey))
    rows: list[list[str]] = []
    for index, token in enumerate(parsed):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and parsed[index - 1].type in ("th_open", "td_open"):
            rows[-1].append(plain(token))
    thoughts = {row[0]: row[2] for row in rows if len(row) == 7 and row[0] != "Action"}
    assert sum(len(a.thoughts) for _, a in journey.actions()) > 0
    for _, action in journey.actions():
        cell = next(value for name, value in thoughts.items() if name.startswith(action.name))
        assert cell == "\n".join(f"“{thought}”" for thought in action.thoughts)


def test_hostile_thoughts_stay_in_their_cell() -> None:
    from cjm.model import Journey

    journey = Journey.model_validate(
        {
            "cjm": 1,
            "id": "j",
            "title": "T",
            "scope": {"persona": "p", "scenario": "s"},
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "actions": [{"id": "a", "name": "A", "thoughts": ["a | b", "# not a heading\nline two", "<b>"]}],
                }
            ],
        }
    )
    parsed = assert_structure(to_markdown(journey), 1)
    cells = [plain(t) for t in parsed if t.type == "inline"]
    assert "“a | b”\n“# not a heading\nline two”\n“<b>”" in cells


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("`x`", "\\`x\\`"),
        ("<b>", "&lt;b&gt;"),
        ("# h", "\\# h"),
        ("- item", "\\- item"),
        ("12. item", "12\\. item"),
        ("one\ntwo", "one<br>two"),
        ("*em* _em_ [l](u) ~s~", "\\*em\\* \\_em\\_ \\[l\\](u) \\~s\\~"),
        ("plain, text (ok) — 5% €", "plain, text (ok) — 5% €"),
    ],
)
def test_inline_escapes_only_what_changes_structure(raw: str, escaped: str) -> None:
    assert inline(raw) == escaped
