"""Importing a Mermaid ``journey`` diagram: parse it into values, then write a cjm journey file.

The parser follows Mermaid's own journey grammar line by line (``title``,
``section``, ``Task: score: Actor, Actor``, ``accTitle``/``accDescr``,
``%%`` and ``#`` comments, YAML front matter with a ``title``) and also
finds the first journey inside a Markdown ```` ```mermaid ```` block. Mermaid
entity codes (``#58;``, ``#quot;``) are decoded, which is how
``cjm export mermaid`` writes characters the grammar cannot carry. Anything
the grammar would reject, or a score outside 1..5, is an InputError located
as ``file:line: message``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from cjm.errors import InputError
from cjm.render.mermaid import NEUTRAL_SCORE, UNSCORED_MARK

_ENTITY = re.compile(r"#(\w+);")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*mermaid\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^journey\b\s*(.*)$", re.IGNORECASE)
_TITLE = re.compile(r"^title\s+(.*)$", re.IGNORECASE)
_SECTION = re.compile(r"^section\s+(.*)$", re.IGNORECASE)
_ACC_TITLE = re.compile(r"^accTitle\s*:\s*(.*)$", re.IGNORECASE)
_ACC_DESCR = re.compile(r"^accDescr\s*:\s*(.*)$", re.IGNORECASE)
_ACC_DESCR_BLOCK = re.compile(r"^accDescr\s*\{\s*(.*)$", re.IGNORECASE)


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
    """A parsed Mermaid journey diagram."""

    title: str | None
    description: str | None
    sections: tuple[Section, ...]


def parse(text: str, path: str) -> Diagram:
    """Parse Mermaid journey text (or Markdown holding one); raise InputError at the first bad line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, end = _diagram_lines(lines)
    parser = _Parser(path)
    index = start
    if index < end and lines[index].strip() == "---":
        index = parser.front_matter(lines, index, end)
    while index < end:
        index = parser.line(lines, index)
    return parser.finish(start + 1)


def decode(raw: str, path: str, line: int) -> str:
    """A Mermaid name with its entity codes (``#58;``, ``#quot;``) turned back into characters."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.isdigit():
            number = int(code)
            if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
                return chr(number)
            raise InputError(f"{path}:{line}: '#{code};' is not a valid character code")
        named = html.unescape(f"&{code};")
        if named == f"&{code};":
            raise InputError(f"{path}:{line}: '#{code};' is not a known entity name; write the character or #NN;")
        return named

    return _ENTITY.sub(replace, raw.strip())


def _diagram_lines(lines: list[str]) -> tuple[int, int]:
    """The [start, end) line range of the diagram: the whole file, or a Markdown mermaid block."""
    for number, line in enumerate(lines):
        fence = _FENCE.match(line)
        if not fence:
            continue
        mark = fence.group(1)
        close = next(
            (i for i in range(number + 1, len(lines)) if lines[i].strip().startswith(mark[0] * len(mark))
             and not lines[i].strip().strip(mark[0])),
            len(lines),
        )  # fmt: skip
        body = [s.strip() for s in lines[number + 1 : close] if s.strip() and not s.strip().startswith("%")]
        if body and _HEADER.match(body[0]):
            return number + 1, close
    return 0, len(lines)


class _Parser:
    """Line-by-line state: header seen, current section, pending 'unscored' mark."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.header = False
        self.title: str | None = None
        self.description: str | None = None
        self.sections: list[Section] = []
        self.current: tuple[str, int, list[Task]] | None = None
        self.unscored = False

    def fail(self, line: int, message: str) -> InputError:
        return InputError(f"{self.path}:{line}: {message}")

    def front_matter(self, lines: list[str], index: int, end: int) -> int:
        """Read YAML front matter (``---`` ... ``---``) for its ``title``; return the next line index."""
        import yaml

        close = next((i for i in range(index + 1, end) if lines[i].strip() == "---"), None)
        if close is None:
            raise self.fail(index + 1, "front matter opened with '---' is never closed")
        try:
            data = yaml.safe_load("\n".join(lines[index + 1 : close]))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = index + 2 + (mark.line if mark is not None else 0)
            raise self.fail(where, f"front matter is not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
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
        if not self.header:
            header = _HEADER.match(text)
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
            self.title = self.title or decode(match.group(1), self.path, number) or None
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
        self.description = " ".join(p for p in parts if p) or self.description
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
            raise self.fail(number, f"expected 'Task name: score: Actor, Actor', found '{_short(text)}'")
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
        return Diagram(self.title, self.description, tuple(self.sections))


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
    return text if len(text) <= 40 else text[:39] + "…"


def to_journey_yaml(diagram: Diagram, fallback_title: str, origin: str) -> str:
    """A cjm journey file (YAML text) holding the diagram's stages, actions, emotions and persona."""
    import yaml

    title = diagram.title or fallback_title
    actors = [actor for section in diagram.sections for task in section.tasks for actor in task.actors]
    persona = actors[0] if actors else "Customer"
    persona_id = _unique(persona, "persona", set())
    stage_ids: set[str] = set()
    action_ids: set[str] = set()
    stages = []
    for section in diagram.sections:
        name = section.name or title
        actions = []
        for task in section.tasks:
            action: dict[str, object] = {"id": _unique(task.name, "action", action_ids), "name": task.name}
            if task.score is not None:
                action["emotion"] = task.score - NEUTRAL_SCORE
            others = [actor for actor in dict.fromkeys(task.actors) if actor != persona]
            if others:
                action["description"] = "Other actors in the Mermaid diagram: " + ", ".join(others)
            actions.append(action)
        stages.append({"id": _unique(name, "stage", stage_ids), "name": name, "actions": actions})
    document: dict[str, object] = {"cjm": 1, "id": _unique(title, "journey", set()), "title": title}
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
