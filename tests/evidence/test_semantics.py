"""Hand-computed expectations on small logs for every metric and every transition class.

The map (tests/evidence/data/shop.journey.yaml): discover(ads, blog) -> consider(site, hotline) ->
decide (unverifiable) -> buy(checkout, hotline) -> use(app); newsletter is in no stage.
"""

from __future__ import annotations

from pathlib import Path

from tests.evidence.helpers import BANK, at, check_json, funnel, moves, stage, touchpoint, write_log


def test_forward_within_and_end_through_an_unverifiable_stage(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0, 0), "ad_click", "ads"),
        ("c1", at(0, 1), "blog_read", "web"),     # within discover
        ("c1", at(0, 3), "page_view", "web"),     # forward discover -> consider
        ("c1", at(1, 3), "order_placed", "web"),  # forward: decide is unverifiable, so not skipped
        ("c1", at(2, 3), "app_open", "app"),      # forward buy -> use, then end at use
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert moves(report) == {
        ("within_stage", "discover", "discover"): (1, 1),
        ("forward", "discover", "consider"): (1, 1),
        ("forward", "consider", "buy"): (1, 1),
        ("forward", "buy", "use"): (1, 1),
        ("end", "use", None): (1, 1),
    }
    assert report["fitness"] == 1.0 and report["conforming_journeys"] == 1.0
    assert [(s["id"], s["status"], s["reached_journeys"]) for s in report["stages"]] == [
        ("discover", "observed", 1), ("consider", "observed", 1), ("decide", "unverifiable", None),
        ("buy", "observed", 1), ("use", "observed", 1),
    ]  # fmt: skip
    # from the first discover evidence (0h) to consider (3h), buy (27h), use (51h)
    assert funnel(report, "consider")["median_hours_from_previous"] == 3.0
    assert funnel(report, "buy")["median_hours_from_previous"] == 24.0
    assert funnel(report, "discover")["median_hours_from_previous"] is None
    assert [s["id"] for s in report["funnel"]] == ["discover", "consider", "buy", "use"]  # verifiable stages only
    # time in stage: from its first step to the first later step in a later stage
    assert [stage(report, s)["median_hours_in_stage"] for s in ("discover", "consider", "buy", "use")] == [
        3.0, 24.0, 24.0, None]  # fmt: skip
    assert [(stage(report, s)["entered_journeys"], stage(report, s)["continued_journeys"],
             stage(report, s)["ended_journeys"]) for s in ("discover", "consider", "buy", "use")] == [
        (1, 1, 0), (0, 1, 0), (0, 1, 0), (0, 0, 1)]  # fmt: skip
    assert {(e["from"], e["to"]): e["median_hours"] for e in report["edges"]} == {
        ("ads", "blog"): 1.0,
        ("blog", "site"): 2.0,
        ("site", "checkout"): 24.0,
        ("checkout", "app"): 24.0,
    }
    assert report["variants"] == [{"path": ["ads", "blog", "site", "checkout", "app"], "journeys": 1, "cases": 1}]


def test_skip_records_the_skipped_verifiable_stages_and_loop_back(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("c1", at(1), "order_placed", "web"),   # skip discover -> buy
        ("c2", at(0), "page_view", "web"), ("c2", at(1), "app_open", "app"),      # skip consider -> use
        ("c2", at(2), "blog_read", "web"),                                          # loop_back use -> discover
    ])  # fmt: skip
    report = check_json(run_cli, log)
    skips = {(m["from_stage"], m["to_stage"]): m["skipped"] for m in report["transitions"] if m["kind"] == "skip"}
    assert skips == {("discover", "buy"): ["consider"], ("consider", "use"): ["buy"]}
    assert moves(report)[("loop_back", "use", "discover")] == (1, 1)
    assert moves(report)[("end", "discover", None)] == (1, 1)
    assert report["fitness"] == round(2 / 5, 4)  # 2 ends conform; 2 skips and 1 loop-back do not
    assert report["conforming_journeys"] == 0.0
    # consider: skipped by c1 (discover -> buy); journeys past it: c1 (buy) and c2 (use) -> 1/2
    assert stage(report, "consider")["skipped_share"] == 0.5
    assert stage(report, "buy")["skipped_share"] == 1.0  # c2 jumped over buy; c2 is the only one past it


