"""Check a set of paths: discover files, load each one, lint it, and gather a Report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cjm.config import Config
from cjm.diagnostics import FileReport, Report
from cjm.errors import InputError
from cjm.lint import RuleSet, lint, rule_set, source_lines
from cjm.loader import load_bytes, read_bytes
from cjm.source import Limits
from cjm.workspace import discover


@dataclass(frozen=True)
class CheckOptions:
    """How a validate run treats its inputs."""

    allow_empty: bool = False
    stdin_filename: str | None = None


def check_file(path: str, display: str, rules: RuleSet, limits: Limits) -> FileReport:
    """Load and lint one file; the only state kept is its findings and the lines they cite."""
    result = load_bytes(read_bytes(path), display, limits, rules.shared)
    diagnostics = lint(result, rules)
    return FileReport(display, tuple(diagnostics), source_lines(result, diagnostics))


def _reports(files: list[str], rules: RuleSet, config: Config, options: CheckOptions) -> Iterator[FileReport]:
    limits = config.limits.limits()
    for path in files:
        display = (options.stdin_filename or "<stdin>") if path == "-" else path
        yield check_file(path, display, rules, limits)


def check(paths: list[str], config: Config, options: CheckOptions | None = None) -> Report:
    """Validate every journey file ``paths`` name; a path matching nothing is an InputError."""
    options = options or CheckOptions()
    files = discover(paths, config)
    if not files and not options.allow_empty:
        where = ", ".join(paths) if paths else f"the include patterns of {config.file or 'the defaults'}"
        raise InputError(
            f"no journey files found in {where}; journey files end in .journey.yaml "
            "(pass --allow-empty if an empty set is expected)"
        )
    rules = rule_set(config)
    return Report(tuple(_reports(files, rules, config, options)))
