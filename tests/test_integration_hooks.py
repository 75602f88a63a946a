"""The pre-commit hook and the GitHub Action, exercised for real: pre-commit on a temporary repository,
and the action's own shell steps run locally with the environment GitHub gives them."""

from __future__ import annotations

import json
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


def test_action_inputs_and_what_it_leaves_alone() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    action = yaml.safe_load(text)
    inputs = action["inputs"]
    assert set(inputs) >= {"paths", "args", "version", "command", "upload-sarif", "summary", "python"}
    assert inputs["paths"]["default"] == "." and inputs["command"]["default"] == "validate"
    assert inputs["upload-sarif"]["default"] == "false" and inputs["summary"]["default"] == "true"
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert not [s for s in steps if "setup-python" in s.get("uses", "")], "the caller's Python stays the caller's"
    assert "GITHUB_PATH" not in text and "GITHUB_ENV" not in text, "nothing leaks into the job's later steps"
    upload = next(s for s in steps if s.get("name") == "Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"
    assert "!cancelled()" in upload["if"], "findings fail the run step; their SARIF is uploaded all the same"


LOGGER = "import os, sys\nopen(os.environ['FAKE_LOG'], 'a').write(' '.join(sys.argv) + '\\n')\n"
# a base Python whose `-m venv DIR` makes a venv whose python logs too and whose cjm prints a version
VENV_PYTHON = (
    LOGGER
    + "if sys.argv[1:3] == ['-m', 'venv']:\n"
    + "    bin_dir = os.path.join(sys.argv[3], 'bin')\n"
    + "    os.makedirs(bin_dir)\n"
    + f"    for name, body in (('python', {LOGGER!r}), ('cjm', 'print(\"cjm 0.0.0\")')):\n"
    + "        path = os.path.join(bin_dir, name)\n"
    + f"        open(path, 'w').write('#!' + {sys.executable!r} + '\\n' + body)\n"
    + "        os.chmod(path, 0o755)\n"
)


def test_action_installs_into_a_venv_of_its_own_under_runner_temp(tmp_path: Path) -> None:
    shims = tmp_path / "shims"
    fake(shims, "base-python", VENV_PYTHON)
    log = tmp_path / "calls"
    runs = []
    for env in ({"CJM_ACTION_PATH": str(ROOT)}, {"CJM_VERSION": "1.2.3"}):
        temp = tmp_path / f"runner-temp-{len(runs)}"
        temp.mkdir()
        outputs, path_file = temp / "output", temp / "path"
        runner = {"RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(outputs), "GITHUB_PATH": str(path_file)}
        runner["FAKE_LOG"] = str(log)
        done = run_step("Install cjm", tmp_path, {**env, "CJM_PYTHON": str(shims / "base-python")}, [], runner)
        assert done.returncode == 0, done.stderr
        assert "cjm 0.0.0" in done.stdout
        assert outputs.read_text() == f"bin={temp}/cjm-venv/bin\n"
        assert not path_file.exists(), "cjm is not put on the job's PATH, and neither is its python"
        runs.append(temp)
    calls = log.read_text().splitlines()
    assert calls == [
        f"{shims / 'base-python'} -m venv {runs[0]}/cjm-venv",
        f"{runs[0]}/cjm-venv/bin/python -m pip install --quiet {ROOT}",
        f"{shims / 'base-python'} -m venv {runs[1]}/cjm-venv",
        f"{runs[1]}/cjm-venv/bin/python -m pip install --quiet cjm-cli==1.2.3",
    ]


def _runner(tmp_path: Path, **more: str) -> dict[str, str]:
    """What the runner gives a step: a temporary folder, the output and summary files."""
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    return {
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(temp / "output"),
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        **more,
    }


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if ".git" not in p.parts}


def test_action_validate_annotates_and_fails_like_cjm(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "journeys").mkdir(parents=True)
    (work / "journeys" / "a.journey.yaml").write_text(WARNING, encoding="utf-8")
    before = _files(work)
    env = {"CJM_COMMAND": "validate", "CJM_PATHS": ".", "CJM_BIN_DIR": str(BIN), "CJM_SUMMARY": "true"}
    runner = _runner(tmp_path, GITHUB_WORKSPACE=str(work))
    lenient = run_step("Run cjm", work, env, [], runner)
    assert lenient.returncode == 0, lenient.stderr
    lines = lenient.stdout.splitlines()
    assert lines[0] == "cjm: 1 warning (1 file checked)"
    assert lines[1].startswith("::warning file=journeys/a.journey.yaml,line=23,col=13,")
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("### cjm validate\n\n```text\n")
    assert "journeys/a.journey.yaml:23:13: CJM103 warning" in summary and summary.endswith("```\n")
    assert not Path(runner["GITHUB_OUTPUT"]).exists(), "no SARIF unless asked"
    strict = run_step("Run cjm", work, {**env, "CJM_ARGS": "--strict"}, [], runner)
    assert strict.returncode == 1
    globbed = run_step("Run cjm", work, {**env, "CJM_PATHS": "journeys/*.yaml"}, [], runner)
    assert globbed.returncode == 2 and "journeys/*.yaml: no such file" in globbed.stderr, "the shell never globs"
    unknown = run_step("Run cjm", work, {**env, "CJM_COMMAND": "lint-all"}, [], runner)
    assert unknown.returncode == 2 and "unknown command 'lint-all'" in unknown.stdout
    assert _files(work) == before, "nothing is written into the checkout"


def test_action_validate_writes_sarif_for_code_scanning_even_when_it_fails(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.journey.yaml").write_text(BROKEN, encoding="utf-8")
    runner = _runner(tmp_path, GITHUB_WORKSPACE=str(work))
    env = {"CJM_COMMAND": "validate", "CJM_PATHS": ".", "CJM_BIN_DIR": str(BIN), "CJM_UPLOAD_SARIF": "true"}
    failed = run_step("Run cjm", work, {**env, "CJM_SUMMARY": "false"}, [], runner)
    assert failed.returncode == 1, failed.stderr
    sarif = Path(runner["RUNNER_TEMP"]) / "cjm.sarif"
    assert Path(runner["GITHUB_OUTPUT"]).read_text() == f"sarif-file={sarif}\n"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "CJM021"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.journey.yaml"
    assert not Path(runner["GITHUB_STEP_SUMMARY"]).exists(), "summary: false writes none"
    assert _files(work) == {"a.journey.yaml"}


def test_action_summary_fence_cannot_be_closed_by_a_finding(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.journey.yaml").write_text(BROKEN.replace("[curier]", "['```curier']"), encoding="utf-8")
    runner = _runner(tmp_path, GITHUB_WORKSPACE=str(work))
    env = {"CJM_COMMAND": "validate", "CJM_PATHS": ".", "CJM_BIN_DIR": str(BIN), "CJM_SUMMARY": "true"}
    assert run_step("Run cjm", work, env, [], runner).returncode == 1
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "```curier" in summary
    assert summary.startswith("### cjm validate\n\n````text\n") and summary.endswith("\n````\n")


GH = """import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if "--method" not in args and os.environ.get("FAKE_GH_EXISTING"):
    print(os.environ["FAKE_GH_EXISTING"])
"""


def _pull_request(tmp_path: Path, change: bool) -> tuple[Path, dict[str, str]]:
    """A repository whose working tree is the pull request, and the step's inputs for it."""
    repo = new_repo(tmp_path / "repo")
    (repo / "a.journey.yaml").write_text(GOOD, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    if change:
        (repo / "a.journey.yaml").write_text(
            GOOD.replace("        emotion: -1\n", "        emotion: -2\n"), encoding="utf-8"
        )
    env = {
        "CJM_COMMAND": "diff-comment",
        "CJM_PATHS": ".",
        "CJM_BIN_DIR": str(BIN),
        "CJM_SUMMARY": "true",
        "BASE_SHA": base,
        "PR_NUMBER": "7",
        "REPOSITORY": "acme/maps",
        "GH_TOKEN": "test-token",
    }
    return repo, env


def _gh_calls(log: Path) -> list[list[str]]:
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


LOOKUP = ["api", "--paginate", "repos/acme/maps/issues/7/comments", "--jq"]


def test_action_diff_comment_creates_then_updates_one_sticky_comment(tmp_path: Path) -> None:
    repo, env = _pull_request(tmp_path, change=True)
    shims = tmp_path / "shims"
    fake(shims, "gh", GH)
    log = tmp_path / "gh.log"
    runner = _runner(tmp_path, FAKE_GH_LOG=str(log))
    comment = Path(runner["RUNNER_TEMP"]) / "cjm-diff-comment.md"

    created = run_step("Run cjm", repo, env, [shims], runner)
    assert created.returncode == 0, created.stdout + created.stderr
    text = comment.read_text(encoding="utf-8")
    assert text.startswith("<!-- cjm-diff -->") and "receive" in text
    lookup, post = _gh_calls(log)
    assert lookup[:4] == LOOKUP
    assert post == ["api", "--method", "POST", "repos/acme/maps/issues/7/comments", "-F", f"body=@{comment}"]
    assert "posted the diff comment" in created.stdout
    assert Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8") == text
    assert _files(repo) == {"a.journey.yaml"}, "the comment is written outside the checkout"

    updated = run_step("Run cjm", repo, env, [shims], {**runner, "FAKE_GH_EXISTING": "4242"})
    assert updated.returncode == 0, updated.stderr
    assert _gh_calls(log)[-1] == [
        "api", "--method", "PATCH", "repos/acme/maps/issues/comments/4242", "-F", f"body=@{comment}"
    ]  # fmt: skip
    assert "updated the diff comment 4242" in updated.stdout


def test_action_diff_comment_posts_before_a_gate_fails_the_job(tmp_path: Path) -> None:
    repo, env = _pull_request(tmp_path, change=True)
    shims = tmp_path / "shims"
    fake(shims, "gh", GH)
    log = tmp_path / "gh.log"
    runner = _runner(tmp_path, FAKE_GH_LOG=str(log))
    gated = run_step("Run cjm", repo, {**env, "CJM_ARGS": "--fail-on negative"}, [shims], runner)
    assert gated.returncode == 1, gated.stdout + gated.stderr
    assert [call[:3] for call in _gh_calls(log)] == [LOOKUP[:3], ["api", "--method", "POST"]]
    assert "posted the diff comment" in gated.stdout


def test_action_diff_comment_skips_or_deletes_when_nothing_changed(tmp_path: Path) -> None:
    repo, env = _pull_request(tmp_path, change=False)
    shims = tmp_path / "shims"
    fake(shims, "gh", GH)
    log = tmp_path / "gh.log"
    runner = _runner(tmp_path, FAKE_GH_LOG=str(log))
    skipped = run_step("Run cjm", repo, env, [shims], runner)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert [call[:3] for call in _gh_calls(log)] == [LOOKUP[:3]], "no comment for a pull request without changes"
    assert "no journey changes; no comment" in skipped.stdout
    assert not Path(runner["GITHUB_STEP_SUMMARY"]).exists()

    stale = run_step("Run cjm", repo, env, [shims], {**runner, "FAKE_GH_EXISTING": "4242"})
    assert stale.returncode == 0, stale.stderr
    assert _gh_calls(log)[-1] == ["api", "--method", "DELETE", "repos/acme/maps/issues/comments/4242"]
    assert "deleted the diff comment 4242" in stale.stdout


def test_action_diff_comment_errors_post_nothing(tmp_path: Path) -> None:
    repo, env = _pull_request(tmp_path, change=True)
    shims = tmp_path / "shims"
    fake(shims, "gh", GH)
    log = tmp_path / "gh.log"
    runner = _runner(tmp_path, FAKE_GH_LOG=str(log))
    outside = run_step("Run cjm", repo, {**env, "PR_NUMBER": ""}, [shims], runner)
    assert outside.returncode == 2 and "pull_request events only" in outside.stdout
    broken = run_step("Run cjm", repo, {**env, "BASE_SHA": "no-such-revision"}, [shims], runner)
    assert broken.returncode == 2, broken.stdout + broken.stderr
    assert _gh_calls(log) == [], "an error is not a diff: nothing is posted or deleted"
