"""The portfolio across journeys: the backlog's score (hand-computed), pain and owner tables, the board, reports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cjm.model import Journey, LifecycleStage
from cjm.portfolio.backlog import Reach, backlog, pain_points, reach_factor
from cjm.portfolio.board import build_board
from cjm.portfolio.formats import csv_cell
from cjm.portfolio.tables import department_pains, owner_rows, pain_groups, pain_rows
from cjm.validate.loader import load_text
from tests.conftest import ROOT, Result

ALPHA = """cjm: 1
id: alpha
title: Alpha
owner: CX team
lifecycle: [buy]
scope: {persona: p, scenario: s}
personas: [{id: p, name: P}]
stages:
  - id: s1
    name: Stage one
    opportunities:
      - {id: o2, text: Stage-wide idea}
    actions:
      - id: a1
        name: Action one
        touchpoints: [tp1, tp2]
        pain_points:
          - {id: p-crit, text: Crashes, severity: critical, owner: App team}
          - {id: p-low, text: Slow, severity: low}
        opportunities:
          - {id: o1, text: Fix the crash, impact: high, effort: low, owner: App team, addresses: [p-crit, p-low]}
touchpoints:
  - {id: tp1, name: App, channel: app, departments: [product, support], owner: App team}
  - {id: tp2, name: Web, channel: web}
"""

BETA = """cjm: 1
id: beta
title: Beta
owner: App team
lifecycle: [discover, buy]
scope: {persona: p, scenario: s}
personas: [{id: p, name: P}]
stages:
  - id: s1
    name: Only stage
    pain_points:
      - {id: p-high, text: Confusing, severity: high}
    opportunities:
      - {id: o3, text: Explain it, impact: medium, effort: high, addresses: [p-high]}
    actions:
      - {id: b1, name: Does it, journey: alpha}
"""


def journey(text: str) -> Journey:
    result = load_text(text, "test.journey.yaml")
    assert result.journey is not None, result.diagnostics
    return result.journey


EVIDENCE = {"alpha": Reach(200, {"tp1": 50, "tp2": 10}, {"s1": 100})}


def test_the_score_as_computed_by_hand() -> None:
    """o1: pain 4 + 1 = 5, impact 3, effort 1, reach 1 + 50/200 = 1.25 -> 18.75 (the busier touchpoint counts).
    o3: pain 3, impact 2, effort 3, no evidence for Beta -> 2.0.  o2: addresses nothing (1), impact and effort
    medium by default (2 / 2), stage-wide so the stage's reach 1 + 100/200 = 1.5 -> 1.5."""
    ranked = backlog([journey(BETA), journey(ALPHA)], EVIDENCE)
    assert [(o.rank, o.id, o.score) for o in ranked] == [(1, "o1", 18.75), (2, "o3", 2.0), (3, "o2", 1.5)]
    first = ranked[0]
    assert (first.pain, first.impact_points, first.effort_points, first.reached, first.reach) == (5, 3, 1, 50, 1.25)
    assert first.addresses == ("Crashes", "Slow") and first.action == "Action one"
    assert ranked[2].action == "" and ranked[2].reached == 100


def test_without_evidence_reach_is_one() -> None:
    ranked = backlog([journey(ALPHA), journey(BETA)])
    assert [(o.id, o.score, o.reach, o.reached) for o in ranked] == [
        ("o1", 15.0, 1.0, None), ("o3", 2.0, 1.0, None), ("o2", 1.0, 1.0, None),
    ]  # fmt: skip


def test_equal_scores_keep_journey_title_then_file_order() -> None:
    one = ALPHA.replace("impact: high, effort: low", "impact: low, effort: low").replace("[p-crit, p-low]", "[]")
    ranked = backlog([journey(BETA.replace("effort: high", "effort: medium")), journey(one)])
    assert [(o.journey, o.id, o.score) for o in ranked] == [("Beta", "o3", 3.0), ("Alpha", "o2", 1.0),
                                                            ("Alpha", "o1", 1.0)]  # fmt: skip


def test_factors() -> None:
    pains = {p.id: p for p in journey(ALPHA).stages[0].actions[0].pain_points if p.id}
    assert pain_points(["p-crit", "p-crit", "gone"], pains) == 4, "each pain once; unknown ids add nothing"
    assert pain_points([], pains) == 1
    assert reach_factor(["tp1"], "s1", Reach(0)) == (None, 1.0), "no customers: no reach"
    assert reach_factor(["tp9"], "s9", EVIDENCE["alpha"]) == (None, 1.0)
    assert reach_factor(["tp1"], "s1", Reach(40, {"tp1": 50})) == (50, 2.0), "a share above 1 is capped"


