"""`cjm render --evidence` with outcomes: driver badges on touchpoints, stage headers and ghost cards.

The badges show exactly the drivers the findings name (no precondition, nothing beyond q 0.05), at most two a
place with a "+N" for the rest, in the map's language, and every name in them escaped.

Two reports: the example's (its CRM export and cancelled contracts: drivers on touchpoints, stages and moves,
and seven preconditions), and the small shop of tests/evidence/test_outcomes.py whose hotline goes with the
loss (×4, used and used again), whose web site goes with it less often (×0.25), whose unmapped "complaint"
goes with it too, and whose `won` comparisons fall short of q 0.05.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cjm.evidence.findings import rank_findings
from cjm.evidence.model import Driver, EvidenceReport
from cjm.render.drivers import SHOWN, placed
from tests.conftest import ROOT, run_cli_inprocess
from tests.evidence.helpers import SHOP, at, write_log
from tests.evidence.test_outcomes import OUTCOMES, _risk_rows

EXAMPLE = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
MAPPING = ROOT / "examples" / "evidence" / "crm-mapping-outcomes.yaml"


def example_report(folder: Path) -> Path:
    """The example's evidence with its outcome `lost`, as evidence.json under ``folder``."""
    done = run_cli_inprocess("evidence", "check", str(EXAMPLE), "--mapping", str(MAPPING), "-F", "json",
                             "-o", str(folder))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    return folder / "evidence.json"


