"""Ids and references: duplicate ids (CJM020) and references that resolve nowhere (CJM021)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from cjm.diagnostics import Diagnostic, closest, core
from cjm.model import Journey
from cjm.validate.yaml_reader import Path, SourceMap

KINDS = ("persona", "stage", "action", "touchpoint", "backstage", "metric", "pain point", "opportunity")


@dataclass(frozen=True)
class SharedIds:
    """Ids the workspace catalogs declare, with where each is defined ("catalog.yaml:12")."""

    ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> id -> location

    def get(self, kind: str) -> Mapping[str, str]:
        return self.ids.get(kind, {})


def declared_ids(journey: Journey) -> Iterator[tuple[str, str, Path]]:
    """Every (kind, id, path of the id value) the journey declares, in file order."""
    for i, persona in enumerate(journey.personas):
        yield "persona", persona.id, ("personas", i, "id")
    for s, stage in enumerate(journey.stages):
        yield "stage", stage.id, ("stages", s, "id")
        for p, pain in enumerate(stage.pain_points):
            if pain.id:
                yield "pain point", pain.id, ("stages", s, "pain_points", p, "id")
        for o, opp in enumerate(stage.opportunities):
            if opp.id:
                yield "opportunity", opp.id, ("stages", s, "opportunities", o, "id")
        for a, action in enumerate(stage.actions):
            base: Path = ("stages", s, "actions", a)
            yield "action", action.id, (*base, "id")
            for p, pain in enumerate(action.pain_points):
                if pain.id:
                    yield "pain point", pain.id, (*base, "pain_points", p, "id")
            for o, opp in enumerate(action.opportunities):
                if opp.id:
                    yield "opportunity", opp.id, (*base, "opportunities", o, "id")
    for i, tp in enumerate(journey.touchpoints):
        yield "touchpoint", tp.id, ("touchpoints", i, "id")
    for i, bs in enumerate(journey.backstage):
        yield "backstage", bs.id, ("backstage", i, "id")
    for i, metric in enumerate(journey.metrics):
        yield "metric", metric.id, ("metrics", i, "id")


def references(journey: Journey) -> Iterator[tuple[str, str, Path]]:
    """Every (kind referred to, id, path of the reference) in the journey."""
    yield "persona", journey.scope.persona, ("scope", "persona")
    for s, stage in enumerate(journey.stages):
        for o, opp in enumerate(stage.opportunities):
            for k, ref in enumerate(opp.addresses):
                yield "pain point", ref, ("stages", s, "opportunities", o, "addresses", k)
        for a, action in enumerate(stage.actions):
            base: Path = ("stages", s, "actions", a)
            for k, ref in enumerate(action.touchpoints):
                yield "touchpoint", ref, (*base, "touchpoints", k)
            for k, ref in enumerate(action.backstage):
                yield "backstage", ref, (*base, "backstage", k)
            for o, opp in enumerate(action.opportunities):
                for k, ref in enumerate(opp.addresses):
                    yield "pain point", ref, (*base, "opportunities", o, "addresses", k)
    for i, metric in enumerate(journey.metrics):
        if metric.stage:
            yield "stage", metric.stage, ("metrics", i, "stage")


def check_references(
    journey: Journey, source: SourceMap, path: str, shared: SharedIds | None = None
) -> list[Diagnostic]:
    """CJM020 for ids repeated within their kind, CJM021 for references that resolve nowhere."""
    shared = shared or SharedIds()
    out: list[Diagnostic] = []
    local: dict[str, dict[str, Path]] = {kind: {} for kind in KINDS}
    for kind, ident, where in declared_ids(journey):
        first = local[kind].get(ident)
        if first is not None:
            line = source.span(first).line
            out.append(
                core(
                    "CJM020",
                    path,
                    source.span(where),
                    f"duplicate {kind} id '{ident}' (first at line {line})",
                    f"ids must be unique among a journey's {_plural(kind)}: rename one",
                )
            )
        else:
            local[kind][ident] = where
    for kind, ref, where in references(journey):
        if ref in local[kind] or ref in shared.get(kind):
            continue
        label = "backstage process" if kind == "backstage" else kind
        out.append(
            core(
                "CJM021",
                path,
                source.span(where),
                f"unknown {label} '{ref}'",
                _ref_hint(kind, ref, local[kind], shared),
            )
        )
    return out


def _plural(kind: str) -> str:
    return "backstage processes" if kind == "backstage" else f"{kind}s"


def _ref_hint(kind: str, ref: str, local: Mapping[str, Path], shared: SharedIds) -> str:
    best = closest(ref, [*local, *shared.get(kind)])
    if best is not None:
        where = shared.get(kind).get(best) if best not in local else None
        return f"did you mean '{best}'?" + (f" (defined in {where})" if where else "")
    known = sorted({*local, *shared.get(kind)})
    if not known:
        section = "backstage" if kind == "backstage" else _plural(kind).replace(" ", "_")
        return f"no {_plural(kind)} are declared: add '{ref}' under {section}: or in a catalog"
    shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    return f"declared {_plural(kind)}: {shown}"
