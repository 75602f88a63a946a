"""What each fuzz harness checks, one function per untrusted input, importable without atheris.

Each target takes the raw bytes an attacker controls and returns normally
when cjm handled them: a value, located findings, or one of cjm's own errors
(CjmError: a message and exit 2). Any other exception escaping a target is a
crash. The harnesses (``fuzz_*.py``, run by ``make fuzz``) feed these to
atheris; tests/fuzz/test_targets.py runs them on the seed corpora in the
normal suite. Every cjm module a target reaches is imported here, at the top,
so that atheris instruments it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import cjm.config
import cjm.discovery
import cjm.evidence.mapping
import cjm.importers
import cjm.importers.mermaid
import cjm.render.overlay
import cjm.validate.lint
import cjm.validate.loader
import cjm.validate.yaml_reader
from cjm.errors import CjmError

SEEDS = Path(__file__).parent / "seeds"
ROOT = Path(__file__).parents[2]
_RULES = cjm.validate.lint.rule_set(cjm.config.Config())
_JOURNEY = cjm.validate.loader.load_bytes(
    (ROOT / "examples" / "b2b-fleet-software.journey.yaml").read_bytes(), "b2b-fleet-software.journey.yaml"
).journey
# inputs that are read from a path are written here first: memory-backed where the system has it
_SCRATCH = Path(tempfile.mkdtemp(prefix="cjm-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
atexit.register(shutil.rmtree, _SCRATCH, True)


def check_loader(data: bytes) -> None:
    """A journey file: load and lint; every finding is located inside the file."""
    result = cjm.validate.loader.load_bytes(data, "fuzz.journey.yaml")
    text = result.text
    lines = len(cjm.validate.yaml_reader.split_lines(text)) + 1 if text else data.count(b"\n") + data.count(b"\r") + 1
    for diagnostic in cjm.validate.lint.lint(result, _RULES).diagnostics:
        assert 1 <= diagnostic.span.line <= lines + 1, diagnostic
        assert diagnostic.span.column >= 1, diagnostic
        assert diagnostic.message, diagnostic


def check_mermaid(data: bytes) -> None:
    """A Mermaid journey diagram (or Markdown holding some), as `cjm import mermaid` decodes it; the journey
    file it writes must itself load without an internal error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # the command refuses it before parsing
    try:
        imported = cjm.importers.import_mermaid(text, "fuzz.mmd", "Imported journey")
    except CjmError:
        return
    cjm.validate.loader.load_bytes(imported.text.encode("utf-8"), "imported.journey.yaml")


def check_mapping(data: bytes) -> None:
    """An evidence mapping file (`cjm evidence --mapping`), read through its public loader."""
    path = _write("mapping.yaml", data)
    with contextlib.suppress(CjmError):
        cjm.evidence.mapping.load_mapping(str(path), [])


def check_evidence(data: bytes) -> None:
    """A `cjm evidence` JSON report read by `render --evidence`, and the overlay built from it on the example map."""
    path = _write("evidence.json", data)
    with contextlib.suppress(CjmError):
        report = cjm.render.overlay.load_evidence(str(path))
        if _JOURNEY is not None:
            cjm.render.overlay.evidence_overlay(report, _JOURNEY, str(path))


def check_config(data: bytes) -> None:
    """A cjm.toml: read, validated, and its include and catalog globs searched in an empty workspace."""
    folder = _SCRATCH / "workspace"
    folder.mkdir(exist_ok=True)
    path = folder / "cjm.toml"
    path.write_bytes(data)
    with contextlib.suppress(CjmError):
        config = cjm.config.load_config(str(path))
        cjm.discovery.glob(config, config.include)
        cjm.discovery.glob(config, config.catalog)


def _write(name: str, data: bytes) -> Path:
    path = _SCRATCH / name
    path.write_bytes(data)
    return path


TARGETS: dict[str, Callable[[bytes], None]] = {
    "loader": check_loader,
    "mermaid": check_mermaid,
    "mapping": check_mapping,
    "evidence": check_evidence,
    "config": check_config,
}


def seeds(target: str) -> list[Path]:
    """The seed corpus of one target: its folder under seeds/ (the loader also takes the journey corpus)."""
    found = sorted((SEEDS / target).glob("*"))
    if target == "loader":
        for folder in (ROOT / "tests" / "corpus" / "valid", ROOT / "tests" / "corpus" / "invalid", ROOT / "examples"):
            found.extend(sorted(folder.glob("*.yaml")))
    return found
