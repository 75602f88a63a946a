"""cjm diff against git: REV:path sides and --base over added, deleted, renamed and modified files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

PAIRS = Path(__file__).parent / "pairs"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(repo: Path, *args: str) -> None:
    people = {
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "t"), ("EMAIL", "t@example.com"))
    }
    env = {**os.environ, **people, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose last commit holds four journeys (and a README); the working tree changes them."""
    (tmp_path / "journeys").mkdir()
    old = (PAIRS / "shipped/old.yaml").read_text(encoding="utf-8")
    (tmp_path / "journeys/signup.journey.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "journeys/retired.journey.yaml").write_text(old.replace("id: course-signup", "id: retired"), "utf-8")
    (tmp_path / "journeys/moving.journey.yaml").write_text(old.replace("id: course-signup", "id: moving"), "utf-8")
    (tmp_path / "journeys/untouched.journey.yaml").write_text(old.replace("id: course-signup", "id: same"), "utf-8")
    (tmp_path / "README.md").write_text("notes\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "as-is")
    (tmp_path / "journeys/signup.journey.yaml").write_text((PAIRS / "shipped/new.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "journeys/retired.journey.yaml").unlink()
    _git(tmp_path, "mv", "journeys/moving.journey.yaml", "journeys/moved.journey.yaml")
    new = (PAIRS / "entities/new.yaml").read_text(encoding="utf-8").replace("id: course-signup", "id: fresh")
    (tmp_path / "journeys/fresh.journey.yaml").write_text(new, encoding="utf-8")
    (tmp_path / "README.md").write_text("more notes\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_base_reports_every_changed_journey(
    run_cli: Callable[..., object], golden: Callable[[str, str], None], repo: Path, fmt: str
) -> None:
    result = run_cli("diff", "--base", "main", "-F", fmt, cwd=repo)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    golden(f"diff/base.{ {'text': 'txt', 'json': 'json', 'markdown': 'md'}[fmt] }", result.stdout)  # type: ignore[attr-defined]


def test_base_statuses_and_whole_journey_changes(run_cli: Callable[..., object], repo: Path) -> None:
    data = json.loads(run_cli("diff", "--base", "main", "-F", "json", cwd=repo).stdout)  # type: ignore[attr-defined]
    files = {(f["status"], f["old"], f["new"]) for f in data["files"]}
    assert files == {
        ("added", None, "journeys/fresh.journey.yaml"),
        ("renamed", "main:journeys/moving.journey.yaml", "journeys/moved.journey.yaml"),
        ("removed", "main:journeys/retired.journey.yaml", None),
        ("modified", "main:journeys/signup.journey.yaml", "journeys/signup.journey.yaml"),
    }
    by_status = {f["status"]: f for f in data["files"]}
    assert [(c["op"], c["entity"]) for c in by_status["added"]["changes"]] == [("added", "journey")]
    assert [(c["op"], c["entity"]) for c in by_status["removed"]["changes"]] == [("removed", "journey")]
    assert by_status["renamed"]["changes"] == []
    assert by_status["added"]["summary"]["old"] is None and by_status["added"]["summary"]["new"]["stages"] == 4


def test_base_limited_to_paths_and_from_a_subfolder(run_cli: Callable[..., object], repo: Path) -> None:
    result = run_cli("diff", "--base", "main", "signup.journey.yaml", "-F", "json", cwd=repo / "journeys")
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [f["new"] for f in data["files"]] == ["journeys/signup.journey.yaml"]


def test_base_without_journey_changes(run_cli: Callable[..., object], repo: Path) -> None:
    (repo / "notes").mkdir()
    (repo / "notes/todo.txt").write_text("not a journey\n", encoding="utf-8")
    result = run_cli("diff", "--base", "HEAD", "notes", "-F", "md", "--exit-code", cwd=repo)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "**No journey files changed since `HEAD`.**" in result.stdout  # type: ignore[attr-defined]


def test_revision_path_sides(run_cli: Callable[..., object], repo: Path) -> None:
    result = run_cli(
        "diff", "main:journeys/signup.journey.yaml", "journeys/signup.journey.yaml", "-F", "json", cwd=repo
    )
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert data["old"] == "main:journeys/signup.journey.yaml" and len(data["changes"]) == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "no-such-branch"], "'no-such-branch' is not a revision git knows"),
        (
            ["main:journeys/nothing.yaml", "journeys/signup.journey.yaml"],
            "no file 'journeys/nothing.yaml' in revision main",
        ),
    ],
)
def test_bad_revisions_exit_2(run_cli: Callable[..., object], repo: Path, args: list[str], message: str) -> None:
    result = run_cli("diff", *args, cwd=repo)
    assert result.exit_code == 2 and message in result.stderr  # type: ignore[attr-defined]


def test_base_outside_a_repository(run_cli: Callable[..., object], tmp_path: Path) -> None:
    result = run_cli("diff", "--base", "main", cwd=tmp_path)
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr  # type: ignore[attr-defined]


def test_invalid_file_at_the_base_revision(run_cli: Callable[..., object], repo: Path) -> None:
    (repo / "journeys/broken.journey.yaml").write_text("cjm: 1\nid: b\n", encoding="utf-8")
    _git(repo, "add", "journeys/broken.journey.yaml")
    _git(repo, "commit", "-q", "-m", "broken")
    (repo / "journeys/broken.journey.yaml").write_text("cjm: 1\nid: c\n", encoding="utf-8")
    result = run_cli("diff", "--base", "HEAD", "journeys/broken.journey.yaml", cwd=repo)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "HEAD:journeys/broken.journey.yaml:" in result.stderr and "cjm validate" in result.stderr  # type: ignore[attr-defined]
