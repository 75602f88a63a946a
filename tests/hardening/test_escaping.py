"""One escaping policy, every output: the same hostile strings through every report, diff and export format.

Each string is something a pull request or a CRM export can put in a name, a path or a message: terminal
escapes (a screen clear, an OSC 52 clipboard write, BEL), C1 controls (U+009B is a CSI too), bidi overrides
and isolates, a newline followed by a forged result line, and rich markup. Whatever the format, none of
them may reach the output raw, a forged line may never start a line, and each format must still parse.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from cjm.diagnostics import Diagnostic, FileReport, Report, Severity, Span
from cjm.escape import github_data, github_property, json_text, markdown_inline, rich_markup, uri_path, visible
from cjm.reporters import REPORTERS, ReportOptions
from cjm.scaffold import starter
from tests.conftest import Result

HOSTILE = {
    "csi-clear": "\x1b[2J\x1b[H",
    "osc52-clipboard": "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "bel": "ding\x07dong",
    "c1-controls": "\x9b2J\x85\x90x\x9c",
    "bidi": "\u202eevil\u2066txt\u2069\u200f",
    "newline": "\nforged.journey.yaml:1:1: CJM001 error forged",
    "rich-markup": "[link=https://x]click[/link] [/] [bold red]",
    "separators": "a\u2028b\u2029c\ufffe",
}
RAW = frozenset("\x1b\x07\x9b\x85\x90\x9c\u202e\u2066\u2069\u200f\u2028\u2029\ufffe")
FORGED = re.compile(r"^\s*[-*+]?\s*forged", re.MULTILINE)


def assert_inert(output: str) -> None:
    """The policy, as every format must keep it."""
    raw = sorted(f"U+{ord(ch):04X}" for ch in RAW & set(output))
    assert not raw, f"raw unsafe characters in the output: {raw}"
    assert not FORGED.search(output), "a newline in user text started a forged line"


# --- the validate reporters: a finding whose path, message, hint and source line are hostile ---------------


def hostile_report(text: str) -> Report:
    path = f"journeys/{text}.journey.yaml"
    finding = Diagnostic(
        path, Span(1, 1, 1, 5), "CJM010", "schema", Severity.ERROR, f"name '{text}' is wrong", hint=f"try '{text}'"
    )
    return Report((FileReport(path, (finding,), {1: f"title: {text}"}),))


def run_reporter(name: str, text: str) -> str:
    stream = io.StringIO()
    REPORTERS[name](hostile_report(text), stream, ReportOptions(root=None))
    return stream.getvalue()


def _check_json(output: str, text: str) -> None:
    finding = json.loads(output)["findings"][0]
    assert finding["message"] == f"name '{text}' is wrong", "JSON keeps the data exact, only escaped"
    assert finding["path"] == f"journeys/{text}.journey.yaml"


def _check_sarif(output: str, text: str) -> None:
    location = json.loads(output)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    uri = location["artifactLocation"]["uri"]
    assert re.fullmatch(r"[A-Za-z0-9._~/%-]+", uri), uri  # RFC 3986: unreserved, '/' and percent-encodings
    assert uri.startswith("journeys/")


def _check_junit(output: str, text: str) -> None:
    root = ET.fromstring(output.encode("utf-8"))  # well-formed XML 1.0
    case = root.find("./testsuite/testcase")
    assert case is not None
    assert case.get("name") == visible(f"journeys/{text}.journey.yaml")


def _check_github(output: str, text: str) -> None:
    lines = output.splitlines()
    assert all(line.startswith(("::error ", "cjm: ")) for line in lines), lines
    assert len(lines) == 2


def _check_gitlab(output: str, text: str) -> None:
    issue = json.loads(output)[0]
    assert issue["location"]["path"] == f"journeys/{text}.journey.yaml"


def _check_text(output: str, text: str) -> None:
    assert output.splitlines()[0].startswith(f"journeys/{visible(text)}.journey.yaml:1:1: CJM010 error")


CHECKS: dict[str, Callable[[str, str], None]] = {
    "text": _check_text,
    "json": _check_json,
    "github": _check_github,
    "sarif": _check_sarif,
    "junit": _check_junit,
    "gitlab": _check_gitlab,
}


def test_every_reporter_is_covered() -> None:
    assert set(CHECKS) == set(REPORTERS)


@pytest.mark.parametrize("attack", HOSTILE)
@pytest.mark.parametrize("reporter", sorted(REPORTERS))
def test_reporters(reporter: str, attack: str) -> None:
    output = run_reporter(reporter, HOSTILE[attack])
    assert_inert(output)
    CHECKS[reporter](output, HOSTILE[attack])


# --- diff and render: a journey whose title and stage name are hostile --------------------------------------


def write_journey(folder: Path, name: str, title: str, stage: str) -> Path:
    data: dict[str, Any] = yaml.safe_load(starter("Demo", "blank"))
    data["title"] = title
    data["stages"][0]["name"] = stage
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("attack", HOSTILE)
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_diff_formats(run_cli: Callable[..., Result], tmp_path: Path, fmt: str, attack: str) -> None:
    text = HOSTILE[attack]
    old = write_journey(tmp_path, "old.journey.yaml", "Plain title", "Plain stage")
    new = write_journey(tmp_path, "new.journey.yaml", f"Title {text}", f"Stage {text}")
    result = run_cli("diff", str(old), str(new), "-F", fmt)
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    if fmt == "json":
        changes = json.loads(result.stdout)["changes"]
        assert any(c.get("new") == f"Title {text}" for c in changes), "the data itself is kept exactly"
    if fmt == "markdown":
        headings = [line for line in result.stdout.splitlines() if line.startswith("#")]
        assert any(line.startswith("### Title ") for line in headings)


@pytest.mark.parametrize("attack", HOSTILE)
@pytest.mark.parametrize("fmt", ["mermaid", "md", "html"])
def test_render_formats(run_cli: Callable[..., Result], tmp_path: Path, fmt: str, attack: str) -> None:
    text = HOSTILE[attack]
    path = write_journey(tmp_path, "evil.journey.yaml", f"Title {text}", f"Stage {text}")
    result = run_cli("render", str(path), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "html":  # the page body isolates bidi text in elements; <title> is plain text and cannot
        title = re.search(r"<title>(.*?)</title>", result.stdout, re.DOTALL)
        assert title is not None
        assert_inert(title.group(1))
        assert "\n" not in title.group(1)
    else:
        assert_inert(result.stdout)


def test_mermaid_export_round_trips_the_hostile_names(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    text = "".join(HOSTILE.values())
    path = write_journey(tmp_path, "evil.journey.yaml", f"Title {text}", f"Stage {text}")
    exported = run_cli("export", "mermaid", str(path))
    assert exported.exit_code == 0, exported.stderr
    assert_inert(exported.stdout)
    diagram = tmp_path / "evil.mmd"
    diagram.write_text(exported.stdout, encoding="utf-8")
    imported = run_cli("import", "mermaid", str(diagram))
    assert imported.exit_code == 0, imported.stderr
    data = yaml.safe_load(imported.stdout)
    assert data["stages"][0]["name"] == f"Stage {text}"  # escaped on the way out, decoded on the way in


# --- the command line: hostile file names reach paths, summaries and error messages -------------------------


@pytest.mark.parametrize("attack", [a for a, text in HOSTILE.items() if "/" not in text])
@pytest.mark.parametrize("fmt", ["text", "github", "junit", "sarif"])
def test_hostile_file_names(run_cli: Callable[..., Result], tmp_path: Path, fmt: str, attack: str) -> None:
    path = tmp_path / f"{HOSTILE[attack]}.journey.yaml"
    path.write_text("cjm: 1\nid: [broken\n", encoding="utf-8")
    result = run_cli("validate", "-F", fmt, str(path))
    assert result.exit_code == 1, result.stderr
    assert_inert(result.stdout + result.stderr)


@pytest.mark.parametrize("attack", HOSTILE)
def test_error_messages(run_cli: Callable[..., Result], tmp_path: Path, attack: str) -> None:
    result = run_cli("validate", str(tmp_path / f"missing {HOSTILE[attack]}.journey.yaml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("cjm: error: ")
    assert_inert(result.stderr)


# --- rich: markup in names is never read as markup, and never crashes ---------------------------------------


@pytest.mark.parametrize("attack", HOSTILE)
def test_rich_markup_is_never_interpreted(attack: str) -> None:
    from rich.text import Text

    text = Text.from_markup(rich_markup(HOSTILE[attack]))
    assert text.plain == visible(HOSTILE[attack])
    assert not text.spans  # no link, no style taken from the name


def test_render_progress_bar_takes_hostile_file_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjm.reporters.progress import terminal_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with terminal_bar(len(HOSTILE), "rendering [/]") as tick:
        for text in HOSTILE.values():
            tick(f"{text.replace('/', '')}[/].journey.yaml")  # '[/]' alone crashed rich's markup parser
    assert "\x1b]8;" not in terminal.getvalue()  # no hyperlink escape (OSC 8) from '[link=...]'


# --- the primitives --------------------------------------------------------------------------------------------


def test_github_escaping_follows_the_runner() -> None:
    assert github_data("50% done\r\nnext\x1b[2J\x07") == "50%25 done%0D%0Anext\\x1b[2J\\x07"
    assert github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_uri_path_is_rfc_3986() -> None:
    assert uri_path("journeys/a b#?%é[1].yaml") == "journeys/a%20b%23%3F%25%C3%A9%5B1%5D.yaml"
    assert uri_path("dir\\file.yaml") == "dir/file.yaml"


def test_json_text_keeps_the_data() -> None:
    value = {"name": "".join(HOSTILE.values())}
    text = json_text(value)
    assert json.loads(text) == value
    assert not RAW & set(text)


def test_markdown_inline_is_one_inert_line() -> None:
    assert markdown_inline("# x\n\x1b[1m*y*") == "\\# x \\\\x1b\\[1m\\*y\\*"
