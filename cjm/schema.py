"""The JSON Schema (draft 2020-12) of the journey format, generated from the model."""

from __future__ import annotations

import json
from typing import Any

from cjm.model import Journey, metric_range

SCHEMA_ID = "https://cjm.dev/schemas/journey.schema.json"


def _metric_ranges() -> list[dict[str, Any]]:
    rules = []
    for kind, unit_rule in (("nps", None), ("ces", None), ("csat", "score"), ("csat", None)):
        low, high = metric_range(kind, unit_rule) or (0.0, 0.0)
        bound = {"anyOf": [{"type": "null"}, {"type": "number", "minimum": low, "maximum": high}]}
        condition: dict[str, Any] = {"properties": {"kind": {"const": kind}}, "required": ["kind"]}
        if kind == "csat":
            unit = {"const": "score"} if unit_rule else {"not": {"const": "score"}}
            condition["properties"]["unit"] = unit
            if unit_rule:
                condition["required"] = ["kind", "unit"]
        rules.append({"if": condition, "then": {"properties": {"target": bound, "current": bound}}})
    return rules


def journey_schema() -> dict[str, Any]:
    """The schema as a dict: draft 2020-12, descriptions on every field, per-kind metric ranges."""
    schema = Journey.model_json_schema(mode="validation")
    schema["$defs"]["Metric"]["allOf"] = _metric_ranges()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cjm journey",
        "description": "A customer journey map, format version 1 (see docs/format.md).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schema_text() -> str:
    """The schema as stable, pretty JSON text."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"
