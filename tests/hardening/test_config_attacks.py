"""Hostile configurations: each attack is one cjm.toml (or pyproject.toml) and one run, exit 2 with a clear message.

A pull request can change the configuration as easily as a journey: its globs
must not search outside the workspace, and its TOML must not stop cjm with
an internal error, a hang or unbounded memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.config import MAX_CONFIG_BYTES
from tests.conftest import EXAMPLES, Result, standalone

DEEP = 3000

# (cjm.toml, the message expected after "cjm.toml: "); every one refused before any file is searched
PATTERNS = {
    "include climbs out": ('include = ["../**"]', "include[0]: '../**' leaves the workspace root"),
    "include climbs out under **": ('include = ["**/../../*"]', "include[0]: '**/../../*' leaves the workspace root"),
    "catalog absolute": ('catalog = ["/etc/*"]', "catalog[0]: '/etc/*' is absolute"),
    "include absolute //": ('include = ["//etc/passwd"]', "include[0]: '//etc/passwd' is absolute"),
    "include a Windows drive": ('include = ["C:/x/*.yaml"]', "include[0]: 'C:/x/*.yaml' is absolute"),
    "include a backslash ..": (
        "include = ['a\\..\\..\\*']",
        "include[0]: 'a\\\\..\\\\..\\\\*' leaves the workspace root",
    ),
    "include empty": ('include = [""]', "include[0]: '' is empty"),
    "include blank": ('include = ["  "]', "include[0]: '  ' is empty"),
    "include dot": ('include = ["."]', "include[0]: '.' names the workspace root itself"),
    "include dot slash": ('include = ["./"]', "include[0]: './' names the workspace root itself"),
    "include NUL": ('include = ["a\\u0000b"]', "include[0]: 'a\\x00b' contains a NUL character"),
    "include ** in a name": ('include = ["x**/*.yaml"]', "include[0]: 'x**/*.yaml' uses '**' inside a component"),
    "include a long name": (f'include = ["{"x" * 300}"]', f"include[0]: '{'x' * 77}...' has a path component longer"),
    "catalog empty": ('catalog = [""]', "catalog[0]: '' is empty"),
    "catalog climbs out": (
        'catalog = ["../shared/*.yaml"]',
        "catalog[0]: '../shared/*.yaml' leaves the workspace root",
    ),
    "exclude absolute": ('exclude = ["/tmp/*"]', "exclude[1]: '/tmp/*' is absolute"),
    "per-file-ignores climbs out": (
        '[per-file-ignores]\n"../*.yaml" = ["CJM101"]',
        "per-file-ignores.\"../*.yaml\": '../*.yaml' leaves the workspace root",
    ),
}


def workspace(tmp_path: Path, config: str, name: str = "cjm.toml") -> Path:
    (tmp_path / EXAMPLES[0].name).write_text(standalone(EXAMPLES[0].read_text(encoding="utf-8")), encoding="utf-8")
    (tmp_path / name).write_text(config, encoding="utf-8")
    return tmp_path


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("attack", PATTERNS, ids=list(PATTERNS))
def test_a_pattern_outside_the_root_is_a_config_error(
    run_cli: Callable[..., Result], tmp_path: Path, attack: str
) -> None:
    config, message = PATTERNS[attack]
    if config.startswith("exclude"):
        config = 'exclude = ["drafts/*", "/tmp/*"]'
    folder = workspace(tmp_path, config)
    refused(run_cli("validate", cwd=folder), "cjm.toml: " + message)


def test_a_pattern_in_pyproject_is_checked_too(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, '[tool.cjm]\ninclude = ["../../**/*.yaml"]\n', "pyproject.toml")
    refused(run_cli("validate", cwd=folder), "pyproject.toml: include[0]: '../../**/*.yaml' leaves the workspace root")


def test_patterns_below_the_root_still_work(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, 'include = ["./*.journey.yaml", "**/*.journey.yaml"]\nexclude = ["drafts/**"]\n')
    result = run_cli("validate", cwd=folder)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "toml",
    [
        "a = " + "[" * DEEP + "]" * DEEP,
        "a = " + "{b = " * DEEP + "1" + "}" * DEEP,
        "[rules.action-count]\nmin = " + "[" * DEEP + "]" * DEEP,
    ],
    ids=["arrays", "inline tables", "under a rule"],
)
def test_deep_toml_is_a_clear_error(run_cli: Callable[..., Result], tmp_path: Path, toml: str) -> None:
    folder = workspace(tmp_path, toml)
    refused(run_cli("validate", cwd=folder), "cjm.toml: invalid TOML: arrays or inline tables nested too deeply")


def test_deep_toml_in_another_tools_table_of_pyproject(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    toml = "[tool.other]\nx = " + "[" * DEEP + "]" * DEEP + "\n[tool.cjm]\nstrict = true\n"
    folder = workspace(tmp_path, toml, "pyproject.toml")
    refused(run_cli("validate", cwd=folder), "pyproject.toml: invalid TOML: arrays or inline tables nested too deeply")


def test_deep_dotted_table_is_an_unknown_key(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "[" + ".".join(["a"] * DEEP) + "]\n")
    refused(run_cli("validate", cwd=folder), "cjm.toml: a: unknown key")


def test_a_huge_config_is_refused_after_reading_the_limit(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "# padding\n" * (MAX_CONFIG_BYTES // 10 + 10))
    refused(run_cli("validate", cwd=folder), f"cjm.toml: larger than {MAX_CONFIG_BYTES} bytes")


def test_non_utf8_config_is_located(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    (folder / "cjm.toml").write_bytes(b'strict = true\nexclude = ["caf\xe9/*"]\n')
    refused(run_cli("validate", cwd=folder), "cjm.toml:2:16: not UTF-8 (byte 0xe9)")


def test_a_byte_order_mark_is_accepted(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    (folder / "cjm.toml").write_bytes(b"\xef\xbb\xbfstrict = false\n")
    result = run_cli("validate", cwd=folder)
    assert result.exit_code == 0, result.stderr


def test_a_fifo_named_cjm_toml_does_not_hang(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    (folder / "cjm.toml").unlink()
    os.mkfifo(folder / "cjm.toml")
    refused(run_cli("validate", cwd=folder), "cjm.toml: is not a regular file")


def test_a_config_linked_to_a_device_is_not_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    (folder / "cjm.toml").unlink()
    (folder / "cjm.toml").symlink_to("/dev/zero")
    refused(run_cli("validate", cwd=folder), "cjm.toml: is a link to a file outside its folder")
    named = run_cli("validate", "--config", str(folder / "cjm.toml"), cwd=folder)
    refused(named, "cjm.toml: is not a regular file")


def test_config_option_naming_a_device(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    refused(run_cli("validate", "--config", "/dev/zero", cwd=folder), "/dev/zero: is not a regular file")


def test_a_huge_value_is_not_echoed(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "[severity]\nCJM101 = [" + "1, " * 100_000 + "]\n")
    result = run_cli("validate", cwd=folder)
    refused(result, "severity.CJM101: severity must be 'error', 'warning' or 'info', not list")
    assert len(result.stderr) < 500


@pytest.mark.parametrize(
    ("limit", "value", "ceiling"),
    [
        ("max-bytes", "99999999999999999999999", 64 * 1024 * 1024),  # was an OverflowError
        ("max-bytes", str(1024**4), 64 * 1024 * 1024),  # was a MemoryError
        ("max-depth", "1000000", 200),  # let a 20,000-deep file run for minutes
        ("max-nodes", str(10**12), 10_000_000),
        ("max-alias-nodes", str(10**12), 1_000_000),
        ("max-string", str(10**12), 64 * 1024 * 1024),
        ("max-alias-chars", str(10**12), 100_000_000),
    ],
)
def test_a_limit_cannot_be_raised_past_its_ceiling(
    run_cli: Callable[..., Result], tmp_path: Path, limit: str, value: str, ceiling: int
) -> None:
    folder = workspace(tmp_path, f"[limits]\n{limit} = {value}\n")
    refused(
        run_cli("validate", cwd=folder), f"cjm.toml: limits.{limit}: input should be less than or equal to {ceiling}"
    )


def test_the_deepest_allowed_nesting_goes_through_every_reader(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "[limits]\nmax-depth = 200\n")
    depth = 197  # the journey's own mapping levels make 200
    deep = folder / "deep.journey.yaml"
    deep.write_text("cjm: 1\nid: deep\ntitle: Deep\nscope:\n  persona: " + "[" * depth + "]" * depth + "\n")
    validated = run_cli("validate", "deep.journey.yaml", cwd=folder)
    assert validated.exit_code == 1 and "CJM010" in validated.stdout, validated.stderr
    formatted = run_cli("fmt", "deep.journey.yaml", cwd=folder)
    assert formatted.exit_code == 0, formatted.stderr
    too_deep = run_cli("validate", "-F", "json", "-", stdin=b"a: " + b"[" * 250 + b"]" * 250, cwd=folder)
    assert too_deep.exit_code == 1 and "nesting is deeper than 200 levels" in too_deep.stdout


@pytest.mark.parametrize("name", ["cjm.toml", "pyproject.toml"])
def test_a_config_linked_out_of_its_folder_is_not_read(
    run_cli: Callable[..., Result], tmp_path: Path, name: str
) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('[tool.cjm]\nselect = ["hunter2"]\n[hunter2-section]\n', encoding="utf-8")
    folder = tmp_path / "workspace"
    folder.mkdir()
    workspace(folder, "")
    (folder / "cjm.toml").unlink()
    (folder / name).symlink_to(secret)
    result = run_cli("validate", cwd=folder)
    refused(result, f"{name}: is a link to a file outside its folder; cjm does not follow it")
    assert "hunter2" not in result.stdout + result.stderr
    named = run_cli("validate", "--config", str(folder / name), cwd=folder)  # named by the user: read
    assert named.exit_code == 2 and "unknown" in named.stderr and "Traceback" not in named.stderr


def test_a_config_linked_inside_its_folder_is_read(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    folder = workspace(tmp_path, "")
    (folder / "cjm.toml").unlink()
    (folder / "shared.toml").write_text("strict = false\n", encoding="utf-8")
    (folder / "cjm.toml").symlink_to(folder / "shared.toml")
    result = run_cli("validate", cwd=folder)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "toml",
    [
        "x" * 1_000_000 + " = 1",  # an unknown key
        'select = ["' + "x" * 1_000_000 + '"]',  # an unknown rule
        "[rules.action-count]\n" + "y" * 1_000_000 + " = 1",  # an unknown option
        "[severity]\n" + "z" * 1_000_000 + ' = "error"',
        'include = ["../' + "w" * 1_000_000 + '"]',
    ],
    ids=["key", "rule", "option", "severity", "pattern"],
)
def test_a_megabyte_long_name_is_not_echoed_whole(run_cli: Callable[..., Result], tmp_path: Path, toml: str) -> None:
    result = run_cli("validate", cwd=workspace(tmp_path, toml))
    refused(result, "...")
    assert len(result.stderr) < 1000, len(result.stderr)


def test_an_events_table_name_cannot_inject_a_statement(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import EXAMPLES

    for name in ("ev;\nDROP TABLE x", "ev -- x", "ev'x", "a b", ""):
        result = run_cli("evidence", "sql", str(EXAMPLES[0]), "--dialect", "duckdb", "--events-table", name)
        assert result.exit_code == 2 and "is not a table name" in result.stderr, name
        assert "DROP TABLE x" not in result.stdout
    ok = run_cli("evidence", "sql", str(EXAMPLES[0]), "--dialect", "bigquery", "--events-table", "my-proj.crm.events")
    assert ok.exit_code == 0, ok.stderr


def test_a_huge_thread_count_is_refused_at_once(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import EXAMPLES

    log = tmp_path / "log.csv"
    log.write_text("case_id,timestamp,event\nc1,2026-01-01T10:00:00,x\n")
    result = run_cli("evidence", "check", str(EXAMPLES[0]), "--events", str(log), "--threads", "1000000")
    assert result.exit_code == 2 and "--threads must be between 0" in result.stderr
