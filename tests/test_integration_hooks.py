"""The pre-commit hook and the GitHub Action, exercised for real: pre-commit on a temporary repository,
and the action's own shell steps run locally with the environment GitHub gives them."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

GOOD = (ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.good.journey.yaml").read_text(encoding="utf-8")
WARNING = (ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.bad.journey.yaml").read_text(encoding="utf-8")
BROKEN = GOOD.replace("touchpoints: [courier]", "touchpoints: [curier]")
BIN = Path(sys.executable).parent


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "ci@example.com")
    git(path, "config", "user.name", "CI")
    git(path, "config", "commit.gpgsign", "false")
    return path


# ---------------------------------------------------------------- pre-commit


def test_hook_definition() -> None:
    hook, fmt = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert fmt["id"] == "cjm-fmt" and fmt["entry"] == "cjm fmt" and fmt.get("pass_filenames", True)
    assert re.compile(fmt["files"]).search("a.journey.yml") and not re.compile(fmt["files"]).search("notes.yaml")
    assert hook["id"] == "cjm-validate" and hook["require_serial"] is True
    assert hook["entry"] == "cjm validate --allow-empty" and hook["language"] == "python"
    assert hook["pass_filenames"] is False, "a catalog change must re-check journeys the commit does not touch"
    files = re.compile(hook["files"])
    assert files.search("journeys/a.journey.yaml") and files.search("b.journey.yml")
    assert files.search("catalog/shared.yaml") and files.search("cjm.toml") and files.search("sub/pyproject.toml")
    assert not files.search("a.journey.yaml.bak") and not files.search("notcjm.toml")


@pytest.mark.slow
def test_pre_commit_runs_the_hook_on_a_repository(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (BIN / "pre-commit").exists():
        pytest.fail("pre-commit (dev extra) and git are needed: make install")
    try:
        head = git(ROOT, "rev-parse", "HEAD")
        git(ROOT, "cat-file", "-e", f"{head}:.pre-commit-hooks.yaml")
    except subprocess.CalledProcessError:
        pytest.skip("the checkout has no committed .pre-commit-hooks.yaml to install from")
    repo = new_repo(tmp_path / "repo")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: cjm-validate\n", encoding="utf-8"
    )
    (repo / "journeys").mkdir()
    (repo / "journeys" / "a.journey.yaml").write_text(WARNING, encoding="utf-8")
    (repo / "notes.yaml").write_text("not: a journey\n", encoding="utf-8")
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)

    def pre_commit() -> subprocess.CompletedProcess[str]:
        command = [str(BIN / "pre-commit"), "run", "--all-files", "--color", "never"]
        return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=600, check=False)

    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"cjm validate\.+Passed", passed.stdout), "warnings pass; notes.yaml is not handed to the hook"

    (repo / "journeys" / "b.journey.yaml").write_text(BROKEN, encoding="utf-8")
    git(repo, "add", ".")
    failed = pre_commit()
    assert failed.returncode == 1
    assert re.search(r"cjm validate\.+Failed", failed.stdout)
    assert "journeys/b.journey.yaml:" in failed.stdout and "CJM021" in failed.stdout


# ---------------------------------------------------------------- GitHub Action


def action_step(name: str) -> tuple[str, dict[str, str]]:
    """The ``run:`` script of a step of action.yml and the names of the env vars it is given."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("name") == name)
    assert step["shell"] == "bash"
    assert "${{" not in step["run"], "inputs reach the script through env only"
    return step["run"], step["env"]


def run_step(
    name: str, cwd: Path, env: dict[str, str], path: list[Path], runner: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a step's script with the inputs ``env`` it declares and what the runner (or a fake) provides."""
    script, declared = action_step(name)
    assert set(env) <= set(declared), f"the step does not declare {set(env) - set(declared)}"
    full = {**os.environ, **dict.fromkeys(declared, ""), **env, **(runner or {}), "NO_COLOR": "1"}
    full["PATH"] = os.pathsep.join([*(str(p) for p in path), full["PATH"]])
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=120, check=False
    )


