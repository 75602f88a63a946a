"""`cjm evidence fit MAP... --events LOG`: which persona's journey do customers actually follow?

Each map is run through the analysis's first statements (events to steps, with each step's stage and move)
on the same log in one DuckDB connection; journeys are split by time alone, so they are the same journeys
for every map. A journey is explained by a map in as many steps as it has there in order (its first step,
and every step that moves on to the next stage or stays within one); it is assigned to the map that
explains most of its steps (ties: the map named first), or to none when no map explains any. Per map: the
journeys and their share, and the touchpoints that distinguish its journeys from the others' (the largest
differences in the share of journeys that use them). Maps of one workspace share catalog touchpoints, so a
touchpoint counts once whichever map matched it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cjm.errors import ConfigError, InputError
from cjm.evidence.analysis import statements
from cjm.evidence.check import CheckOptions, resolve_mapping, validate
from cjm.evidence.database import connect, execute
from cjm.evidence.matching import MapModel
from cjm.evidence.tables import load_parameters, load_table

Report = dict[str, Any]
NO_MAP = -1
SHOWN = 5  # distinguishing touchpoints per map
_UP_TO_STEPS = ("cjm_key_stats", "cjm_cases", "cjm_ord", "cjm_multi_ev", "cjm_ev", "cjm_steps")

_PER_MAP = """
SELECT case_id, journey_no, {m} AS m,
  SUM(CASE WHEN kind IS NULL OR kind IN ('forward', 'within_stage') THEN 1 ELSE 0 END) AS explained,
  COUNT(*) AS steps
