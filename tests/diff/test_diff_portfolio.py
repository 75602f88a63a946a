"""`cjm diff --base` summarises the portfolio in its headline: journeys added and retired, status changes,
opportunities added and resolved."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.diff.test_diff_git import _git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

BASE = """cjm: 1
id: {id}
title: {title}
status: {status}
scope: {{persona: p, scenario: s}}
personas: [{{id: p, name: P}}]
stages:
  - id: s1
    name: S1
    actions:
      - id: a1
        name: A1
        opportunities:
{opportunities}
"""


IDEAS = {
    "o1": "Waitlist for earlier slots", "o2": "Show the fee upfront", "o3": "Let guests check out",
    "o4": "Remember the card for next time", "o9": "Sunset the old app", "r1": "Print prepaid return labels",
}  # fmt: skip


def journey(ident: str, title: str, status: str, *opportunities: str) -> str:
    lines = "".join(f"          - {{id: {o}, text: {IDEAS[o]}}}\n" for o in opportunities) or "          []\n"
    return BASE.format(id=ident, title=title, status=status, opportunities=lines.rstrip("\n"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "checkout.journey.yaml").write_text(journey("checkout", "Checkout", "draft", "o1", "o2"))
    (tmp_path / "legacy.journey.yaml").write_text(journey("legacy", "Legacy app", "live", "o9"))
    (tmp_path / "old-kiosk.journey.yaml").write_text(journey("kiosk", "Kiosk", "live"))
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "as-is")
    (tmp_path / "checkout.journey.yaml").write_text(journey("checkout", "Checkout", "validated", "o2", "o3", "o4"))
    (tmp_path / "legacy.journey.yaml").write_text(journey("legacy", "Legacy app", "retired", "o9"))
    (tmp_path / "old-kiosk.journey.yaml").unlink()
    (tmp_path / "returns.journey.yaml").write_text(journey("returns", "Returns", "draft", "r1"))
    return tmp_path


def test_the_headline_summarises_the_portfolio(run_cli: Callable[..., Result], repo: Path) -> None:
    line = (
        "Portfolio: 1 journey added (Returns); 2 retired (Legacy app, Kiosk); Checkout draft → validated; "
        "3 opportunities added, 1 opportunity resolved"
    )
    text = run_cli("diff", "--base", "main", cwd=repo).stdout
    assert text.splitlines()[0] == line
    markdown = run_cli("diff", "--base", "main", "-F", "md", cwd=repo).stdout.splitlines()
    assert markdown[:6] == ["<!-- cjm-diff -->", "## Customer journey changes", "", markdown[3], "", line]
    data = json.loads(run_cli("diff", "--base", "main", "-F", "json", cwd=repo).stdout)
    assert data["portfolio"] == {
        "journeys_added": ["Returns"],
        "journeys_retired": ["Legacy app", "Kiosk"],
        "status_changes": [
            {"journey": "Checkout", "old": "draft", "new": "validated"},
            {"journey": "Legacy app", "old": "live", "new": "retired"},
        ],
        "opportunities_added": 3,
        "opportunities_resolved": 1,
    }


def test_no_portfolio_line_when_nothing_portfolio_wide_changed(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "a.journey.yaml").write_text(journey("a", "A", "draft", "o1"))
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "as-is")
    (tmp_path / "a.journey.yaml").write_text(journey("a", "A renamed", "draft", "o1"))
    assert "Portfolio:" not in run_cli("diff", "--base", "main", "-F", "md", cwd=tmp_path).stdout


def test_hostile_titles_stay_inert_in_the_line(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "x").write_text("x")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "start")
    (tmp_path / "a.journey.yaml").write_text(journey("a", '"<img src=x> **b** \\e[2J"', "draft"))
    markdown = run_cli("diff", "--base", "main", "-F", "md", cwd=tmp_path).stdout
    assert "<img" not in markdown and "\x1b" not in markdown and "\\*\\*b\\*\\*" in markdown
    assert "\x1b" not in run_cli("diff", "--base", "main", cwd=tmp_path).stdout
