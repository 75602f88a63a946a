"""`cjm render --evidence` with survey metrics: the measured score per stage beside the emotion curve, and cards."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjm.render.curve import emotion_y
from tests.evidence.test_surveys import SURVEY, _survey_log


def _render(run_cli: Callable[..., Any], tmp_path: Path) -> str:
    log = _survey_log(tmp_path / "log.csv")
    done = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=score", "-F", "json",
                   "-o", str(tmp_path / "ev"))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    out = tmp_path / "map.html"
    drawn = run_cli("render", SURVEY, "--evidence", str(tmp_path / "ev" / "evidence.json"), "-o", str(out))
    assert drawn.exit_code == 0, drawn.stderr
    return out.read_text(encoding="utf-8")


def test_measured_scores_per_stage_on_the_emotion_scale(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    html = _render(run_cli, tmp_path)
    labels = re.findall(r'class="cjm-measured-label" x="[^"]+" y="([^"]+)">([^<]+)<', html)
    # Consider: NPS 30 / 50 = +0.6. Buy: NPS 50 (4 answers) is +1, CSAT 30% is (30 - 50) / 25 = -0.8 (10 answers),
    # weighted (4 - 8) / 14 = -0.29. Use: CES 1.4 is (4 - 1.4) x 2/3 = +1.73. Discover has no usable answer.
    assert [text for _, text in labels] == ["+0.6", "−0.3", "+1.7"]
    assert [float(y) - 4 for y, _ in labels] == [emotion_y(0.6), emotion_y(-0.29), emotion_y(1.73)]
    assert 'class="cjm-measured-curve" d="M ' in html
    assert "Buy: measured -0.29 on the emotion scale (Recommend (NPS) 50 from 4 responses; Checkout satisfaction " \
        "(CSAT) 30 from 10 responses)" in html  # fmt: skip
    assert "Survey score measured per stage, on the emotion scale −2..+2" in html
    cards = re.findall(r'<p class="cjm-metric-measured">([^<]+)</p>', html)
    assert cards == ["measured 35.7 from 14 responses, 95% interval -6.8 to 78.2",
                     "measured 30 from 10 responses, 95% interval 10.8 to 60.3",
                     "measured 1.4 from 5 responses, 95% interval 1 to 1.88"]  # fmt: skip


def test_survey_overlay_golden(run_cli: Callable[..., Any], tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    html = _render(run_cli, tmp_path)
    curve = re.search(r'<svg class="cjm-curve".*?</svg>', html, re.DOTALL)
    metrics = re.search(r'<section class="cjm-panel cjm-metrics".*?</section>', html, re.DOTALL)
    assert curve and metrics
    golden("render/survey-overlay.html", curve.group(0) + "\n" + metrics.group(0) + "\n")


def test_no_surveys_no_second_line(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    log = _survey_log(tmp_path / "log.csv")
    done = run_cli("evidence", "check", SURVEY, "--events", log, "-F", "json", "-o", str(tmp_path / "ev"))
    assert done.exit_code == 0, done.stderr
    out = tmp_path / "map.html"
    assert (
        run_cli("render", SURVEY, "--evidence", str(tmp_path / "ev" / "evidence.json"), "-o", str(out)).exit_code == 0
    )
    html = out.read_text(encoding="utf-8")
    assert 'class="cjm-measured-point"' not in html and "Survey score measured per stage" not in html
