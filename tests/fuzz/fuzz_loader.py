"""Coverage-guided fuzzing of the loader and the lint engine with atheris (``make fuzz``, not in CI).

Any exception escaping ``check`` is a crash: cjm must turn every input into
a model or located findings. Crashes are written as ``.fuzz/crash-*``; turn
each into a corpus file under tests/corpus/invalid/ once fixed.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["cjm"]):
    from cjm.config import Config
    from cjm.validate.lint import lint, rule_set
    from cjm.validate.loader import load_bytes
    from cjm.validate.yaml_reader import split_lines

RULES = rule_set(Config())


def check(data: bytes) -> None:
    """Load and lint one input; assert every finding is located."""
    result = load_bytes(data, "fuzz.journey.yaml")
    lines = len(split_lines(result.text)) + 1 if result.text else data.count(b"\n") + data.count(b"\r") + 1
    for diagnostic in lint(result, RULES).diagnostics:
        assert 1 <= diagnostic.span.line <= lines + 1, diagnostic
        assert diagnostic.span.column >= 1, diagnostic
        assert diagnostic.message, diagnostic


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