def test_a_repeat_at_a_shared_touchpoint_never_advances(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0, 0), "ad_click", "ads"),
        ("c1", at(0, 1), "call", "phone"),          # hotline {consider, buy} after discover: consider, forward
        ("c1", at(0, 2), "order_placed", "web"),    # checkout: buy, forward (decide is unverifiable)
        ("c2", at(0, 0), "ad_click", "ads"),
        ("c2", at(0, 1), "page_view", "web"),
        ("c2", at(0, 2), "call", "phone"),          # hotline in consider: stays in consider
        ("c2", at(0, 3), "call", "phone"),          # a repeat: the same step, rework, not buy
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert moves(report) == {
        ("forward", "discover", "consider"): (2, 2), ("forward", "consider", "buy"): (1, 1),
        ("within_stage", "consider", "consider"): (1, 1), ("end", "buy", None): (1, 1),
        ("end", "consider", None): (1, 1),
    }  # fmt: skip
    assert stage(report, "consider")["reached_journeys"] == 2
    assert stage(report, "buy")["reached_journeys"] == 1 and stage(report, "buy")["reached_cases"] == 1
    assert stage(report, "consider")["ended_journeys"] == 1 and stage(report, "buy")["ended_journeys"] == 1
    hotline = touchpoint(report, "hotline")
    assert (hotline["rework"], hotline["events"], hotline["cases"]) == (1, 3, 2)
    assert hotline["by_stage"] == [{"stage": "consider", "steps": 2, "journeys": 2, "cases": 2}]
    # the ordered funnel keeps its version 1 rule, under its own name: the repeat counts for buy there
    assert funnel(report, "buy")["journeys"] == 2


def test_interleaved_shared_touchpoints_follow_the_current_stage(run_cli, tmp_path: Path) -> None:
    # bank: aware(ads) -> ask(branch, call-centre) -> compare(app, call-centre) -> sign (unverifiable)
    #       -> open(branch, call-centre, paper without events) -> service(app, complaints)
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0, 0), "ad_view", "ads"),
        ("c1", at(0, 1), "branch_visit", "in-person"),  # first at branch after aware: ask
        ("c1", at(0, 3), "app_open", "app"),            # app {compare, service} after ask: compare
        ("c1", at(0, 6), "branch_visit", "in-person"),  # branch {ask, open} after compare: open (sign unverifiable)
        ("c1", at(0, 7), "call", "phone"),              # call centre in open: stays in open
        ("c1", at(0, 8), "branch_visit", "in-person"),  # and back at the branch: still open
        ("c2", at(0, 0), "branch_visit", "in-person"),  # a journey's first step: the earliest stage, ask
        ("c2", at(0, 1), "branch_visit", "in-person"),  # repeat: the same step
        ("c2", at(0, 2), "call", "phone"),              # ask has the call centre: ask
        ("c2", at(0, 3), "branch_visit", "in-person"),  # ask
        ("c3", at(0, 0), "app_open", "app"),            # enters late, at compare
        ("c3", at(0, 2), "ad_view", "ads"),             # back to aware
        ("c3", at(0, 5), "call", "phone"),              # after aware: the earliest later stage, ask
    ])  # fmt: skip
    report = check_json(run_cli, log, journey=BANK)
    assert moves(report) == {
        ("forward", "aware", "ask"): (2, 2), ("forward", "ask", "compare"): (1, 1),
        ("forward", "compare", "open"): (1, 1), ("within_stage", "open", "open"): (2, 1),
        ("within_stage", "ask", "ask"): (2, 1), ("loop_back", "compare", "aware"): (1, 1),
        ("end", "open", None): (1, 1), ("end", "ask", None): (2, 2),
    }  # fmt: skip
    figures = ("reached_journeys", "entered_journeys", "continued_journeys", "ended_journeys")
    assert {s["id"]: tuple(s[k] for k in figures) for s in report["stages"]} == {
        "aware": (2, 1, 2, 0),
        "ask": (3, 1, 1, 2),
        "compare": (2, 1, 1, 0),
        "sign": (None, None, None, None),
        "open": (1, 0, 0, 1),
        "service": (0, 0, 0, 0),
    }
    # time in stage: aware 1h (c1) and 3h (c3, from 2h to 5h); ask 2h (c1 to compare); compare 3h (c1 to open)
    assert stage(report, "aware")["median_hours_in_stage"] == 2.0
    assert stage(report, "ask")["median_hours_in_stage"] == 2.0
    assert stage(report, "compare")["median_hours_in_stage"] == 3.0
    assert touchpoint(report, "branch")["by_stage"] == [
        {"stage": "ask", "steps": 3, "journeys": 2, "cases": 2},
        {"stage": "open", "steps": 2, "journeys": 1, "cases": 1},
    ]  # fmt: skip


