"""`cjm render --evidence` with survey metrics: the measured score per stage beside the emotion curve, and cards."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjm.render.curve import emotion_y
from tests.evidence.test_surveys import SURVEY, _survey_log


def _render(run_cli: Callable[..., Any], tmp_path: Path, *extra: str) -> str:
    """The survey example's map with the evidence of its log; ``extra`` goes to ``cjm render`` (e.g. --lang it)."""
    log = _survey_log(tmp_path / "log.csv")
    done = run_cli("evidence", "check", SURVEY, "--events", log, "--columns", "score=score", "-F", "json",
                   "-o", str(tmp_path / "ev"))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    out = tmp_path / "map.html"
    drawn = run_cli("render", SURVEY, "--evidence", str(tmp_path / "ev" / "evidence.json"), *extra, "-o", str(out))
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


def test_the_evidence_on_an_italian_map_is_in_italian(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    html = _render(run_cli, tmp_path, "--lang", "it")
    for italian in ("Clienti nei dati", "Aderenza alla mappa", "Copertura nei dati degli eventi",
                    "misurato 35,7 da 14 risposte, intervallo al 95% da -6,8 a 78,2", "raggiunta da",
                    "Buy: misurato -0,29 sulla scala emotiva (Recommend (NPS) 50 da 4 risposte"):  # fmt: skip
        assert italian in html, italian
    for english in ("Customers in the data", "Map fitness", "customers reached it", "measured 35.7", "responses",
                    "Reach in the event data", "on the emotion scale"):  # fmt: skip
        assert english not in html, english


def test_the_changes_on_an_italian_map_are_in_italian(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    old = tmp_path / "old.journey.yaml"
    text = Path(SURVEY).read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    new = tmp_path / "new.journey.yaml"
    new.write_text(text.replace("stages:", "stages:", 1).replace("name: Buy", "name: Buy now", 1), encoding="utf-8")
    drawn = run_cli("render", str(new), "--diff", str(old), "--lang", "it", "-o", str(tmp_path / "d.html"))
    assert drawn.exit_code == 0, drawn.stderr
    html = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "Confrontata con" in html and "Modifiche" in html and "Per il cliente" in html
    assert "1 rinominato" in html and "Curva emotiva precedente" in html
    assert "Compared with" not in html and "For the customer" not in html
