"""Workspace configuration: discovery, precedence, and a located, suggesting usage error for every mistake."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.config import find_config, load_config
from cjm.errors import ConfigError
from tests.conftest import ROOT, Result

JOURNEY = ROOT / "tests" / "corpus" / "rules" / "cjm103-missing-emotion.bad.journey.yaml"


def workspace(tmp_path: Path) -> Path:
    (tmp_path / "journeys" / "deep").mkdir(parents=True)
    shutil.copy(JOURNEY, tmp_path / "journeys" / "a.journey.yaml")
    return tmp_path


def codes(run_cli: Callable[..., Result], cwd: Path, *args: str) -> list[str]:
    result = run_cli("validate", "-F", "json", *args, cwd=cwd)
    assert result.exit_code in (0, 1), result.stderr
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_found_in_the_current_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path)
    assert codes(run_cli, root) == ["CJM103"]
    (root / "cjm.toml").write_text('ignore = ["CJM103"]\n')
    assert codes(run_cli, root) == []


def test_found_in_a_parent_folder_with_paths_relative_to_it(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "cjm.toml").write_text('include = ["journeys/*.journey.yaml"]\n[severity]\nCJM103 = "error"\n')
    result = run_cli("validate", "-F", "json", cwd=root / "journeys" / "deep")
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert (finding["rule"], finding["severity"]) == ("CJM103", "error")
    assert finding["path"] == str(root / "journeys" / "a.journey.yaml"), "outside the current folder: absolute"


def test_cjm_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cjm]\nignore = ["CJM101"]\n')
    assert load_config(start=tmp_path).ignore == ["CJM101"]
    (tmp_path / "cjm.toml").write_text('ignore = ["CJM102"]\n')
    found = find_config(tmp_path)
    assert found is not None and found[0].name == "cjm.toml"
    assert load_config(start=tmp_path).ignore == ["CJM102"]


def test_nearest_folder_wins_and_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "cjm.toml").write_text('ignore = ["CJM101"]\n')
    inner = tmp_path / "team"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(start=inner).ignore == ["CJM101"], "a pyproject.toml without [tool.cjm] is not a config"
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.cjm]\nignore = ["CJM104"]\n')
    config = load_config(start=inner)
    assert config.ignore == ["CJM104"] and config.root == inner.resolve()


def test_explicit_config_overrides_discovery(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "cjm.toml").write_text('ignore = ["CJM103"]\n')
    (root / "strict.toml").write_text("strict = true\n")
    result = run_cli("validate", "--config", "strict.toml", "journeys", cwd=root)
    assert result.exit_code == 1, "strict from --config makes the warning fail"
    (root / "pyproject.toml").write_text('[tool.cjm]\nselect = ["CJM101"]\n')
    assert codes(run_cli, root, "--config", "pyproject.toml", "journeys") == []


def test_no_config_uses_defaults(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
    assert (
        config.file is None and config.select == ["ALL"] and config.include == ["**/*.journey.yaml", "**/*.journey.yml"]
    )


def test_rule_options_change_what_rules_flag(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "cjm.toml").write_text('select = ["action-count"]\n[rules.action-count]\nmin = 5\n')
    assert codes(run_cli, root) == ["CJM101"]
    (root / "cjm.toml").write_text('select = ["CJM101"]\n[rules.CJM101]\nmax = 3\nmin = 1\n')
    assert codes(run_cli, root) == ["CJM101"]


BAD_CONFIGS = [
    ('selct = ["ALL"]\n', "selct: unknown key; did you mean 'select'?"),
    ("per_file_ignores = {}\n", "per_file_ignores: unknown key; did you mean 'per-file-ignores'?"),
    ("[limits]\nmax-byte = 10\n", "limits.max-byte: unknown key; did you mean 'max-bytes'?"),
    ("[limits]\nmax-depth = 0\n", "limits.max-depth: input should be greater than 0"),
    ('include = "journeys"\n', "include: input should be a valid list"),
    ('strict = "yes"\n', "strict: input should be a valid boolean"),
    ('select = ["CJM190"]\n', "select[0]: unknown rule 'CJM190'; did you mean 'CJM120'?"),
    ('ignore = ["missing-emotions"]\n', "ignore[0]: unknown rule 'missing-emotions'; did you mean 'missing-emotion'?"),
    ('ignore = ["CJM021"]\n', "ignore[0]: CJM021 is a core error; it cannot be selected, ignored or changed"),
    ('[severity]\nCJM103 = "fatal"\n', "severity.CJM103: severity must be 'error', 'warning' or 'info', not 'fatal'"),
    (
        '[severity]\nmissing-emotoin = "error"\n',
        "severity.missing-emotoin: unknown rule 'missing-emotoin'; did you mean 'missing-emotion'?",
    ),
    (
        '[per-file-ignores]\n"drafts/*" = ["CJM1O3"]\n',
        "per-file-ignores.\"drafts/*\"[0]: unknown rule 'CJM1O3'; did you mean",
    ),
    ("[rules.action-cont]\nmin = 1\n", "rules.action-cont: unknown rule 'action-cont'; did you mean 'action-count'?"),
    ("[rules.action-count]\nmni = 1\n", "rules.action-count.mni: unknown option; did you mean 'min'?"),
    ('[rules.action-count]\nmin = "four"\n', "rules.action-count.min: input should be a valid integer"),
    ("[rules.action-count]\nmin = 9\nmax = 3\n", "rules.action-count: value error, min (9) is greater than max (3)"),
    ("[rules.missing-emotion]\nlevel = 1\n", "rules.missing-emotion: rule CJM103 missing-emotion takes no options"),
    ("[rules]\naction-count = 4\n", "rules.action-count: input should be a valid dictionary"),
    ("select = [\n", "invalid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS, ids=[m.split(":")[0] for _, m in BAD_CONFIGS])
def test_every_config_mistake_is_a_usage_error_naming_file_and_key(
    run_cli: Callable[..., Result], tmp_path: Path, text: str, message: str
) -> None:
    root = workspace(tmp_path)
    (root / "cjm.toml").write_text(text)
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"cjm: error: {root / 'cjm.toml'}: "), result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_pyproject_tool_cjm_errors_name_the_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cjm]\nexclud = ["x"]\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: exclud: unknown key; did you mean 'exclude'\?"):
        load_config(start=tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool]\ncjm = 3\n")
    with pytest.raises(ConfigError, match=r"tool.cjm: must be a table"):
        load_config(start=tmp_path)


def test_missing_explicit_config_is_a_usage_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("validate", "--config", str(tmp_path / "nope.toml"), str(JOURNEY))
    assert result.exit_code == 2 and "no such configuration file" in result.stderr
