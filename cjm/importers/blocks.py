"""Where the journey diagrams of a file are: the whole file, or each Markdown ```` ```mermaid ```` block
that holds a ``journey`` (other Mermaid diagrams, such as flowcharts, are skipped)."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = re.compile(r"^journey\b\s*(.*)$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*mermaid\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """The [start, end) line indexes of one diagram's text."""

    start: int
    end: int


def diagram_blocks(lines: list[str]) -> list[Block]:
    """Every Markdown mermaid block holding a journey, in file order; the whole file when there is none."""
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        fence = _FENCE.match(lines[number])
        if not fence:
            number += 1
            continue
        close = _closing_fence(lines, number, fence.group(1))
        if _is_journey(lines[number + 1 : close]):
            blocks.append(Block(number + 1, close))
        number = close + 1
    return blocks or [Block(0, len(lines))]


def _closing_fence(lines: list[str], opening: int, mark: str) -> int:
    """The line index of the fence closing the block opened at ``opening`` (the file's end when none)."""
    for index in range(opening + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(mark[0] * len(mark)) and not stripped.strip(mark[0]):
            return index
    return len(lines)


def _is_journey(body: list[str]) -> bool:
    """Whether the block's first statement, after any front matter and comments, is ``journey``."""
    index = 0
    if body and body[0].strip() == "---":
        index = next((i for i in range(1, len(body)) if body[i].strip() == "---"), len(body)) + 1
    for line in body[index:]:
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            return HEADER.match(stripped) is not None
    return False
