"""`cjm render --evidence` with periods (`--by`): a small trend of each stage's reach on its header."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjm.evidence.model import EvidenceReport
from cjm.render.i18n import language, speaking
from cjm.render.trend import HEIGHT, PAD, WIDTH, build_sparkline, stage_trends
from tests.render.test_html import B2B, EVIDENCE, _stage, parse

ITALIAN = Path(__file__).with_name("mutuo.journey.yaml")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
# Active evaluation per month: 2026-03 has no journeys (a gap, never 0%); 2026-04 has 3, fewer than min_cases 5
REACH = {"initial-consideration": (1.0, 1.0, None, 1.0, 1.0, 1.0), "active-evaluation": (0.62, 0.6, None, 0.67, 0.58,
         0.48), "purchase-decision": (0.2, 0.21, None, 0.33, 0.2, 0.19)}  # fmt: skip
JOURNEYS = (200, 190, 0, 3, 210, 205)


def _period(i: int, stages: dict[str, tuple[float | None, ...]]) -> dict[str, Any]:
    n = JOURNEYS[i]
    shares = {s: {"reached": round((v[i] or 0) * n), "share": v[i]} for s, v in stages.items()}
    return {"period": MONTHS[i], "start": f"{MONTHS[i]}-01", "journeys": n, "moves": 3 * n, "conformant_moves": 2 * n,
            "fitness": 0.67 if n else None, "journeys_with_steps": n, "conforming_journeys": 0.8 if n else None,
            "events": 9 * n, "unmapped_events": n, "unmapped_share": 0.11 if n else None, "stages": shares,
            "unmapped": []}  # fmt: skip


def _change(figure: str, ident: str | None, span: tuple[str, str], old: float, new: float, q: float) -> dict[str, Any]:
    return {"figure": figure, "id": ident, "from": span[0], "to": span[1], "old": old, "new": new, "p": q / 10, "q": q}


CHANGES = [
    _change("reach", "active-evaluation", ("2026-05", "2026-06"), 0.58, 0.48, 0.0031),  # beyond chance: a ring
    _change("reach", "active-evaluation", ("2026-01", "2026-02"), 0.62, 0.6, 0.71),  # chance: no ring
    _change("reach", "purchase-decision", ("2026-05", "2026-06"), 0.2, 0.19, 0.05),  # q is not under q_level
    _change("fitness", None, ("2026-05", "2026-06"), 0.7, 0.5, 0.0001),  # another figure: not a stage's ring
]


def _periods(stages: dict[str, tuple[float | None, ...]] = REACH, count: int = 6) -> dict[str, Any]:
    return {"by": "month", "periods": [_period(i, stages) for i in range(count)], "surveys": {},
            "changes": CHANGES, "q_level": 0.05}  # fmt: skip


def _report(**update: Any) -> dict[str, Any]:
    run = {**EVIDENCE["run"], "semantics": {**EVIDENCE["run"]["semantics"], "min_cases": 5}}
    return {**EVIDENCE, "run": run, "periods": _periods(), **update}


def _render(run_cli: Callable[..., Any], tmp_path: Path, report: dict[str, Any], journey: Path = B2B) -> str:
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    result = run_cli("render", str(journey), "--evidence", str(path))
    assert result.exit_code == 0, result.stderr
    parse(result.stdout)  # well-formed: every element closed in order
    return str(result.stdout)


def test_trend_overlay_golden(run_cli: Callable[..., Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    html = _render(run_cli, tmp_path, _report())
    stages = re.search(r'<tr class="cjm-row-stages">.*?</tr>', html, re.DOTALL)
    legend = re.search(r'<ul class="cjm-legend".*?</ul>', html, re.DOTALL)
    assert stages and legend
    golden("render/trend-overlay.html", stages.group(0) + "\n" + legend.group(0) + "\n")
    assert html.count('class="cjm-trend-line"') == 3 and "<script" not in html
    assert "Reached by 62% of journeys in 2026-01, 48% in 2026-06" in html
    assert "down in 2026-06, beyond chance" in html and "Change in reach beyond chance" in html


def test_periods_without_a_figure_are_gaps_and_changes_beyond_chance_are_ringed() -> None:
    trend = stage_trends(EvidenceReport.model_validate(_report()))["active-evaluation"]
    assert trend.periods == MONTHS
    assert trend.shares == (0.62, 0.6, None, None, 0.58, 0.48), "no journeys, and 3 < min_cases: both gaps"
    line = build_sparkline("x--trend", trend)
    runs = [[tuple(map(float, p.split(","))) for p in run.split(" L ")] for run in line.path[2:].split(" M ")]
    step = (WIDTH - 2 * PAD) / 5
    assert [[round((x - PAD) / step) for x, _ in run] for run in runs] == [[0, 1], [4, 5]], "broken at the gaps"
    assert all(y < HEIGHT - PAD for run in runs for _, y in run), "nothing drawn at 0%"
    assert (line.top, line.bottom) == (PAD, HEIGHT - PAD)
    assert runs[0][0][1] == HEIGHT - PAD - 0.62 * (HEIGHT - 2 * PAD)  # on the 0-100% scale of every stage
    assert line.dots == (runs[0][0], runs[-1][-1]), "the two values the label states"
    assert [(r.x, r.y) for r in line.rings] == [runs[1][1]], "one ring: reach into 2026-06, q 0.0031"
    assert line.rings[0].title == "Beyond chance: down from 58% in 2026-05 to 48% in 2026-06 (q = 0.0031)"
    assert line.label == "Reached by 62% of journeys in 2026-01, 48% in 2026-06"
    assert line.notes == ("down in 2026-06, beyond chance",)
    assert "2026-03: no figure; 2026-04: no figure; 2026-05: 58%" in line.desc


def test_a_lone_period_between_gaps_is_a_dot_and_a_stage_without_figures_has_no_trend() -> None:
    stages = {"active-evaluation": (None, 0.5, None, None, 0.4, None), "purchase-decision": (None,) * 6}
    report = EvidenceReport.model_validate(_report(periods=_periods(stages)))
    trends = stage_trends(report)
    assert list(trends) == ["active-evaluation"], "no figure in any period: no line at all"
    line = build_sparkline("x--trend", trends["active-evaluation"])
    assert line.path == "" and len(line.dots) == 2 and line.rings == ()
    assert line.label == "Reached by 50% of journeys in 2026-02, 40% in 2026-05"
    one = EvidenceReport.model_validate(_report(periods=_periods(count=1)))
    assert stage_trends(one) == {}, "one period is no trend"
    assert stage_trends(EvidenceReport.model_validate(EVIDENCE)) == {}, "no --by, no trend"


def test_no_periods_no_trend(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    html = _render(run_cli, tmp_path, EVIDENCE)
    assert "cjm-trend" not in html.split("</style>")[1] and "Reach of the stage per period" not in html


def test_an_italian_map_states_its_trend_in_italian(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    stages = {"informarsi": REACH["active-evaluation"], "istruttoria": REACH["purchase-decision"]}
    changes = [{**CHANGES[0], "id": "informarsi"}]
    report = {**_report(), "run": {**_report()["run"], "map": "richiesta-mutuo"}, "touchpoints": [],
              "stages": [_stage("informarsi", 120), _stage("istruttoria", 40)], "transitions": [], "unmapped": [],
              "periods": {**_periods(stages), "changes": changes}}  # fmt: skip
    html = _render(run_cli, tmp_path, report, ITALIAN)
    assert "Raggiunta: 62% dei percorsi nel 2026-01, 48% nel 2026-06" in html
    assert "Oltre il caso: in calo da 58% nel 2026-05 a 48% nel 2026-06 (q = 0,0031)" in html
    assert "in calo nel 2026-06, oltre il caso" in html and "2026-03: nessun dato" in html
    assert "Portata della fase per periodo (scala 0–100%)" in html
    assert "Variazione della portata oltre il caso" in html
    assert not re.search(r"Reached by|beyond chance|no figure|Reach of the stage", html)
    with speaking(language("it")):  # a lone value says one period
        lone = {"informarsi": (None, 0.5, None, None, None, None)}
        trend = stage_trends(EvidenceReport.model_validate(_report(periods=_periods(lone))))["informarsi"]
        assert build_sparkline("x", trend).label == "Raggiunta: 50% dei percorsi nel 2026-02"
