"""Survey metrics measured from an event log: the format, hand-computed NPS/CSAT/CES per stage, bad scores."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.evidence.helpers import DATA, at, check_json, write_log

SURVEY = str(DATA / "survey.journey.yaml")


def test_metric_events_are_in_the_format_and_the_diff(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    before = Path(SURVEY).read_text(encoding="utf-8")
    old, new = tmp_path / "old.journey.yaml", tmp_path / "new.journey.yaml"
    old.write_text(before, encoding="utf-8")
    new.write_text(before.replace("events: [nps_answered]", "events: [nps_answered, nps_web_*]"), encoding="utf-8")
    assert run_cli("validate", str(new)).exit_code == 0
    result = run_cli("diff", str(old), str(new))
    assert result.exit_code == 0, result.stderr
    assert "Events of metric “Recommend (NPS)”" in result.stdout
    assert "nps_web_*" in result.stdout


def _survey_log(path: Path) -> str:
    """A log with survey answers whose figures are computed by hand in the tests below."""
    rows: list[tuple[str, str, str, str, str]] = []
    # 10 customers answer NPS in Consider (after the site): 5 promoters, 3 passives, 2 detractors -> NPS 30
    for i, score in enumerate(["10", "9", "10", "9", "9", "7", "8", "7", "0", "6"]):
        rows += [(f"n{i}", at(i, 0), "ad_click", "ads", ""), (f"n{i}", at(i, 1), "page_view", "web", ""),
                 (f"n{i}", at(i, 2), "nps_answered", "web", score)]  # fmt: skip
    # 10 customers buy and answer CSAT (3 of 10 satisfied: 30%); the first 4 answer NPS in Buy: 9, 9, 10, 2 -> 50
    nps_buy = ["9", "9", "10", "2"]
    for i, score in enumerate(["5", "4", "2", "1", "3", "4", "1", "2", "1", "2"]):
        rows += [
            (f"b{i}", at(i, 0), "ad_click", "ads", ""),
            (f"b{i}", at(i, 1), "page_view", "web", ""),
            (f"b{i}", at(i, 2), "order_placed", "web", ""),
            (f"b{i}", at(i, 3), "csat_answered", "web", score),
        ]
        if i < len(nps_buy):
            rows.append((f"b{i}", at(i, 4), "nps_answered", "web", nps_buy[i]))  # fmt: skip
    # 5 NPS answers in Discover that cannot be used: out of range, not whole, not a number, negative, empty
    for i, score in enumerate(["11", "7.5", "ten", "-1", ""]):
        rows += [(f"x{i}", at(i, 0), "ad_click", "ads", ""), (f"x{i}", at(i, 1), "nps_answered", "web", score)]
    # 5 customers reach Use (the map feels -1 there) and rate the effort by phone: 1, 2, 1, 2, 1 (low effort)
    for i, score in enumerate(["1", "2", "1", "2", "1"]):
        rows += [(f"u{i}", at(i, 0), "ad_click", "ads", ""), (f"u{i}", at(i, 1), "page_view", "web", ""),
                 (f"u{i}", at(i, 2), "order_placed", "web", ""), (f"u{i}", at(i, 3), "app_open", "app", ""),
                 (f"u{i}", at(i, 4), "ces_answered", "phone", score)]  # fmt: skip
    rows.append(("u0", at(0, 5), "ces_answered", "web", "7"))  # the metric's pattern says phone: not its answer
    return write_log(path, rows, ("case_id", "timestamp", "event", "channel", "score"))


def _metric(report: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(m for m in report["surveys"]["metrics"] if m["id"] == ident)


def _by_stage(metric: dict[str, Any], stage: str | None) -> dict[str, Any]:
    return next(e for e in metric["by_stage"] if e["stage"] == stage)


def test_nps_per_stage_and_overall_with_intervals(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    report = check_json(run_cli, _survey_log(tmp_path / "log.csv"), "--columns", "score=score", journey=SURVEY)
    nps = _metric(report, "nps")
    # Consider: p = .5, d = .2, variance .5 + .2 - .3^2 = .61, half = 1.96 * 100 * sqrt(.61 / 10) = 48.4
    consider = _by_stage(nps, "consider")
    assert (consider["value"], consider["low"], consider["high"], consider["responses"]) == (30.0, -18.4, 78.4, 10)
    assert (consider["promoters"], consider["passives"], consider["detractors"]) == (5, 3, 2)
    # Buy: 3 promoters, 1 detractor of 4: 50; variance .75 + .25 - .25 = .75, half 84.9 -> cut at 100
    buy = _by_stage(nps, "buy")
    assert (buy["value"], buy["low"], buy["high"], buy["responses"]) == (50.0, -34.9, 100.0, 4)
    # Overall: 8 promoters, 3 detractors of 14: 35.7; variance 11/14 - (5/14)^2 = .6582, half 42.5
    overall = nps["overall"]
    assert (overall["value"], overall["low"], overall["high"], overall["responses"]) == (35.7, -6.8, 78.2, 14)
    assert nps["measured"] == overall  # the metric names no stage: the whole journey
    # the unusable answers are counted where they were given, never in a figure
    discover = _by_stage(nps, "discover")
    assert discover["responses"] == 0 and discover["value"] is None
    assert (nps["answers"], nps["unusable"], nps["missing_score"]) == (19, 4, 1)
    assert nps["current_in_interval"] is True and nps["gap_to_target"] == 14.3


def test_csat_share_with_wilson_interval_contradicts_current(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    report = check_json(run_cli, _survey_log(tmp_path / "log.csv"), "--columns", "score=score", journey=SURVEY)
    csat = _metric(report, "buy-csat")
    # 3 of 10 satisfied (4 or 5). Wilson: centre (.3 + 1.96^2/20) / (1 + 1.96^2/10) = .3555,
    # half 1.96 * sqrt(.3 * .7 / 10 + 1.96^2 / 400) / 1.384 = .2477 -> 10.8% to 60.3%
    assert csat["measured"] == {"value": 30.0, "low": 10.8, "high": 60.3, "responses": 10, "satisfied": 3,
                                "total": 10}  # fmt: skip
    assert csat["current_in_interval"] is False and csat["gap_to_target"] == 60.0
    messages = [f["message"] for f in report["findings"] if f["kind"] == "metric-contradicted"]
    assert messages == ["the map says “Checkout satisfaction” (CSAT) is 80 in stage “Buy”; the survey answers give "
                        "30 (95% interval 10.8 to 60.3, 10 responses)",
                        "the map says “Effort” (CES) is 3; the survey answers give 1.4 (95% interval 1 to 1.88, "
                        "5 responses)"]  # fmt: skip


def test_ces_mean_interval_and_emotion_contradiction(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    report = check_json(run_cli, _survey_log(tmp_path / "log.csv"), "--columns", "score=score", journey=SURVEY)
    ces = _metric(report, "effort")
    # 1, 2, 1, 2, 1: mean 1.4, sd sqrt(1.2 / 4) = .5477, half 1.96 * .5477 / sqrt(5) = .48 -> 0.92 (cut at 1) to 1.88
    use = _by_stage(ces, "use")
    assert (use["value"], use["low"], use["high"], use["responses"]) == (1.4, 1.0, 1.88, 5)
    assert use["map_emotion"] == -1.0 and use["on_emotion_scale"] == 1.73  # (4 - 1.4) * 2/3
    assert ces["answers"] == 5  # the web answer does not match the metric's channel
    found = [f for f in report["findings"] if f["kind"] == "emotion-contradicted"]
    assert [f["ids"] for f in found] == [["use", "effort"]]
    assert "feeling negative in stage “Use” (mean emotion -1)" in found[0]["message"]
    # survey answers are known to the map, not unmapped; the web CES answer is not one, so its name stays
    assert [u["event"] for u in report["unmapped"]] == ["ces_answered"]
    assert report["unmapped"][0]["events"] == 6  # the name is partly something else: it stays, whole


def test_unusable_scores_are_counted_reported_and_gate(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    report = check_json(run_cli, log, "--columns", "score=score", journey=SURVEY)
    unusable = [f["message"] for f in report["findings"] if f["kind"] == "unusable-scores"]
    assert unusable == ["4 of 19 answers of “Recommend” (NPS) have a score that is not one of the whole numbers 0 "
                        "to 10 (e.g. '-1'); they were not counted"]  # fmt: skip
    assert [f["kind"] for f in report["findings"] if f["kind"] == "missing-scores"] == ["missing-scores"]
    gated = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=score",
                    "--fail-on", "unusable_scores>0")  # fmt: skip
    assert gated.exit_code == 1 and "unusable_scores is 4" in gated.stderr


def test_text_and_markdown_show_the_survey_tables(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    text = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=score")
    assert text.exit_code == 0, text.stderr
    assert "Survey metrics: what the map says, what the answers measure" in text.stdout
    assert "-18.4 to 78.4" in text.stdout
    md = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=score", "-F", "md")
    assert "| Consider | Recommend (NPS) | 30 | -18.4 to 78.4 | 10 | 0.6 | 1 |" in md.stdout


def test_no_score_column_is_a_note_not_an_error(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    report = check_json(run_cli, _survey_log(tmp_path / "log.csv"), journey=SURVEY)
    assert report["surveys"]["score_column"] is False
    assert report["surveys"]["unmeasured"] == ["nps", "buy-csat", "effort"]
    note = next(f for f in report["findings"] if f["kind"] == "survey-not-measured")
    assert "--columns ...,score=COLUMN" in note["message"]


def test_metric_events_matching_nothing_and_a_missing_score_column(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", [("a", at(0), "ad_click", "ads", "")],
                    ("case_id", "timestamp", "event", "channel", "score"))  # fmt: skip
    report = check_json(run_cli, log, "--columns", "score=score", journey=SURVEY)
    unmatched = {f["ids"][0] for f in report["findings"] if f["kind"] == "survey-no-answers"}
    assert unmatched == {"nps", "buy-csat", "effort"}
    missing = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=rating")
    assert missing.exit_code == 2
    assert "column 'rating' is missing" in missing.stderr and "Traceback" not in missing.stderr


def test_existing_figures_do_not_change_with_surveys(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    plain = check_json(run_cli, log, journey=SURVEY)
    measured = check_json(run_cli, log, "--columns", "score=score", journey=SURVEY)
    for key in ("cases", "journeys", "events", "matched_events", "touchpoints", "stages", "funnel", "transitions",
                "fitness", "edges", "variants", "unmapped"):  # fmt: skip
        assert plain[key] == measured[key], key


def test_update_metrics_rewrites_only_the_measured_values(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    original = Path(SURVEY).read_text(encoding="utf-8")
    # a block responses mapping is updated count by count, in place, with its comment
    original = original.replace(
        "    current: 40\n",
        "    current: 40  # from the Q3 workshop\n"
        "    responses:\n      promoters: 6  # typed in\n      passives: 2\n      detractors: 2\n",
    )
    journey = tmp_path / "survey.journey.yaml"
    journey.write_text(original, encoding="utf-8")
    result = run_cli("evidence", "check", str(journey), "--events", log, "--columns", "score=score",
                     "--update-metrics", "-F", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "updated" in result.stderr and "nps: current 40 -> 35.7 (14 responses)" in result.stderr
    expected = original.replace("current: 40  #", "current: 35.7  #").replace("promoters: 6  #", "promoters: 8  #")
    expected = expected.replace("passives: 2\n", "passives: 3\n").replace("detractors: 2\n", "detractors: 3\n")
    expected = expected.replace(
        "target: 90, current: 80, events: [csat_answered]}",
        "target: 90, current: 30, events: [csat_answered], responses: {satisfied: 3, total: 10}}",
    )
    expected = expected.replace("target: 2, current: 3, events: [{event: ces_answered, channel: phone}]}",
                                "target: 2, current: 1.4, events: [{event: ces_answered, channel: phone}], "
                                "responses: {mean: 1.4, respondents: 5}}")  # fmt: skip
    assert journey.read_text(encoding="utf-8") == expected
    assert run_cli("validate", str(journey)).exit_code == 0
    # a second run measures the same: the file stays byte for byte
    again = run_cli("evidence", "check", str(journey), "--events", log, "--columns", "score=score", "--update-metrics")
    assert again.exit_code == 0 and journey.read_text(encoding="utf-8") == expected


def test_update_metrics_adds_a_missing_current_to_a_block_metric(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    original = Path(SURVEY).read_text(encoding="utf-8").replace("    current: 40\n", "")
    journey = tmp_path / "survey.journey.yaml"
    journey.write_text(original, encoding="utf-8")
    result = run_cli("evidence", "check", str(journey), "--events", log, "--columns", "score=score", "--update-metrics")
    assert result.exit_code == 0, result.stderr
    assert (
        "    events: [nps_answered]\n    current: 35.7\n    responses: {promoters: 8, passives: 3, detractors: 3}\n"
        in (journey.read_text(encoding="utf-8"))
    )
    assert "nps: current - -> 35.7" in result.stderr


def test_update_metrics_needs_measured_metrics_and_the_log(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    journey = tmp_path / "survey.journey.yaml"
    journey.write_text(Path(SURVEY).read_text(encoding="utf-8"), encoding="utf-8")
    log = write_log(tmp_path / "log.csv", [("a", at(0), "ad_click", "ads", "")],
                    ("case_id", "timestamp", "event", "channel", "score"))  # fmt: skip
    nothing = run_cli(
        "evidence", "check", str(journey), "--events", log, "--columns", "score=score", "--update-metrics"
    )
    assert nothing.exit_code == 0 and "no metric was measured" in nothing.stderr
    assert journey.read_text(encoding="utf-8") == Path(SURVEY).read_text(encoding="utf-8")
    spark = run_cli("evidence", "check", str(journey), "--aggregates", str(tmp_path), "--update-metrics")
    assert spark.exit_code == 2 and "--update-metrics needs the event log" in spark.stderr


def test_example_with_survey_answers_finds_the_degrading_onboarding_chat(
    run_cli: Callable[..., Any], golden: Callable[[str, str], None]
) -> None:
    root = Path(__file__).resolve().parents[2]
    example = str(root / "examples" / "b2b-fleet-software.journey.yaml")
    mapping = str(root / "examples" / "evidence" / "crm-surveys-mapping.yaml")
    md = run_cli("evidence", "check", example, "--mapping", mapping, "--by", "month", "-F", "md")
    assert md.exit_code == 0, md.stderr
    golden("evidence/example-surveys.md", md.stdout)
    changes = [line for line in md.stdout.splitlines() if "beyond chance" in line and "Onboarding" in line]
    assert changes and "in 2026-01, down from" in changes[0]
    # the CRM export's own figures are what they are without the survey answers
    plain = run_cli("evidence", "check", example, "--mapping", str(Path(mapping).with_name("crm-mapping.yaml")))
    assert "3,000 customers, 3,000 journeys, 37,917 events" in plain.stdout


def test_min_cases_withholds_small_survey_figures(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    report = check_json(run_cli, _survey_log(tmp_path / "log.csv"), "--columns", "score=score", "--min-cases", "5",
                        journey=SURVEY)  # fmt: skip
    buy = _by_stage(_metric(report, "nps"), "buy")  # 4 answers: withheld
    assert buy["suppressed"] is True and buy["value"] is None and buy["responses"] is None
    assert _by_stage(_metric(report, "nps"), "consider")["value"] == 30.0  # 10 answers: shown


def test_update_metrics_keeps_crlf_line_endings(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    original = Path(SURVEY).read_text(encoding="utf-8").replace("    current: 40\n", "").replace("\n", "\r\n")
    journey = tmp_path / "survey.journey.yaml"
    journey.write_bytes(original.encode("utf-8"))
    result = run_cli("evidence", "check", str(journey), "--events", log, "--columns", "score=score", "--update-metrics")
    assert result.exit_code == 0, result.stderr
    data = journey.read_bytes()
    assert b"    events: [nps_answered]\r\n    current: 35.7\r\n    responses: {promoters: 8" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_report_folder_has_the_survey_and_period_tables(run_cli, tmp_path) -> None:
    import csv

    from tests.conftest import ROOT

    out = tmp_path / "out"
    example = ROOT / "examples"
    result = run_cli("evidence", "check", str(example / "b2b-fleet-software.journey.yaml"), "--mapping",
                     str(example / "evidence" / "crm-surveys-mapping.yaml"), "--by", "month", "-o", str(out),
                     "-F", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    surveys = list(csv.DictReader((out / "surveys.csv").open(encoding="utf-8")))
    for metric in report["surveys"]["metrics"]:  # overall, then one row per stage, as in the JSON
        rows = [r for r in surveys if r["metric"] == metric["id"]]
        assert len(rows) == 1 + len(metric["by_stage"])
        assert float(rows[0]["value"]) == metric["overall"]["value"] and rows[0]["stage"] == ""
    periods = list(csv.DictReader((out / "periods.csv").open(encoding="utf-8")))
    first = report["periods"]["periods"][0]
    journeys = next(r for r in periods if r["period"] == first["period"] and r["figure"] == "journeys")
    assert int(journeys["value"]) == first["journeys"]
    assert {r["figure"] for r in periods} >= {"journeys", "fitness", "unmapped_share", "reach", "survey"}
