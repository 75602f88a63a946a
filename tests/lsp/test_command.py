"""The `lsp` command: loaded only when run, and a clear message when the extra is not installed."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

SERVER_PACKAGES = {"pygls", "lsprotocol", "cattrs"}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)


def _modules_after(code: str) -> set[str]:
    done = _run(f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))")
    return {name.split(".")[0] for name in json.loads(done.stdout.strip().splitlines()[-1])}


def test_the_command_line_and_validate_import_no_server_package() -> None:
    validate = (
        "import cjm.cli as c\n"
        "try:\n"
        "    c.main(['validate', '-q', 'examples/b2c-online-grocery.journey.yaml'])\n"
        "except SystemExit:\n"
        "    pass"
    )
    assert not _modules_after("import cjm.cli") & SERVER_PACKAGES
    loaded = _modules_after(validate)
    assert "pydantic" in loaded  # the file was checked
    assert not loaded & SERVER_PACKAGES, loaded & SERVER_PACKAGES


def test_without_the_lsp_extra_the_command_says_what_to_install() -> None:
    done = _run("import sys\nsys.modules['pygls'] = None  # as if not installed\nimport cjm.cli\ncjm.cli.main(['lsp'])")
    assert done.returncode == 2
    assert "cjm lsp needs pygls" in done.stderr and "pip install 'cjm-cli[lsp]'" in done.stderr
