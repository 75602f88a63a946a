"""Outcomes given by a column and its values (``outcomes: {lost: {column: deal_stage, values: [...]}}``).

The log is the hand-computed one of test_outcomes.py (lost L1-L4, won W1-W4, none N1-N2, open O1-O2) with a
``deal_stage`` column: "Closed Lost" on the churn rows, "Closed Won" on the order rows, "Open" (or nothing)
elsewhere. Marking the classes by that column must give exactly what marking them by the events gives:
lost 4, won 4, none 2, open 2; the hotline a driver of lost at p = 1/210, q = 2/210; the site's p = 16/210
for won; the checkout after an order not compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence.helpers import SHOP, at, write_log
from tests.evidence.test_outcomes import OUTCOMES, _rows

HEADER = ("case_id", "timestamp", "event", "channel", "deal_stage")
COLUMN_FORM = (
    "  lost: {column: deal_stage, values: [Closed Lost, Churned]}\n  won: {column: deal_stage, values: [Closed Won]}\n"
)


def _stage(event: str) -> str:
    return {"churned": "Closed Lost", "order_placed": "Closed Won"}.get(event, "Open")


def _mapping(tmp_path: Path, log: str, outcomes: str, name: str = "m.yaml") -> str:
    """A one-source mapping of ``log`` with ``outcomes`` (YAML lines under 'outcomes:')."""
    path = tmp_path / name
    path.write_text(
        f"sources:\n  - files: {json.dumps(log)}\n    case: case_id\n    time: timestamp\n    event: event\n"
        f"    channel: channel\noutcomes:\n{outcomes}",
        encoding="utf-8",
    )
    return str(path)


def _check(run_cli, mapping: str, *args: str) -> dict:
    result = run_cli("evidence", "check", SHOP, "--mapping", mapping, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _refused(run_cli, mapping: str, *args: str) -> str:
    result = run_cli("evidence", "check", SHOP, "--mapping", mapping, *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def _classes(report: dict) -> dict[str, tuple[int, int]]:
    return {c["id"]: (c["journeys"], c["cases"]) for c in report["outcomes"]["classes"]}


def _used(drivers: list[dict], outcome: str, touchpoint: str) -> dict:
    """The comparison "used the touchpoint" for one outcome class."""
    feature = {"kind": "touchpoint", "touchpoint": touchpoint}
    return next(d for d in drivers if d["outcome"] == outcome and d["feature"] == feature)


@pytest.fixture
def staged(tmp_path: Path) -> str:
    """The hand-computed log with a deal stage on every row (a blank one on the open customers')."""
    rows = [(*r, "" if r[0].startswith("O") else _stage(r[2])) for r in _rows()]
    return write_log(tmp_path / "staged.csv", rows, HEADER)


def test_the_column_form_gives_what_the_event_form_gives(run_cli, staged: str, tmp_path: Path) -> None:
    by_column = _check(run_cli, _mapping(tmp_path, staged, COLUMN_FORM))
    by_events = _check(run_cli, _mapping(tmp_path, staged, "  lost: [churned]\n  won: order_placed\n", "e.yaml"))
    assert _classes(by_column) == {"lost": (4, 4), "won": (4, 4), "none": (2, 2), "open": (2, 2)}
    column, events = by_column["outcomes"], by_events["outcomes"]
    assert column["drivers"] == events["drivers"] and column["tested"] == events["tested"] == 6
    assert column["finished_journeys"] == events["finished_journeys"] == 10
    assert by_column["at_risk"] == by_events["at_risk"]
    hotline = _used(column["drivers"], "lost", "hotline")
    assert (hotline["with_feature"], hotline["with_feature_in_class"], hotline["without_feature"]) == (4, 4, 6)
    assert hotline["p_value"] == pytest.approx(1 / 210, rel=1e-3)
    assert hotline["q_value"] == pytest.approx(2 / 210, rel=1e-3)
    site = _used(column["drivers"], "won", "site")
    assert site["p_value"] == pytest.approx(16 / 210, rel=1e-3)
    assert not [d for d in column["drivers"] if "checkout" in d["feature"].values()]
    # the classes say what marks them; everything but that is the same
    lost = column["classes"][0]
    assert (lost["events"], lost["column"], lost["values"]) == ([], "deal_stage", ["Closed Lost", "Churned"])
    strip = ("events", "column", "values")
    assert [{k: v for k, v in c.items() if k not in strip} for c in column["classes"]] == [
        {k: v for k, v in c.items() if k not in strip} for c in events["classes"]
    ]
    assert "column" not in column["classes"][2] and "values" not in column["classes"][2]  # none: no marks
    semantics = by_column["run"]["semantics"]["outcomes"]["classes"]
    assert semantics["won"] == {"column": "deal_stage", "values": ["Closed Won"]}
    # the map's figures are those of a run without outcomes, as with events
    plain = _check(run_cli, _mapping(tmp_path, staged, "  {}\n", "plain.yaml"))
    assert by_column["stages"] == plain["stages"] and by_column["transitions"] == plain["transitions"]


def test_same_classes_as_the_outcome_option(run_cli, staged: str, tmp_path: Path) -> None:
    by_column = _check(run_cli, _mapping(tmp_path, staged, COLUMN_FORM))
    result = run_cli("evidence", "check", SHOP, "-e", staged, "--format", "json", *OUTCOMES)
    assert result.exit_code == 0, result.stderr
    assert by_column["outcomes"]["drivers"] == json.loads(result.stdout)["outcomes"]["drivers"]


def test_first_marked_row_decides_and_values_are_trimmed_and_exact(run_cli, tmp_path: Path) -> None:
    # a: won first (the stage reads " Closed Won " with spaces), lost later: won, and only the ad before it counts.
    # b: "closed lost" in lower case is no value of lost: b has no outcome, and went quiet (none).
    # c: lost at its second event.
    rows = [("a", at(0), "ad_click", "ads", "Open"), ("a", at(1), "page_view", "web", " Closed Won "),
            ("a", at(2), "call", "phone", "Closed Lost"),
            ("b", at(0), "ad_click", "ads", "Open"), ("b", at(1), "call", "phone", "closed lost"),
            ("c", at(0), "ad_click", "ads", ""), ("c", at(1), "call", "phone", "Churned"),
            ("z", at(90), "ad_click", "ads", "Open")]  # fmt: skip
    log = write_log(tmp_path / "first.csv", rows, HEADER)
    report = _check(run_cli, _mapping(tmp_path, log, COLUMN_FORM))
    assert _classes(report) == {"lost": (1, 1), "won": (1, 1), "none": (1, 1), "open": (1, 1)}
    # a's call came after its won event, c's call was its lost event: of the three finished journeys only b
    # used the hotline before an outcome; and a's page view was its won event, so no journey used the site
    drivers = report["outcomes"]["drivers"]
    hotline = _used(drivers, "lost", "hotline")
    assert (hotline["with_feature"], hotline["with_feature_in_class"], hotline["without_feature"]) == (1, 0, 2)
    assert not [d for d in drivers if d["feature"].get("touchpoint") == "site"]


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        # the order_placed rows of W1-W4 also read "Closed Lost": named first, the event pattern wins
        ("  won: [order_placed]\n  lost: {column: deal_stage, values: [Closed Lost]}\n", {"won": 4, "lost": 4}),
        # the same row, the column class named first: it wins, and no journey is won any more
        ("  lost: {column: deal_stage, values: [Closed Lost]}\n  won: [order_placed]\n", {"lost": 8, "won": 0}),
    ],
)
def test_an_event_marked_twice_counts_for_the_class_named_first(
    run_cli, tmp_path: Path, outcomes: str, expected: dict[str, int]
) -> None:
    rows = [(*r, "Closed Lost" if r[2] in ("churned", "order_placed") else "Open") for r in _rows()]
    log = write_log(tmp_path / "twice.csv", rows, HEADER)
    report = _check(run_cli, _mapping(tmp_path, log, outcomes))
    assert {k: v[0] for k, v in _classes(report).items() if k in expected} == expected


