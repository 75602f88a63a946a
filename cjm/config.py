"""Workspace configuration: ``cjm.toml`` or ``[tool.cjm]`` in ``pyproject.toml``, found upward from the cwd."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cjm.diagnostics import CORE_CODES, closest
from cjm.errors import ConfigError
from cjm.validate.yaml_reader import Limits


class LimitsConfig(BaseModel):
    """``[limits]``: bounds on untrusted input."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    # Hard ceilings: a limit raised without one stops protecting (max-bytes past the address space was an
    # OverflowError, a terabyte a MemoryError, max-depth 1,000,000 let 20,000-deep YAML run for minutes;
    # past about 240 levels `cjm fmt` (ruamel.yaml composes recursively) stops with a RecursionError).
    max_bytes: int = Field(Limits.max_bytes, alias="max-bytes", gt=0, le=64 * 1024 * 1024)
    max_depth: int = Field(Limits.max_depth, alias="max-depth", gt=0, le=200)
    max_nodes: int = Field(Limits.max_nodes, alias="max-nodes", gt=0, le=10_000_000)
    max_alias_nodes: int = Field(Limits.max_alias_nodes, alias="max-alias-nodes", ge=0, le=1_000_000)
    max_string: int = Field(Limits.max_string, alias="max-string", gt=0, le=64 * 1024 * 1024)
    max_alias_chars: int = Field(Limits.max_alias_chars, alias="max-alias-chars", ge=0, le=100_000_000)

    def limits(self) -> Limits:
        """The loader's Limits with these values."""
        return Limits(
            self.max_bytes, self.max_depth, self.max_nodes, self.max_alias_nodes, self.max_string, self.max_alias_chars
        )


class Config(BaseModel):
    """The workspace settings; every key is optional."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    include: list[str] = Field(default_factory=lambda: ["**/*.journey.yaml", "**/*.journey.yml"])
    exclude: list[str] = Field(default_factory=list)
    catalog: list[str] = Field(default_factory=list)
    departments: list[str] | None = None
    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)
    strict: bool = False
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-file-ignores")
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    root: Path = Field(default_factory=Path.cwd, exclude=True)
    file: Path | None = Field(None, exclude=True)


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items() if name not in ("root", "file")]


CONFIG_KEYS = _keys(Config)
LIMIT_KEYS = _keys(LimitsConfig)


MAX_CONFIG_BYTES = 1024 * 1024  # a configuration is a few lines; pyproject.toml files stay far below this
_GLOBBED = ("include", "catalog")  # searched with Path.glob, whose '**' must be a whole component


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML at ``path``: a regular file of at most MAX_CONFIG_BYTES, UTF-8, parsed without a RecursionError."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    data = _read_bounded(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))  # a byte order mark, as some editors write
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(f"{path}: invalid TOML: arrays or inline tables nested too deeply") from None


def _read_bounded(path: Path) -> bytes:
    """At most MAX_CONFIG_BYTES of the regular file ``path`` (never a FIFO, device or folder), else a ConfigError."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ConfigError(f"{path}: is not a regular file; cjm reads its configuration only from one")
        with open(path, "rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror or exc})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; this is not a configuration file")
    return data


def check_patterns(config: Config, where: str) -> None:
    """Every glob of the config stays inside the workspace root: a ConfigError names the key and the pattern.

    Globs are relative to the root (the configuration's folder), so an empty
    pattern, one that is absolute, one made only of '.' or one with a '..'
    component is refused rather than searched: '../**' would walk whatever
    lies above the workspace, '/etc/*' the system.
    """
    named: list[tuple[str, str]] = [
        *((f"{key}[{i}]", p) for key in ("include", "exclude", "catalog") for i, p in enumerate(getattr(config, key))),
        *((f'per-file-ignores."{_short(p)}"', p) for p in config.per_file_ignores),
    ]
    for key, pattern in named:
        problem = _pattern_problem(pattern, globbed=key.split("[")[0] in _GLOBBED)
        if problem:
            raise ConfigError(f"{where}: {key}: {_short(pattern)!r} {problem}")


def _pattern_problem(pattern: str, globbed: bool) -> str | None:
    parts = pattern.replace("\\", "/").split("/")
    if not pattern.strip():
        return "is empty; write a glob relative to the workspace root, such as 'journeys/*.journey.yaml'"
    if "\0" in pattern:
        return "contains a NUL character"
    if pattern.startswith(("/", "\\")) or (len(pattern) > 1 and pattern[1] == ":" and pattern[0].isalpha()):
        return "is absolute; globs are relative to the workspace root (the configuration's folder)"
    if ".." in parts:
        return "leaves the workspace root ('..'); globs must stay below the configuration's folder"
    if all(part in (".", "") for part in parts):
        return "names the workspace root itself, not files; write a glob such as '**/*.journey.yaml'"
    if any(len(part.encode("utf-8")) > 255 for part in parts):
        return "has a path component longer than 255 bytes"
    if globbed and any("**" in part and part != "**" for part in parts):
        return "uses '**' inside a component; '**' must be a whole component, as in 'journeys/**/*.yaml'"
    return None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    table = data.get("tool", {}).get("cjm") if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.cjm: must be a table ([tool.cjm])")
    return table


def _exists(path: Path) -> bool:
    """True when ``path`` names something (a FIFO or a folder too: reading it then says what is wrong)."""
    try:
        os.stat(path)
    except OSError:  # missing, a dangling link, or a folder we may not search: no configuration here
        return False
    return True


