"""Baselines: record today's rule findings, then report only new ones, so a team can adopt a rule gradually.

A finding is keyed on its rule, its file (relative to the workspace root) and
a fingerprint of its message, never on its line: moving a stage does not make
old findings new. Messages name the ids involved ("action 'pay' has no
emotion"), so the same problem keeps the same key. Core errors (CJM0xx) are
never baselined: an invalid file must be fixed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cjm.diagnostics import CORE_CODES, Diagnostic, Report
from cjm.discovery import read_limited
from cjm.errors import InputError
from cjm.workspace import workspace_path

FORMAT_VERSION = 1
# A finding's entry is about 200 bytes: 64 MiB holds some 300,000 of them. Past it, the file is not a baseline.
MAX_BASELINE_BYTES = 64 * 1024 * 1024
Key = tuple[str, str, str]  # (path, rule, fingerprint)


def fingerprint(rule: str, path: str, message: str) -> str:
    """A stable 16-hex-digit fingerprint of a finding, independent of its position."""
    text = "\0".join((rule, path, re.sub(r"\s+", " ", message.strip())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def key(d: Diagnostic, root: Path) -> Key:
    """The baseline key of a diagnostic."""
    path = workspace_path(d.path, root)
    return (path, d.code, fingerprint(d.code, path, d.message))


def _baselined(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code not in CORE_CODES]


def baseline_text(report: Report, root: Path) -> str:
    """The baseline file recording every rule finding of ``report`` (JSON, sorted, one entry per finding)."""
    entries = sorted(
        (
            {"path": path, "rule": code, "fingerprint": fp, "message": d.message}
            for d in _baselined(report.diagnostics)
            for path, code, fp in [key(d, root)]
        ),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]),
    )
    payload = {"version": FORMAT_VERSION, "tool": "cjm", "findings": entries}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Baseline:
    """The findings a baseline file accepts, with how many times each may occur."""

    accepted: Counter[Key]


def read_baseline(path: str) -> Baseline:
    """Read a baseline file; a missing or malformed one is an InputError that says what is wrong.

    Like every input, it is read bounded (at most MAX_BASELINE_BYTES plus one byte) and only from a
    regular file: a FIFO or a device named as the baseline is refused, never read.
    """
    if not Path(path).exists():
        raise InputError(f"{path}: no such baseline file; create it with --write-baseline {path}")
    raw = read_limited(path, MAX_BASELINE_BYTES, Path(path).resolve().parent)
    if len(raw) > MAX_BASELINE_BYTES:
        raise InputError(f"{path}: larger than {MAX_BASELINE_BYTES:,} bytes; this is not a cjm baseline")
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read the baseline (not UTF-8 text at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: the baseline is not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: the baseline nests too deeply; this is not a cjm baseline") from None
    if (
        not isinstance(data, dict)
        or data.get("version") != FORMAT_VERSION
        or not isinstance(data.get("findings"), list)
    ):
        raise InputError(f"{path}: not a cjm baseline (version {FORMAT_VERSION}); rewrite it with --write-baseline")
    accepted: Counter[Key] = Counter()
    for i, entry in enumerate(data["findings"]):
        fields = [entry.get(k) for k in ("path", "rule", "fingerprint")] if isinstance(entry, dict) else []
        strings = [f for f in fields if isinstance(f, str)]
        if len(strings) != 3:
            raise InputError(f"{path}: findings[{i}]: needs string 'path', 'rule' and 'fingerprint'")
        accepted[(strings[0], strings[1], strings[2])] += 1
    return Baseline(accepted)


def apply_baseline(report: Report, baseline: Baseline, root: Path) -> Report:
    """``report`` without the findings the baseline accepts; they count as suppressed."""
    left = Counter(baseline.accepted)
    files = []
    dropped = 0
    for file in report.files:
        kept = []
        for d in file.diagnostics:
            k = key(d, root)
            if d.code not in CORE_CODES and left[k] > 0:
                left[k] -= 1
                dropped += 1
            else:
                kept.append(d)
        files.append(replace(file, diagnostics=tuple(kept)))
    return Report(tuple(files), report.suppressed + dropped)


def baseline_of(report: Report, root: Path) -> Baseline:
    """The baseline that ``baseline_text(report, root)`` writes, without reading it back."""
    return Baseline(Counter(key(d, root) for d in _baselined(report.diagnostics)))
