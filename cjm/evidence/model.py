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
    column: str | None = Field(None, description="the column whose values mark the class (mapping files only)")
    values: list[str] | None = Field(None, description="the values of column that mark the class")
    _optional: ClassVar[tuple[str, ...]] = ("column", "values")


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
    precondition: bool = Field(
        description="every journey of the class shows it (reaching the contract before cancelling it): reported, "
        "but neither a finding nor a reason for risk"
    )
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

    def named(self) -> list[Driver]:
        """The drivers the run names, in report order: q under the level and enough journeys of the class
        (``driver``), and not a precondition every journey of the class shows. The findings, the text and
        Markdown reports and the map's badges all read this list, so they cannot disagree."""
        return [d for d in self.drivers if d.driver and not d.precondition]


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


class SurveyFigure(Withheld):
    """A survey metric measured from answers: its value, 95% interval and the counts behind it."""

    value: float | None = Field(description="NPS -100..100, CSAT percent 0..100 or mean 1..5, CES mean 1..7")
    low: float | None = Field(description="the 95% interval's lower bound (null under two responses)")
    high: float | None
    responses: Count = Field(description="answers with a usable score")
    promoters: Count = None
    passives: Count = None
    detractors: Count = None
    satisfied: Count = None
    total: Count = None
    _optional = ("promoters", "passives", "detractors", "satisfied", "total", "suppressed")


class StageSurvey(SurveyFigure):
    """A survey metric measured from the answers given in one stage, beside the map's emotion there."""

    stage: str | None = Field(description="null: answers given before the journey's first step")
    on_emotion_scale: float | None = Field(description="the value on the emotion curve's -2..+2 scale")
    map_emotion: float | None = Field(description="the map's mean emotion of the stage's actions")
    _optional = SurveyFigure._optional


class SurveyMetric(_Part):
    """One metric with survey events, measured from the log's answers."""

    id: str
    name: str | None
    kind: Literal["nps", "csat", "ces"]
    unit: str | None
    stage: str | None = Field(description="the stage the metric measures; null: the whole journey")
    measures: str = Field(description="how the value is computed, in words")
    scale: str = Field(description="the answers the metric accepts, in words")
    answers: int = Field(description="survey events matched, with or without a usable score")
    unusable: int = Field(description="answers whose score is not on the scale: counted, never used or clipped")
    missing_score: int
    unusable_example: str | None = Field(description="the smallest unusable score, to find the rows")
    overall: SurveyFigure
    by_stage: list[StageSurvey]
    measured: SurveyFigure = Field(description="in the metric's stage, or overall")
    current: float | None = Field(description="what the map says (current, or computed from its responses)")
    target: float | None
    current_in_interval: bool | None = Field(description="whether the map's value lies in the measured interval")
    gap_to_target: float | None = Field(description="target - measured")


class Surveys(_Part):
    """Survey metrics measured from a score column (`metrics[].events`)."""

    score_column: bool = Field(description="whether the log mapping names a score column")
    metrics: list[SurveyMetric] = []
    note: str | None = None
    unmeasured: list[str] = Field([], description="metrics with survey events that could not be measured")
    _optional = ("note", "unmeasured")


class PeriodStage(_Part):
    """A stage reached by the journeys that started in one period."""

    reached: int
    share: Share


class PeriodEvent(_Part):
    """An unmapped event in one period."""

    event: str
    events: int
    cases: int


class OutcomeCount(_Part):
    """Journeys of one period with an outcome (the hook for `--outcome`)."""

    count: int
    journeys: int


class PeriodFigures(_Part):
    """One calendar period: journeys that started in it, their stage reach and fitness, and its events."""

    period: str = Field(description="2026-W05, 2026-05 or 2026-Q2")
    start: str = Field(description="the period's first day (UTC)")
    journeys: int
    moves: int
    conformant_moves: int
    fitness: Share
    journeys_with_steps: int
    conforming_journeys: Share
    events: int
    unmapped_events: int
    unmapped_share: Share
    stages: dict[str, PeriodStage]
    unmapped: list[PeriodEvent]
    outcomes: dict[str, OutcomeCount] = {}


class PeriodSurvey(_Part):
    """A survey metric measured from the answers given in one period."""

    period: str
    value: float | None
    low: float | None
    high: float | None
    responses: int
    unusable: int
    se: float | None = Field(description="standard error of the value")
    promoters: int | None = None
    detractors: int | None = None
    satisfied: int | None = None
    _optional = ("promoters", "detractors", "satisfied")


class PeriodChange(_Part):
    """One figure compared between two consecutive periods."""

    figure: Literal["reach", "fitness", "unmapped_share", "outcome", "survey"]
    id: str | None = Field(description="the stage, outcome class or metric")
    from_: str = Field(alias="from")
    to: str
    old: float | None
    new: float | None
    p: float | None = Field(description="two-sided p-value")
    q: float | None = Field(description="Benjamini-Hochberg q-value over all changes of the run")


class Periods(_Part):
    """The journey over time (`--by`)."""

    by: Literal["week", "month", "quarter"]
    periods: list[PeriodFigures]
    surveys: dict[str, list[PeriodSurvey]]
    changes: list[PeriodChange]
    q_level: float

    def beyond_chance(self) -> list[PeriodChange]:
        """The changes the run finds beyond chance (q under ``q_level``): its period findings and map markers."""
        return [c for c in self.changes if c.q is not None and c.q < self.q_level and None not in (c.old, c.new)]


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
    surveys: Surveys | None = Field(None, description="survey metrics measured from the log (metrics[].events)")
    periods: Periods | None = Field(None, description="the journey over time (--by)")
    _optional = ("outcomes", "at_risk", "segments", "surveys", "periods")

    def names(self) -> dict[str, str]:
        """Stage and touchpoint names by id."""
        return {**{t.id: t.name or t.id for t in self.touchpoints}, **{s.id: s.name or s.id for s in self.stages}}

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as written by ``--format json``."""
        return self.model_dump(mode="json", by_alias=True)
