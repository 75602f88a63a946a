"""Turn pydantic validation errors into located CJM010/CJM011 diagnostics with hints."""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from cjm.diagnostics import Diagnostic, Span, core, did_you_mean
from cjm.model import slugify
from cjm.validate.yaml_reader import Path, SourceMap, is_boolean_trap

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}
_ENTITY = {
    "Journey": "the journey",
    "Catalog": "the catalog",
    "Scope": "scope",
    "Persona": "persona",
    "Stage": "stage",
    "Action": "action",
    "Touchpoint": "touchpoint",
    "Backstage": "backstage process",
    "Metric": "metric",
    "PainPoint": "pain point",
    "Opportunity": "opportunity",
    "Stakeholder": "stakeholder",
    "Expectation": "expectation",
    "ResearchSource": "research source",
    "EventPattern": "event pattern",
    "NpsResponses": "NPS responses",
    "CsatResponses": "CSAT responses",
    "CesResponses": "CES responses",
}


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _model_args(annotation: Any) -> Iterable[Any]:
    """The types an annotation can hold, with Annotated, Optional, list and dict unwrapped one level."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _model_args(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _model_args(arg)
    else:
        yield annotation


def model_at(root: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path``, when one does."""
    current: Any = root
    for part in path:
        nxt = None
        for arg in _model_args(current):
            origin = typing.get_origin(arg)
            if isinstance(part, int) and origin is list:
                nxt = typing.get_args(arg)[0]
            elif isinstance(part, str) and origin is dict:
                nxt = typing.get_args(arg)[1]
            elif isinstance(part, str) and isinstance(arg, type) and issubclass(arg, BaseModel):
                field = arg.model_fields.get(part)
                nxt = field.annotation if field else None
            if nxt is not None:
                break
        if nxt is None:
            return None
        current = nxt
    for arg in _model_args(current):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def data_path(loc: tuple[Any, ...], data: Any) -> tuple[Path, Any, bool]:
    """The part of a pydantic ``loc`` that addresses the data (union tags dropped), the value there, found."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str):
            if part in node:
                node = node[part]
                path.append(part)
            elif i == len(loc) - 1:
                path.append(part)
                return tuple(path), None, False
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
    return tuple(path), node, True


def _where(root: type[BaseModel], data: Any, path: Path) -> str:
    """Names the entity at ``path``: "action 'search'", "scope", "the journey"."""
    model = model_at(root, path)
    name = _ENTITY.get(model.__name__, model.__name__) if model else "this mapping"
    node = data
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    ident = node.get("id") if isinstance(node, dict) else None
    return f"{name} '{ident}'" if isinstance(ident, str) else name


def diagnose(
    errors: Iterable[Mapping[str, Any]], data: Any, source: SourceMap, path: str, root: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per located pydantic error, first error per location only."""
    out: list[Diagnostic] = []
    seen: set[Path] = set()
    for error in errors:
        loc, value, found = data_path(tuple(error["loc"]), data)
        if loc in seen:
            continue
        seen.add(loc)
        out.append(_one(error, loc, value, found, data, source, path, root))
    return out


def _one(  # noqa: C901 - one branch per pydantic error type, each a different message
    error: Mapping[str, Any],
    loc: Path,
    value: Any,
    found: bool,
    data: Any,
    source: SourceMap,
    path: str,
    root: type[BaseModel],
) -> Diagnostic:
    kind = error["type"]
    key = loc[-1] if loc else None
    if isinstance(key, int):
        owner = loc[-2] if len(loc) > 1 and isinstance(loc[-2], str) else None
        label = f"item {key + 1} of '{owner}'" if owner else f"item {key + 1}"
    else:
        label = f"'{key}'" if key is not None else "the document"
    span = source.span(loc)
    hint: str | None = None
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1])
        message = f"unknown key '{key}' in {_where(root, data, loc[:-1])}"
        hint = did_you_mean(str(key), model.model_fields if model else ())
        if hint is None and model is not None:
            hint = "allowed keys: " + ", ".join(model.model_fields)
        return core("CJM010", path, source.key_span(loc), message, hint)
    if kind == "missing":
        parent = loc[:-1]
        message = f"{_where(root, data, parent)} is missing the required key '{key}'"
        anchor = source.key_span(parent) if source.has_key(parent) else source.span(parent)
        return core("CJM010", path, Span.point(anchor.line, anchor.column), message)
    if kind in _EXPECTED:
        raw = source.scalars.get(loc)
        expected = _EXPECTED[kind]
        if kind == "string_type" and isinstance(value, bool) and is_boolean_trap(raw):
            return core(
                "CJM011",
                path,
                span,
                f"{label} is the YAML boolean {str(value).lower()} (from the bare word '{raw}'), not text",
                f'YAML 1.1 reads bare {raw} as a boolean: quote it, "{raw}"',
            )
        if value is None:
            message = f"{label} is empty; it must be {expected}"
        else:
            message = f"{label} must be {expected}, not {_describe(value)}"
        if kind == "string_type" and raw is not None:
            hint = f'quote it to make it text: "{raw}"'
        elif kind in ("model_type", "dict_type") and isinstance(value, str):
            hint = "indent the keys under it, or check the line above for a missing ':'"
        return core("CJM010", path, span, message, hint)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        shown = f"'{value}'" if isinstance(value, str) else _describe(value)
        message = (
            f"{shown} is not a valid {key if isinstance(key, str) else 'value'}; expected one of: {', '.join(choices)}"
        )
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
        return core("CJM010", path, span, message, hint)
    if kind == "string_pattern_mismatch" and key == "lang":
        message = f"'{value}' is not a language tag"
        hint = "write a BCP 47 tag: 'it' for Italian, 'en' for English, 'de-CH' for Swiss German"
        return core("CJM010", path, span, message, hint)
    if kind == "string_pattern_mismatch":
        message = f"'{value}' is not a valid id"
        hint = f"ids are lowercase letters, digits and '-', at most 64 characters, e.g. '{slugify(str(value))}'"
        return core("CJM010", path, span, message, hint)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if key == "emotion":
            message = f"emotion {value} is out of range: -2 (very negative) .. +2 (very positive)"
        else:
            bound = next(iter(error.get("ctx", {}).values()), "")
            op = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">", "less_than": "<"}[kind]
            message = f"{label} {value} is out of range: it must be {op} {bound}"
        return core("CJM010", path, span, message)
    if kind in ("too_short", "string_too_short"):
        if key == "stages":
            return core("CJM010", path, span, "the journey needs at least one stage")
        return core("CJM010", path, span, f"{label} must not be empty")
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        return core("CJM010", path, span, f"{key}: {message}" if isinstance(key, str) else message)
    if kind == "finite_number":
        return core("CJM010", path, span, f"{label} must be a finite number")
    return core("CJM010", path, span, f"{label}: {error.get('msg', 'invalid value')}")
