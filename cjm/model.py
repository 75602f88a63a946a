"""The journey file format, version 1, as strict pydantic v2 models.

Strict means a YAML bool or number is never silently a string, unknown keys
are errors, and every enum, range and id pattern is checked here. Cross-entity
rules (unique ids, references) live in :mod:`cjm.validate.references`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

SUPPORTED_VERSIONS = (1,)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$"  # BCP 47: a language, then region, script or variant
_SHORT_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(mo|min|s|m|h|d|w|y)\s*")
_ISO_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 2592000, "y": 31536000}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

Channel = Literal[
    "web", "email", "phone", "chat", "social", "ads", "video", "podcast", "document",
    "event", "in-person", "app", "mail", "sms", "community", "partner", "other",
]  # fmt: skip
Severity = Literal["low", "medium", "high", "critical"]
Level = Literal["low", "medium", "high"]
Evidence = Literal["observed", "reported", "assumed"]
StakeholderRole = Literal["process-owner", "technology-owner", "leadership", "end-user", "ux-lead", "other"]
MetricKind = Literal["nps", "ces", "csat", "custom"]
JourneyStatus = Literal["draft", "researched", "validated", "live", "retired"]
JourneyType = Literal["macro", "micro", "blueprint"]

CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
STATUSES: tuple[str, ...] = JourneyStatus.__args__  # type: ignore[attr-defined]
JOURNEY_TYPES: tuple[str, ...] = JourneyType.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, populate_by_name=False, use_attribute_docstrings=False
    )


def _text_or(key: str) -> Any:
    """A before-validator accepting a bare string as ``{key: string}``."""

    def convert(value: Any) -> Any:
        return {key: value} if isinstance(value, str) else value

    return convert


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, _dt.datetime):
        return value.date()
    return value


def duration_seconds(text: str) -> float | None:
    """Seconds in a duration like '30m', '1h30m', '2d' or ISO 8601 'P2DT3H'; None when unreadable."""
    text = text.strip()
    iso = _ISO_DURATION.fullmatch(text)
    if iso and text not in ("P", "PT") and not text.endswith("T"):
        y, mo, w, d, h, mi, sec = (float(g) if g else 0.0 for g in iso.groups())
        return y * 31536000 + mo * 2592000 + w * 604800 + d * 86400 + h * 3600 + mi * 60 + sec
    pos, total = 0, 0.0
    for m in _SHORT_DURATION.finditer(text):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _SECONDS[m.group(2)]
        pos = m.end()
    return total if pos == len(text) and pos else None


def _check_duration(value: str) -> str:
    if duration_seconds(value) is None:
        raise ValueError(f"'{value}' is not a duration: write e.g. '30m', '2h', '1h30m', '2d' or ISO 8601 'P2D'")
    return value


IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date, json_schema_input_type=str)]


class Stakeholder(_Model):
    """Someone who shares ownership of the map."""

    role: StakeholderRole = Field(description="Their part in the journey's change.")
    name: Text = Field(description="Person or team.")


class Expectation(_Model):
    """A quantifiable expectation the persona brings to the journey."""

    text: Text = Field(description="The expectation in the customer's words.")
    metric: str | None = Field(None, description="What measures it (a metric id or a name).")
    target: str | float | None = Field(None, description="The value that meets it, e.g. 5 or '< 5 min'.")


class ResearchSource(_Model):
    """Evidence the map rests on."""

    source: Text = Field(description="e.g. call-center logs, field study, CRM export.")
    date: IsoDate | None = Field(None, description="When it was gathered (YYYY-MM-DD).")
    link: str | None = Field(None, description="Where to find it (http, https or mailto URL, or a path).")


ExpectationItem = Annotated[Expectation, BeforeValidator(_text_or("text"), json_schema_input_type=str | Expectation)]
ResearchItem = Annotated[
    ResearchSource, BeforeValidator(_text_or("source"), json_schema_input_type=str | ResearchSource)
]


class Scope(_Model):
    """What the map covers: whose journey, which process, from where to where."""

    persona: Slug = Field(description="Reference to the persona whose point of view the map takes.")
    scenario: Text = Field(description="The process being mapped.")
    start: Text | None = Field(None, description="Where the journey begins.")
    end: Text | None = Field(None, description="Where the journey ends.")
    goal: Text | None = Field(None, description="What the persona wants to achieve.")
    expectations: list[ExpectationItem] = Field(
        default_factory=list, description="Quantifiable expectations, e.g. time to complete."
    )
    research: list[ResearchItem] = Field(
        default_factory=list, description="Evidence the map rests on: logs, field studies, usability results."
    )


class Persona(_Model):
    """A customer archetype."""

    id: Slug = Field(description="Unique persona id (lowercase, digits, '-').")
    name: Text = Field(description="Display name.")
    role: str | None = Field(None, description="Job title or role.")
    description: str | None = Field(None, description="Who they are.")
    goals: list[str] = Field(default_factory=list, description="What they want.")
    needs: list[str] = Field(default_factory=list, description="What they need from us.")
    frustrations: list[str] = Field(default_factory=list, description="What annoys them.")
    demographics: dict[str, str] = Field(default_factory=dict, description="Free-form facts, text to text.")


class PainPoint(_Model):
    """Something the customer suffers; a bare string is ``{text: string}``."""

    id: Slug | None = Field(None, description="Id, so opportunities can address it and diffs can track it.")
    text: Text = Field(description="The pain in the customer's terms.")
    severity: Severity = Field("medium", description="low, medium, high or critical (default medium).")
    owner: str | None = Field(None, description="Team or person who owns fixing it.")
    evidence: Evidence | None = Field(None, description="observed, reported or assumed.")
    source: str | None = Field(None, description="Where the evidence comes from.")


class Opportunity(_Model):
    """An improvement idea; a bare string is ``{text: string}``."""

    id: Slug | None = Field(None, description="Id, so diffs can track it.")
    text: Text = Field(description="The improvement.")
    impact: Level | None = Field(None, description="low, medium or high.")
    effort: Level | None = Field(None, description="low, medium or high.")
    owner: str | None = Field(None, description="Team or person who owns it.")
    addresses: list[Slug] = Field(default_factory=list, description="Ids of the pain points it addresses.")


class Frontstage(_Model):
    """What staff do in front of the customer during an action (service blueprint); a bare string is text."""

    text: Text = Field(description="What the staff member does, e.g. 'The advisor explains the rate options'.")
    owner: str | None = Field(None, description="Who does it: a role or team, e.g. 'Branch advisor'.")
    department: str | None = Field(None, description="The department that role belongs to, e.g. 'retail-network'.")


PainPointItem = Annotated[PainPoint, BeforeValidator(_text_or("text"), json_schema_input_type=str | PainPoint)]
FrontstageItem = Annotated[Frontstage, BeforeValidator(_text_or("text"), json_schema_input_type=str | Frontstage)]
OpportunityItem = Annotated[Opportunity, BeforeValidator(_text_or("text"), json_schema_input_type=str | Opportunity)]


class Action(_Model):
    """One thing the customer does in a stage."""

    id: Slug = Field(description="Unique among all actions of the journey.")
    name: Text = Field(description="What the customer does.")
    description: str | None = Field(None, description="More detail.")
    actors: list[Text] = Field(
        default_factory=list,
        description="Who takes part, by name, as in a Mermaid task's actors; the map's persona alone when absent.",
    )
    touchpoints: list[Slug] = Field(default_factory=list, description="References to touchpoints where it happens.")
    emotion: int | None = Field(None, ge=-2, le=2, description="-2 very negative, 0 neutral, +2 very positive.")
    feeling: str | None = Field(None, description="One word for the emotion, e.g. 'anxious'.")
    thoughts: list[str] = Field(default_factory=list, description="What the customer thinks or says.")
    pain_points: list[PainPointItem] = Field(default_factory=list, description="What hurts here.")
    opportunities: list[OpportunityItem] = Field(default_factory=list, description="Ideas to improve it.")
    frontstage: list[FrontstageItem] = Field(
        default_factory=list,
        description="What staff do in front of the customer (the advisor, the call-centre agent): text, or "
        "{text, owner, department}. Drawn between the touchpoints and the line of visibility.",
    )
    backstage: list[Slug] = Field(
        default_factory=list, description="References to backstage processes that must run behind it."
    )
    duration: Annotated[str, AfterValidator(_check_duration)] | None = Field(
        None, description="How long it takes, e.g. '30m', '2d', '1h30m' or ISO 8601 'P2D'."
    )
    evidence: Evidence | None = Field(None, description="observed, reported or assumed.")
    source: str | None = Field(None, description="Where the evidence comes from.")
    journey: Slug | None = Field(
        None, description="Id of a nested journey of the workspace that details this action (e.g. a micro journey)."
    )


class Stage(_Model):
    """An ordered phase of the journey."""

    id: Slug = Field(description="Unique among stages.")
    name: Text = Field(description="Display name.")
    description: str | None = Field(None, description="More detail.")
    goal: str | None = Field(None, description="What the customer wants in this stage.")
    actions: list[Action] = Field(default_factory=list, description="What the customer does, in order.")
    pain_points: list[PainPointItem] = Field(default_factory=list, description="Stage-wide pain points.")
    opportunities: list[OpportunityItem] = Field(default_factory=list, description="Stage-wide opportunities.")


class EventPattern(_Model):
    """An event-log pattern whose keys must all match; values are globs."""

    event: Text = Field(description="Event name or glob.")
    channel: str | None = Field(None, description="Channel value or glob.")
    source: str | None = Field(None, description="Source system value or glob.")


EventItem = Annotated[EventPattern, BeforeValidator(_text_or("event"), json_schema_input_type=str | EventPattern)]


class Touchpoint(_Model):
    """A point of contact between the customer and the company."""

    id: Slug = Field(description="Unique touchpoint id.")
    name: Text = Field(description="Display name.")
    channel: Channel = Field(description="The medium of contact.")
    departments: list[str] = Field(default_factory=list, description="Departments involved in it.")
    owner: str | None = Field(None, description="Team or person who owns it.")
    events: list[EventItem] = Field(
        default_factory=list, description="Event names or glob patterns that evidence it in event logs."
    )


class Backstage(_Model):
    """A process behind the line of visibility (service blueprint)."""

    id: Slug = Field(description="Unique backstage process id.")
    name: Text = Field(description="Display name.")
    owner: str | None = Field(None, description="Team or person who runs it.")
    systems: list[str] = Field(default_factory=list, description="Systems it uses, e.g. CRM, ERP.")
    description: str | None = Field(None, description="More detail.")


class NpsResponses(_Model):
    """Raw NPS survey counts."""

    promoters: int = Field(ge=0, description="Respondents scoring 9-10.")
    passives: int = Field(ge=0, description="Respondents scoring 7-8.")
    detractors: int = Field(ge=0, description="Respondents scoring 0-6.")


class CsatResponses(_Model):
    """Raw CSAT survey counts."""

    satisfied: int = Field(ge=0, description="Satisfied respondents.")
    total: int = Field(ge=0, description="All respondents.")


class CesResponses(_Model):
    """Raw CES survey figures."""

    mean: float = Field(ge=1, le=7, description="Mean effort score, 1..7.")
    respondents: int = Field(ge=0, description="Number of respondents.")


Number = Annotated[float, Field(allow_inf_nan=False)]


def metric_range(kind: str, unit: str | None) -> tuple[float, float] | None:
    """The valid value range of a metric kind, or None when any number goes."""
    if kind == "nps":
        return (-100.0, 100.0)
    if kind == "ces":
        return (1.0, 7.0)
    if kind == "csat":
        return (1.0, 5.0) if unit == "score" else (0.0, 100.0)
    return None


def metric_from_responses(kind: str, responses: NpsResponses | CsatResponses | CesResponses) -> float | None:
    """The metric value the raw counts give, or None when there are no respondents."""
    if isinstance(responses, NpsResponses):
        n = responses.promoters + responses.passives + responses.detractors
        return round(100.0 * (responses.promoters - responses.detractors) / n, 1) if n else None
    if isinstance(responses, CsatResponses):
        return round(100.0 * responses.satisfied / responses.total, 1) if responses.total else None
    return round(responses.mean, 2)


_RESPONSES: dict[str, type[_Model]] = {"nps": NpsResponses, "csat": CsatResponses, "ces": CesResponses}


class Metric(_Model):
    """A CX measurement: NPS, CES, CSAT or custom."""

    id: Slug = Field(description="Unique metric id.")
    kind: MetricKind = Field(description="nps, ces, csat or custom.")
    name: str | None = Field(None, description="Display name.")
    stage: Slug | None = Field(None, description="Reference to the stage it measures (whole journey when absent).")
    unit: str | None = Field(None, description="Unit; 'score' makes CSAT a 1..5 score instead of a percentage.")
    target: Number | None = Field(None, description="The value to reach.")
    current: Number | None = Field(None, description="The value measured now.")
    responses: NpsResponses | CsatResponses | CesResponses | None = Field(
        None,
        description="Raw survey counts: {promoters, passives, detractors} for NPS, "
        "{satisfied, total} for CSAT, {mean, respondents} for CES.",
    )
    measured: IsoDate | None = Field(None, description="When it was measured (YYYY-MM-DD).")
    events: list[EventItem] = Field(
        default_factory=list,
        description="Event names or glob patterns of the survey answers in event logs (their score column "
        "measures it, for `cjm evidence`).",
    )

    @field_validator("target", "current")
    @classmethod
    def _in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        kind, unit = info.data.get("kind"), info.data.get("unit")
        bounds = metric_range(kind, unit) if isinstance(kind, str) else None
        if value is not None and bounds and not bounds[0] <= value <= bounds[1]:
            what = f"{kind.upper()}" + (" score" if kind == "csat" and unit == "score" else "")  # type: ignore[union-attr]
            raise ValueError(f"{value:g} is out of range for {what}: {bounds[0]:g}..{bounds[1]:g}")
        return value

    @field_validator("responses", mode="before")
    @classmethod
    def _responses_for_kind(cls, value: Any, info: ValidationInfo) -> Any:
        kind = info.data.get("kind")
        if value is None or not isinstance(value, dict):
            return value
        model = _RESPONSES.get(kind) if isinstance(kind, str) else None
        if model is None:
            raise ValueError(f"responses are only defined for nps, csat and ces metrics, not {kind}")
        return model.model_validate(value)

    @field_validator("responses")
    @classmethod
    def _agrees_with_current(cls, value: Any, info: ValidationInfo) -> Any:
        current, kind = info.data.get("current"), info.data.get("kind")
        if isinstance(value, CsatResponses) and value.satisfied > value.total:
            raise ValueError(f"satisfied ({value.satisfied}) exceeds total ({value.total})")
        if value is None or current is None or not isinstance(kind, str):
            return value
        computed = metric_from_responses(kind, value)
        if computed is not None and abs(computed - current) > 0.5 + 1e-9 * abs(computed):
            raise ValueError(f"current {current:g} disagrees with the responses, which give {computed:g}")
        return value

    @field_validator("events")
    @classmethod
    def _events_need_a_scale(cls, value: list[EventPattern], info: ValidationInfo) -> list[EventPattern]:
        if value and info.data.get("kind") == "custom":
            raise ValueError("survey events measure nps, csat and ces metrics; a custom metric has no scale to "
                             "compute from scores")  # fmt: skip
        return value

    @property
    def value(self) -> float | None:
        """The current value, computed from the raw counts when ``current`` is absent."""
        if self.current is not None:
            return self.current
        return metric_from_responses(self.kind, self.responses) if self.responses else None


class Journey(_Model):
    """One customer journey from one persona's point of view."""

    cjm: Literal[1] = Field(description="Format version; only 1 exists.")
    id: Slug = Field(description="Unique journey id in the workspace.")
    title: Text = Field(description="Human title.")
    lang: Annotated[str, StringConstraints(pattern=LANG_PATTERN)] | None = Field(
        None,
        description="The customer's language, a BCP 47 tag (e.g. 'it', 'en-GB'): the map's labels, durations "
        "and numbers are drawn in it. Default: en.",
    )
    accessible_title: Text | None = Field(
        None,
        description="The title screen readers announce (Mermaid's accTitle) when it differs from the title.",
    )
    description: str | None = Field(None, description="What the map is about.")
    owner: str | None = Field(None, description="Team or person accountable for the map.")
    status: JourneyStatus | None = Field(
        None, description="Where the map stands: draft, researched, validated, live or retired."
    )
    type: JourneyType | None = Field(
        None, description="macro (end to end), micro (one part in detail) or blueprint (service blueprint)."
    )
    lifecycle: list[Slug] = Field(
        default_factory=list, description="Ids of the catalog's lifecycle stages this journey covers."
    )
    tags: list[str] = Field(default_factory=list, description="Free-form tags.")
    stakeholders: list[Stakeholder] = Field(default_factory=list, description="Who shares the map.")
    scope: Scope = Field(description="Whose journey, which process, from where to where.")
    personas: list[Persona] = Field(
        default_factory=list, description="Personas declared here (more can come from the workspace catalog)."
    )
    stages: list[Stage] = Field(min_length=1, description="The journey's phases, in order.")
    touchpoints: list[Touchpoint] = Field(default_factory=list, description="Points of contact actions reference.")
    backstage: list[Backstage] = Field(default_factory=list, description="Processes behind the scenes.")
    metrics: list[Metric] = Field(default_factory=list, description="CX measurements (CES, NPS, CSAT, custom).")

    # Display names of departments from the workspace's catalogs (set by Catalogs.complete), by case-folded id.
    _department_names: dict[str, str] = PrivateAttr(default_factory=dict)

    def department_name(self, department: str) -> str:
        """How the map shows a department: the catalog's display name when it gives one, else as written."""
        return self._department_names.get(department.casefold(), department)

    def with_department_names(self, names: dict[str, str]) -> Journey:
        """This journey showing departments by ``names`` (case-folded id -> display name)."""
        copy = self.model_copy()
        copy._department_names = dict(names)
        return copy

    def actions(self) -> list[tuple[Stage, Action]]:
        """Every action with its stage, in journey order."""
        return [(stage, action) for stage in self.stages for action in stage.actions]


