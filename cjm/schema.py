"""The JSON Schemas (draft 2020-12) of journey and catalog files and of evidence reports, generated from the models."""

from __future__ import annotations

import json
from typing import Any

from cjm.model import Catalog, Journey, metric_range
from cjm.project import raw_url

# Where editors fetch the schemas: the repository's files at the release's tag, so a file written for
# one version keeps the schema of that version.
SCHEMA_ID = raw_url("schemas/journey.schema.json")
CATALOG_SCHEMA_ID = raw_url("schemas/catalog.schema.json")
EVIDENCE_SCHEMA_ID = raw_url("schemas/evidence.schema.json")


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


def catalog_schema() -> dict[str, Any]:
    """The schema of a catalog file (``kind: catalog``): shared personas, touchpoints, backstage, departments."""
    schema = Catalog.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CATALOG_SCHEMA_ID,
        "title": "cjm catalog",
        "description": "Definitions shared by the journeys of a workspace, format version 1 (docs/configuration.md).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def evidence_schema() -> dict[str, Any]:
    """The schema of a `cjm evidence check --format json` report (what `cjm render --evidence` reads)."""
    from cjm.evidence.model import EvidenceReport

    schema = EvidenceReport.model_json_schema(mode="validation", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": EVIDENCE_SCHEMA_ID,
        "title": "cjm evidence report",
        "description": "A cjm evidence report, version 2 (see docs/evidence.md, 'Reading the report').",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


SCHEMAS = {"journey": journey_schema, "catalog": catalog_schema, "evidence": evidence_schema}


def schema_text(catalog: bool = False, kind: str = "journey") -> str:
    """The journey, catalog (``catalog=True``) or evidence report schema, as stable, pretty JSON text."""
    return json.dumps(SCHEMAS["catalog" if catalog else kind](), indent=2, ensure_ascii=False) + "\n"
