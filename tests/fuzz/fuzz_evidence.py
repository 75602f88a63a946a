"""Coverage-guided fuzzing of evidence JSON reports, as 'cjm render --evidence' reads them.

Run by `make fuzz`, not in CI. Any exception other than cjm's own CjmError is a crash, written as
.fuzz/evidence/crash-*; turn each into a regression test under tests/hardening/
once fixed. The target is `check_evidence` in tests/fuzz/targets.py.
"""

from __future__ import annotations

from tests.fuzz.harness import fuzz

if __name__ == "__main__":
    fuzz("evidence")
