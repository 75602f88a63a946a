"""Load a journey or catalog file: bytes -> LoadResult(model | None, diagnostics, source map).

Reading files is the workspace's (``cjm.discovery.read_limited``); completing a
journey with catalog definitions too (``cjm.workspace.Workspace.load``).
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from cjm.diagnostics import Diagnostic, Span, core
from cjm.model import SUPPORTED_VERSIONS, Catalog, Journey
from cjm.validate.references import SharedIds, check_references
from cjm.validate.salvage import Salvaged, SalvagedCatalog, salvage, salvage_catalog
from cjm.validate.schema_messages import data_path, diagnose
from cjm.validate.yaml_reader import UNUSABLE, Limits, Path, SourceMap, parse_yaml, split_lines


@dataclass
class LoadResult:
    """What loading one file gave: the model when valid, every finding, and the positions."""

    path: str
    journey: Journey | None = None
    catalog: Catalog | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: SourceMap = field(default_factory=SourceMap)
    text: str = ""
    # with errors: the parts of the journey that did validate, for the checks that do not need the rest
    salvaged: Salvaged | None = None
    broken: frozenset[Path] = frozenset()  # where the errors are: no lint finding is made at or about them
    catalog_salvage: SalvagedCatalog | None = None  # a catalog with errors: what of it validated, and how

    @property
    def ok(self) -> bool:
        return not self.diagnostics and (self.journey is not None or self.catalog is not None)


def decode(data: bytes, path: str, limits: Limits) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is dropped), or the CJM003/CJM005 finding that says why not."""
    if len(data) > limits.max_bytes:
        return None, core(
            "CJM005",
            path,
            Span(),
            f"the file is {len(data):,} bytes, over the limit of {limits.max_bytes:,}",
            "raise max-bytes under [limits] in cjm.toml if this is intended",
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None, core("CJM003", path, Span(), "the file is UTF-16 or UTF-32, not UTF-8", "save it as UTF-8")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, core(
            "CJM003",
            path,
            Span.point(line, column),
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            "save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        )


def load_bytes(data: bytes, path: str, limits: Limits | None = None, shared: SharedIds | None = None) -> LoadResult:
    """Decode, parse and validate one file's bytes."""
    limits = limits or Limits()
    text, problem = decode(data, path, limits)
    if text is None:
        return LoadResult(path, diagnostics=[problem] if problem else [])
    return load_text(text, path, limits, shared)


def load_text(text: str, path: str, limits: Limits | None = None, shared: SharedIds | None = None) -> LoadResult:
    """Parse and validate one file's text: syntax, version, schema, then ids and references."""
    limits = limits or Limits()
    result = LoadResult(path, text=text)
    parsed = parse_yaml(text, path, limits)
    result.source = parsed.source
    result.diagnostics.extend(parsed.diagnostics)
    if parsed.stopped or parsed.documents > 1:
        return result
    data = parsed.value
    if parsed.documents == 0 or data is None:
        result.diagnostics.append(
            core("CJM003", path, Span(), "the file is empty", "start from 'cjm init' or an example in examples/")
        )
        return result
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "a single value"
        result.diagnostics.append(
            core(
                "CJM003",
                path,
                parsed.source.span(()),
                f"the top level is {what}, not a mapping",
                "a journey file starts with 'cjm: 1' and 'id: ...'",
            )
        )
        return result
    version = None if data.get("cjm") is UNUSABLE else _check_version(data, parsed.source, path)
    if version is not None:
        result.diagnostics.append(version)
        return result
    model: type[BaseModel] = Catalog if data.get("kind") == "catalog" else Journey
    # the value kept for a repeated key may not be the one meant; an unreadable value has its CJM010 already
    broken = set(parsed.duplicates) | set(parsed.unusable)
    schema_errors: set[Path] = set(parsed.unusable)
    try:
        instance = model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        shown = [e for e in errors if not _within_any(data_path(tuple(e["loc"]), data)[0], parsed.unusable)]
        result.diagnostics.extend(diagnose(shown, data, parsed.source, path, model))
        schema_errors |= {data_path(tuple(e["loc"]), data)[0] for e in errors}
        if model is Catalog:  # the entries that validated still serve the journeys
            result.catalog_salvage = salvage_catalog(data)
            result.catalog = result.catalog_salvage.catalog
            return result
        result.salvaged = salvage(data, errors)
        broken |= result.salvaged.broken if result.salvaged else set()
    else:
        if not isinstance(instance, Journey):
            result.catalog = instance  # type: ignore[assignment]
            return result
        result.journey = instance
    # ids and references are read from the plain values, so schema errors elsewhere do not hide them
    for where, finding in check_references(data, parsed.source, path, shared, schema_errors):
        result.diagnostics.append(finding)
        broken.add(where)
    result.broken = frozenset(broken)
    return result


def _within_any(path: Path, roots: Sequence[Path]) -> bool:
    """Whether ``path`` is one of ``roots`` or below one: a schema error there repeats the reader's CJM010."""
    return any(path[: len(root)] == root for root in roots)


def _check_version(data: dict[str, Any], source: SourceMap, path: str) -> Diagnostic | None:
    supported = ", ".join(map(str, SUPPORTED_VERSIONS))
    if "cjm" not in data:
        return core(
            "CJM004",
            path,
            Span.point(1, 1),
            "the file does not say its format version",
            "add 'cjm: 1' as the first line",
        )
    version = data["cjm"]
    if type(version) is not int or version not in SUPPORTED_VERSIONS:
        return core(
            "CJM004",
            path,
            source.span(("cjm",)),
            f"unsupported format version {version!r}; this cjm reads version {supported}",
            f"write 'cjm: {SUPPORTED_VERSIONS[-1]}'" if type(version) is not int else "upgrade cjm to read newer files",
        )
    return None


def source_lines(result: LoadResult, diagnostics: Sequence[Diagnostic]) -> dict[int, str]:
    """The source lines the diagnostics point at, for code frames."""
    if not diagnostics or not result.text:
        return {}
    lines = split_lines(result.text)
    wanted = {d.span.line for d in diagnostics}
    wanted.update(r.span.line for d in diagnostics for r in d.related if r.path == d.path)
    return {n: lines[n - 1] for n in wanted if 0 < n <= len(lines)}
