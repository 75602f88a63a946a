"""SARIF 2.1.0 for code-scanning uploads, with the whole rule catalogue in ``tool.driver.rules``."""

from __future__ import annotations

import os
from typing import Any, TextIO

from cjm import __version__
from cjm.diagnostics import CORE_CODES, Diagnostic, Report, Severity, Span
from cjm.escape import json_text, uri_path, visible
from cjm.reporters import ReportOptions, relative

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def catalogue() -> list[dict[str, Any]]:
    """Every diagnostic cjm can emit as a SARIF reportingDescriptor: core errors, then lint rules.

    Each has what code scanning shows next to an alert: ``help`` as text and Markdown, and ``helpUri``,
    its section of docs/rules.md in the repository at this version's tag.
    """
    from cjm.reporters.catalogue import explanation
    from cjm.rules import RULES

    out: list[dict[str, Any]] = []
    for core in CORE_CODES.values():
        doc = explanation(core.code).split("\n\n", 1)[1]
        out.append(
            {
                "id": core.code,
                "name": core.name,
                "shortDescription": {"text": core.summary},
                "fullDescription": {
                    "text": f"{core.summary}. A core error: the file is invalid; it cannot be ignored."
                },
                "helpUri": _help_uri(core.code, core.name),
                "help": _help(core.code, core.name, doc),
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["core"]},
            }
        )
    for rule in RULES:
        doc = explanation(rule.code).split("\n\n", 1)[1]
        out.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": doc.split("\n\n", 1)[0]},
                "helpUri": _help_uri(rule.code, rule.name),
                "help": _help(rule.code, rule.name, doc),
                "defaultConfiguration": {"level": _LEVELS[rule.default_severity]},
                "properties": {"tags": ["lint"]},
            }
        )
    return out


def _help_uri(code: str, name: str) -> str:
    from cjm.project import docs_url
    from cjm.reporters.catalogue import anchor

    return docs_url("docs/rules.md", anchor(code, name))


def _help(code: str, name: str, doc: str) -> dict[str, str]:
    """The help of a rule: its documentation as text, and as Markdown with a heading and a link to the docs."""
    markdown = f"**{code}** `{name}`\n\n{doc}\n\n[{code} in the cjm rules]({_help_uri(code, name)})"
    return {"text": doc, "markdown": markdown}


def _region(span: Span) -> dict[str, int]:
    region = {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line}
    if span.end_line == span.line:
        region["endColumn"] = span.end_column + 1  # SARIF's end column is exclusive
    return region


def result(d: Diagnostic, index: int, options: ReportOptions) -> dict[str, Any]:
    """One finding as a SARIF result."""
    from cjm.validate.baseline import fingerprint

    path = relative(d.path, options.root)
    text = visible(d.message + (f" (hint: {d.hint})" if d.hint else ""))
    out: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": _LEVELS[d.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(path),
                    "region": _region(d.span),
                }
            }
        ],
        "partialFingerprints": {"cjmFinding/v1": fingerprint(d.code, path, d.message)},
    }
    if d.related:
        out["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": _artifact(relative(r.path, options.root)),
                    "region": _region(r.span),
                },
                "message": {"text": visible(r.message)},
            }
            for number, r in enumerate(d.related, 1)
        ]
    return out


def _artifact(path: str) -> dict[str, str]:
    """A file as a SARIF artifact location: an RFC 3986 URI, relative to the source root when it is inside it."""
    if os.path.isabs(path):  # outside the repository: an absolute file URI, no base
        return {"uri": "file://" + uri_path(path)}
    return {"uri": uri_path(path), "uriBaseId": "%SRCROOT%"}


def sarif_log(report: Report, options: ReportOptions) -> dict[str, Any]:
    """The SARIF log of a report: one run of the cjm driver."""
    rules = catalogue()
    index = {r["id"]: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cjm",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": _information_uri(),
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index[d.code], options) for d in report.diagnostics],
            }
        ],
    }


def _information_uri() -> str:
    from cjm.project import REPOSITORY_URL

    return REPOSITORY_URL


def report_sarif(report: Report, stream: TextIO, options: ReportOptions) -> None:
    """Write the SARIF log as indented JSON."""
    stream.write(json_text(sarif_log(report, options)) + "\n")
