"""The evidence report as typed values: what `cjm evidence check` writes and everything else reads.

One set of frozen models is built once, after matching and findings, and read
by the text and Markdown reports, the CI gates, the CSV files and the map
overlay of `cjm render --evidence`. Its JSON Schema is exported like the
journey schema (`cjm schema --evidence`, ``schemas/evidence-report.schema.json``),
and a report read back from disk is validated against the same models.

A count is ``None`` (JSON ``null``) when the report withholds it: fewer
customers than ``--min-cases`` (the entry then says ``"suppressed": true``), or a
stage or touchpoint the data cannot verify. Keys that only some entries need
(``suppressed``, ``skipped``, ``keys``) are left out of the JSON when unused.

This module needs only pydantic: the map overlay reads reports without the
evidence engine installed.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializationInfo, SerializerFunctionWrapHandler, model_serializer

VERSION = 2

Count = int | None  # a count; null when withheld (too few customers) or when the data cannot say
Share = float | None  # 0..1, rounded to 4 places; null when there is nothing to divide by
Hours = float | None  # a duration in hours, rounded to 2 places
TouchpointStatus = Literal["observed", "never_observed", "unverifiable"]
MoveKind = Literal["forward", "within_stage", "skip", "loop_back", "end"]


class _Part(BaseModel):
    """A frozen part of the report; ``_optional`` keys come last, and are left out while they hold their default."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    _optional: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _leave_out_unused(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in self._optional:
            field = type(self).model_fields[name]
            key = field.alias if info.by_alias and field.alias else name
            value = data.pop(key, None)
            if getattr(self, name) != field.default:
                data[key] = value
        return data


class Withheld(_Part):
    """An entry whose figures may be withheld for too few customers."""

    suppressed: bool = Field(False, description="true when the figures are withheld: fewer customers than min_cases")
    _optional: ClassVar[tuple[str, ...]] = ("suppressed",)


class RejectedRows(_Part):
    """Rows of one input file that lack a customer id, an event or a time."""

    file: str
    time_column: str | None = None
    rows: int
    missing_case: int
    missing_event: int
    missing_time: int


class RunInput(_Part):
    """What the run read: the log's rows, or a Spark table, or aggregate tables computed elsewhere."""

    rows: int | None = None
    usable_rows: int | None = None
    rejected_rows: int | None = None
    rejected: list[RejectedRows] | None = None
    mapping: dict[str, Any] | None = Field(None, description="the log mapping used, as in a mapping file")
    engine: str | None = None
    spark_remote: str | None = None
    events: str | None = None
    aggregates: str | None = Field(None, description="the folder of aggregate tables the report was built from")
    _optional = ("rows", "usable_rows", "rejected_rows", "rejected", "mapping", "engine", "spark_remote", "events",
                 "aggregates")  # fmt: skip


class Overlap(_Part):
    """An observed event that several touchpoints' patterns match, and the touchpoint that got it."""

    event: str
    channel: str | None
    source: str | None
    events: int
    touchpoints: list[str]
    chosen: str


class MatchedKey(_Part):
    """An observed (event, channel, source) with the touchpoint it matched (``--explain-matching``)."""

    event: str
    channel: str | None
    source: str | None
    events: int
    touchpoint: str | None
    also: list[str]


class Matching(_Part):
    """How events were matched to touchpoints."""

    overlaps: list[Overlap] = []
    keys: list[MatchedKey] | None = None
    _optional = ("keys",)


class Run(_Part):
    """What the run read and which choices it made."""

    cjm: str = Field(description="the version of cjm that made the report")
    map: str = Field(description="the journey id of the map")
    map_sha256: str = Field(description="SHA-256 of the map file's bytes: a report drawn on a changed map says so")
    events_files: list[str]
    semantics: dict[str, Any] = Field(description="every analysis choice, in words and numbers (docs/evidence.md)")
    input: RunInput = RunInput()
    matching: Matching = Matching()


