"""The one atheris entry point the fuzz_*.py harnesses share (atheris lives in .fuzz/venv, not in .venv)."""

from __future__ import annotations

import importlib
import sys

import atheris


def fuzz(target: str) -> None:
    """Fuzz the target of tests/fuzz/targets.py named ``target``, with libFuzzer's arguments from the command line."""
    # the pure-Python parsers cjm hands untrusted bytes to are instrumented too, so coverage sees their branches;
    # not PyYAML: instrumented, its scanner takes over 10 s on the 20,000-deep corpus file (a false timeout)
    with atheris.instrument_imports(include=["cjm", "tomllib", "tomli", "json"]):
        importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")  # cjm imports it lazily
        from tests.fuzz.targets import TARGETS

    atheris.Setup(sys.argv, TARGETS[target])
    atheris.Fuzz()
