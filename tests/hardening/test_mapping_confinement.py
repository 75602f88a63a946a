"""An evidence mapping file names its logs inside the workspace: absolute paths, '..' and links that leave it
are refused with a located message (exit 2) and never read, unless the user passes --allow-outside."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result
from tests.evidence.helpers import SHOP, at, write_log

ROWS = [("c1", at(0, 0), "ad_click", "ads"), ("c1", at(0, 2), "page_view", "web")]
SOURCE = "    case: case_id\n    time: timestamp\n    event: event\n    channel: channel\n"


def _workspace(tmp_path: Path, files: str) -> Path:
    """A workspace (cjm.toml at its root) whose mapping, in a subfolder, names ``files``."""
    root = tmp_path / "workspace"
    (root / "mappings").mkdir(parents=True)
    (root / "cjm.toml").write_text("", encoding="utf-8")
    (root / "mappings" / "crm.yaml").write_text(f"sources:\n  - files: {files}\n{SOURCE}", encoding="utf-8")
    return root


def _check(run_cli: Callable[..., Result], root: Path, *extra: str) -> Result:
    return run_cli("evidence", "check", SHOP, "--mapping", "mappings/crm.yaml", "-F", "json", *extra, cwd=root)


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "--allow-outside" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_absolute_system_file_is_refused_unread(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = _check(run_cli, _workspace(tmp_path, "/etc/passwd"))
    refused(result, "mappings/crm.yaml:2:12: '/etc/passwd' leaves the workspace")
    assert "root:" not in result.stderr


def test_a_parent_path_is_refused(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    write_log(tmp_path / "outside.csv", ROWS)
    refused(_check(run_cli, _workspace(tmp_path, "../../outside.csv")), "'../../outside.csv' leaves the workspace")


def test_a_list_entry_is_located_at_its_own_line(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = _workspace(tmp_path, "\n      - ../data/ok.csv\n      - ../../outside.csv")
    (root / "data").mkdir()
    write_log(root / "data" / "ok.csv", ROWS)
    refused(_check(run_cli, root), "mappings/crm.yaml:4:9: '../../outside.csv' leaves the workspace")


def test_a_glob_of_the_whole_file_system_is_refused_before_any_walk(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    started = time.monotonic()
    refused(_check(run_cli, _workspace(tmp_path, '"/**/*.csvx"')), "'/**/*.csvx' leaves the workspace")
    assert time.monotonic() - started < 10


def test_a_link_out_of_the_workspace_is_refused(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = _workspace(tmp_path, "../data/*.csv")
    (root / "data").mkdir()
    write_log(root / "data" / "good.csv", ROWS)
    write_log(tmp_path / "secret.csv", ROWS)
    os.symlink(tmp_path / "secret.csv", root / "data" / "z.csv")
    refused(_check(run_cli, root), "'data/z.csv' is a link to a file outside the workspace")
    (root / "data" / "z.csv").unlink()
    os.symlink(root / "data" / "good.csv", root / "data" / "z.csv")  # a link that stays inside is fine
    assert _check(run_cli, root).exit_code == 0


def test_files_inside_the_workspace_are_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = _workspace(tmp_path, "../data/*.csv")
    (root / "data").mkdir()
    write_log(root / "data" / "log.csv", ROWS)
    result = _check(run_cli, root)
    assert result.exit_code == 0, result.stderr


def test_allow_outside_is_the_explicit_opt_in(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    write_log(tmp_path / "outside.csv", ROWS)
    root = _workspace(tmp_path, "../../outside.csv")
    result = _check(run_cli, root, "--allow-outside")
    assert result.exit_code == 0, result.stderr
    assert '"cases": 1' in result.stdout


def test_without_a_configuration_the_mapping_folder_or_current_folder_is_the_workspace(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    write_log(tmp_path / "outside.csv", ROWS)
    folder = tmp_path / "logs"
    folder.mkdir()
    write_log(folder / "log.csv", ROWS)
    (folder / "m.yaml").write_text(f"sources:\n  - files: log.csv\n{SOURCE}", encoding="utf-8")
    assert run_cli("evidence", "check", SHOP, "--mapping", str(folder / "m.yaml"), cwd=tmp_path).exit_code == 0
    (folder / "m.yaml").write_text(f"sources:\n  - files: ../outside.csv\n{SOURCE}", encoding="utf-8")
    inside_cwd = run_cli("evidence", "check", SHOP, "--mapping", "logs/m.yaml", cwd=tmp_path)
    assert inside_cwd.exit_code == 0, "the current folder holds both: it is the workspace"
    refused(run_cli("evidence", "check", SHOP, "--mapping", str(folder / "m.yaml"), cwd=folder), "leaves the workspace")


def test_a_fifo_in_the_workspace_is_refused_without_waiting(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = _workspace(tmp_path, "../data/*.csv")
    (root / "data").mkdir()
    write_log(root / "data" / "a.csv", ROWS)
    os.mkfifo(root / "data" / "b.csv")  # opened for reading, it would wait for a writer forever
    result = _check(run_cli, root)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "mappings/crm.yaml:2:12: 'data/b.csv' is not a regular file (a FIFO, device or socket)" in result.stderr
