"""The schemas where editors find them: a versioned URL of the repository, the catalog schema, the SchemaStore entry."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from cjm import __version__
from tests.conftest import ROOT, Result

SCHEMAS = ROOT / "schemas"
URL = re.compile(r"https://raw\.githubusercontent\.com/OWNER/cjm/v(?P<version>[^/]+)/(?P<path>schemas/[a-z.]+\.json)")
CATALOG = """cjm: 1
kind: catalog
personas:
  - {id: fleet-manager, name: Fleet manager}
touchpoints:
  - {id: support-chat, name: Support chat, channel: chat, departments: [support]}
backstage:
  - {id: refund-handling, name: Refund handling, owner: Finance}
departments: [marketing, sales, support, finance]
"""


def _versioned(url: str) -> str:
    """The repository file a versioned URL names, checked to be of this package's version."""
    match = URL.fullmatch(url)
    assert match, f"{url} is not a raw file of the repository at a tag"
    assert match["version"] == __version__, f"{url} is not of version {__version__}"
    assert (ROOT / match["path"]).is_file(), f"{match['path']} is not in the repository"
    return match["path"]


def test_committed_catalog_schema_is_fresh(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    result = run_cli("schema", "--catalog")
    assert result.exit_code == 0
    committed = json.loads((SCHEMAS / "catalog.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == committed, "run 'make schema' and commit it"
    target = tmp_path / "catalog.schema.json"
    assert run_cli("schema", "--catalog", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == committed


def test_catalog_schema_checks_catalogs_and_only_catalogs() -> None:
    catalog_schema = json.loads((SCHEMAS / "catalog.schema.json").read_text(encoding="utf-8"))
    journey_schema = json.loads((SCHEMAS / "journey.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(catalog_schema)
    for name, definition in [("Catalog", catalog_schema), *catalog_schema["$defs"].items()]:
        for prop, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{prop} has no description"
    catalog = yaml.safe_load(CATALOG)
    assert not list(jsonschema.Draft202012Validator(catalog_schema).iter_errors(catalog))
    assert list(jsonschema.Draft202012Validator(journey_schema).iter_errors(catalog)), "not a journey"
    journey = yaml.safe_load((ROOT / "examples" / "b2c-online-grocery.journey.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(catalog_schema).iter_errors(journey)), "not a catalog"
    typo = yaml.safe_load(CATALOG.replace("touchpoints:", "touchpoint:"))
    assert list(jsonschema.Draft202012Validator(catalog_schema).iter_errors(typo))


def test_the_docs_point_catalogs_at_the_versioned_catalog_schema() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert CATALOG in docs
    modeline = re.search(r"# yaml-language-server: \$schema=(\S+)", docs)
    assert modeline and _versioned(modeline[1]) == "schemas/catalog.schema.json"


def test_init_points_editors_at_the_schema_of_its_own_version(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "a.journey.yaml"
    assert run_cli("init", "Partner onboarding", "-o", str(target)).exit_code == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert _versioned(first.removeprefix(prefix)) == "schemas/journey.schema.json"
    journey_schema = json.loads((SCHEMAS / "journey.schema.json").read_text(encoding="utf-8"))
    assert journey_schema["$id"] == first.removeprefix(prefix)
    catalog_schema = json.loads((SCHEMAS / "catalog.schema.json").read_text(encoding="utf-8"))
    assert _versioned(catalog_schema["$id"]) == "schemas/catalog.schema.json"


@pytest.mark.parametrize("doc", ["README.md", "docs/format.md"])
def test_docs_name_the_versioned_journey_schema(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert "cjm.dev" not in text, "nothing publishes there"
    urls = URL.finditer(text)
    assert {_versioned(m[0]) for m in urls} == {"schemas/journey.schema.json"}


def test_schemastore_catalog_entry() -> None:
    entry = json.loads((SCHEMAS / "schemastore-catalog-entry.json").read_text(encoding="utf-8"))
    assert set(entry) <= {"name", "description", "fileMatch", "url", "versions"}, "SchemaStore's entry fields"
    assert entry["name"] and entry["description"] and not entry["description"].endswith(".")
    assert entry["fileMatch"] == ["*.journey.yaml", "*.journey.yml"]
    for name in ("onboarding.journey.yaml", "b.journey.yml"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in entry["fileMatch"])
    for name in ("catalog.yaml", "journey.yaml", "a.journey.yaml.bak"):
        assert not any(fnmatch.fnmatch(name, pattern) for pattern in entry["fileMatch"])
    assert _versioned(entry["url"]) == "schemas/journey.schema.json"
    assert entry["versions"][__version__] == entry["url"]
