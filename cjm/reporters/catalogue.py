"""The rule catalogue as text: ``cjm rules`` lists it, ``cjm rules CODE`` explains one entry."""

from __future__ import annotations

from cjm.diagnostics import CORE_CODES


def catalogue_lines() -> list[str]:
    """One line per diagnostic: code, name, default severity, summary."""
    from cjm.rules import RULES

    lines = [f"{c.code}  {c.name:<26} error    {c.summary}" for c in CORE_CODES.values()]
    lines.extend(f"{r.code}  {r.name:<26} {r.default_severity.value:<8} {r.summary}" for r in RULES)
    return lines


def explanation(ref: str) -> str:
    """The documentation of one rule or core code, by code or name; ConfigError when unknown."""
    from cjm.lint import resolve_rule

    core = CORE_CODES.get(ref.upper()) or next((c for c in CORE_CODES.values() if c.name == ref), None)
    if core is not None:
        return (
            f"{core.code} {core.name} (error, always on)\n\n{core.summary}.\n"
            "A core error makes the file invalid; it cannot be ignored or baselined."
        )
    rule = resolve_rule(ref)
    text = f"{rule.code} {rule.name} ({rule.default_severity.value} by default)\n\n{rule.doc}"
    if rule.options is not None:
        defaults = rule.options()
        settings = "\n".join(
            f"    {name} = {getattr(defaults, name)!r}  # {field.description}"
            for name, field in rule.options.model_fields.items()
        )
        text += f"\n\nOptions (cjm.toml), with their defaults:\n\n    [rules.{rule.name}]\n{settings}"
    return text
