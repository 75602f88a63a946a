"""GitLab Code Quality JSON: a list of issues with description, check_name, fingerprint, severity and location."""

from __future__ import annotations

import hashlib
from typing import Any, TextIO

from cjm.diagnostics import Report, Severity
from cjm.escape import json_text, visible
from cjm.reporters import ReportOptions, relative, see_also

# as GitLab's own ESLint formatter maps them: blocker and critical are left for security tools
_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issues(report: Report, options: ReportOptions) -> list[dict[str, Any]]:
    """The Code Quality issues of a report; fingerprints are unique and survive line moves."""
    from cjm.validate.baseline import fingerprint

    out = []
    seen: dict[str, int] = {}
    for d in report.diagnostics:
        path = relative(d.path, options.root)
        text = "; ".join([d.message, *(see_also(r, d) for r in d.related)])
        base = fingerprint(d.code, path, d.message)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        unique = hashlib.md5(f"{base}:{occurrence}".encode(), usedforsecurity=False).hexdigest()
        out.append(
            {
                "type": "issue",
                "description": f"{d.code} {visible(text)}",
                "check_name": f"{d.code} {d.name}",
                "fingerprint": unique,
                "severity": _SEVERITIES[d.severity],
                "categories": ["Style"] if d.severity is Severity.INFO else ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return out


def report_gitlab(report: Report, stream: TextIO, options: ReportOptions) -> None:
    """Write the issues as a JSON array (an empty array when there are none)."""
    stream.write(json_text(issues(report, options)) + "\n")
