"""`cjm evidence fit`: journeys assigned to the map that explains most of their steps, hand-computed.

Two maps of one workspace share the catalog's ads and hotline. learner: learn (ads, guide) -> ask
(hotline). buyer: see (ads) -> buy (checkout) -> help (hotline). Explained steps (first step, and every
move on to the next stage or within one):
- c1 ad, guide, call: learner 3 (ads, guide within, hotline on); buyer 1 (ads; see -> help jumps) -> learner
- c2 ad, order, call: buyer 3; learner 2 (ads, hotline) -> buyer
- c3 ad: 1 and 1, a tie -> the map named first (learner)
- c4 an event no map knows -> none
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.evidence.helpers import at, write_log

CATALOG = """cjm: 1
kind: catalog
personas:
  - {id: p, name: Customer}
touchpoints:
  - {id: ads, name: Ads, channel: ads, events: ["ad_*"]}
  - {id: hotline, name: Hotline, channel: phone, events: [call]}
"""
LEARNER = """cjm: 1
id: learner
title: Learning first
scope: {persona: p, scenario: Learn before buying}
stages:
  - {id: learn, name: Learn, actions: [{id: see-ad, name: Sees an ad, touchpoints: [ads]},
                                       {id: read, name: Reads the guide, touchpoints: [guide]}]}
  - {id: ask, name: Ask, actions: [{id: call, name: Calls, touchpoints: [hotline]}]}
touchpoints:
  - {id: guide, name: Guide, channel: document, events: [guide_download]}
"""
BUYER = """cjm: 1
id: buyer
title: Buying straight away
scope: {persona: p, scenario: Buy now}
stages:
  - {id: see, name: See, actions: [{id: see-ad, name: Sees an ad, touchpoints: [ads]}]}
  - {id: buy, name: Buy, actions: [{id: order, name: Orders, touchpoints: [checkout]}]}
  - {id: help, name: Help, actions: [{id: call, name: Calls, touchpoints: [hotline]}]}
touchpoints:
  - {id: checkout, name: Checkout, channel: web, events: [order_placed]}
"""
ROWS = [("c1", at(0), "ad_click", "ads"), ("c1", at(1), "guide_download", "web"), ("c1", at(2), "call", "phone"),
        ("c2", at(0), "ad_click", "ads"), ("c2", at(1), "order_placed", "web"), ("c2", at(2), "call", "phone"),
        ("c3", at(0), "ad_click", "ads"), ("c4", at(0), "newsletter_open", "email")]  # fmt: skip


def _workspace(tmp_path: Path) -> tuple[str, str, str]:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "shared.yaml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog/*.yaml"]\n', encoding="utf-8")
    learner, buyer = tmp_path / "learner.journey.yaml", tmp_path / "buyer.journey.yaml"
    learner.write_text(LEARNER, encoding="utf-8")
    buyer.write_text(BUYER, encoding="utf-8")
    return str(learner), str(buyer), write_log(tmp_path / "log.csv", ROWS)


def test_fit_assigns_journeys_and_names_distinguishing_touchpoints(run_cli, tmp_path: Path) -> None:
    learner, buyer, log = _workspace(tmp_path)
    result = run_cli("evidence", "fit", learner, buyer, "--events", log, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["journeys"] == 4
    shares = [(m["id"], m["journeys"], m["share"]) for m in report["maps"]]
    assert shares == [("learner", 2, 0.5), ("buyer", 1, 0.25)]
    assert report["none"] == {"journeys": 1, "share": 0.25}
    marks = {m["id"]: [(d["touchpoint"], d["share_in"], d["share_out"]) for d in m["distinguishing"]]
             for m in report["maps"]}  # fmt: skip
    assert marks["learner"] == [("ads", 1.0, 0.5), ("guide", 0.5, 0.0)]
    # the others of buyer are c1, c3 and c4: two of them saw the ads, one called the hotline
    assert marks["buyer"] == [("checkout", 1.0, 0.0), ("hotline", 1.0, 0.3333), ("ads", 1.0, 0.6667)]
    text = run_cli("evidence", "fit", learner, buyer, "--events", log)
    assert "Learning first (learner): 2 journeys, 50%" in text.stdout
    assert "No map explains 1 journeys (25%)." in text.stdout
    md = run_cli("evidence", "fit", learner, buyer, "--events", log, "--format", "md")
    assert "| Buying straight away | 1 | 25% | Checkout, Hotline, Ads |" in md.stdout


def test_the_order_of_the_maps_breaks_ties(run_cli, tmp_path: Path) -> None:
    learner, buyer, log = _workspace(tmp_path)
    report = json.loads(run_cli("evidence", "fit", buyer, learner, "--events", log, "-F", "json").stdout)
    assert [(m["id"], m["journeys"]) for m in report["maps"]] == [("buyer", 2), ("learner", 1)]


def test_duplicate_maps_are_exit_2(run_cli, tmp_path: Path) -> None:
    learner, _, log = _workspace(tmp_path)
    result = run_cli("evidence", "fit", learner, learner, "--events", log)
    assert result.exit_code == 2 and "has the id 'learner'" in result.stderr and "Traceback" not in result.stderr
    copy = tmp_path / "copy.journey.yaml"
    copy.write_text(LEARNER, encoding="utf-8")
    other = run_cli("evidence", "fit", learner, str(copy), "--events", log)
    assert other.exit_code == 2 and "give each map its own id" in other.stderr
