"""Shell completion for bash, zsh and fish: `cjm completion SHELL`, and typer's --install-completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

BIN = Path(sys.executable).parent


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1", **extra}


def _ask(protocol: dict[str, str]) -> list[str]:
    """What the installed cjm answers a shell's completion request with (the scripts below make these requests)."""
    done = subprocess.run(
        [str(BIN / "cjm")], env=_env(**protocol), capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_prints_each_script(run_cli: Callable[..., Result], shell: str) -> None:
    result = run_cli("completion", shell)
    assert result.exit_code == 0 and "_CJM_COMPLETE" in result.stdout and "cjm" in result.stdout


def test_unknown_shell_is_a_usage_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("completion", "tcsh")
    assert result.exit_code == 2 and "unknown shell 'tcsh'; choose from: bash, zsh, fish" in result.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_values() -> None:
    script = (
        "source <(cjm completion bash)\n"
        'ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _cjm_completion cjm;'
        ' printf "%s\\n" "${COMPREPLY[@]}"; }\n'
        "ask cjm val; echo --; ask cjm validate --col; echo --; ask cjm validate --color a; echo --;"
        " ask cjm validate -F s\n"
    )
    out = subprocess.run(["bash", "-c", script], env=_env(), capture_output=True, text=True, timeout=60, check=True)
    groups = [g.split() for g in out.stdout.split("--\n")]
    assert groups == [["validate"], ["--color"], ["auto", "always"], ["sarif"]]


def test_zsh_protocol() -> None:
    answer = "\n".join(_ask({"_CJM_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "cjm evidence "}))
    assert "check" in answer and "profile" in answer and "sql" in answer


def test_fish_protocol() -> None:
    answer = _ask(
        {"_CJM_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args", "_TYPER_COMPLETE_ARGS": "cjm r"}
    )
    assert {line.split("\t")[0] for line in answer} == {"rules", "render", "report"}


def _script(shell: str, tmp_path: Path) -> Path:
    script = tmp_path / f"cjm.{shell}"
    done = subprocess.run([str(BIN / "cjm"), "completion", shell], capture_output=True, text=True, check=True)
    script.write_text(done.stdout, encoding="utf-8")
    return script


@pytest.mark.skipif(
    shutil.which("fish") is None, reason="fish is not installed; test_fish_protocol covers its requests"
)
def test_fish_completes_for_real(tmp_path: Path) -> None:
    script = _script("fish", tmp_path)
    ask = f'source {script}; complete -C "cjm val"; complete -C "cjm validate --color "; complete -C "cjm evidence "'
    out = subprocess.run(["fish", "-c", ask], env=_env(), capture_output=True, text=True, timeout=60, check=True)
    words = [line.split("\t")[0] for line in out.stdout.splitlines()]
    assert words[:4] == ["validate", "always", "auto", "never"]
    assert {"check", "profile", "sql"} <= set(words[4:]), "the evidence subcommands"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed; test_zsh_protocol covers its requests")
def test_zsh_loads_the_script_and_asks_for_the_words_typed(tmp_path: Path) -> None:
    script = _script("zsh", tmp_path)
    # compdef registers the function; the request it makes is checked with zsh's own ${words[1,$CURRENT]}
    ask = (
        f"autoload -U compinit; compinit -u; source {script}; "
        "words=(cjm validate --col); CURRENT=3; "
        'env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _CJM_COMPLETE=complete_zsh cjm'
    )
    out = subprocess.run(["zsh", "-c", ask], env=_env(), capture_output=True, text=True, timeout=60, check=True)
    assert '"--color":"Colour the output' in out.stdout