def test_a_source_without_the_column_marks_no_outcome(run_cli, staged: str, tmp_path: Path) -> None:
    # the web log beside the CRM export has no deal stage: its events are ordinary events
    web = write_log(tmp_path / "web.csv", [("N1", at(5), "page_view", "web"), ("O2", at(81, 0.2), "page_view", "web")])
    mapping = tmp_path / "two.yaml"
    source = "    case: case_id\n    time: timestamp\n    event: event\n    channel: channel\n"
    mapping.write_text(f"sources:\n  - files: {json.dumps(staged)}\n{source}  - files: {json.dumps(web)}\n{source}"
                       f"outcomes:\n{COLUMN_FORM}", encoding="utf-8")  # fmt: skip
    report = _check(run_cli, str(mapping))
    assert _classes(report) == {"lost": (4, 4), "won": (4, 4), "none": (2, 2), "open": (2, 2)}
    assert report["events"] == len(_rows()) + 2


def test_the_column_or_a_value_with_quotes_cannot_break_the_sql(run_cli, tmp_path: Path) -> None:
    odd = 'stage"; DROP TABLE cjm_input; --'
    rows = [("a", at(0), "ad_click", "ads", "x"), ("a", at(1), "call", "phone", "it's 'lost'\\"),
            ("b", at(0), "ad_click", "ads", "x"), ("z", at(90), "ad_click", "ads", "x")]  # fmt: skip
    log = write_log(tmp_path / "odd.csv", rows, (*HEADER[:4], odd))
    outcomes = f"  lost: {{column: {json.dumps(odd)}, values: [{json.dumps(rows[1][4])}]}}\n"
    report = _check(run_cli, _mapping(tmp_path, log, outcomes))
    assert _classes(report)["lost"] == (1, 1)


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        ("  lost: {column: deal_stage, values: []}\n", "m.yaml: outcomes.lost.values: list at least one value"),
        ("  lost: {column: deal_stage, values: ['  ']}\n", "outcomes.lost.values: an empty value never marks"),
        ("  lost: {column: deal_stage, value: [Closed Lost]}\n", "outcomes.lost: unknown key 'value'"),
        ("  lost: {values: [Closed Lost]}\n", "outcomes.lost.column: Field required"),
        ("  lost: 3\n", "outcomes.lost: write event patterns (lost: [churned]) or a column and its values"),
        ("  lost: {column: deal_stage, values: [Closed Lost]}\n  won: {column: stage, values: [Closed Won]}\n",
         "outcomes.won: the column 'stage' differs from 'deal_stage' of outcomes.lost"),
        ("  lost: {column: deal_stage, values: [Closed Lost]}\n  won: {column: deal_stage, values: [Closed Lost]}\n",
         "outcomes.won: the value 'Closed Lost' already marks outcomes.lost"),
        ("  Lost: {column: deal_stage, values: [Closed Lost]}\n", "outcomes: 'Lost' cannot name an outcome"),
    ],
)  # fmt: skip
def test_a_bad_outcome_column_in_the_file_is_exit_2(
    run_cli, staged: str, tmp_path: Path, outcomes: str, message: str
) -> None:
    assert message in _refused(run_cli, _mapping(tmp_path, staged, outcomes))


