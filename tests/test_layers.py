"""The architecture as a contract: a module imports only from its own floor or the floors below.

A journey travels upward through these floors: read (YAML reader, model) ->
load (schema errors, references, one file's bytes to a model) -> configure ->
find and read files safely -> the workspace (config, catalogs, the one loader)
-> check and report -> the features (diff, render, import, evidence) -> the
command line. Imports inside functions count too: a lazy import that reaches
upward is still a dependency the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# Lowest floor first. A module belongs to the first floor that names it or its package.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("cjm", "cjm.errors", "cjm.diagnostics", "cjm.escape", "cjm.project"),
    ("cjm.validate.yaml_reader", "cjm.model", "cjm.evidence.model", "cjm.entities", "cjm.validate.depends"),
    (
        "cjm.validate.references",
        "cjm.validate.schema_messages",
        "cjm.validate.suppress",
        "cjm.validate.salvage",
        "cjm.validate.nesting",
    ),
    ("cjm.validate.loader", "cjm.rules"),
    ("cjm.config",),
    ("cjm.discovery", "cjm.git", "cjm.validate.lint", "cjm.output"),
    ("cjm.workspace",),
    ("cjm.validate.run", "cjm.validate.baseline"),
    ("cjm.validate.fix",),
    ("cjm.reporters",),
    ("cjm.portfolio",),
    ("cjm.diff", "cjm.schema", "cjm.scaffold", "cjm.fmt"),
    ("cjm.render",),
    ("cjm.importers", "cjm.evidence", "cjm.lsp"),
    ("cjm.api",),
    ("cjm.cli", "cjm.__main__"),
)
# The package's own module may name its public API, which it imports lazily on first use (PEP 562): the
# one import that reaches up, on purpose, so that `cjm.load` works and `import cjm` stays cheap.
FACADE = {"cjm": {"cjm.api"}}


def floor_of(module: str) -> int:
    """The floor of ``module``: the longest name in FLOORS that is the module or a package holding it."""
    best, floor = -1, -1
    for number, names in enumerate(FLOORS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, floor = len(name), number
    assert floor >= 0, f"{module} is on no floor: add it to FLOORS"
    return floor


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every cjm module ``path`` imports, at the top or inside a function (TYPE_CHECKING imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "cjm":
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names if node.module == "cjm")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "cjm")
    return found


def test_no_module_imports_from_a_higher_floor() -> None:
    wrong = []
    for path in sorted((ROOT / "cjm").rglob("*.py")):
        module = module_name(path)
        for target in imports(path):
            if target == "cjm.__version__" or target in FACADE.get(module, set()):
                continue
            if floor_of(target) > floor_of(module):
                wrong.append(f"{module} (floor {floor_of(module)}) imports {target} (floor {floor_of(target)})")
    assert not wrong, "imports that go up a floor:\n  " + "\n  ".join(wrong)


def test_every_module_is_on_a_floor() -> None:
    for path in (ROOT / "cjm").rglob("*.py"):
        floor_of(module_name(path))
