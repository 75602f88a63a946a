"""`cjm evidence profile`: what an event log holds, before anyone writes a mapping for it.

Columns with their types, fill and distinct counts; for the time column its
range, how many values are date-only (no clock time) and how many do not
parse; for the event column the most frequent events; and how often a
customer has several events at the very same time (ties, which the analysis
breaks by stage order).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cjm.errors import InputError
from cjm.evidence.database import Resources, connect
from cjm.evidence.io import describe, expand, file_format, quote_ident, quote_text
from cjm.evidence.mapping import from_columns

Profile = dict[str, Any]
_TIME_HINTS = ("timestamp", "time", "date", "occurred", "created", "_at")
_DATE_ONLY = r"^\d{4}-\d{2}-\d{2}$"


def profile_log(patterns: list[str], columns: str | None) -> Profile:
    """Profile the files (all of one format, read together by column name)."""
    files = expand(patterns)
    formats = {file_format(f, None) for f in files}
    if len(formats) > 1:
        raise InputError(f"profile one format at a time; these files are {', '.join(sorted(formats))}")
    fmt = formats.pop()
    source = from_columns(files, columns).sources[0]
    with connect(Resources(memory_limit="1GB")) as con:
        kinds: dict[str, str] = {}
        for path in files:
            kinds.update(describe(con, path, fmt, None))
        listed = "[" + ", ".join(quote_text(f) for f in files) + "]"
        if fmt in ("csv", "tsv"):
            delim = quote_text("\t" if fmt == "tsv" else ",")
            scan = f"read_csv({listed}, all_varchar = true, header = true, delim = {delim}, union_by_name = true)"
        elif fmt == "parquet":
            scan = f"read_parquet({listed}, union_by_name = true)"
        else:
            shape = "'newline_delimited'" if fmt == "jsonl" else "'auto'"
            scan = f"read_json({listed}, format = {shape}, union_by_name = true)"
        con.execute(f"CREATE VIEW log AS SELECT * FROM {scan}")
        rows = int(con.execute("SELECT COUNT(*) FROM log").fetchone()[0])  # type: ignore[index]
        out: Profile = {"files": files, "format": fmt, "rows": rows, "columns": []}
        for name, kind in kinds.items():
            ref = quote_ident(name)
            filled, distinct = con.execute(f"SELECT COUNT({ref}), approx_count_distinct({ref}) FROM log").fetchone()  # type: ignore[misc]
            out["columns"].append({"name": name, "type": kind, "filled": int(filled), "distinct": int(distinct)})
        time_col = _pick(source.time.column if source.time else None, kinds, _TIME_HINTS)
        case_col = source.case.column if source.case.column in kinds else None
        event_col = source.event.column if source.event and source.event.column in kinds else None
        if time_col:
            out["time"] = _time(con, time_col, kinds[time_col])
        if event_col:
            ref = quote_ident(event_col)
            top = con.execute(
                f"SELECT CAST({ref} AS VARCHAR), COUNT(*) FROM log GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15"
            ).fetchall()
            out["events"] = {"column": event_col, "top": [{"event": e, "count": int(n)} for e, n in top]}
        if case_col and time_col:
            c, t = quote_ident(case_col), quote_ident(time_col)
            tied, cases = con.execute(
                f"SELECT COALESCE(SUM(n), 0), (SELECT COUNT(DISTINCT {c}) FROM log) FROM "
                f"(SELECT COUNT(*) AS n FROM log GROUP BY {c}, {t} HAVING COUNT(*) > 1)"
            ).fetchone()  # type: ignore[misc]
            out["cases"] = {"column": case_col, "distinct": int(cases)}
            out["ties"] = {"events": int(tied), "share": round(int(tied) / rows, 4) if rows else 0.0}
    return out


def _pick(wanted: str | None, kinds: dict[str, str], hints: tuple[str, ...]) -> str | None:
    if wanted in kinds:
        return wanted
    return next((k for k in kinds if any(h in k.lower() for h in hints)), None)


def _time(con: Any, column: str, kind: str) -> dict[str, Any]:
    ref = quote_ident(column)
    info: dict[str, Any] = {"column": column, "type": kind}
    if kind.upper() in ("VARCHAR", "JSON"):
        text = f"NULLIF(TRIM(CAST({ref} AS VARCHAR)), '')"
        parsed = f"TRY_CAST({text} AS TIMESTAMP)"
        first, last, bad, date_only, numeric = con.execute(
            f"SELECT CAST(MIN({parsed}) AS VARCHAR), CAST(MAX({parsed}) AS VARCHAR), "
            f"COUNT(*) FILTER (WHERE {text} IS NOT NULL AND {parsed} IS NULL), "
            f"COUNT(*) FILTER (WHERE regexp_matches({text}, {quote_text(_DATE_ONLY)})), "
            f"COUNT(*) FILTER (WHERE regexp_matches({text}, '^\\d{{9,16}}$')) FROM log"
        ).fetchone()
        info.update({"min": first, "max": last, "unparseable": int(bad), "date_only": int(date_only)})
        if numeric:
            info["hint"] = f"{numeric} values are plain numbers: epoch time? set format: epoch_ms or epoch_s"
    elif kind.upper().startswith(("TIMESTAMP", "DATE")):
        first, last = con.execute(
            f"SELECT CAST(MIN({ref}) AS VARCHAR), CAST(MAX({ref}) AS VARCHAR) FROM log"
        ).fetchone()
        info.update({"min": first, "max": last, "unparseable": 0,
                     "date_only": len(first or "") == 10})  # fmt: skip
    else:
        info["hint"] = f"type {kind}: epoch time? set format: epoch_ms or epoch_s in a --mapping file"
    return info


def profile_text(profile: Profile) -> str:
    """A plain-text profile."""
    lines = [f"{len(profile['files'])} file(s), {profile['format']}, {profile['rows']:,} rows", "", "columns:"]
    width = max((len(c["name"]) for c in profile["columns"]), default=4)
    for c in profile["columns"]:
        lines.append(f"  {c['name']:<{width}}  {c['type']:<10} filled {c['filled']:>10,}  distinct ~{c['distinct']:,}")
    if "time" in profile:
        t = profile["time"]
        lines += ["", f"time ({t['column']}): {t.get('min')} .. {t.get('max')}"]
        if t.get("unparseable"):
            lines.append(f"  {t['unparseable']:,} values do not parse as ISO 8601 times")
        if t.get("date_only"):
            lines.append(f"  {t['date_only']:,} values are dates without a time: same-day order will be by stage")
        if t.get("hint"):
            lines.append(f"  {t['hint']}")
    if "cases" in profile:
        lines.append(f"cases ({profile['cases']['column']}): {profile['cases']['distinct']:,} distinct")
        lines.append(f"ties: {profile['ties']['events']:,} events share a timestamp with another event of "
                     f"the same case ({100 * profile['ties']['share']:.1f}%)")  # fmt: skip
    if "events" in profile:
        lines += ["", f"top events ({profile['events']['column']}):"]
        lines += [f"  {e['count']:>10,}  {e['event']}" for e in profile["events"]["top"]]
    return "\n".join(lines) + "\n"


def profile_json(profile: Profile) -> str:
    """The profile as JSON."""
    return json.dumps(profile, indent=2, ensure_ascii=False) + "\n"


PROFILE_FORMATS: dict[str, Callable[[Profile], str]] = {"text": profile_text, "json": profile_json}
