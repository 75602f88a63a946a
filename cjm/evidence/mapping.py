"""How an event log's columns become events: --columns, --mapping files and presets for CRM exports.

A mapping names, for each source (a file or glob), which column holds the
case id, the time, the event name and optionally the channel and the source
system; a field may also be a constant (``{value: ...}``) or a column whose
values are renamed (``{column: ..., map: {...}}``). One row can yield several
events (``events: [...]``), and a multi-valued id column can be split into one
event per id (``case_separator``). Only the columns named here are read.
``outcomes:`` names outcome classes by event globs or by one column's values.
"""

from __future__ import annotations

import glob as globlib
import os
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from cjm.errors import ConfigError, InputError

if TYPE_CHECKING:
    from cjm.validate.yaml_reader import SourceMap

FORMATS = ("csv", "tsv", "parquet", "json", "jsonl")
ROLES = ("case", "time", "event", "channel", "source", "segment", "score")
DEFAULT_COLUMNS = {"case": "case_id", "time": "timestamp", "event": "event", "channel": "channel"}
TIME_FORMATS = ("auto", "epoch_s", "epoch_ms", "epoch_us")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _column_or(value: Any) -> Any:
    return {"column": value} if isinstance(value, str) else value


class FieldSpec(_Spec):
    """Where one event field comes from: a column (optionally with renamed values) or a constant."""

    column: str | None = Field(None, description="Column name.")
    value: str | None = Field(None, description="A constant for every row.")
    map: dict[str, str] = Field(default_factory=dict, description="Column value -> event value.")
    default: str | None = Field(None, description="Value for column values missing from map (default: kept).")
    optional: bool = Field(False, description="The column may be absent from a file (the field is then empty).")

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' or 'value'")
        if self.value is not None and (self.map or self.default is not None):
            raise ValueError("'map' and 'default' only apply to a 'column'")
        return self


class TimeSpec(_Spec):
    """The time column, its format and the time zone of naive values."""

    column: str = Field(description="Column name.")
    format: str = Field("auto", description="auto (ISO 8601), epoch_s, epoch_ms, epoch_us or a strptime pattern.")
    timezone: str | None = Field(None, description="IANA zone of naive timestamps (default: the mapping's, or UTC).")


Field_ = Annotated[FieldSpec, BeforeValidator(_column_or)]
Time_ = Annotated[TimeSpec, BeforeValidator(_column_or)]


class EmitSpec(_Spec):
    """One event a row yields; fields left out come from the source."""

    event: Field_ | None = None
    time: Time_ | None = None
    channel: Field_ | None = None
    source: Field_ | None = None
    score: Field_ | None = None


class SourceSpec(_Spec):
    """One export: its files and how its columns become events."""

    files: list[str] = Field(default_factory=list, description="Paths or globs (.gz allowed).")
    format: Literal["csv", "tsv", "parquet", "json", "jsonl"] | None = None
    delimiter: str | None = None
    case: Field_
    case_separator: str | None = Field(None, description="Split a multi-valued id column into one event per id.")
    event: Field_ | None = None
    time: Time_ | None = None
    channel: Field_ | None = None
    source: Field_ | None = None
    score: Field_ | None = Field(None, description="The survey answer's score (metrics with events).")
    events: list[EmitSpec] = Field(default_factory=list, description="Several events per row.")
    segment: Field_ | None = Field(None, description="A customer attribute to compare segments by (plan, region).")

    @model_validator(mode="before")
    @classmethod
    def _files_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("files"), str):
            return {**data, "files": [data["files"]]}
        return data

    @model_validator(mode="after")
    def _complete(self) -> SourceSpec:
        for emit in self.emits():
            if emit.event is None or emit.time is None:
                raise ValueError("every event needs an 'event' and a 'time' (at the source or under 'events')")
        return self

    def emits(self) -> list[EmitSpec]:
        """The events one row yields, with the source's fields filled in."""
        base = EmitSpec(event=self.event, time=self.time, channel=self.channel, source=self.source, score=self.score)
        if not self.events:
            return [base]
        return [
            EmitSpec(
                event=e.event or base.event,
                time=e.time or base.time,
                channel=e.channel or base.channel,
                source=e.source or base.source,
                score=e.score or base.score,
            )
            for e in self.events
        ]