class LifecycleStage(_Model):
    """One stage of the organisation's customer lifecycle, where journeys are placed on the portfolio board."""

    id: Slug = Field(description="Unique lifecycle stage id.")
    name: Text = Field(description="Display name.")
    description: str | None = Field(None, description="What this part of the lifecycle covers.")


class Department(_Model):
    """A department of the organisation, and the name the map shows for it."""

    id: Text = Field(description="How touchpoints and frontstage steps name it, e.g. 'back-office-mutui'.")
    name: Text = Field(description="How the map shows it, e.g. 'Mortgage back office'.")
    description: str | None = Field(None, description="What the department does.")


class Catalog(_Model):
    """Definitions shared by every journey of a workspace."""

    cjm: Literal[1] = Field(description="Format version; only 1 exists.")
    kind: Literal["catalog"] = Field(description="Marks the file as a catalog.")
    personas: list[Persona] = Field(default_factory=list, description="Shared personas.")
    touchpoints: list[Touchpoint] = Field(default_factory=list, description="Shared touchpoints.")
    backstage: list[Backstage] = Field(default_factory=list, description="Shared backstage processes.")
    departments: list[str | Department] = Field(
        default_factory=list,
        description="Departments of the organisation: a name as touchpoints write it, or {id, name} to show "
        "a display name on the map wherever the id is written.",
    )
    lifecycle: list[LifecycleStage] = Field(
        default_factory=list, description="The organisation's customer lifecycle stages, in order."
    )

    def department_ids(self) -> list[str]:
        """The departments as touchpoints name them."""
        return [d if isinstance(d, str) else d.id for d in self.departments]

    def department_names(self) -> dict[str, str]:
        """Display names the catalog gives, by department id (case-folded, as CJM115 compares them)."""
        return {d.id.casefold(): d.name for d in self.departments if isinstance(d, Department)}


def slugify(text: str) -> str:
    """A valid id close to ``text`` ("Guide PDF" -> "guide-pdf")."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return slug or "id"
