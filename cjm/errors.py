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
