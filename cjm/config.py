"""Workspace configuration: ``cjm.toml`` or ``[tool.cjm]`` in ``pyproject.toml``, found upward from the cwd."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cjm.errors import ConfigError
from cjm.source import Limits


class LimitsConfig(BaseModel):
    """``[limits]``: bounds on untrusted input."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    max_bytes: int = Field(Limits.max_bytes, alias="max-bytes", gt=0)
    max_depth: int = Field(Limits.max_depth, alias="max-depth", gt=0)
    max_nodes: int = Field(Limits.max_nodes, alias="max-nodes", gt=0)
    max_alias_nodes: int = Field(Limits.max_alias_nodes, alias="max-alias-nodes", ge=0)
    max_string: int = Field(Limits.max_string, alias="max-string", gt=0)

    def limits(self) -> Limits:
        return Limits(self.max_bytes, self.max_depth, self.max_nodes, self.max_alias_nodes, self.max_string)


class Config(BaseModel):
    """The workspace settings; every key is optional."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    include: list[str] = Field(default_factory=lambda: ["**/*.journey.yaml"])
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


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest cjm.toml, or pyproject.toml with [tool.cjm], from ``start`` upward."""
    for folder in (start, *start.parents):
        candidate = folder / "cjm.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("cjm")
            if isinstance(table, dict):
                return pyproject, table
    return None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    """The workspace configuration: ``explicit`` when given, else the nearest one, else defaults."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: no such configuration file")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("cjm", {})
        found: tuple[Path, dict[str, Any]] | None = (path, data)
    else:
        found = find_config((start or Path.cwd()).resolve())
    if found is None:
        return Config(root=(start or Path.cwd()).resolve())
    path, data = found
    from pydantic import ValidationError

    try:
        return Config.model_validate({**data, "root": path.parent.resolve(), "file": path})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {key}: {first['msg']}") from None