class OutcomeColumn(_Spec):
    """An outcome class marked by a column's values (a deal stage, a status) rather than by event names."""

    column: str = Field(description="The column that holds the outcome, e.g. deal_stage.")
    values: list[str] = Field(
        description="The column's values that mark the class, e.g. [Closed Lost, Churned]: exact and case-sensitive, "
        "spaces around a value ignored."
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """Name a wrong key in words; take one value for a list, and numbers as written (a stage numbered 5)."""
        if not isinstance(data, dict):
            return data
        unknown = [str(k) for k in data if k not in ("column", "values")]
        if unknown:
            raise ValueError(f"unknown key '{unknown[0]}': an outcome given by a column has 'column' and "
                             "'values', e.g. {column: deal_stage, values: [Closed Lost]}")  # fmt: skip
        values = data.get("values")
        values = [values] if isinstance(values, str | int | float) and not isinstance(values, bool) else values
        if isinstance(values, list):
            values = [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in values]
        return {**data, "values": values} if "values" in data else data

    @field_validator("column")
    @classmethod
    def _named(cls, column: str) -> str:
        if not column.strip():
            raise ValueError("name the column that holds the outcome, e.g. column: deal_stage")
        return column

    @field_validator("values")
    @classmethod
    def _some_values(cls, values: list[str]) -> list[str]:
        trimmed = [v.strip() for v in values]
        if not trimmed:
            raise ValueError("list at least one value of the column, e.g. values: [Closed Lost]")
        if "" in trimmed:
            raise ValueError("an empty value never marks an outcome (empty cells are no value); remove it")
        return list(dict.fromkeys(trimmed))


def _outcome_form(value: Any) -> str | None:
    """Which form an outcome class is written in: a mapping is a column and its values, a list event globs."""
    if isinstance(value, dict | OutcomeColumn):
        return _COLUMN_FORM
    return _PATTERN_FORM if isinstance(value, list) else None


# Tags of the two forms; they name no key of the file, so error locations leave them out (see _validated).
_PATTERN_FORM, _COLUMN_FORM = "(event patterns)", "(column and values)"
_FORMS = (_PATTERN_FORM, _COLUMN_FORM)
OutcomeForm = Annotated[
    Annotated[list[str], Tag(_PATTERN_FORM)] | Annotated[OutcomeColumn, Tag(_COLUMN_FORM)],
    Discriminator(
        _outcome_form,
        custom_error_type="outcome_form",
        custom_error_message="write event patterns (lost: [churned]) or a column and its values "
        "(lost: {column: deal_stage, values: [Closed Lost]})",
    ),
]


class LogMapping(_Spec):
    """A whole mapping file: a default time zone and one or more sources."""

    timezone: str = Field("UTC", description="IANA zone of naive timestamps.")
    sources: list[SourceSpec] = Field(min_length=1)
    outcomes: dict[str, OutcomeForm] = Field(
        default_factory=dict,
        description="Outcome classes in order of precedence, each marked by event-name globs (lost: [churned]) or "
        "by a column and its values (lost: {column: deal_stage, values: [Closed Lost]}); the two forms may be "
        "mixed, but every class given by a column names the same column, and a value marks one class only.",
    )

    @model_validator(mode="before")
    @classmethod
    def _pattern_lists(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("outcomes"), dict):
            fixed = {k: [v] if isinstance(v, str) else v for k, v in data["outcomes"].items()}
            return {**data, "outcomes": fixed}
        return data

    def outcome_column(self) -> str | None:
        """The column that marks outcome classes by its values, if any class is given that way."""
        return next((f.column for f in self.outcomes.values() if isinstance(f, OutcomeColumn)), None)

    def has_score(self) -> bool:
        """Whether any source gives a score column (survey answers can be measured)."""
        return any(emit.score is not None for source in self.sources for emit in source.emits())


def _hubspot() -> dict[str, Any]:
    return {
        "case": "Associated Contact IDs",
        "case_separator": ";",
        "time": {"column": "Activity date", "format": "epoch_ms"},
        "event": {"column": "Activity type", "map": {"CALL": "call_logged", "EMAIL": "email_sent",
                                                      "MEETING": "meeting_held", "NOTE": "note_added"}},
        "source": {"value": "hubspot"},
    }  # fmt: skip


PRESETS: dict[str, dict[str, Any]] = {
    "hubspot-engagements": _hubspot(),
    "salesforce-task": {
        "case": "WhoId",
        "time": "CreatedDate",
        "event": {"column": "TaskSubtype", "map": {"Call": "call_logged", "Email": "email_sent", "Task": "task_done"}},
        "channel": {"column": "TaskSubtype", "map": {"Call": "phone", "Email": "email"}, "default": "other"},
        "source": {"value": "salesforce"},
    },
    "salesforce-case": {
        "case": "ContactId",
        "channel": {"column": "Origin", "map": {"Phone": "phone", "Email": "email", "Web": "web"}, "default": "other"},
        "source": {"value": "salesforce"},
        "events": [
            {"event": {"value": "case_opened"}, "time": "CreatedDate"},
            {"event": {"value": "case_closed"}, "time": "ClosedDate"},
        ],
    },
    "dynamics-activities": {
        "case": "regardingobjectid",
        "time": "actualstart",
        "event": "activitytypecode",
        "channel": {
            "column": "activitytypecode",
            "map": {"phonecall": "phone", "email": "email", "appointment": "in-person"},
            "default": "other",
        },
        "source": {"value": "dynamics"},
    },
}


def from_columns(files: list[str], columns: str | None) -> LogMapping:
    """A one-source mapping from ``--columns case=contact_id,time=occurred_at,...`` (defaults otherwise)."""
    names = dict(DEFAULT_COLUMNS)
    for part in (columns or "").split(","):
        if not part.strip():
            continue
        role, sep, column = part.partition("=")
        role, column = role.strip(), column.strip()
        if not sep or not column:
            raise ConfigError(f"--columns: '{part}' is not ROLE=COLUMN (e.g. case=contact_id)")
        if role not in ROLES:
            raise ConfigError(f"--columns: unknown role '{role}'; choose from: {', '.join(ROLES)}")
        names[role] = column
    spec: dict[str, Any] = dict(names)
    if "channel=" not in (columns or "").replace(" ", ""):
        spec["channel"] = {"column": names["channel"], "optional": True}  # the default channel column may be absent
    return _validated({"sources": [{"files": files, **spec}]}, "--columns")


def from_preset(name: str, files: list[str]) -> LogMapping:
    """The mapping of a named CRM export preset, applied to ``files``."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset '{name}'; choose from: {', '.join(PRESETS)}")
    return _validated({"sources": [{"files": files, **PRESETS[name]}]}, f"preset {name}")


def load_mapping(path: str, files: list[str], allow_outside: bool = False) -> LogMapping:
    """Read a mapping file; ``files`` from --events apply to sources that name none. Relative globs are
    resolved against the mapping file's folder.

    The file is read like a journey: a regular file, at most the size limit, through cjm's safe YAML
    reader (depth, aliases, language tags), so a hostile mapping file is a located error, never a crash.
    The files it names must stay inside the workspace (``mapping_root``): an absolute path, a '..' or a
    link that leaves it is refused, unless ``allow_outside`` (``--allow-outside``) says otherwise.
    """
    from cjm.discovery import read_limited
    from cjm.validate.loader import decode
    from cjm.validate.yaml_reader import Limits, parse_yaml

    limits = Limits()
    if not Path(path).exists():
        raise InputError(f"{path}: no such mapping file")
    text, problem = decode(read_limited(path, limits.max_bytes, Path(path).resolve().parent), path, limits)
    if text is None:
        raise InputError(f"{path}: {problem.message if problem else 'cannot read'}")
    parsed = parse_yaml(text, path, limits)
    if parsed.diagnostics:
        first = parsed.diagnostics[0]
        raise InputError(f"{path}:{first.span.line}:{first.span.column}: {first.code} {first.message}")
    data = parsed.value
    if not isinstance(data, dict):
        raise InputError(f"{path}: a mapping file is a YAML mapping with 'sources: [...]'")
    sources = data.get("sources")
    if isinstance(sources, list):
        root = None if allow_outside else mapping_root(path)
        fixed = [
            _with_files(source, number, path, files, parsed.source, root) if isinstance(source, dict) else source
            for number, source in enumerate(sources)
        ]
        data = {**data, "sources": fixed}
    return _validated(data, path)


def mapping_root(path: str) -> Path:
    """The workspace a mapping file's sources must stay in.

    The folder of the configuration (cjm.toml, or pyproject.toml with [tool.cjm]) found from the mapping
    file's folder upward; without one, the current folder when the mapping file is below it, else the
    mapping file's own folder.
    """
    from cjm.config import find_config
    from cjm.discovery import within

    folder = Path(os.path.abspath(path)).parent
    found = find_config(folder)
    if found is not None:
        return found[0].parent.resolve()
    cwd = Path.cwd().resolve()
    return cwd if within(str(folder.resolve()), cwd) else folder.resolve()


def _with_files(
    source: dict[str, Any], number: int, path: str, files: list[str], where: SourceMap, root: Path | None
) -> dict[str, Any]:
    """``source`` with its files resolved against the mapping's folder (and checked against ``root``)."""
    named = source.get("files") or []
    single = isinstance(named, str)
    named = [named] if single else named
    if not isinstance(named, list) or not all(isinstance(f, str) and f for f in named):
        raise ConfigError(f"{path}: sources[{number}].files: a file name or glob, or a list of them")
    base = Path(path).parent
    resolved = [str(base / f) if not Path(f).is_absolute() else f for f in named]
    if root is not None:
        for index, (written, full) in enumerate(zip(named, resolved, strict=True)):
            span = where.span(("sources", number, "files") if single else ("sources", number, "files", index))
            _confine(written, full, root, f"{path}:{span.line}:{span.column}")
    return {**source, "files": resolved or list(files)}


def _confine(written: str, full: str, root: Path, located: str) -> None:
    """Refuse a file or glob of a mapping that leaves ``root``, by its text or through a link."""
    from cjm.discovery import within
    from cjm.escape import visible

    advice = f"files of a mapping stay inside the workspace ({root}); pass --allow-outside to read it anyway"
    if not within(os.path.normpath(os.path.abspath(full)), root):
        raise InputError(f"{located}: '{visible(written)}' leaves the workspace: {advice}")
    real_root = os.path.realpath(root)
    matches = globlib.glob(full, recursive=True) if any(ch in full for ch in "*?[") else [full]
    for match in matches:
        if not os.path.lexists(match):
            continue
        shown = visible(os.path.relpath(match, root) if within(os.path.abspath(match), root) else match)
        if not within(os.path.realpath(match), Path(real_root)):
            raise InputError(f"{located}: '{shown}' is a link to a file outside the workspace: {advice}")
        if os.path.exists(match) and not (os.path.isfile(match) or os.path.isdir(match)):
            kind = "is not a regular file (a FIFO, device or socket)"
            raise InputError(f"{located}: '{shown}' {kind}; cjm reads only regular files")


def _validated(data: dict[str, Any], where: str) -> LogMapping:
    try:
        mapping = LogMapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-") and p not in _FORMS)
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{where}: {loc or 'mapping'}: {message}") from None
    zones = {mapping.timezone} | {
        e.time.timezone for s in mapping.sources for e in s.emits() if e.time and e.time.timezone
    }
    for zone in zones:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{where}: unknown time zone '{zone}' (use an IANA name like Europe/Berlin)") from None
    for source in mapping.sources:
        if not source.files:
            raise ConfigError(f"{where}: a source names no files; pass --events FILE or add 'files:'")
    _check_outcome_column(mapping, where)
    return mapping


def _check_outcome_column(mapping: LogMapping, where: str) -> None:
    """Refuse outcome classes given by different columns, or one value marking two classes.

    One column holds the outcome (a deal stage, a status): every row then marks at most one class, and a class
    whose values no row has is certain to be a mistake, not a class hidden behind an earlier one.
    """
    first: tuple[str, str] | None = None  # the first class given by a column, and its column
    taken: dict[str, str] = {}  # value -> the class it marks
    for name, form in mapping.outcomes.items():
        if not isinstance(form, OutcomeColumn):
            continue
        if first is not None and form.column != first[1]:
            raise ConfigError(f"{where}: outcomes.{name}: the column '{form.column}' differs from '{first[1]}' of "
                              f"outcomes.{first[0]}; one column holds the outcome: give each class its values of "
                              "that column, or name events instead")  # fmt: skip
        first = first or (name, form.column)
        for value in form.values:
            if value in taken:
                raise ConfigError(f"{where}: outcomes.{name}: the value '{value}' already marks outcomes."
                                  f"{taken[value]}; a value can mark one outcome only")  # fmt: skip
            taken[value] = name
