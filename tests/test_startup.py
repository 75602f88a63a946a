"""Start-up is a feature: the CLI module imports nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("jinja2", "graphviz", "rich", "duckdb", "pydantic", "yaml", "sqlglot")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in json.loads(out.strip().splitlines()[-1])}


def test_importing_the_cli_imports_no_heavy_package() -> None:
    loaded = _modules_after("import cjm.cli")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_version_imports_no_heavy_package() -> None:
    loaded = _modules_after(
        "import sys; sys.argv=['cjm','--version']\ntry:\n import cjm.cli as c; c.main()\nexcept SystemExit: pass"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
