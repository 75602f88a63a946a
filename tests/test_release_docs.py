"""What a team and a maintainer read before adopting or releasing: the install size, the release checklist."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_readme_install_section_gives_the_measured_size_and_the_command() -> None:
    install = _section((ROOT / "README.md").read_text(encoding="utf-8"), "Install")
    assert re.search(r"`cjm-cli` \(validate, fmt, render, diff\) \| \d+ MB", install)
    assert re.search(r"`cjm-cli\[evidence\]` .* \| \d+ MB", install)
    assert "python3 -m venv /tmp/core" in install and "du -sh /tmp/core" in install


def test_contributing_has_the_release_checklist() -> None:
    releasing = " ".join(_section((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), "Releasing").split())
    for step in ("make set-repository REPO=", "git tag -a v0.1.0", "trusted publisher", "SchemaStore", "CHANGELOG.md"):
        assert step in releasing, step
    assert "never by a branch" in releasing


def test_release_refuses_the_placeholder_repository() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("name", "") for step in steps]
    guard = names.index("The repository is the one cjm/project.py names")
    assert guard < names.index("Build the sdist and the wheel")
    assert "GITHUB_REPOSITORY" in steps[guard]["run"] and "exit 1" in steps[guard]["run"]