def _not_linked_out(path: Path) -> Path:
    """``path``, unless it is a link leading out of its folder: a found configuration is part of the workspace,
    and one linked to ``/proc/self/environ`` or a home folder's file must not be read (its keys would be echoed)."""
    if path.is_symlink():
        folder = os.path.realpath(path.parent)
        target = os.path.realpath(path)
        if os.path.commonpath([folder, target]) != folder:
            raise ConfigError(
                f"{path}: is a link to a file outside its folder; cjm does not follow it (name it with --config)"
            )
    return path


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest cjm.toml, or pyproject.toml with [tool.cjm], from ``start`` upward.

    In one folder cjm.toml wins over pyproject.toml; a pyproject.toml without
    [tool.cjm] is passed over.
    """
    for folder in (start, *start.parents):
        candidate = folder / "cjm.toml"
        if _exists(candidate):
            return candidate, _read_toml(_not_linked_out(candidate))
        pyproject = folder / "pyproject.toml"
        if _exists(pyproject):
            table = _tool_table(pyproject, _read_toml(_not_linked_out(pyproject)))
            if table is not None:
                return pyproject, table
    return None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    """The workspace configuration: ``explicit`` when given, else the nearest one, else defaults."""
    if explicit is not None:
        path = Path(explicit)
        if not os.path.lexists(path):
            raise ConfigError(f"{explicit}: no such configuration file")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = _tool_table(path, data) or {}
        found: tuple[Path, dict[str, Any]] | None = (path, data)
    else:
        found = find_config((start or Path.cwd()).resolve())
    if found is None:
        return Config(root=(start or Path.cwd()).resolve())
    path, data = found
    try:
        config = Config.model_validate({**data, "root": path.parent.resolve(), "file": path})
    except ValidationError as exc:
        raise ConfigError(_explain(path, exc.errors(include_url=False))) from None
    check_patterns(config, str(path))
    check_rule_references(config, str(path))
    return config


def _short(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message: a megabyte-long key must not flood the CI log."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{_short(str(part))}" if out else _short(str(part)))
    return out


def _explain(path: Path, errors: list[Any]) -> str:
    """The first validation error as 'FILE: KEY: what is wrong; did you mean ...?'."""
    error = errors[0]
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        parent, key = loc[:-1], str(loc[-1])
        valid = LIMIT_KEYS if parent == ("limits",) else CONFIG_KEYS
        return f"{path}: {_loc(loc)}: unknown key" + _suggest(key, valid)
    if error["type"] == "literal_error" and loc[:1] == ("severity",):
        shown = repr(error["input"]) if isinstance(error["input"], str) else type(error["input"]).__name__
        return f"{path}: {_loc(loc)}: severity must be 'error', 'warning' or 'info', not {shown[:80]}"
    return f"{path}: {_loc(loc)}: {error['msg'][0].lower()}{error['msg'][1:]}"


def _suggest(word: str, candidates: Iterable[str]) -> str:
    best = closest(word, candidates)
    return f"; did you mean '{best}'?" if best else "; valid keys: " + ", ".join(candidates)


def check_rule_references(config: Config, where: str) -> None:
    """Every rule code or name the config mentions exists, and every [rules.X] option is valid."""
    from cjm.rules import BY_CODE, BY_NAME

    def known(ref: str, key: str, allow_all: bool = False) -> None:
        if allow_all and ref.upper() == "ALL":
            return
        if ref.upper() in BY_CODE or ref in BY_NAME:
            return
        if ref.upper() in CORE_CODES:
            raise ConfigError(
                f"{where}: {key}: {_short(ref.upper())} is a core error; it cannot be selected, ignored or changed"
            )
        best = closest(ref.upper() if ref[:3].upper() == "CJM" else ref, [*BY_CODE, *BY_NAME])
        raise ConfigError(
            f"{where}: {key}: unknown rule '{_short(ref)}'"
            + (f"; did you mean '{best}'?" if best else "; run 'cjm rules' for the list")
        )

    for name in ("select", "ignore"):
        for i, ref in enumerate(getattr(config, name)):
            known(ref, f"{name}[{i}]", allow_all=True)
    for ref in config.severity:
        known(ref, f"severity.{_short(ref)}")
    for pattern, refs in config.per_file_ignores.items():
        for i, ref in enumerate(refs):
            known(ref, f'per-file-ignores."{_short(pattern)}"[{i}]', allow_all=True)
    for ref, table in config.rules.items():
        known(ref, f"rules.{_short(ref)}")
        rule_options(ref, table, where)


def rule_options(ref: str, table: Mapping[str, Any], where: str) -> Any:
    """The validated options model of rule ``ref`` from its [rules.X] table."""
    from cjm.rules import BY_CODE, BY_NAME

    rule = BY_CODE.get(ref.upper()) or BY_NAME[ref]
    if rule.options is None:
        raise ConfigError(f"{where}: rules.{_short(ref)}: rule {rule.code} {rule.name} takes no options")
    try:
        return rule.options.model_validate(dict(table))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = f"rules.{_short(ref)}" + ("." + _loc(error["loc"]) if error["loc"] else "")
        if error["type"] == "extra_forbidden":
            valid = list(rule.options.model_fields)
            raise ConfigError(f"{where}: {key}: unknown option" + _suggest(str(error["loc"][-1]), valid)) from None
        raise ConfigError(f"{where}: {key}: {error['msg'][0].lower()}{error['msg'][1:]}") from None