def test_stage_status_comes_from_its_touchpoints_not_from_the_funnel(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_view", "ads"), ("c1", at(1), "app_open", "app"),   # compare, never ask (optional)
        ("c2", at(0), "app_open", "app"), ("c2", at(1), "call", "phone"),    # compare, then call centre: compare
    ])  # fmt: skip
    report = check_json(run_cli, log, journey=BANK)
    status = {s["id"]: (s["status"], s["partly_verifiable"], s["unverifiable_touchpoints"]) for s in report["stages"]}
    assert status == {
        "aware": ("observed", False, []),
        "ask": ("never_observed", False, []),
        "compare": ("observed", False, []),
        "sign": ("unverifiable", False, ["paper"]),
        "open": ("never_observed", True, ["paper"]),
        "service": ("never_observed", False, []),
    }
    assert stage(report, "compare")["reached_journeys"] == 2 and stage(report, "compare")["entered_journeys"] == 1
    # the ordered funnel needs ask before compare: there, compare is reached by no journey
    assert funnel(report, "compare")["journeys"] == 0
    assert next(m for m in report["transitions"] if m["kind"] == "skip")["skipped"] == ["ask"]
    assert stage(report, "ask")["skipped_journeys"] == 1 and stage(report, "ask")["skipped_share"] == 0.5


def test_ties_are_broken_by_stage_order_then_event_name(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "order_placed", "web"),   # same second as the ad: the ad (discover) goes first
        ("c1", at(0), "ad_view", "ads"),
        ("c1", at(0), "ad_click", "ads"),       # same stage: by event name, ad_click before ad_view
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert moves(report) == {("skip", "discover", "buy"): (1, 1), ("end", "buy", None): (1, 1)}
    assert touchpoint(report, "ads")["rework"] == 1
    assert report["variants"][0]["path"] == ["ads", "checkout"]