def test_a_column_no_file_has_is_exit_2(run_cli, staged: str, tmp_path: Path) -> None:
    outcomes = "  lost: {column: deal_stag, values: [Closed Lost]}\n"
    stderr = _refused(run_cli, _mapping(tmp_path, staged, outcomes))
    assert "m.yaml: outcomes.lost: no file of the log has the column 'deal_stag'" in stderr
    assert "did you mean 'deal_stage'?" in stderr and "staged.csv has: case_id, timestamp" in stderr


def test_files_of_one_source_that_disagree_on_the_column_are_exit_2(run_cli, staged: str, tmp_path: Path) -> None:
    later = write_log(tmp_path / "later.csv", [("N1", at(5), "page_view", "web")])  # the stage column renamed away
    mapping = tmp_path / "m.yaml"
    mapping.write_text(f"sources:\n  - files: [{json.dumps(staged)}, {json.dumps(later)}]\n    case: case_id\n"
                       f"    time: timestamp\n    event: event\n    channel: channel\noutcomes:\n{COLUMN_FORM}",
                       encoding="utf-8")  # fmt: skip
    stderr = _refused(run_cli, str(mapping))
    assert "outcomes.lost: " in stderr and "later.csv lacks the column 'deal_stage' that other files" in stderr


def test_a_class_whose_values_no_row_has_is_exit_2(run_cli, staged: str, tmp_path: Path) -> None:
    outcomes = (
        "  lost: {column: deal_stage, values: [Closed Lost]}\n  won: {column: deal_stage, values: [closed won]}\n"
    )
    stderr = _refused(run_cli, _mapping(tmp_path, staged, outcomes))
    assert "m.yaml: outcomes.won: no row of the log has 'closed won' in the column 'deal_stage'" in stderr
    assert "upper and lower case as written" in stderr
    assert "staged.csv has: 'Open', 'Closed Lost', 'Closed Won'" in stderr
    # one value of a class that no row has is fine, as long as another one is there (Churned, here)
    assert _check(run_cli, _mapping(tmp_path, staged, COLUMN_FORM, "ok.yaml"))["outcomes"]


def test_spark_refuses_the_column_form(run_cli, staged: str, tmp_path: Path) -> None:
    stderr = _refused(run_cli, _mapping(tmp_path, staged, COLUMN_FORM), "--engine", "spark")
    assert "outcomes.lost: an outcome given by a column ('deal_stage') is read by the DuckDB engine only" in stderr
    assert "run without --engine spark" in stderr


def test_the_warehouse_script_takes_no_mapping_file(run_cli) -> None:
    # `cjm evidence sql` reads no mapping file, so a column form cannot reach it and be ignored there
    result = run_cli("evidence", "sql", SHOP, "--dialect", "duckdb", "--mapping", "m.yaml")
    assert result.exit_code == 2 and "--mapping" in result.stderr


def test_numbers_and_a_single_value_are_read_as_written() -> None:
    from cjm.evidence.mapping import LogMapping, OutcomeColumn

    source = {"files": ["log.csv"], "case": "case_id", "time": "timestamp", "event": "event"}
    outcomes = {"lost": {"column": "stage", "values": [5, " Closed Lost "]}, "won": {"column": "stage", "values": "6"}}
    mapping = LogMapping.model_validate({"sources": [source], "outcomes": outcomes})
    assert mapping.outcomes["lost"] == OutcomeColumn(column="stage", values=["5", "Closed Lost"])
    assert mapping.outcomes["won"] == OutcomeColumn(column="stage", values=["6"])


def test_the_column_form_gives_the_event_forms_outcome_rates_per_period(run_cli, staged: str, tmp_path: Path) -> None:
    by_column = _check(run_cli, _mapping(tmp_path, staged, COLUMN_FORM), "--by", "week")
    by_events = _check(run_cli, _mapping(tmp_path, staged, "  lost: [churned]\n  won: order_placed\n", "e.yaml"),
                       "--by", "week")  # fmt: skip
    assert by_column["periods"] == by_events["periods"]
    assert any(p.get("outcomes") for p in by_column["periods"]["periods"])
