"""Importing a Mermaid ``journey`` diagram: parse it into values, then write a cjm journey file.

The parser follows Mermaid's own journey grammar line by line (``title``,
``section``, ``Task: score: Actor, Actor``, ``accTitle``/``accDescr``,
``%%`` and ``#`` comments, YAML front matter with a ``title``). In a Markdown
file it finds every journey inside a ```` ```mermaid ```` block (see
:mod:`cjm.importers.blocks`) and imports the one chosen by number or title.
Mermaid entity codes (``#58;``, ``#quot;``) are decoded, which is how
``cjm export mermaid`` writes characters the grammar cannot carry. Anything
the grammar would reject, or a score outside 1..5, is an InputError located
as ``file:line: message``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, replace

from cjm.errors import InputError
from cjm.importers.blocks import HEADER, Block, diagram_blocks
from cjm.render.mermaid import JOURNEY_ID_MARK, NEUTRAL_SCORE, UNSCORED_MARK

# Mermaid's entity pass uses JavaScript's \w, which is ASCII only: '#²;' is no entity there either.
_ENTITY = re.compile(r"#([A-Za-z0-9_]+);")
_LONGEST_CODE = len(str(0x10FFFF))
_TITLE = re.compile(r"^title\s+(.*)$", re.IGNORECASE)
_SECTION = re.compile(r"^section\s+(.*)$", re.IGNORECASE)
_ACC_TITLE = re.compile(r"^accTitle\s*:\s*(.*)$", re.IGNORECASE)
_ACC_DESCR = re.compile(r"^accDescr\s*:\s*(.*)$", re.IGNORECASE)
_ACC_DESCR_BLOCK = re.compile(r"^accDescr\s*\{\s*(.*)$", re.IGNORECASE)
_JOURNEY_ID = re.compile(r"^%%.*\(" + JOURNEY_ID_MARK + r" ([a-z0-9][a-z0-9-]{0,63})\)\s*$")


@dataclass(frozen=True)
class Task:
    """One Mermaid task: an action with its score (1..5, None when marked unscored) and actors."""

    name: str
    score: int | None
    actors: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Section:
    """One Mermaid section: a stage and its tasks, in order."""

    name: str
    line: int
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Diagram:
    """A parsed Mermaid journey diagram: its text, plus which of how many diagrams of the file it is."""

    title: str | None
    description: str | None
    sections: tuple[Section, ...]
    acc_title: str | None = None
    journey_id: str | None = None
    number: int = 1
    count: int = 1
    line: int = 1


def parse(text: str, path: str, index: int | None = None, title: str | None = None) -> Diagram:
    """Parse the journey diagram of Mermaid text, or the one of a Markdown file chosen by ``index``
    (1-based) or ``title``; raise InputError at the first bad line, or when the choice is missing or wrong."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = diagram_blocks(lines)
    count = len(blocks)
    if index is not None:
        if not 1 <= index <= count:
            raise InputError(f"{path}: there is no diagram {index}: {_listing(lines, blocks, path)}")
        return _numbered(lines, blocks, index, path)
    if title is not None:
        wanted = " ".join(title.split()).casefold()
        for number in range(1, count + 1):
            try:
                found = _numbered(lines, blocks, number, path)
            except InputError:
                continue
            if found.title is not None and " ".join(found.title.split()).casefold() == wanted:
                return found
        raise InputError(f"{path}: no journey diagram is titled '{title}': {_listing(lines, blocks, path)}")
    if count > 1:
        raise InputError(f"{path}: {_listing(lines, blocks, path)}; choose one with --index N or --title TEXT")
    return _numbered(lines, blocks, 1, path)


def _numbered(lines: list[str], blocks: list[Block], number: int, path: str) -> Diagram:
    block = blocks[number - 1]
    return replace(_parse_block(lines, block, path), number=number, count=len(blocks), line=block.start + 1)


def _listing(lines: list[str], blocks: list[Block], path: str) -> str:
    """'it holds 2 journey diagrams: 1 'A' (line 3), 2 untitled (line 20)' for messages."""
    if not blocks:
        return "it holds no journey diagram"
    items = []
    for number, block in enumerate(blocks, start=1):
        try:
            found = _parse_block(lines, block, path)
            name = f"'{_short(found.title)}'" if found.title else "untitled"
        except InputError:
            name = "unreadable"
        items.append(f"{number} {name} (line {block.start + 1})")
    plural = "diagram" if len(blocks) == 1 else "diagrams"
    return f"it holds {len(blocks)} journey {plural}: " + ", ".join(items)


def _parse_block(lines: list[str], block: Block, path: str) -> Diagram:
    lines = lines[: block.end]  # nothing, not even an unclosed 'accDescr {', reads past the block
    parser = _Parser(path)
    index = block.start
    if index < block.end and lines[index].strip() == "---":
        index = parser.front_matter(lines, index, block.end)
    while index < block.end:
        if not parser.header and (mark := _JOURNEY_ID.match(lines[index].strip())) is not None:
            parser.journey_id = mark.group(1)  # the comment 'cjm export mermaid' writes first
        index = parser.line(lines, index)
    return parser.finish(block.start + 1)


