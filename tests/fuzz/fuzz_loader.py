"""Coverage-guided fuzzing of journey files: the loader and the lint engine; every finding must be located.

Run by `make fuzz`, not in CI. Any exception other than cjm's own CjmError is a crash, written as
.fuzz/loader/crash-*; turn each into a regression test under tests/hardening/
once fixed. The target is `check_loader` in tests/fuzz/targets.py.
"""

from __future__ import annotations

from tests.fuzz.harness import fuzz

if __name__ == "__main__":
    fuzz("loader")