def test_pains_by_touchpoint_and_department() -> None:
    rows = pain_rows([journey(ALPHA), journey(BETA)])
    assert [(r.touchpoint, r.department, r.text) for r in rows] == [
        ("App", "product", "Crashes"), ("App", "product", "Slow"),
        ("App", "support", "Crashes"), ("App", "support", "Slow"),
        ("Web", "no department", "Crashes"), ("Web", "no department", "Slow"),
        ("no touchpoint", "no department", "Confusing"),
    ]  # fmt: skip
    groups = pain_groups(rows)
    assert [(g.touchpoint, g.departments, [r.text for r in g.rows]) for g in groups] == [
        ("App", ("product", "support"), ["Crashes", "Slow"]),
        ("Web", (), ["Crashes", "Slow"]),
        ("no touchpoint", (), ["Confusing"]),
    ]
    departments = department_pains(rows)
    assert [(d.department, d.counts, d.touchpoints) for d in departments] == [
        ("product", (("critical", 1), ("low", 1)), ("App",)),
        ("support", (("critical", 1), ("low", 1)), ("App",)),
        ("no department", (("critical", 1), ("high", 1), ("low", 1)), ("Web",)),
    ]


def test_owners_across_journeys() -> None:
    rows = owner_rows([journey(ALPHA), journey(BETA)])
    assert [(o.owner, o.journeys, o.pain_points, o.severe, o.opportunities, o.touchpoints) for o in rows] == [
        ("App team", ("Beta",), 1, 1, 1, ("App",)),
        ("CX team", ("Alpha",), 0, 0, 0, ()),
    ]


def test_the_board_places_journeys_and_finds_blind_spots_and_nesting() -> None:
    stages = [LifecycleStage(id=i, name=i.title()) for i in ("discover", "buy", "use")]
    board = build_board([journey(ALPHA), journey(BETA)], stages)
    assert [(c.stage.id, c.journeys) for c in board.columns] == [
        ("discover", ("beta",)), ("buy", ("alpha", "beta")), ("use", ()),
    ]  # fmt: skip
    assert [s.id for s in board.blind_spots] == ["use"]
    assert [(n.parent, n.action, n.child) for n in board.children("beta")] == [("beta", "Does it", "alpha")]
    assert board.parents("alpha") == board.children("beta") and board.unplaced == ()
    assert build_board([journey(ALPHA)], []).unplaced == ("alpha",)


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("ok\x1b[31m", "ok\\x1b[31m"), (3, "3"), (2.5, "2.5"), (None, "")],
)  # fmt: skip
def test_csv_cells_are_never_formulas_or_control_characters(value: str | int | float | None, cell: str) -> None:
    assert csv_cell(value) == cell


def _workspace(tmp_path: Path, *texts: str) -> Path:
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog.yaml"]\n')
    (tmp_path / "catalog.yaml").write_text(
        "cjm: 1\nkind: catalog\nlifecycle:\n  - {id: discover, name: Discover}\n  - {id: buy, name: Buy}\n"
    )
    for n, text in enumerate(texts):
        (tmp_path / f"j{n}.journey.yaml").write_text(text)
    return tmp_path


@pytest.fixture(scope="module")
def fleet_evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real `cjm evidence check` report of the fleet example on its CRM export (3,000 customers)."""
    pytest.importorskip("duckdb")
    from tests.conftest import run_cli_inprocess

    out = tmp_path_factory.mktemp("evidence")
    result = run_cli_inprocess(
        "evidence", "check", str(ROOT / "examples" / "b2b-fleet-software.journey.yaml"),
        "--mapping", str(ROOT / "examples" / "evidence" / "crm-mapping.yaml"), "-F", "json", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.stderr
    return out / "evidence.json"


def test_report_opportunities_with_evidence(run_cli: Callable[..., Result], fleet_evidence: Path) -> None:
    """Connector pricing: pain 4 (critical), impact high 3, effort low 1; the busiest touchpoint of its action
    reached 1,688 of the report's 3,000 customers: reach 1 + 0.5627 = 1.56, score 12 x 1.56 = 18.72."""
    data = json.loads(fleet_evidence.read_text())
    assert data["cases"] == 3000
    result = run_cli("report", "opportunities", str(ROOT / "examples"), "-F", "json", "--evidence", str(fleet_evidence))
    assert result.exit_code == 0, result.stderr
    top = json.loads(result.stdout)["rows"][0]
    assert top["opportunity"] == "Show connector pricing on the pricing page"
    assert (top["pain"], top["impact_points"], top["effort_points"]) == (4, 3, 1)
    assert (top["customers_reached"], top["reach"], top["score"]) == (1688, 1.56, 18.72)
    grocery = [r for r in json.loads(result.stdout)["rows"] if r["journey"] != "b2b-fleet-software"]
    assert all(r["reach"] == 1 and r["customers_reached"] is None for r in grocery), "no evidence for them"