def decode(raw: str, path: str, line: int) -> str:
    """A Mermaid name with its entity codes (``#58;``, ``#quot;``) turned back into characters."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.isdigit():
            number = int(code) if len(code.lstrip("0")) <= _LONGEST_CODE else -1
            if 0 <= number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
                return chr(number)
            raise InputError(f"{path}:{line}: '#{_short(code)};' is not a valid character code")
        named = html.unescape(f"&{code};")
        if named == f"&{code};":
            raise InputError(
                f"{path}:{line}: '#{_short(code)};' is not a known entity name; write the character or #NN;"
            )
        return named

    return _ENTITY.sub(replace, raw.strip())


class _Parser:
    """Line-by-line state: header seen, current section, pending 'unscored' mark."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.header = False
        self.title: str | None = None
        self.description: str | None = None
        self.acc_title: str | None = None
        self.journey_id: str | None = None
        self.sections: list[Section] = []
        self.current: tuple[str, int, list[Task]] | None = None
        self.unscored = False
        self.commented = False  # whether a '#' comment was cut off the current statement

    def fail(self, line: int, message: str) -> InputError:
        return InputError(f"{self.path}:{line}: {message}")

    def front_matter(self, lines: list[str], index: int, end: int) -> int:
        """Read YAML front matter (``---`` ... ``---``) for its ``title``; return the next line index.

        It is read by cjm's own safe YAML reader, with its limits on depth, size and aliases."""
        from cjm.validate.yaml_reader import parse_yaml

        close = next((i for i in range(index + 1, end) if lines[i].strip() == "---"), None)
        if close is None:
            raise self.fail(index + 1, "front matter opened with '---' is never closed")
        parsed = parse_yaml("\n".join(lines[index + 1 : close]), self.path)
        if parsed.diagnostics:
            first = parsed.diagnostics[0]
            where = index + 1 + first.span.line
            raise self.fail(where, f"front matter is not valid YAML ({first.message})")
        data = parsed.value
        if isinstance(data, dict) and isinstance(data.get("title"), str) and data["title"].strip():
            self.title = data["title"].strip()
        return close + 1

    def line(self, lines: list[str], index: int) -> int:
        """Consume the statement at ``index``; return the index of the next one."""
        number, stripped = index + 1, lines[index].strip()
        if stripped == UNSCORED_MARK:
            self.unscored = True
            return index + 1
        if not stripped or stripped.startswith("%"):
            return index + 1
        text = _strip_comment(stripped)
        if not text:
            return index + 1
        self.commented = text != stripped
        if not self.header:
            header = HEADER.match(text)
            if not header:
                raise self.fail(number, f"expected a Mermaid 'journey' diagram, found '{_short(text)}'")
            if header.group(1):
                raise self.fail(number, f"unexpected '{_short(header.group(1))}' after 'journey'")
            self.header = True
            return index + 1
        if ";" in _ENTITY.sub("", text):
            raise self.fail(number, "';' is not allowed in a Mermaid journey; write it as #59;")
        if (match := _ACC_DESCR_BLOCK.match(text)) is not None:
            return self._descr_block(lines, index, match.group(1))
        if (match := _ACC_DESCR.match(text)) is not None:
            self.description = decode(match.group(1), self.path, number) or self.description
        elif (match := _ACC_TITLE.match(text)) is not None:
            self.acc_title = decode(match.group(1), self.path, number) or self.acc_title
        elif (match := _TITLE.match(text)) is not None:
            self.title = decode(match.group(1), self.path, number) or self.title
        elif (match := _SECTION.match(text)) is not None:
            self._section(match.group(1), number)
        else:
            self._task(text, number)
        return index + 1

    def _descr_block(self, lines: list[str], index: int, first: str) -> int:
        parts, cursor = [first], index
        while "}" not in parts[-1]:
            cursor += 1
            if cursor >= len(lines):
                raise self.fail(index + 1, "'accDescr {' is never closed with '}'")
            parts.append(lines[cursor].strip())
        parts[-1] = parts[-1].split("}", 1)[0]
        self.description = decode("\n".join(p for p in parts if p), self.path, index + 1) or self.description
        return cursor + 1

    def _section(self, raw: str, number: int) -> None:
        if ":" in raw:
            raise self.fail(number, "a section name cannot contain ':'; write it as #58;")
        name = decode(raw, self.path, number)
        if not name:
            raise self.fail(number, "the section has no name")
        self._close()
        self.current = (name, number, [])

    def _task(self, text: str, number: int) -> None:
        if ":" not in text:
            comment = " ('#' starts a comment: write it as #35;)" if self.commented else ""
            raise self.fail(number, f"expected 'Task name: score: Actor, Actor', found '{_short(text)}'{comment}")
        raw_name, data = text.split(":", 1)
        name = decode(raw_name, self.path, number)
        if not name:
            raise self.fail(number, "the task has no name before ':'")
        pieces = data.split(":")
        if len(pieces) > 2:
            raise self.fail(number, "a task has at most two ':' (name: score: actors); write ':' in names as #58;")
        raw_score = pieces[0].strip()
        if not re.fullmatch(r"[1-5]", raw_score):
            shown = raw_score or "nothing"
            raise self.fail(number, f"the score must be a whole number from 1 to 5 (emotion + 3), found {shown}")
        actors = (
            tuple(a for a in (decode(p, self.path, number) for p in pieces[1].split(",")) if a)
            if len(pieces) > 1
            else ()
        )
        if self.current is None:
            self.current = ("", number, [])
        self.current[2].append(Task(name, None if self.unscored else int(raw_score), actors, number))
        self.unscored = False

    def _close(self) -> None:
        if self.current is not None:
            name, number, tasks = self.current
            self.sections.append(Section(name, number, tuple(tasks)))
            self.current = None

    def finish(self, first_line: int) -> Diagram:
        if not self.header:
            raise self.fail(first_line, "no Mermaid 'journey' diagram found: the file must start with 'journey'")
        self._close()
        if not self.sections:
            raise self.fail(first_line, "the journey has no sections or tasks to import")
        return Diagram(
            self.title or self.acc_title, self.description, tuple(self.sections), self.acc_title, self.journey_id
        )


