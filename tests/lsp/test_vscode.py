"""The VS Code extension as `make vscode-extension` packages it: what the .vsix holds, and that its code starts
`cjm lsp` and gets diagnostics (node's test runner, with VS Code replaced by a stand-in: not a real VS Code)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXTENSION = ROOT / "editors" / "vscode"
pytestmark = pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs Node.js")


@pytest.fixture(scope="module")
def vsix() -> Iterator[zipfile.ZipFile]:
    done = subprocess.run(["make", "vscode-extension"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(EXTENSION / "cjm.vsix") as packaged:
        yield packaged


def test_the_vsix_holds_the_extension_its_client_library_and_no_test(vsix: zipfile.ZipFile) -> None:
    names = set(vsix.namelist())
    assert {"extension.vsixmanifest", "extension/package.json", "extension/extension.js"} <= names
    assert "extension/node_modules/vscode-languageclient/node.js" in names  # the client the code requires
    assert not [n for n in names if n.startswith("extension/test/") or "@vscode/vsce" in n]
    manifest = vsix.read("extension.vsixmanifest").decode("utf-8")
    assert '<Identity Language="en-US" Id="cjm" Version="0.1.0" Publisher="cjm" />' in manifest
    assert 'Id="Microsoft.VisualStudio.Code.Engine" Value="^1.82.0"' in manifest


def test_the_packaged_manifest_activates_on_journeys_and_names_the_command(vsix: zipfile.ZipFile) -> None:
    package = json.loads(vsix.read("extension/package.json"))
    assert package["main"] == "./extension.js"
    assert package["activationEvents"] == [
        "workspaceContains:**/*.journey.yaml",
        "workspaceContains:**/*.journey.yml",
        "onLanguage:yaml",
    ]
    settings = package["contributes"]["configuration"]["properties"]
    assert settings["cjm.path"]["type"] == "string" and settings["cjm.path"]["default"] == "cjm"
    assert settings["cjm.args"]["default"] == ["lsp"]


def test_the_packaged_extension_starts_cjm_lsp_and_gets_diagnostics(vsix: zipfile.ZipFile, tmp_path: Path) -> None:
    vsix.extractall(tmp_path)
    cjm = Path(sys.executable).parent / "cjm"  # the program a user names in cjm.path
    env = {**os.environ, "CJM_COMMAND": str(cjm), "CJM_EXTENSION_DIR": str(tmp_path / "extension")}
    done = subprocess.run(
        ["node", "--test", str(EXTENSION / "test")], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 3" in done.stdout and "# fail 0" in done.stdout, done.stdout
