"""The print layout of the map (PDF and PNG): bands of stages, stage numbers, page size, format names."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from cjm.render import RenderRequest, resolve_formats
from cjm.render.printed import PAGES, Part, band_capacity, pack, print_html, printable_width
from cjm.workspace import load_journey
from tests.conftest import ROOT

B2B = ROOT / "examples" / "b2b-fleet-software.journey.yaml"


def big_journey(folder: Path, stages: int = 12, actions: int = 12) -> Path:
    """A generated journey of ``stages`` x ``actions`` (the benchmark's large shape), valid and deterministic."""
    from bench.generate import journey

    path = folder / "big.journey.yaml"
    path.write_text(yaml.safe_dump(journey(random.Random("print"), 0, stages, actions, 24), sort_keys=False))
    return path


def test_capacity_of_an_a3_page_is_twelve_actions() -> None:
    # (420 - 16) mm * 96 / 25.4 * 0.99 = 1511.7 px; / 0.55 = 2748.5; - 156 label = 2592.5; // 216 = 12
    assert band_capacity(printable_width("A3"), 156) == 12
    # (297 - 16) mm = 1062.0 px * 0.99 = 1051.4; / 0.55 = 1911.7; - 156 = 1755.7; // 216 = 8
    assert band_capacity(printable_width("A4"), 156) == 8
    assert set(PAGES) == {"A4", "A3", "A2", "letter"}


def test_whole_stages_share_a_band_when_they_fit() -> None:
    assert pack([1, 1, 2, 2, 1, 2, 2], 12) == [
        [Part(0, 0, 1), Part(1, 0, 1), Part(2, 0, 2), Part(3, 0, 2), Part(4, 0, 1), Part(5, 0, 2), Part(6, 0, 2)]
    ]
    assert pack([5, 5, 5], 12) == [[Part(0, 0, 5), Part(1, 0, 5)], [Part(2, 0, 5)]]
    assert pack([12] * 3, 12) == [[Part(0, 0, 12)], [Part(1, 0, 12)], [Part(2, 0, 12)]]


def test_a_stage_wider_than_a_band_is_cut_between_actions_and_an_empty_stage_keeps_its_column() -> None:
    assert pack([30, 3, 0], 12) == [
        [Part(0, 0, 12)],
        [Part(0, 12, 24)],
        [Part(0, 24, 30), Part(1, 0, 3), Part(2, 0, 0)],
    ]
    assert pack([2, 11], 12) == [[Part(0, 0, 2)], [Part(1, 0, 11)]]  # a stage is not cut when the next band holds it


def test_every_action_lands_on_exactly_one_band() -> None:
    rng = random.Random(7)
    for _ in range(200):
        sizes = [rng.randint(0, 20) for _ in range(rng.randint(1, 12))]
        capacity = rng.randint(1, 15)
        bands = pack(sizes, capacity)
        for band in bands:
            assert 1 <= sum(max(1, p.end - p.start) for p in band) <= capacity
        covered = [(p.stage, a) for band in bands for p in band for a in range(p.start, p.end)]
        assert covered == [(s, a) for s, n in enumerate(sizes) for a in range(n)]


def test_the_b2b_example_prints_as_one_band_and_the_big_map_as_twelve(tmp_path: Path) -> None:
    html = print_html(load_journey(str(B2B)))
    assert html.count('class="cjm-band"') == 1
    assert "@page { size: 420mm 297mm; margin: 8mm; }" in html
    big = print_html(load_journey(str(big_journey(tmp_path))))
    assert big.count('class="cjm-band"') == 12
    assert "Stage 12</span>" in big and "Stage 13" not in big  # numbered across bands, not restarting


def test_a_cut_stage_says_it_continues_and_keeps_its_number(tmp_path: Path) -> None:
    html = print_html(load_journey(str(big_journey(tmp_path, stages=2, actions=20))))
    assert html.count('class="cjm-band"') == 4  # 20 actions a stage: [12], [8], [12], [8]
    assert html.count("(continued)") == 2
    assert html.count("Stage 2</span>") == 2


@pytest.mark.parametrize(
    ("output", "formats", "expected"),
    [
        ("map.pdf", (), ("pdf",)),
        ("map.png", (), ("png",)),
        ("map.flow.pdf", (), ("flow-pdf",)),
        ("map.flow.png", (), ("flow-png",)),
        ("map.svg", (), ("svg",)),
        ("map.pdf", ("flow-pdf",), ("flow-pdf",)),
    ],
)
def test_the_output_name_picks_the_map_or_the_flow(output: str, formats: tuple[str, ...], expected: tuple[str, ...]):
    assert resolve_formats(RenderRequest(formats, output), 1)[0] == expected


def test_a_browser_that_dies_is_a_clear_error_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import run_cli_inprocess

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CJM_CHROMIUM", str(fake))
    result = run_cli_inprocess("render", str(B2B), "-o", str(tmp_path / "map.png"))
    assert result.exit_code == 2, result.stderr
    assert "Chromium stopped while drawing the map" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "map.png").exists()


def test_a_browser_that_hangs_is_stopped_after_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from tests.conftest import run_cli_inprocess

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CJM_CHROMIUM", str(fake))
    monkeypatch.setattr("cjm.render.chromium.TIMEOUT", 1.0)
    started = time.monotonic()
    result = run_cli_inprocess("render", str(B2B), "-o", str(tmp_path / "map.pdf"))
    assert result.exit_code == 2 and "did not finish drawing within 1 s" in result.stderr, result.stderr
    assert time.monotonic() - started < 10