class StageShare(Withheld):
    """A shared touchpoint's figures in one stage."""

    stage: str
    steps: Count
    journeys: Count
    cases: Count


class TouchpointFigures(Withheld):
    """One touchpoint of the map in the data."""

    id: str
    status: TouchpointStatus
    events: Count
    cases: Count = Field(description="customers with at least one of its events")
    channels: dict[str, int] | None = Field(description="events per channel in the data, most first")
    rework: Count = Field(description="steps at the same touchpoint again, right after itself")
    name: str
    declared_channel: str
    stages: list[str]
    by_stage: list[StageShare] | None


class StageFigures(Withheld):
    """One stage of the map in the data (semantics v2: any order)."""

    id: str
    name: str
    status: TouchpointStatus
    partly_verifiable: bool
    unverifiable_touchpoints: list[str]
    reached_journeys: Count = None
    entered_journeys: Count = None
    continued_journeys: Count = None
    ended_journeys: Count = None
    skipped_journeys: Count = None
    reached_cases: Count = None
    median_hours_in_stage: Hours = None
    skipped_share: Share = None


class FunnelStep(Withheld):
    """A stage of the ordered funnel (verifiable stages, in map order, within the window)."""

    id: str
    journeys: Count
    cases: Count
    conversion: Share
    median_hours_from_previous: Hours


class Transition(Withheld):
    """Moves of one kind between two stages."""

    kind: MoveKind
    count: Count
    cases: Count
    from_stage: str | None
    to_stage: str | None
    conformant: bool
    skipped: list[str] | None = Field(None, description="the stages jumped over (kind skip)")
    _optional = ("skipped", "suppressed")


class Edge(Withheld):
    """Moves from one touchpoint to the next."""

    from_: str = Field(alias="from")
    to: str
    count: Count
    cases: Count
    median_hours: Hours


class Variant(Withheld):
    """A path of touchpoints that whole journeys took."""

    path: list[str]
    journeys: Count
    cases: Count


class Place(_Part):
    """Where an unmapped event happens: between two stages (either may be null), with its share."""

    between: list[str | None]
    events: int
    share: Share


class UnmappedEvent(Withheld):
    """An event in the data that no touchpoint of the map matches."""

    event: str
    events: Count
    cases: Count
    between: list[str | None] | None
    places: list[Place] | None


class EvidenceFinding(_Part):
    """What in the report matters, in plain words; ``weight`` (0..1) ranks findings of one severity."""

    severity: Literal["warning", "info"]
    kind: str
    message: str
    ids: list[str]
    weight: float


FeatureKind = Literal["touchpoint", "stage", "ended", "transition", "rework", "slow", "unmapped"]


class OutcomeClassFigures(_Part):
    """An outcome class (or ``none``, ``open``) and the journeys that ended in it."""

    id: str
    journeys: int
    cases: int
    share: Share = Field(description="of the finished journeys (for open: of all journeys)")
    events: list[str] = Field(description="the event-name globs that mark the class")


class DriverFeature(_Part):
    """What a journey did before its outcome; the keys its kind needs."""

    kind: FeatureKind
    touchpoint: str | None = None
    stage: str | None = None
    median_hours: Hours = None
    transition: str | None = None
    from_stage: str | None = None
    to_stage: str | None = None
    event: str | None = None
    _optional = ("touchpoint", "stage", "median_hours", "transition", "from_stage", "to_stage", "event")


class PainPointRef(_Part):
    """A pain point of the map at a driver's touchpoint."""

    id: str | None
    text: str
    severity: str
    stage: str
    action: str


class Driver(_Part):
    """One feature compared for one outcome class against the other finished journeys."""

    outcome: str
    feature: DriverFeature
    label: str = Field(description="the feature in plain words, completing 'customers who ...'")
    with_feature: int
    with_feature_in_class: int
    without_feature: int
    without_feature_in_class: int
    driver: bool = Field(description="q_value < 0.05 and at least min_cases journeys of the class show it")
    test: Literal["fisher", "z"]
    rate_with: float
    rate_without: float
    lift: float | None = Field(description="rate_with / rate_without; null when rate_without is 0")
    difference: float
    p_value: float
    q_value: float
    pain_points: list[PainPointRef]


