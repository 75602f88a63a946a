"""Coverage-guided fuzzing of Mermaid journey diagrams and Markdown, as 'cjm import mermaid' reads them.

Run by `make fuzz`, not in CI. Any exception other than cjm's own CjmError is a crash, written as
.fuzz/mermaid/crash-*; turn each into a regression test under tests/hardening/
once fixed. The target is `check_mermaid` in tests/fuzz/targets.py.
"""

from __future__ import annotations

from tests.fuzz.harness import fuzz

if __name__ == "__main__":
    fuzz("mermaid")
