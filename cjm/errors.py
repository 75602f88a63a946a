"""Exceptions for what stops a run; findings are values, never exceptions."""

from __future__ import annotations


class CjmError(Exception):
    """A condition that stops the command: reported as one message, exit 2."""


class ConfigError(CjmError):
    """The workspace configuration or a command-line option is invalid."""


class InputError(CjmError):
    """An input path or stream cannot be used (missing, unreadable, matches nothing)."""


class DependencyError(CjmError):
    """A program or package the command needs is missing (e.g. Graphviz's ``dot``)."""


EVIDENCE_INSTALL = 'pip install "cjm-cli[evidence]"'


def require_evidence_extra() -> None:
    """Stop with one clear message when the evidence extra (DuckDB, SQLGlot) is not installed: the CLI and the API."""
    from importlib.util import find_spec

    missing = [name for name in ("duckdb", "sqlglot") if find_spec(name) is None]
    if missing:
        raise DependencyError(
            f"cjm evidence needs {' and '.join(missing)}, which a plain install leaves out: {EVIDENCE_INSTALL}"
            " (with pipx: pipx inject cjm-cli duckdb sqlglot)"
        )