def _shop_report(folder: Path) -> Path:
    rows = _risk_rows() + [(f"L{n}", at(1, 2), "complaint", "crm") for n in range(1, 9)]
    log = write_log(folder / "log.csv", rows)
    done = run_cli_inprocess("evidence", "check", SHOP, "--events", log, *OUTCOMES, "-F", "json", "-o", str(folder))
    assert done.exit_code == 0, done.stderr
    return folder / "evidence.json"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_report(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _shop_report(tmp_path_factory.mktemp("shop"))


def _render(journey: Path | str, evidence: Path, *args: str) -> str:
    drawn = run_cli_inprocess("render", str(journey), "--evidence", str(evidence), *args)
    assert drawn.exit_code == 0, drawn.stderr
    return drawn.stdout


def _key(d: Driver) -> tuple[str, str]:
    return d.outcome, d.feature.model_dump_json()


def _badges(html: str) -> list[tuple[str, str, str]]:
    """(class, title, text) of every driver badge, in page order."""
    return re.findall(r'<span class="(cjm-driver[^"]*)" title="([^"]*)">([^<]*)</span>', html)


@pytest.mark.parametrize("which", ["example", "shop"])
def test_the_badges_show_the_drivers_the_findings_name(which: str, request: pytest.FixtureRequest) -> None:
    report = EvidenceReport.model_validate_json(Path(request.getfixturevalue(which)).read_text(encoding="utf-8"))
    assert report.outcomes is not None
    shown = [d for drivers in placed(report).values() for d in drivers]
    named = report.outcomes.named()
    assert sorted(map(_key, shown)) == sorted(map(_key, named)) and named
    assert len([f for f in rank_findings(report) if f.kind == "outcome-driver"]) == len(named)
    left_out = [d for d in report.outcomes.drivers if not d.driver or d.precondition]
    assert left_out, "the report holds comparisons the badges must leave out"
    assert not {_key(d) for d in left_out} & {_key(d) for d in shown}
    for drivers in placed(report).values():
        assert [(d.q_value, -max(d.lift or 0, 1 / (d.lift or 1))) for d in drivers] == sorted(
            (d.q_value, -max(d.lift or 0, 1 / (d.lift or 1))) for d in drivers
        ), "lowest q first, then the larger effect"


def test_preconditions_and_chance_get_no_badge(example: Path, shop: Path) -> None:
    html = _render(EXAMPLE, example)
    # every lost customer used the contract portal and the mobile app (preconditions): no badge on those chips
    for tp in ("Contract portal", "Technician mobile app", "Onboarding chat"):
        chips = re.findall(rf'<span class="cjm-tp-name">{tp}</span>.*?</li>', html, re.DOTALL)
        assert chips and all("cjm-driver" not in c for c in chips), tp
    assert "reached the stage “Purchase decision”" not in html
    small = _render(SHOP, shop)
    assert [t for _, t, _ in _badges(small) if "“won”" in t] == [], "won's comparisons have q 0.077"


def test_at_most_two_badges_a_place_and_a_count_of_the_rest(example: Path) -> None:
    html = _render(EXAMPLE, example)
    header = re.search(r'id="b2b-fleet-software--stage-active-evaluation".*?</th>', html, re.DOTALL)
    assert header
    badges = _badges(header.group(0))
    assert [text for _, _, text in badges] == ["→ lost ×5.1", "↷ lost ×4.8", "+3"]
    assert badges[0][1] == (
        "Customers who moved on from “Active evaluation” to “Purchase decision” ended as “lost” 5.1 times as "
        "often: 157 of 1,132 (14%) against 3% of the others; associated with, not proof of a cause"
    )
    assert badges[2] == ("cjm-driver cjm-driver-more", "3 more drivers here: the evidence report lists them", "+3")
    for li in re.findall(r"<li class=\"cjm-tp.*?</li>", html, re.DOTALL):
        assert len(_badges(li)) <= SHOWN + 1
    assert "Goes with an outcome: “lost ×3.1”" in html
    assert "Goes with an outcome less often" not in html, "no driver of the example goes with the loss less often"


def test_a_driver_that_goes_with_an_outcome_less_often_is_outlined(shop: Path) -> None:
    html = _render(SHOP, shop)
    site = re.search(r'<span class="cjm-tp-name">Web site</span>.*?</li>', html, re.DOTALL)
    assert site
    assert _badges(site.group(0)) == [("cjm-driver cjm-driver-less", "Customers who used “Web site” ended as “lost” "
                                       "only 0.25 times as often: 2 of 8 (25%) against 100% of the others; associated "
                                       "with, not proof of a cause", "lost ×0.25")]  # fmt: skip
    hotline = re.search(r'<span class="cjm-tp-name">Hotline</span>.*?</li>', html, re.DOTALL)
    assert hotline
    assert [text for _, _, text in _badges(hotline.group(0))] == ["lost ×4", "repeated: lost ×4"]
    ghost = re.search(r'<div class="cjm-card-item cjm-ghost"><span class="cjm-card-text">complaint</span>.*?</div>',
                      html, re.DOTALL)  # fmt: skip
    assert ghost and [text for _, _, text in _badges(ghost.group(0))] == ["lost ×4"]
    assert "Goes with an outcome less often (× under 1)" in html


def test_driver_badges_golden(example: Path, golden: Callable[[str, str], None]) -> None:
    html = _render(EXAMPLE, example)
    parts = [re.search(p, html, re.DOTALL) for p in (
        r'<tr class="cjm-row-stages">.*?</tr>', r'<tr class="cjm-row-touchpoints">.*?</tr>',
        r'<tr class="cjm-row-ghosts">.*?</tr>', r'<ul class="cjm-legend".*?</ul>',
    )]  # fmt: skip
    assert all(parts)
    golden("render/driver-badges.html", "\n".join(p.group(0) for p in parts if p) + "\n")


def test_the_badges_on_an_italian_map_are_in_italian(example: Path) -> None:
    html = _render(EXAMPLE, example, "--lang", "it")
    for italian in ("→ lost ×5,1", "lenti: lost ×5,2", "ripetuto: lost ×1,8", "ancora 3 fattori qui",
                    "I clienti che sono passati da “Active evaluation” a “Purchase decision” sono finiti come "
                    "“lost” 5,1 volte più spesso: 157 su 1.132 (14%) contro il 3% degli altri; un'associazione, non "
                    "la prova di una causa", "hanno usato “Sales call” più volte di seguito",
                    "Associato a un esito: “lost ×3,1”"):  # fmt: skip
        assert italian.replace("'", "&#39;") in html, italian
    for english in ("times as often", "Customers who", "repeated:", "more drivers here", "Goes with an outcome"):
        assert english not in html, english


def test_outcome_and_touchpoint_names_are_escaped(shop: Path, tmp_path: Path) -> None:
    hostile = '<img src=x onerror="alert(1)">'
    data: dict[str, Any] = json.loads(shop.read_text(encoding="utf-8"))
    for d in data["outcomes"]["drivers"]:
        d["outcome"] = hostile
    (tmp_path / "evidence.json").write_text(json.dumps(data), encoding="utf-8")
    journey = tmp_path / "shop.journey.yaml"
    journey.write_text(Path(SHOP).read_text(encoding="utf-8").replace("name: Hotline", "name: \"<b>Hot'line</b>\""),
                       encoding="utf-8")  # fmt: skip
    html = _render(journey, tmp_path / "evidence.json")
    assert hostile not in html and "<b>Hot" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; ×4" in html
    assert "Customers who used “&lt;b&gt;Hot&#39;line&lt;/b&gt;” ended as “&lt;img" in html
