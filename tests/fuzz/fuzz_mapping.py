"""Coverage-guided fuzzing of evidence mapping files ('cjm evidence --mapping'), through their public loader.

Run by `make fuzz`, not in CI. Any exception other than cjm's own CjmError is a crash, written as
.fuzz/mapping/crash-*; turn each into a regression test under tests/hardening/
once fixed. The target is `check_mapping` in tests/fuzz/targets.py.
"""

from __future__ import annotations

from tests.fuzz.harness import fuzz

if __name__ == "__main__":
    fuzz("mapping")
