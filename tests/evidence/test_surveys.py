"""Survey metrics measured from an event log: the format, hand-computed NPS/CSAT/CES per stage, bad scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.evidence.helpers import DATA

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