def _strip_comment(text: str) -> str:
    """The statement without a trailing ``#`` comment; entity codes like ``#58;`` are not comments."""
    position = 0
    while (found := text.find("#", position)) != -1:
        entity = _ENTITY.match(text, found)
        if entity is None:
            return text[:found].rstrip()
        position = entity.end()
    return text


def _short(text: str) -> str:
    """Text for a message: at most 40 characters, control and bidi characters shown as codes, never raw."""
    text = text if len(text) <= 40 else text[:39] + "…"
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _UNSHOWN else ch for ch in text)


_UNSHOWN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def to_journey_yaml(diagram: Diagram, fallback_title: str, origin: str) -> str:
    """A cjm journey file (YAML text) holding the diagram's stages, actions, emotions, actors and persona.

    The persona is the diagram's first actor; a task whose actors are not that persona alone keeps
    them in its action's ``actors``, so every task is exported again with the same actors."""
    import yaml

    title = diagram.title or fallback_title
    persona = next((actor for section in diagram.sections for task in section.tasks for actor in task.actors), None)
    persona = persona or "Customer"
    persona_id = _unique(persona, "persona", set())
    stage_ids: set[str] = set()
    action_ids: set[str] = set()
    stages = []
    for section in diagram.sections:
        name = section.name or title
        actions = []
        for task in section.tasks:
            action: dict[str, object] = {"id": _unique(task.name, "action", action_ids), "name": task.name}
            if task.actors and task.actors != (persona,):
                action["actors"] = list(task.actors)
            if task.score is not None:
                action["emotion"] = task.score - NEUTRAL_SCORE
            actions.append(action)
        stages.append({"id": _unique(name, "stage", stage_ids), "name": name, "actions": actions})
    journey_id = diagram.journey_id or _unique(title, "journey", set())
    document: dict[str, object] = {"cjm": 1, "id": journey_id, "title": title}
    if diagram.acc_title and diagram.acc_title != title:
        document["accessible_title"] = diagram.acc_title
    if diagram.description:
        document["description"] = diagram.description
    document["scope"] = {"persona": persona_id, "scenario": title}
    document["personas"] = [{"id": persona_id, "name": persona}]
    document["stages"] = stages
    header = (
        f"# Imported from {origin} by 'cjm import mermaid'.\n"
        "# Next: add touchpoints, pain points and evidence, then run 'cjm validate'.\n"
    )
    return header + yaml.dump(document, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100_000)


def notes(diagram: Diagram, origin: str) -> list[str]:
    """What the user should know about the import: which diagram of several, and what was not kept."""
    found = []
    if diagram.count > 1:
        found.append(
            f"{origin}: found {diagram.count} journey diagrams; imported diagram {diagram.number}"
            + (f" '{_short(diagram.title)}'" if diagram.title else "")
            + f" (line {diagram.line})"
        )
    return found


_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


def _dumper() -> type:
    """A safe YAML dumper that double-quotes text holding NEL, LS or PS, so it is escaped and reads back
    unchanged (PyYAML writes them raw in plain or single-quoted scalars, where YAML folds them to spaces)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = '"' if _YAML_BREAKS.search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def _unique(name: str, kind: str, taken: set[str]) -> str:
    """A slug id for ``name`` not yet in ``taken`` (which it joins): 'pay', 'pay-2', ..."""
    from cjm.model import slugify

    base = slugify(name) if re.search(r"[A-Za-z0-9]", name) else f"{kind}-{len(taken) + 1}"
    candidate, counter = base, 1
    while candidate in taken:
        counter += 1
        suffix = f"-{counter}"
        candidate = base[: 64 - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate
