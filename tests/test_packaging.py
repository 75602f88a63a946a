"""The distribution as users get it: its name and extras, the release files, and a wheel built from the tree
that installs into a clean environment and runs there."""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DIST = "cjm-cli"


def test_the_distribution_name_is_ours_and_the_command_stays_cjm() -> None:
    assert PROJECT["name"] == DIST
    assert PROJECT["scripts"] == {"cjm": "cjm.cli:main"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^pipx install {DIST}\s", readme, re.MULTILINE)
    assert f'pip install "{DIST}[evidence]"' in readme


def test_the_readme_keeps_users_and_developers_apart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    users = readme.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    developers = readme.split("## Develop cjm\n", 1)[1].split("\n## ", 1)[0]
    assert "make " not in users and "pipx install" in users
    block = developers.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.splitlines()] == [["make", "install"], ["make", "test"]]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_install_installs_the_system_packages_the_tests_need() -> None:
    """A bare CI machine gets Graphviz, Chromium and Java from `make install` (the recipe was once lost)."""
    plan = subprocess.run(["make", "-n", "install"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for command in ("dot", "chromium", "java"):
        assert f"command -v {command} " in plan, f"make install no longer checks for {command}"
    assert "apt-get install" in plan


def test_duckdb_and_sqlglot_are_the_evidence_extra_only() -> None:
    names = [dep.split(">")[0].split(";")[0].strip() for dep in PROJECT["dependencies"]]
    assert "duckdb" not in names and "sqlglot" not in names
    extra = PROJECT["optional-dependencies"]
    assert sorted(d.split(">")[0] for d in extra["evidence"]) == ["duckdb", "sqlglot"]
    assert set(extra["evidence"]) <= set(extra["dev"]), "the dev environment tests cjm evidence too"
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "\nduckdb==" in lock and "\nsqlglot==" in lock


def test_license_changelog_and_security_policy() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PROJECT["license"] == "MIT" and license_text.startswith("MIT License")
    assert "the cjm authors" in license_text
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in changelog and "\n## [Unreleased]\n" in changelog
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "## Reporting a vulnerability" in security and "## In scope" in security


def test_release_workflow_builds_tests_publishes_and_attaches_the_schemas() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as true
    jobs = workflow["jobs"]
    build = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build and "venv" in build and "dist/*.whl" in build
    assert "cjm validate examples/" in build and "cjm render examples/ -o site/" in build
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}, "trusted publishing, no stored token"
    assert any(step.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for step in publish["steps"])
    assert not any("password" in step.get("with", {}) for step in publish["steps"])
    release = "\n".join(step.get("run", "") for step in jobs["github-release"]["steps"])
    assert "gh release create" in release and "schemas/*.json" in release


def _build_wheel(tmp_path: Path) -> Path:
    """A wheel of a copy of the tree (the checkout stays clean), built offline by the locked setuptools."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "cjm", src / "cjm", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out)]
    done = subprocess.run([*command, str(src)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("*.whl")
    return wheel


@pytest.mark.slow
def test_a_wheel_built_from_the_tree_installs_and_runs_in_a_clean_venv(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    assert meta["Name"] == DIST and meta["License-Expression"] == "MIT"
    assert "evidence" in meta.get_all("Provides-Extra")
    assert not [r for r in meta.get_all("Requires-Dist") if r.startswith("duckdb") and "extra" not in r]
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "cjm/render/templates/journey.html.j2" in names or any(n.endswith(".j2") for n in names)

    # a fresh venv gets the wheel without its dependencies, and reads those from this environment's
    # site-packages through a .pth line (offline); .pth files there, such as the editable install's, are not run
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    target = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    Path(target, "_deps_from_dev_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr

    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR", "GITHUB_ACTIONS")}
    env["NO_COLOR"] = "1"
    cjm = venv / "bin" / "cjm"
    where = subprocess.run(
        [python, "-c", "import cjm; print(cjm.__file__)"], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "cjm comes from the wheel, not the checkout"
    validated = subprocess.run(
        [cjm, "validate", "examples/"], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "4 files checked" in validated.stdout + validated.stderr
    rendered = subprocess.run(
        [cjm, "render", "examples/", "-o", "site/"], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert (work / "site" / "index.html").is_file()