class Outcomes(_Part):
    """Outcome classes and the features that go with them (``--outcome``)."""

    classes: list[OutcomeClassFigures]
    finished_journeys: int
    as_of: str | None
    active_days: float
    tested: int = Field(description="comparisons made (the q-values correct for all of them)")
    q_level: float
    drivers: list[Driver] = Field(description="up to 200 comparisons, drivers first")


class RiskReason(_Part):
    """A reason open journeys are at risk, and how many show it."""

    reason: str
    journeys: int


class AtRiskRow(_Part):
    """An open journey at risk (only the case id is about the customer)."""

    case_id: str
    journey: int
    current_stage: str | None
    days_in_stage: float | None
    score: int
    reasons: list[str]


class AtRisk(_Part):
    """Open journeys that show what journeys of the loss class showed."""

    outcome: str
    open_journeys: int
    journeys: int
    cases: int
    reasons: list[RiskReason]
    rows: list[AtRiskRow] = Field(description="the first 20 by score; at_risk.csv under -o lists them all")
    truncated: bool
    scoring: str


class SegmentStage(_Part):
    """A stage's figures in one segment."""

    id: str
    reached_journeys: int
    reached_share: Share
    ended_journeys: int


class SegmentPath(_Part):
    """A common path of one segment."""

    path: list[str]
    journeys: int


class OutcomeRate(_Part):
    """An outcome class in one segment: journeys and their share of the segment's finished journeys."""

    journeys: int
    share: Share


class Segment(Withheld):
    """One value of the segment column and its figures (withheld below min_cases customers)."""

    segment: str
    cases: Count
    mixed_cases: int | None = None
    journeys: int | None = None
    fitness: Share = None
    conforming_journeys: Share = None
    stages: list[SegmentStage] | None = None
    paths: list[SegmentPath] | None = None
    outcomes: dict[str, OutcomeRate] | None = None
    open_journeys: int | None = None
    _optional = ("mixed_cases", "journeys", "fitness", "conforming_journeys", "stages", "paths", "outcomes",
                 "open_journeys", "suppressed")  # fmt: skip


class Segments(_Part):
    """The figures per value of a customer attribute (``segment=COLUMN``), side by side."""

    column: str
    values: list[Segment]
    mixed_cases: int = Field(description="customers with several values (each counts in its smallest)")
    top: int = Field(description="segments beyond this many largest are '(other)'")


class EvidenceReport(_Part):
    """A `cjm evidence check` report (JSON version 2: stage semantics v2)."""

    model_config = ConfigDict(title="cjm evidence report")

    version: Literal[2] = Field(description="the report's shape; 2 since stage semantics v2")
    run: Run
    cases: int = Field(description="customers in the data")
    journeys: int
    events: int
    matched_events: int
    touchpoints: list[TouchpointFigures]
    stages: list[StageFigures]
    funnel: list[FunnelStep]
    transitions: list[Transition]
    fitness: Share = Field(description="share of moves that follow the map ('follows the map')")
    conforming_journeys: Share
    edges: list[Edge]
    variants: list[Variant]
    unmapped: list[UnmappedEvent]
    findings: list[EvidenceFinding] = []
    outcomes: Outcomes | None = Field(None, description="with --outcome: classes and drivers")
    at_risk: AtRisk | None = Field(None, description="with --outcome and a loss class: open journeys at risk")
    segments: Segments | None = Field(None, description="with segment=COLUMN: figures per segment")
    _optional = ("outcomes", "at_risk", "segments")

    def names(self) -> dict[str, str]:
        """Stage and touchpoint names by id."""
        return {**{t.id: t.name or t.id for t in self.touchpoints}, **{s.id: s.name or s.id for s in self.stages}}

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as written by ``--format json``."""
        return self.model_dump(mode="json", by_alias=True)
