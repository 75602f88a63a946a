"""Rendering folders: the site with its index, output targets, atomic and repeatable writes, --watch."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from cjm.errors import InputError
from cjm.render import child
from tests.conftest import EXAMPLES, ROOT, example_workspace

EXAMPLE_IDS = sorted(p.name.removesuffix(".journey.yaml") for p in EXAMPLES)
# every journey of the examples' workspace, the second persona's map in evidence/ too, by its id
WORKSPACE_IDS = sorted(
    yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in (ROOT / "examples").rglob("*.journey.yaml")
)


def _copy_examples(folder: Path) -> Path:
    example_workspace(folder)
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    return folder


def test_a_folder_renders_a_site_with_an_index(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run_cli("render", str(ROOT / "examples"), "-o", str(site))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in site.iterdir()) == sorted([*(f"{i}.html" for i in WORKSPACE_IDS), "index.html"])
    index = (site / "index.html").read_text(encoding="utf-8")
    cards = index[index.index('id="cjm-index-journeys-h"') :]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', cards)
    assert sorted(href for href, _ in links) == [f"{i}.html" for i in WORKSPACE_IDS]
    titles = [title for _, title in links]
    assert titles == sorted(titles, key=str.lower), "journeys are listed by title"
    assert "Touchpoints and departments across journeys" in index
    for department in ("marketing", "sales", "logistics", "legal"):
        assert f'class="cjm-dept-col">{department}</th>' in index
    assert "Technician mobile app" in index and "FreshCart app" in index  # same id, different journeys: two rows
    assert "<script" not in index and "src=" not in index
    assert f"Wrote {len(WORKSPACE_IDS) + 1} files to {site}" in result.stderr


def test_rendering_twice_gives_byte_identical_files_and_rewrites_nothing(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("render", str(ROOT / "examples"), "-o", str(site)).exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.iterdir()}
    again = run_cli("render", str(ROOT / "examples"), "-o", str(site))
    assert again.exit_code == 0 and "(0 changed)" in again.stderr
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in site.iterdir()} == before
    assert not [p for p in site.iterdir() if p.name.startswith(".")], "no temporary files may be left behind"


def test_the_output_extension_chooses_the_format(run_cli, tmp_path: Path) -> None:
    example = str(EXAMPLES[0])
    result = run_cli("render", example, "-o", str(tmp_path / "map.html"))
    assert result.exit_code == 0 and (tmp_path / "map.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.stderr.strip() == f"Wrote {tmp_path / 'map.html'}"
    folder = tmp_path / "out.d"
    result = run_cli("render", example, "-o", str(folder) + "/")
    assert result.exit_code == 0 and (folder / "index.html").exists()


def test_a_file_output_takes_one_journey(run_cli, tmp_path: Path) -> None:
    result = run_cli("render", str(ROOT / "examples"), "-o", str(tmp_path / "all.html"))
    assert result.exit_code == 2 and "pass a folder to -o" in result.stderr
    result = run_cli("render", str(ROOT / "examples"))
    assert result.exit_code == 2 and "pass -o FOLDER" in result.stderr


def test_one_invalid_journey_is_skipped_and_said_the_others_are_written(run_cli, tmp_path: Path) -> None:
    journeys = _copy_examples(tmp_path / "journeys")
    (journeys / "broken.journey.yaml").write_text("cjm: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    result = run_cli("render", str(journeys), "-o", str(tmp_path / "site"))
    assert result.exit_code == 1, "a skipped page fails the run"
    assert "skipped" in result.stderr and "broken.journey.yaml:" in result.stderr and "CJM001" in result.stderr
    written = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert written == sorted([*(f"{i}.html" for i in EXAMPLE_IDS), "index.html"])
    assert "broken" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_one_invalid_journey_alone_is_an_error_and_writes_nothing(run_cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.journey.yaml"
    broken.write_text("cjm: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    result = run_cli("render", str(broken), "-o", str(tmp_path / "site"))
    assert result.exit_code == 2 and "CJM001" in result.stderr
    assert not (tmp_path / "site").exists()


def test_two_journeys_with_one_id_are_refused(run_cli, tmp_path: Path) -> None:
    journeys = _copy_examples(tmp_path / "journeys")
    shutil.copy(EXAMPLES[0], journeys / "copy.journey.yaml")
    result = run_cli("render", str(journeys), "-o", str(tmp_path / "site"))
    assert result.exit_code == 2 and "ids must be unique" in result.stderr


def test_output_names_never_escape_the_output_folder(tmp_path: Path) -> None:
    assert child(tmp_path, "map.html") == tmp_path / "map.html"
    for name in ("../map.html", "..", "sub/map.html", "/etc/passwd", ""):
        with pytest.raises(InputError, match="outside the output folder"):
            child(tmp_path, name)


def test_no_progress_bar_when_stderr_is_not_a_terminal(run_cli, tmp_path: Path) -> None:
    journeys = example_workspace(tmp_path / "many")
    text = EXAMPLES[0].read_text(encoding="utf-8")
    for n in range(6):
        (journeys / f"j{n}.journey.yaml").write_text(text.replace("id: b2b-fleet-software", f"id: j{n}", 1))
    result = run_cli("render", str(journeys), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote 7 files to {tmp_path / 'site'} (7 changed)\n"


def _lines(stream: object) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], text: str, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {seconds}s; saw {seen}")


@contextmanager
def _watching(tmp_path: Path) -> Iterator[tuple[Path, Path, queue.Queue[str]]]:
    """`cjm render map.journey.yaml -o map.html --watch` on a copy of an example: (journey, map, stderr lines)."""
    journey = example_workspace(tmp_path) / "map.journey.yaml"
    journey.write_text(EXAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    exe = Path(sys.executable).parent / "cjm"
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [str(exe), "render", "map.journey.yaml", "-o", "map.html", "--watch"],
        cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        lines = _lines(proc.stderr)
        _wait_for(lines, "Watching")
        yield journey, tmp_path / "map.html", lines
        assert proc.poll() is None, "the watch must still run"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_watch_re_renders_on_save_and_says_what_changed(tmp_path: Path) -> None:
    with _watching(tmp_path) as (journey, out, lines):
        first = out.read_text(encoding="utf-8")
        time.sleep(0.5)
        journey.write_text(journey.read_text(encoding="utf-8").replace("Out of market", "Not yet looking"))
        changed = _wait_for(lines, "changed")
        assert "map.journey.yaml changed -> rewrote map.html" in changed
        assert "Not yet looking" in out.read_text(encoding="utf-8") and first != out.read_text(encoding="utf-8")
        journey.write_text("cjm: 1\nid: broken\n", encoding="utf-8")
        failed = _wait_for(lines, "not rendered")
        assert "map.journey.yaml changed; not rendered:" in failed
        assert "Not yet looking" in out.read_text(encoding="utf-8")  # the last good map stays


@pytest.mark.slow
def test_watch_follows_a_file_saved_by_rename(tmp_path: Path) -> None:
    """vim, JetBrains and many editors save by writing a new file and renaming it over the old one."""
    with _watching(tmp_path) as (journey, out, lines):
        for word in ("Not yet looking", "Still not looking"):
            time.sleep(0.5)
            text = journey.read_text(encoding="utf-8")
            new = tmp_path / ".map.journey.yaml.swp"
            new.write_text(re.sub("Out of market|Not yet looking", word, text), encoding="utf-8")
            new.replace(journey)
            _wait_for(lines, "rewrote map.html")
            assert word in out.read_text(encoding="utf-8"), word
