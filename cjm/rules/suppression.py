"""Rules the lint engine emits itself rather than a check: unused suppressions."""

from __future__ import annotations

from cjm.diagnostics import Severity
from cjm.rules import Rule

UNUSED_IGNORE = """\
An inline ignore comment that suppresses nothing.

Why: a ``# cjm: ignore[...]`` comment outlives the finding it silenced:
someone fixes the pain point, the comment stays, and the next real finding
on that line is hidden. cjm reports ignores that suppress nothing, name an
unknown rule, or name a core error (CJM0xx), which cannot be ignored.
It is reported only when the file's rules ran (the file is valid).

Failing:

    - id: pay
      name: Pays
      emotion: 1  # cjm: ignore[CJM103]

Passing (CJM103 points at the action's id, so the comment goes there):

    - id: pay  # cjm: ignore[CJM103]
      name: Pays
"""

RULES = (
    Rule(
        "CJM100",
        "unused-ignore",
        "an inline ignore comment that suppresses nothing",
        Severity.INFO,
        None,
        explanation=UNUSED_IGNORE,
    ),
)
