"""A folder that cannot be read stops the run, located, whether it is reached through a plain path or an
`include` glob: Python's glob passes over it silently, and a journey inside would be left out of the check
while the run said "All good". We run as root, where chmod 000 stops nothing, so the unreadable folder is
simulated (os.scandir refusing it) and also made real by running cjm as an unprivileged user."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Result, run_cli_inprocess
from tests.test_workspace import make, shared_journey


@pytest.fixture
def locked_scandir(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Folders added to the yielded list cannot be listed (PermissionError, as for a folder without 'r')."""
    locked: list[Path] = []
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if any(os.path.abspath(os.fspath(path)) == str(p) for p in locked):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    yield locked


def _workspace(tmp_path: Path, include: str | None = None) -> Path:
    config = 'catalog = ["catalog/*.yaml"]\n' + (f"include = [{include}]\n" if include else "")
    root = make(tmp_path, shared_journey(), config=config)
    (root / "journeys" / "team" / "locked").mkdir(parents=True)
    return root


def stopped(result: Result, folder: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert f"{folder}: cannot read this folder (Permission denied)" in result.stderr, result.stderr
    assert "All good" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_the_default_include_glob_stops_at_an_unreadable_folder(locked_scandir: list[Path], tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    locked_scandir.append(root / "journeys" / "team" / "locked")
    stopped(run_cli_inprocess("validate", cwd=root), "journeys/team/locked")


def test_a_one_level_include_glob_stops_at_a_folder_it_would_search(locked_scandir: list[Path], tmp_path: Path) -> None:
    root = _workspace(tmp_path, '"journeys/*/*.journey.yaml"')
    locked_scandir.append(root / "journeys" / "team")
    stopped(run_cli_inprocess("validate", cwd=root), "journeys/team")


def test_a_folder_the_glob_cannot_reach_does_not_stop_the_run(locked_scandir: list[Path], tmp_path: Path) -> None:
    root = _workspace(tmp_path, '"journeys/*.journey.yaml"')
    locked_scandir.append(root / "journeys" / "team")  # the glob never looks inside journeys/team
    (root / "elsewhere").mkdir()
    locked_scandir.append(root / "elsewhere")
    result = run_cli_inprocess("validate", cwd=root)
    assert result.exit_code == 0, result.stderr


def test_the_catalog_glob_stops_at_an_unreadable_folder(locked_scandir: list[Path], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey(), config='catalog = ["catalog/**/*.yaml"]\n')
    (root / "catalog" / "old").mkdir()
    locked_scandir.append(root / "catalog" / "old")
    stopped(run_cli_inprocess("validate", cwd=root), "catalog/old")


def test_a_plain_folder_path_stops_the_same_way(locked_scandir: list[Path], tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    locked_scandir.append(root / "journeys" / "team" / "locked")
    stopped(run_cli_inprocess("validate", "journeys", cwd=root), "journeys/team/locked")


def _without_read_override() -> None:  # pragma: no cover - runs in the child, before cjm starts
    """Drop root's power to read any folder (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the bounding set:
    the program started next is root without it, and chmod 000 stops it as it stops a user."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="capabilities are Linux's")
def test_a_real_unreadable_folder_under_the_include_glob(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    (root / "journeys" / "team" / "locked").chmod(0)
    exe = Path(sys.executable).parent / "cjm"
    try:
        done = subprocess.run(
            [str(exe), "validate"], cwd=root, capture_output=True, text=True, timeout=120,
            preexec_fn=_without_read_override, env={**os.environ, "NO_COLOR": "1"}, check=False,
        )  # fmt: skip
    except subprocess.SubprocessError as exc:  # pragma: no cover - a container that forbids dropping capabilities
        pytest.skip(f"cannot drop the read override here: {exc}")
    finally:
        (root / "journeys" / "team" / "locked").chmod(0o755)
    stopped(Result(done.returncode, done.stdout, done.stderr), "journeys/team/locked")
