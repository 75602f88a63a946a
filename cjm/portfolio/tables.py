"""Pain points across journeys by touchpoint and department, and who owns what across journeys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cjm.entities import walk
from cjm.model import SEVERITY_RANK, Journey, PainPoint
from cjm.portfolio import by_title
from cjm.portfolio.backlog import places

NO_TOUCHPOINT = "no touchpoint"
NO_DEPARTMENT = "no department"


@dataclass(frozen=True)
class PainRow:
    """One pain point at one touchpoint for one department (a pain at two touchpoints is two rows)."""

    touchpoint: str
    channel: str
    department: str
    journey_id: str
    journey: str
    stage: str
    action: str  # empty for a stage-wide pain point
    id: str
    text: str
    severity: str
    owner: str
    evidence: str


@dataclass(frozen=True)
class PainGroup:
    """The pain points at one touchpoint (each once), with the departments involved there, most severe first."""

    touchpoint: str
    channel: str
    departments: tuple[str, ...]
    rows: tuple[PainRow, ...]


@dataclass(frozen=True)
class DepartmentPains:
    """How many distinct pain points touch one department, by severity (most severe first)."""

    department: str
    counts: tuple[tuple[str, int], ...]
    touchpoints: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class OwnerRow:
    """What one owner (a team or a person, as written) holds across journeys."""

    owner: str
    journeys: tuple[str, ...]  # titles of the journeys they own
    pain_points: int
    severe: int  # of which high or critical
    opportunities: int
    touchpoints: tuple[str, ...]
    backstage: tuple[str, ...]


def pain_rows(journeys: Sequence[Journey]) -> tuple[PainRow, ...]:
    """Every pain point of every journey, once per (touchpoint, department) of the action that holds it.

    Sorted by touchpoint, department, then most severe first, then journey and file order.
    """
    rows: list[tuple[tuple[object, ...], PainRow]] = []
    for journey in by_title(journeys):
        touchpoints = {t.id: t for t in journey.touchpoints}
        held = places(journey)
        for n, entity in enumerate(walk(journey)):
            if entity.kind != "pain_point" or entity.parent is None:
                continue
            pain: PainPoint = entity.model  # type: ignore[assignment]
            place = held[entity.parent]
            at: list[tuple[str, str, list[str]]] = [
                (
                    touchpoints[r].name,
                    str(touchpoints[r].channel),
                    [journey.department_name(d) for d in touchpoints[r].departments],
                )
                for r in place.touchpoints
                if r in touchpoints
            ] or [(NO_TOUCHPOINT, "", [])]
            for name, channel, departments in at:
                for department in departments or [NO_DEPARTMENT]:
                    row = PainRow(
                        name, channel, department, journey.id, journey.title, place.stage, place.action, pain.id or "",
                        pain.text, pain.severity, pain.owner or "", pain.evidence or "",
                    )  # fmt: skip
                    key = (name == NO_TOUCHPOINT, name.lower(), department == NO_DEPARTMENT, department.lower(),
                           -SEVERITY_RANK[pain.severity], journey.title.lower(), journey.id, n)  # fmt: skip
                    rows.append((key, row))
    return tuple(row for _, row in sorted(rows, key=lambda item: item[0]))


def _pain_key(row: PainRow) -> tuple[str, str, str, str, str]:
    return (row.journey_id, row.stage, row.action, row.id, row.text)


def pain_groups(rows: Sequence[PainRow]) -> tuple[PainGroup, ...]:
    """The rows gathered by touchpoint, each pain point once per touchpoint, in the rows' order."""
    groups: dict[tuple[str, str], tuple[list[str], dict[tuple[str, ...], PainRow]]] = {}
    for row in rows:
        departments, pains = groups.setdefault((row.touchpoint, row.channel), ([], {}))
        if row.department != NO_DEPARTMENT and row.department not in departments:
            departments.append(row.department)
        pains.setdefault(_pain_key(row), row)
    out = []
    for (touchpoint, channel), (departments, pains) in groups.items():
        ordered = sorted(pains.values(), key=lambda r: -SEVERITY_RANK[r.severity])  # stable: rows' order within
        out.append(PainGroup(touchpoint, channel, tuple(departments), tuple(ordered)))
    return tuple(out)


def department_pains(rows: Sequence[PainRow]) -> tuple[DepartmentPains, ...]:
    """Per department (A to Z, "no department" last): its distinct pain points by severity, and where they are."""
    seen: dict[str, dict[tuple[str, ...], str]] = {}
    where: dict[str, list[str]] = {}
    for row in rows:
        seen.setdefault(row.department, {}).setdefault(_pain_key(row), row.severity)
        places = where.setdefault(row.department, [])
        if row.touchpoint != NO_TOUCHPOINT and row.touchpoint not in places:
            places.append(row.touchpoint)
    order = sorted(seen, key=lambda d: (d == NO_DEPARTMENT, d.lower(), d))
    severities = sorted(SEVERITY_RANK, key=lambda s: -SEVERITY_RANK[s])
    return tuple(
        DepartmentPains(
            d,
            tuple((s, n) for s in severities if (n := sum(v == s for v in seen[d].values()))),
            tuple(sorted(where[d], key=str.lower)),
        )
        for d in order
    )


def owner_rows(journeys: Sequence[Journey]) -> tuple[OwnerRow, ...]:
    """Every owner named anywhere (journey, pain point, opportunity, touchpoint, backstage), A to Z."""
    table: dict[str, dict[str, list[str]]] = {}

    def add(owner: str | None, what: str, label: str) -> None:
        if owner and owner.strip():
            table.setdefault(owner.strip(), {}).setdefault(what, []).append(label)

    for journey in by_title(journeys):
        add(journey.owner, "journeys", journey.title)
        for entity in walk(journey):
            model = entity.model
            if entity.kind == "pain_point":
                add(model.owner, "pains", model.severity)  # type: ignore[attr-defined]
            elif entity.kind == "opportunity":
                add(model.owner, "opportunities", model.text)  # type: ignore[attr-defined]
            elif entity.kind in ("touchpoint", "backstage"):
                add(model.owner, entity.kind, model.name)  # type: ignore[attr-defined]
    return tuple(
        OwnerRow(
            owner,
            tuple(dict.fromkeys(held.get("journeys", []))),
            len(held.get("pains", [])),
            sum(SEVERITY_RANK[s] >= SEVERITY_RANK["high"] for s in held.get("pains", [])),
            len(held.get("opportunities", [])),
            tuple(sorted(set(held.get("touchpoint", [])), key=str.lower)),
            tuple(sorted(set(held.get("backstage", [])), key=str.lower)),
        )
        for owner, held in sorted(table.items(), key=lambda item: (item[0].lower(), item[0]))
    )
