"""The lint engine: enabled rules -> findings -> stamped, configured diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cjm.config import Config
from cjm.diagnostics import Diagnostic, Severity
from cjm.errors import ConfigError
from cjm.loader import LoadResult
from cjm.references import SharedIds
from cjm.rules import BY_CODE, BY_NAME, RULES, Rule, RuleContext


@dataclass(frozen=True)
class RuleSet:
    """The rules a run applies, each with its severity and options, resolved once from the config."""

    rules: tuple[tuple[Rule, Severity, Any], ...] = ()
    departments: tuple[str, ...] | None = None
    shared: SharedIds = field(default_factory=SharedIds)


def resolve_rule(ref: str) -> Rule:
    """A rule by code ("CJM109") or name ("unexplained-emotion-drop"); ConfigError when unknown."""
    rule = BY_CODE.get(ref.upper()) or BY_NAME.get(ref)
    if rule is None:
        from cjm.diagnostics import did_you_mean

        hint = did_you_mean(ref, [*BY_CODE, *BY_NAME])
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


def rule_set(config: Config, shared: SharedIds | None = None) -> RuleSet:
    """Resolve select/ignore/severity/options of ``config`` into the rules to run."""
    enabled = _selected(config.select) - _selected(config.ignore)
    severities = {resolve_rule(ref).code: Severity(value) for ref, value in config.severity.items()}
    chosen = []
    for rule in RULES:
        if rule.code not in enabled:
            continue
        options = None
        if rule.options is not None:
            raw = config.rules.get(rule.name, config.rules.get(rule.code, {}))
            options = rule.options.model_validate(raw)
        chosen.append((rule, severities.get(rule.code, rule.default_severity), options))
    departments = tuple(config.departments) if config.departments is not None else None
    return RuleSet(tuple(chosen), departments, shared or SharedIds())


def lint(result: LoadResult, rules: RuleSet) -> list[Diagnostic]:
    """Loader diagnostics plus rule findings for one file, sorted by position."""
    out = list(result.diagnostics)
    journey = result.journey
    if journey is not None and not any(d.severity is Severity.ERROR for d in result.diagnostics):
        for rule, severity, options in rules.rules:
            ctx = RuleContext(options, rules.departments, rules.shared)
            for finding in rule.check(journey, ctx):
                span = result.source.key_span(finding.path) if finding.on_key else result.source.span(finding.path)
                out.append(
                    Diagnostic(result.path, span, rule.code, rule.name, severity, finding.message, finding.hint)
                )
    return sorted(out, key=lambda d: d.sort_key)


def source_lines(result: LoadResult, diagnostics: Sequence[Diagnostic]) -> dict[int, str]:
    """The source lines the diagnostics point at, for code frames."""
    if not diagnostics or not result.text:
        return {}
    lines = result.text.splitlines()
    wanted = {d.span.line for d in diagnostics}
    return {n: lines[n - 1] for n in wanted if 0 < n <= len(lines)}
