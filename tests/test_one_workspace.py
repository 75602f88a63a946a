"""One workspace, one loader: every command sees the same journeys the same way.

Each test is a case where commands used to disagree about the same files
(validate green while render failed, catalogs known to one command and not
another, the config found from the current folder instead of the file), or a
file that must never be read (a link out of the workspace, a FIFO, a device).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, run_with_peak_memory
from tests.test_workspace import CATALOG, make, shared_journey

ID_LINE = shared_journey().splitlines().index("id: kettle-purchase-emotion") + 1


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def repo_of(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "config", "user.email", "ci@example.com")
    git(root, "config", "user.name", "CI")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


# ---------------------------------------------------------------- ids across files


def test_a_journey_id_used_twice_is_an_error_in_both_files(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    (root / "journeys" / "copy.journey.yaml").write_text(shared_journey(), encoding="utf-8")
    result = run_cli("validate", "--strict", "-F", "json", cwd=root)
    assert result.exit_code == 1
    found = [(f["path"], f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        ("journeys/copy.journey.yaml", "CJM022", ID_LINE),
        ("journeys/kettle.journey.yaml", "CJM022", ID_LINE),
    ]
    text = run_cli("validate", cwd=root).stdout
    assert f"journey id 'kettle-purchase-emotion' is also the id of journeys/kettle.journey.yaml:{ID_LINE}" in text
    assert f"   {ID_LINE} | id: kettle-purchase-emotion" in text, "the code frame shows the id line"
    render = run_cli("render", ".", "-o", str(tmp_path / "site"), cwd=root)
    assert render.exit_code == 2 and "CJM022" in render.stderr, "render refuses what validate reports"


def test_validate_finds_yml_journeys_as_the_hook_does(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    broken = shared_journey().replace("id: kettle-purchase-emotion", "id: other").replace("[courier]", "[curier]")
    (root / "journeys" / "short.journey.yml").write_text(broken, encoding="utf-8")
    for args in ((), ("journeys",)):
        result = run_cli("validate", "-F", "json", *args, cwd=root)
        payload = json.loads(result.stdout)
        assert payload["files"] == 2, args
        assert [(f["path"], f["rule"]) for f in payload["findings"]] == [("journeys/short.journey.yml", "CJM021")]


# ---------------------------------------------------------------- catalogs everywhere


def test_evidence_reads_the_map_with_its_catalogs(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    log = root / "log.csv"
    log.write_text("case_id,timestamp,event\nc1,2026-01-01T10:00:00,courier\nc1,2026-01-02T10:00:00,x\n")
    journey = str(root / "journeys" / "kettle.journey.yaml")
    check = run_cli("evidence", "check", journey, "--events", str(log), "-F", "json", cwd=tmp_path)
    assert check.exit_code == 0, check.stderr
    touchpoints = {t["id"] for t in json.loads(check.stdout)["touchpoints"]}
    assert "courier" in touchpoints, "the catalog touchpoint is part of the map"
    sql = run_cli("evidence", "sql", journey, "--dialect", "duckdb", cwd=tmp_path)
    assert sql.exit_code == 0, sql.stderr


def test_render_diff_reads_the_old_side_with_its_catalogs(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    old = root / "old.journey.yaml"
    old.write_text(shared_journey().replace("name: Kettle", "name: Old kettle"), encoding="utf-8")
    journey = root / "journeys" / "kettle.journey.yaml"
    result = run_cli("render", str(journey), "--diff", str(old), "-o", str(tmp_path / "map.html"), cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "cjm-diff" in (tmp_path / "map.html").read_text(encoding="utf-8")


def test_diff_base_reads_the_old_side_with_the_old_catalogs(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = repo_of(make(tmp_path, shared_journey()))
    # the pull request renames a catalog touchpoint and the journey's reference with it
    (root / "catalog" / "shared.yaml").write_text(CATALOG.replace("id: courier", "id: parcel-courier"))
    journey = root / "journeys" / "kettle.journey.yaml"
    journey.write_text(shared_journey().replace("[courier]", "[parcel-courier]"), encoding="utf-8")
    result = run_cli("diff", "--base", "HEAD", "-F", "json", cwd=root)
    assert result.exit_code == 0, result.stderr
    changes = json.loads(result.stdout)["files"][0]["changes"]
    assert any("parcel-courier" in json.dumps(c) for c in changes), changes
    pair = run_cli("diff", "HEAD:journeys/kettle.journey.yaml", str(journey), cwd=root)
    assert pair.exit_code == 0, pair.stderr


# ---------------------------------------------------------------- the config of the file


def test_config_is_found_from_the_file_not_the_current_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path / "repo", shared_journey())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    journey = str(root / "journeys" / "kettle.journey.yaml")
    result = run_cli("validate", "-F", "json", journey, cwd=elsewhere)
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == [], "the catalog of the file's workspace resolves its ids"
    for command in (("render", journey, "-o", str(tmp_path / "m.html")), ("export", "mermaid", journey)):
        assert run_cli(*command, cwd=elsewhere).exit_code == 0, command


def test_paths_from_two_workspaces_are_refused(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    one = make(tmp_path / "one", shared_journey())
    two = make(tmp_path / "two", shared_journey())
    result = run_cli("validate", str(one / "journeys"), str(two / "journeys"), cwd=tmp_path)
    assert result.exit_code == 2 and "different workspaces" in result.stderr


# ---------------------------------------------------------------- what is never read


def test_a_link_out_of_the_workspace_is_never_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path / "workspace", shared_journey())
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    (root / "journeys" / "env.journey.yaml").symlink_to(secret)
    for args in (("validate",), ("validate", "journeys"), ("validate", "journeys/env.journey.yaml")):
        result = run_cli(*args, cwd=root)
        assert result.exit_code == 2, args
        assert "outside the workspace" in result.stderr
        assert "hunter2" not in result.stdout + result.stderr


def test_a_link_inside_the_workspace_is_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    (root / "journeys" / "alias.journey.yaml").symlink_to(root / "journeys" / "kettle.journey.yaml")
    result = run_cli("validate", "-F", "json", "journeys/alias.journey.yaml", cwd=root)
    assert result.exit_code == 0, result.stderr


def test_fifos_and_devices_are_refused_not_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    os.mkfifo(root / "journeys" / "pipe.journey.yaml")
    folder = run_cli("validate", "journeys", cwd=root)
    assert folder.exit_code == 2 and "is a FIFO, not a regular file" in folder.stderr
    device = run_cli("validate", "/dev/zero", cwd=root)
    assert device.exit_code == 2 and "is a device, not a regular file" in device.stderr


def test_an_oversized_input_is_refused_after_reading_only_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.journey.yaml"
    with big.open("wb") as out:
        out.truncate(3 * 1024**3)  # 3 GB, sparse: costs nothing on disk
    result, peak_kib = run_with_peak_memory("validate", "-F", "json", str(big), cwd=tmp_path)
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["CJM005"]
    assert peak_kib < 200 * 1024, f"peak memory {peak_kib} KiB"
    piped, stdin_peak = run_with_peak_memory("validate", "-F", "json", "-", stdin=b"a" * (8 * 1024 * 1024))
    assert [f["rule"] for f in json.loads(piped.stdout)["findings"]] == ["CJM005"]
    assert stdin_peak < 200 * 1024


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_stops_the_run(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey())
    locked = root / "journeys" / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = run_cli("validate", "journeys", cwd=root)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2 and "cannot read this folder" in result.stderr


# ---------------------------------------------------------------- a closed pipe


def test_a_closed_pipe_ends_quietly_with_the_findings_exit_code(tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey().replace("[courier]", "[curier]"))
    for i in range(40):  # enough output to outlast the pipe buffer
        text = shared_journey().replace("id: kettle-purchase-emotion", f"id: k{i}").replace("[courier]", "[curier]")
        (root / "journeys" / f"k{i}.journey.yaml").write_text(text, encoding="utf-8")
    import sys

    cjm = str(Path(sys.executable).parent / "cjm")
    proc = subprocess.Popen([cjm, "validate", "-F", "json"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 1
    assert proc.stderr.read() == b""


def test_sarif_paths_are_relative_to_the_files_repository_wherever_cjm_runs(
    run_cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    root = repo_of(make(tmp_path / "repo", shared_journey().replace("[courier]", "[curier]")))
    elsewhere = tmp_path / "other-repo"
    elsewhere.mkdir()
    (elsewhere / "README").write_text("another repository\n")
    repo_of(elsewhere)  # cjm runs inside another git work tree
    result = run_cli("validate", "-F", "sarif", str(root / "journeys"), cwd=elsewhere)
    assert result.exit_code == 1
    (location,) = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for res in json.loads(result.stdout)["runs"][0]["results"]
        for loc in res["locations"]
    ]
    assert location == "journeys/kettle.journey.yaml"