FROM cjm_steps GROUP BY case_id, journey_no
"""
_TOUCHPOINTS = """
SELECT DISTINCT s.case_id, s.journey_no, g.gid FROM cjm_steps AS s JOIN cjm_fit_gids AS g ON g.tp = s.tp
"""


@dataclass(frozen=True)
class FitMap:
    """One map of the comparison: where it came from and its model."""

    path: str
    model: MapModel


def load_maps(paths: list[str]) -> list[FitMap]:
    """The maps (valid, catalogs of their workspace applied), each id once."""
    from cjm.workspace import open_workspace

    if not paths:
        raise ConfigError("name the maps to compare: cjm evidence fit MAP1 MAP2 ... --events LOG")
    workspace = open_workspace(paths)
    maps = [FitMap(p, MapModel(workspace.journey(p, ", so it cannot be fitted to events"))) for p in paths]
    seen: dict[str, str] = {}
    for m in maps:
        ident = m.model.journey.id
        if ident in seen:
            raise InputError(f"{m.path}: has the id '{ident}', like {seen[ident]}; each map is compared once "
                             "(name each file once, and give each map its own id)")  # fmt: skip
        seen[ident] = m.path
    return maps


def run_fit(paths: list[str], options: CheckOptions) -> Report:
    """Assign every journey of the log to the map that explains most of its steps; the report."""
    from cjm.evidence.io import load

    validate(options)
    maps = load_maps(paths)
    mapping = resolve_mapping(options)
    names: dict[str, tuple[int, str]] = {}  # touchpoint id -> (global number, name)
    for m in maps:
        for tp in m.model.journey.touchpoints:
            names.setdefault(tp.id, (len(names), tp.name))
    with connect(options.limits) as con:
        stats = load(con, mapping)
        con.execute("CREATE TABLE cjm_fit_all (case_id BIGINT, journey_no BIGINT, m INTEGER, explained BIGINT, "
                    "steps BIGINT)")  # fmt: skip
        con.execute("CREATE TABLE cjm_fit_tps (case_id BIGINT, journey_no BIGINT, gid INTEGER)")
        journeys = 0
        for number, m in enumerate(maps):
            load_parameters(con, m.model, options.settings)
            gids = [(i, names[tp][0]) for i, tp in enumerate(m.model.touchpoints)]
            load_table(con, "cjm_fit_gids", (("tp", "INTEGER"), ("gid", "INTEGER")), gids)
            steps = [s for s in statements(m.model, 1, False) if s.table in _UP_TO_STEPS]
            execute(con, steps, options.progress)
            con.execute(f"INSERT INTO cjm_fit_all {_PER_MAP.format(m=int(number))}")
            con.execute(f"INSERT INTO cjm_fit_tps {_TOUCHPOINTS}")
            if number == 0:
                journeys = int(con.execute("SELECT COALESCE(SUM(is_start), 0) FROM cjm_ev").fetchone()[0])  # type: ignore[index]
            for name in ("cjm_ev", "cjm_steps", "cjm_multi_ev", "cjm_ord"):
                con.execute(f"DROP {'VIEW' if name == 'cjm_ev' else 'TABLE'} IF EXISTS {name}")
        groups, usage = _assign(con)
    return fit_report(maps, names, journeys, groups, usage, stats.files)


def _assign(con: Any) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """Journeys per map (-1: none that explains a step) and journeys per (map, touchpoint)."""
    con.execute("""
        CREATE TABLE cjm_fit AS
        SELECT case_id, journey_no, CASE WHEN explained > 0 THEN m ELSE -1 END AS m FROM (
          SELECT case_id, journey_no, m, explained,
            ROW_NUMBER() OVER (PARTITION BY case_id, journey_no ORDER BY explained DESC, m) AS rn
          FROM cjm_fit_all
        ) AS x WHERE rn = 1
    """)
    groups = {int(m): int(n) for m, n in con.execute("SELECT m, COUNT(*) FROM cjm_fit GROUP BY m").fetchall()}
    rows = con.execute("""
        SELECT f.m, t.gid, COUNT(*) FROM cjm_fit AS f
        JOIN (SELECT DISTINCT case_id, journey_no, gid FROM cjm_fit_tps) AS t
          ON t.case_id = f.case_id AND t.journey_no = f.journey_no
        GROUP BY f.m, t.gid
    """).fetchall()  # a touchpoint two maps share counts once per journey
    usage = {(int(m), int(g)): int(n) for m, g, n in rows}
    return groups, usage


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def fit_report(maps: list[FitMap], names: dict[str, tuple[int, str]], journeys: int, groups: dict[int, int],
               usage: dict[tuple[int, int], int], files: list[str]) -> Report:  # fmt: skip
    """The fit report: per map its journeys, share and distinguishing touchpoints; the share no map explains."""
    assigned = sum(n for m, n in groups.items() if m != NO_MAP)
    none = journeys - assigned
    by_gid = {gid: (ident, name) for ident, (gid, name) in names.items()}
    totals: dict[int, int] = {}
    for (_, gid), n in usage.items():
        totals[gid] = totals.get(gid, 0) + n
    out = []
    for number, m in enumerate(maps):
        size = groups.get(number, 0)
        rest = journeys - size
        marks: list[dict[str, Any]] = []
        for gid, total in totals.items():
            inside = usage.get((number, gid), 0)
            share_in, share_out = _share(inside, size), _share(total - inside, rest)
            if inside and share_in is not None and (share_out is None or share_in > share_out):
                marks.append({"touchpoint": by_gid[gid][0], "name": by_gid[gid][1], "journeys": inside,
                              "share_in": share_in, "share_out": share_out})  # fmt: skip
        marks.sort(key=lambda d: (-(float(d["share_in"]) - float(d["share_out"] or 0)), str(d["touchpoint"])))
        out.append({"id": m.model.journey.id, "title": m.model.journey.title, "file": m.path, "journeys": size,
                    "share": _share(size, journeys), "distinguishing": marks[:SHOWN]})  # fmt: skip
    return {"kind": "fit", "version": 1, "events_files": files, "journeys": journeys, "maps": out,
            "none": {"journeys": none, "share": _share(none, journeys)},
            "rule": "each journey goes to the map that explains most of its steps in order (its first step and "
            "every step on to the next stage or within one; ties: the map named first); none: no map explains a "
            "step"}  # fmt: skip


def _clean(value: object) -> str:
    from cjm.evidence.formats import clean

    return clean(value)


def render_fit_text(report: Report, color: bool = False) -> str:
    """The fit report in plain words: which map's journey customers follow."""
    lines = [f"Which map do the {report['journeys']:,} journeys follow?", ""]
    for m in report["maps"]:
        share = "-" if m["share"] is None else f"{100 * m['share']:.0f}%"
        lines.append(f"{_clean(m['title'])} ({_clean(m['id'])}): {m['journeys']:,} journeys, {share}")
        for d in m["distinguishing"]:
            out = "-" if d["share_out"] is None else f"{100 * d['share_out']:.0f}%"
            lines.append(f"  uses {_clean(d['name'])}: {100 * d['share_in']:.0f}% of these journeys vs {out} of the "
                         "others")  # fmt: skip
    none = report["none"]
    share = "-" if none["share"] is None else f"{100 * none['share']:.0f}%"
    lines += ["", f"No map explains {none['journeys']:,} journeys ({share}).", ""]
    return "\n".join(lines)


def render_fit_markdown(report: Report, color: bool = False) -> str:
    """The fit report as a Markdown table."""

    def cell(value: object) -> str:
        return _clean(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")

    rows = ["| map | journeys | share | distinguishing touchpoints |", "|---|---|---|---|"]
    for m in report["maps"]:
        marks = ", ".join(cell(d["name"]) for d in m["distinguishing"]) or "-"
        share = "-" if m["share"] is None else f"{100 * m['share']:.0f}%"
        rows.append(f"| {cell(m['title'])} | {m['journeys']:,} | {share} | {marks} |")
    none = report["none"]
    share = "-" if none["share"] is None else f"{100 * none['share']:.0f}%"
    rows.append(f"| none | {none['journeys']:,} | {share} | |")
    return "## Which map do the journeys follow?\n\n" + "\n".join(rows) + "\n"


def render_fit_json(report: Report, color: bool = False) -> str:
    """The fit report as JSON."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


FIT_FORMATS = {"text": render_fit_text, "json": render_fit_json, "md": render_fit_markdown}