def test_report_leaves_out_invalid_journeys_and_says_so(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = _workspace(tmp_path, ALPHA, "cjm: 1\nid: broken\ntitle: [unclosed\n")
    result = run_cli("report", "owners", ".", "-F", "csv", cwd=root)
    assert result.exit_code == 1
    assert "left j1.journey.yaml out of the report" in result.stderr and "cjm validate" in result.stderr
    assert list(csv.reader(io.StringIO(result.stdout)))[1][0] == "App team"


@pytest.mark.parametrize(
    ("args", "message"),
    [(("report", "backlog"), "unknown report 'backlog'; choose from: opportunities, pains, owners"),
     (("report", "pains", "-F", "xlsx"), "unknown format 'xlsx'; choose from: md, markdown, csv, json"),
     (("report", "pains", "nowhere"), "nowhere: no such file or folder"),
     (("report", "pains", "-"), "report reads journey files, not standard input")],
)  # fmt: skip
def test_report_usage_errors(
    run_cli: Callable[..., Result], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _workspace(tmp_path, ALPHA)
    result = run_cli(*args, cwd=tmp_path)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["opportunities", "pains", "owners"])
@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_report_goldens_of_the_examples(
    run_cli: Callable[..., Result], golden: Callable[[str, str], None], kind: str, fmt: str
) -> None:
    result = run_cli("report", kind, str(ROOT / "examples"), "-F", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"report/{kind}.{fmt}", result.stdout)
    assert run_cli("report", kind, str(ROOT / "examples"), "-F", fmt).stdout == result.stdout, "same bytes"


def test_hostile_text_stays_inert_in_every_format(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    hostile = ALPHA.replace("text: Fix the crash", "text: \"=cmd|' /C calc'!A0 <b>| \\u202e\\x1b[2J\"")
    root = _workspace(tmp_path, hostile)
    md = run_cli("report", "opportunities", ".", cwd=root).stdout
    assert "<b>" not in md and "\x1b" not in md and "\u202e" not in md and "\\|" in md
    rows = list(csv.reader(io.StringIO(run_cli("report", "opportunities", ".", "-F", "csv", cwd=root).stdout)))
    assert rows[1][2].startswith("'=cmd") and "\x1b" not in rows[1][2]
    data = run_cli("report", "opportunities", ".", "-F", "json", cwd=root).stdout
    assert "\u202e" not in data and json.loads(data)["rows"][0]["opportunity"].startswith("=cmd")


def test_the_site_index_escapes_every_portfolio_text(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    root = _workspace(tmp_path, ALPHA.replace("owner: CX team", f'owner: "{hostile}"'), BETA)
    (root / "catalog.yaml").write_text(
        "cjm: 1\nkind: catalog\nlifecycle:\n"
        f'  - {{id: discover, name: "{hostile}", description: "<img src=x onerror=alert(2)>"}}\n'
        "  - {id: buy, name: Buy}\n  - {id: use, name: Use}\n"
    )
    result = run_cli("render", ".", "-o", "site", cwd=root)
    assert result.exit_code == 0, result.stderr
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index and "<img" not in index and "&lt;script&gt;" in index
    assert "Blind spot: no journey covers this stage" in index and "Blind spots:</strong> Use:" in index
    assert 'href="alpha.html"' in index and "“Does it” is detailed in" in index


def test_without_a_lifecycle_the_board_says_how_to_declare_one(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "a.journey.yaml").write_text(ALPHA.replace("lifecycle: [buy]\n", ""))
    result = run_cli("render", ".", "-o", "site", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "No lifecycle is declared" in index and "cjm-board-unplaced" in index
    assert "Opportunity backlog across journeys" in index and "Fix the crash" in index
