"""The lint engine: enabled rules -> findings -> stamped, configured, suppressed diagnostics."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cjm.config import Config, rule_options
from cjm.diagnostics import Diagnostic, Severity
from cjm.errors import ConfigError
from cjm.rules import BY_CODE, BY_NAME, RULES, Rule, RuleContext
from cjm.validate.depends import finding_affected, rule_affected
from cjm.validate.loader import LoadResult
from cjm.validate.references import SharedIds
from cjm.validate.suppress import apply, directives

_CODES = {**{code: code for code in BY_CODE}, **{name: r.code for name, r in BY_NAME.items()}}


@dataclass(frozen=True)
class RuleSet:
    """The rules a run applies, each with its severity and options, resolved once from the config."""

    rules: tuple[tuple[Rule, Severity, Any], ...] = ()
    departments: tuple[str, ...] | None = None
    shared: SharedIds = field(default_factory=SharedIds)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    root: str = ""  # the workspace root that per-file-ignores patterns are relative to

    def for_file(self, rel_path: str | None) -> tuple[tuple[Rule, Severity, Any], ...]:
        """The rules that apply to one file, after ``per-file-ignores``."""
        if rel_path is None or not self.per_file_ignores:
            return self.rules
        off: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if matches(rel_path, pattern):
                off |= codes
        return tuple(entry for entry in self.rules if entry[0].code not in off)


def matches(rel_path: str, pattern: str) -> bool:
    """Whether a workspace-relative posix path matches a glob; a pattern without '/' also matches the name."""
    if fnmatch.fnmatchcase(rel_path, pattern):
        return True
    return "/" not in pattern and fnmatch.fnmatchcase(rel_path.rsplit("/", 1)[-1], pattern)


@dataclass(frozen=True)
class Linted:
    """The diagnostics of one file, and how many inline ignores silenced."""

    diagnostics: tuple[Diagnostic, ...]
    suppressed: int = 0


def resolve_rule(ref: str) -> Rule:
    """A rule by code ("CJM109") or name ("unexplained-emotion-drop"); ConfigError when unknown."""
    rule = BY_CODE.get(ref.upper()) or BY_NAME.get(ref)
    if rule is None:
        from cjm.diagnostics import did_you_mean

        hint = did_you_mean(ref.upper() if ref[:3].upper() == "CJM" else ref, [*BY_CODE, *BY_NAME])
        raise ConfigError(f"unknown rule '{ref}'" + (f": {hint}" if hint else "; run 'cjm rules' for the list"))
    return rule


def _selected(refs: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for ref in refs:
        if ref.upper() == "ALL":
            out.update(BY_CODE)
        else:
            out.add(resolve_rule(ref).code)
    return out


def rule_set(config: Config, shared: SharedIds | None = None, departments: Sequence[str] = ()) -> RuleSet:
    """Resolve select/ignore/severity/options/per-file-ignores of ``config`` into the rules to run.

    ``departments`` (from catalogs) join the config's list; CJM115 runs only when either names some.
    """
    enabled = _selected(config.select) - _selected(config.ignore)
    severities = {resolve_rule(ref).code: Severity(value) for ref, value in config.severity.items()}
    tables = {resolve_rule(ref).code: (ref, table) for ref, table in config.rules.items()}
    where = str(config.file or "the configuration")
    chosen = []
    for rule in RULES:
        if rule.code not in enabled:
            continue
        options = None
        if rule.options is not None:
            ref, table = tables.get(rule.code, (rule.name, {}))
            options = rule_options(ref, table, where)
        chosen.append((rule, severities.get(rule.code, rule.default_severity), options))
    known = None
    if config.departments is not None or departments:
        known = tuple(dict.fromkeys([*(config.departments or []), *departments]))
    per_file = tuple((pattern, frozenset(_selected(refs))) for pattern, refs in config.per_file_ignores.items())
    return RuleSet(tuple(chosen), known, shared or SharedIds(), per_file, str(config.root))


def lint(result: LoadResult, rules: RuleSet, rel_path: str | None = None) -> Linted:
    """Loader diagnostics plus rule findings for one file, after ignores, sorted by position.

    Rules run on the journey, or, when it has errors, on the parts that
    validated; a finding the broken parts could have caused is left out
    (``cjm.validate.depends``). ``rel_path`` (relative to the workspace root)
    selects the ``per-file-ignores`` that apply.
    """
    out = list(result.diagnostics)
    journey = result.journey if result.journey is not None else (result.salvaged and result.salvaged.journey)
    if not journey:
        return Linted(tuple(sorted(out, key=lambda d: d.sort_key)))
    broken = result.broken
    findings: list[Diagnostic] = []
    unused_severity: Severity | None = None
    for rule, severity, options in rules.for_file(rel_path):
        if rule_affected(rule.code, broken):
            continue
        if rule.check is None:
            unused_severity = severity  # the engine's own rule: unused ignores
            continue
        ctx = RuleContext(options, rules.departments, rules.shared)
        for finding in rule.check(journey, ctx):
            where = result.salvaged.source_path(finding.path) if result.salvaged else finding.path
            if broken and finding_affected(where, broken):
                continue
            span = result.source.key_span(where) if finding.on_key else result.source.span(where)
            findings.append(
                Diagnostic(result.path, span, rule.code, rule.name, severity, finding.message, finding.hint)
            )
    found = directives(result.text)
    if found:
        outcome = apply(result.path, findings, found, _CODES, unused_severity)
        findings = [*outcome.kept, *outcome.unused]
        return Linted(tuple(sorted([*out, *findings], key=lambda d: d.sort_key)), outcome.suppressed)
    return Linted(tuple(sorted([*out, *findings], key=lambda d: d.sort_key)))