def test_an_inactivity_gap_splits_journeys(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("c1", at(30), "page_view", "web"),
        ("c1", at(121), "ad_click", "ads"),  # 91 days later: a new journey
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert (report["cases"], report["journeys"]) == (1, 2)
    assert moves(report) == {("forward", "discover", "consider"): (1, 1), ("end", "consider", None): (1, 1),
                             ("end", "discover", None): (1, 1)}  # fmt: skip
    assert check_json(run_cli, log, "--gap-days", "100")["journeys"] == 1


def test_the_funnel_window_counts_from_the_first_stage(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("c1", at(61), "page_view", "web"),  # after the 60-day window
        ("c2", at(0), "ad_click", "ads"), ("c2", at(59), "page_view", "web"),
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert funnel(report, "discover")["journeys"] == 2
    assert funnel(report, "consider")["journeys"] == 1 and funnel(report, "consider")["conversion"] == 0.5
    assert moves(report)[("forward", "discover", "consider")] == (2, 2)  # transitions ignore the window
    assert stage(report, "consider")["reached_journeys"] == 2  # so do the stage figures
    assert funnel(check_json(run_cli, log, "--window-days", "70"), "consider")["journeys"] == 2


def test_the_funnel_is_ordered(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "page_view", "web"), ("c1", at(1), "ad_click", "ads"),  # consider before discover
        ("c2", at(0), "app_open", "app"),                                       # never enters the funnel
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert funnel(report, "discover")["journeys"] == 1 and funnel(report, "discover")["conversion"] == 0.5
    assert funnel(report, "consider")["journeys"] == 0
    # the stage figures count what happened, in any order: c1 entered at consider, went back to discover
    assert stage(report, "consider")["status"] == "observed" and stage(report, "consider")["reached_journeys"] == 1
    assert stage(report, "consider")["entered_journeys"] == 1 and stage(report, "discover")["ended_journeys"] == 1
    assert stage(report, "use")["reached_journeys"] == 1 and stage(report, "use")["entered_journeys"] == 1


def test_unmapped_events_channels_and_touchpoints_outside_flows(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0, 0), "ad_click", "ads"),
        ("c1", at(0, 1), "wishlist_add", "web"),     # unmapped, between discover and consider
        ("c1", at(0, 2), "newsletter_open", "email"),  # matched, but newsletter is in no stage: not a step
        ("c1", at(0, 3), "page_view", "email"),       # site wants channel web: unmapped
        ("c1", at(0, 4), "page_view", "web"),
        ("c2", at(0, 0), "wishlist_add", "web"),     # before any step: between start and discover
        ("c2", at(0, 1), "ad_click", "ads"),
    ])  # fmt: skip
    report = check_json(run_cli, log)
    unmapped = {u["event"]: (u["events"], u["cases"], u["between"]) for u in report["unmapped"]}
    assert unmapped == {"wishlist_add": (2, 2, [None, "discover"]), "page_view": (1, 1, ["discover", "consider"])}
    # wishlist_add's two places tie (one each); the tie goes to the earliest (start first)
    places = next(u["places"] for u in report["unmapped"] if u["event"] == "wishlist_add")
    assert places == [{"between": [None, "discover"], "events": 1, "share": 0.5},
                      {"between": ["discover", "consider"], "events": 1, "share": 0.5}]  # fmt: skip
    message = next(f["message"] for f in report["findings"] if f["ids"] == ["wishlist_add"])
    assert message.endswith("it happens before “Discover” (50%), between “Discover” and “Consider” (50%)")
    assert touchpoint(report, "newsletter")["status"] == "observed" and touchpoint(report, "newsletter")["events"] == 1
    assert moves(report)[("forward", "discover", "consider")] == (1, 1)
    assert touchpoint(report, "site")["channels"] == {"web": 1}
    assert touchpoint(report, "word-of-mouth")["status"] == "unverifiable"
    assert touchpoint(report, "app")["status"] == "never_observed"
    assert (report["events"], report["matched_events"]) == (7, 4)


def test_small_cells_are_suppressed(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("c1", at(1), "page_view", "web"),
        ("c2", at(0), "ad_click", "ads"), ("c2", at(1), "page_view", "web"),
        ("c3", at(0), "ad_click", "ads"), ("c3", at(1), "app_open", "app"),
    ])  # fmt: skip
    report = check_json(run_cli, log, "--min-cases", "2")
    assert touchpoint(report, "ads")["cases"] == 3 and "suppressed" not in touchpoint(report, "ads")
    app = touchpoint(report, "app")
    assert app["suppressed"] is True and app["events"] is None and app["cases"] is None
    skip = next(m for m in report["transitions"] if m["kind"] == "skip")
    assert skip["suppressed"] is True and skip["count"] is None
    assert moves(report)[("forward", "discover", "consider")] == (2, 2)
    assert report["run"]["semantics"]["min_cases"] == 2


def test_rejected_rows_are_counted_not_dropped_silently(run_cli, tmp_path: Path) -> None:
    log = write_log(tmp_path / "a.csv", [
        ("c1", at(0), "ad_click", "ads"), ("", at(1), "page_view", "web"), ("c1", "", "page_view", "web"),
        ("c1", at(2), "", "web"),
    ])  # fmt: skip
    report = check_json(run_cli, log)
    assert report["events"] == 1
    assert report["run"]["input"]["rejected"] == [
        {"file": log, "time_column": "timestamp", "rows": 3, "missing_case": 1, "missing_event": 1, "missing_time": 1}
    ]
    assert any(f["kind"] == "rejected-rows" for f in report["findings"])
