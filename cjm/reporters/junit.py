"""JUnit XML: one test suite, one test case per file, failing when a finding reaches the failing severity."""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET

from cjm.diagnostics import Diagnostic, FileReport, Report
from cjm.escape import visible
from cjm.reporters import ReportOptions, relative, see_also


def _line(d: Diagnostic, path: str) -> str:
    """One finding per line; user text made visible, as XML 1.0 cannot even hold ESC or BEL."""
    hint = f"\n  hint: {visible(d.hint)}" if d.hint else ""
    related = "".join(f"\n  {visible(see_also(r, d))}" for r in d.related)
    return f"{path}:{d.span.line}:{d.span.column}: {d.code} {d.severity.value} {visible(d.message)}{related}{hint}"


def _case(file: FileReport, options: ReportOptions) -> tuple[ET.Element, bool]:
    path = visible(relative(file.path, options.root))
    case = ET.Element("testcase", {"classname": "cjm.validate", "name": path, "file": path})
    failing = [d for d in file.diagnostics if d.severity.rank >= options.failing.rank]
    others = [d for d in file.diagnostics if d.severity.rank < options.failing.rank]
    if failing:
        n = len(failing)
        failure = ET.SubElement(
            case,
            "failure",
            {"message": f"{n} finding{'' if n == 1 else 's'}", "type": ",".join(sorted({d.code for d in failing}))},
        )
        failure.text = "\n".join(_line(d, path) for d in failing)
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(d, path) for d in others)
    return case, bool(failing)


def report_junit(report: Report, stream: TextIO, options: ReportOptions) -> None:
    """Write a ``<testsuites>`` document; no timestamps, so the same input gives the same bytes."""
    cases = [_case(f, options) for f in report.files]
    failures = str(sum(1 for _, failed in cases if failed))
    counts = {"tests": str(len(cases)), "failures": failures, "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "cjm", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "cjm validate", **counts})
    suite.extend(case for case, _ in cases)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