def fake(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    exe = folder / name
    exe.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def test_action_inputs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = action["inputs"]
    assert set(inputs) >= {"paths", "args", "version", "command"}
    assert inputs["paths"]["default"] == "." and inputs["command"]["default"] == "validate"
    assert action["runs"]["using"] == "composite"


def test_action_install_step_installs_the_checkout_or_a_version(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    shims = tmp_path / "shims"
    fake(shims, "python", f"import sys\nopen({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n")
    fake(shims, "cjm", "print('cjm 0.0.0')\n")
    own = run_step("Install cjm", tmp_path, {"CJM_ACTION_PATH": str(ROOT)}, [shims])
    assert own.returncode == 0, own.stderr
    pinned = run_step("Install cjm", tmp_path, {"CJM_VERSION": "1.2.3"}, [shims])
    assert pinned.returncode == 0, pinned.stderr
    assert log.read_text().splitlines() == [f"-m pip install --quiet {ROOT}", "-m pip install --quiet cjm-cli==1.2.3"]


def test_action_validate_annotates_and_fails_like_cjm(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "journeys").mkdir(parents=True)
    (work / "journeys" / "a.journey.yaml").write_text(WARNING, encoding="utf-8")
    env = {"CJM_COMMAND": "validate", "CJM_PATHS": "."}
    runner = {"GITHUB_WORKSPACE": str(work)}
    lenient = run_step("Run cjm", work, env, [BIN], runner)
    assert lenient.returncode == 0, lenient.stderr
    lines = lenient.stdout.splitlines()
    assert lines[0] == "cjm: 1 warning (1 file checked)"
    assert lines[1].startswith("::warning file=journeys/a.journey.yaml,line=23,col=13,")
    strict = run_step("Run cjm", work, {**env, "CJM_ARGS": "--strict"}, [BIN], runner)
    assert strict.returncode == 1
    globbed = run_step("Run cjm", work, {**env, "CJM_PATHS": "journeys/*.yaml"}, [BIN])
    assert globbed.returncode == 2 and "journeys/*.yaml: no such file" in globbed.stderr, "the shell never globs"
    unknown = run_step("Run cjm", work, {**env, "CJM_COMMAND": "lint-all"}, [BIN])
    assert unknown.returncode == 2 and "unknown command 'lint-all'" in unknown.stdout


GH = """import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if "--method" not in args and os.environ.get("FAKE_GH_EXISTING"):
    print(os.environ["FAKE_GH_EXISTING"])
"""


def test_action_diff_comment_creates_then_updates_one_sticky_comment(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "a.journey.yaml").write_text(GOOD, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "a.journey.yaml").write_text(
        GOOD.replace("        emotion: -1\n", "        emotion: -2\n"), encoding="utf-8"
    )
    shims = tmp_path / "shims"
    fake(shims, "gh", GH)
    log = tmp_path / "gh.log"
    env = {
        "CJM_COMMAND": "diff-comment",
        "CJM_PATHS": ".",
        "BASE_SHA": base,
        "PR_NUMBER": "7",
        "REPOSITORY": "acme/maps",
        "GH_TOKEN": "test-token",
    }
    runner = {"FAKE_GH_LOG": str(log)}
    created = run_step("Run cjm", repo, env, [shims, BIN], runner)
    assert created.returncode == 0, created.stdout + created.stderr
    comment = (repo / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- cjm-diff -->") and "receive" in comment
    calls = log.read_text().splitlines()
    assert '"repos/acme/maps/issues/7/comments"' in calls[0] and "--paginate" in calls[0]
    assert calls[1] == '["api", "--method", "POST", "repos/acme/maps/issues/7/comments", "-F", "body=@comment.md"]'

    log.unlink()
    updated = run_step("Run cjm", repo, env, [shims, BIN], {**runner, "FAKE_GH_EXISTING": "4242"})
    assert updated.returncode == 0, updated.stderr
    last = log.read_text().splitlines()[-1]
    assert last == '["api", "--method", "PATCH", "repos/acme/maps/issues/comments/4242", "-F", "body=@comment.md"]'
    assert "updated the diff comment 4242" in updated.stdout

    outside = run_step("Run cjm", repo, {**env, "PR_NUMBER": ""}, [shims, BIN], runner)
    assert outside.returncode == 2 and "pull_request events only" in outside.stdout
