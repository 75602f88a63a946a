"""cjm.evidence.stats against SciPy, and drivers found (or not) in generated logs across seeds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.evidence.check import CheckOptions, run_check
from cjm.evidence.outcomes import build_spec, parse_class
from cjm.evidence.stats import Table, benjamini_hochberg, compare, fisher_exact, z_test
from tests.evidence.helpers import SHOP, at, write_log

scipy_stats = pytest.importorskip("scipy.stats")


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 400), st.integers(1, 5000), st.data())
def test_fisher_matches_scipy(n1: int, n2: int, data: st.DataObject) -> None:
    a, b = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    expected = scipy_stats.fisher_exact([[a, n1 - a], [b, n2 - b]]).pvalue
    assert fisher_exact(Table(a, n1, b, n2)) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_fisher_on_large_tables_is_fast_and_right() -> None:
    table = Table(212, 640, 9_000, 100_000)
    expected = scipy_stats.fisher_exact([[212, 428], [9_000, 91_000]]).pvalue
    assert fisher_exact(table) == pytest.approx(expected, rel=1e-6, abs=1e-300)


def test_z_test_and_choice_of_test() -> None:
    table = Table(1500, 5000, 2500, 10000)
    counts = [[1500, 3500], [2500, 7500]]
    expected = scipy_stats.chi2_contingency(counts, correction=False).pvalue  # the pooled z-test squared
    assert z_test(table) == pytest.approx(expected, rel=1e-9)
    assert compare(table).test == "z" and compare(Table(3, 10, 5, 20)).test == "fisher"
    result = compare(Table(212, 640, 9_000, 100_000))
    assert (round(result.rate_in, 4), result.rate_out, round(result.lift or 0, 3)) == (0.3312, 0.09, 3.681)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_benjamini_hochberg_matches_scipy(p_values: list[float]) -> None:
    expected = scipy_stats.false_discovery_control(p_values, method="bh")
    assert benjamini_hochberg(p_values) == pytest.approx(list(expected), abs=1e-12)


def _log(path: Path, seed: int, planted: bool, customers: int = 240) -> str:
    """Customers browse (ads, site, maybe the hotline, maybe the blog); some are lost. With ``planted``,
    those who call the hotline are lost far more often (60% vs 10%); otherwise everyone at 20%."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for n in range(customers):
        case = f"c{n}"
        day = rng.randrange(0, 10)
        rows.append((case, at(day), "ad_click", "ads"))
        rows.append((case, at(day + 1), "page_view", "web"))
        called = rng.random() < 0.4
        if called:
            rows.append((case, at(day + 2), "call", "phone"))
        if rng.random() < 0.5:
            rows.append((case, at(day + 3), "blog_read", "web"))
        lost = rng.random() < ((0.6 if called else 0.1) if planted else 0.2)
        rows.append((case, at(day + 4), "churned" if lost else "renewed", "crm"))
    return write_log(path, rows)


def _drivers(log: str) -> list[dict]:
    spec = build_spec([parse_class("lost=churned"), parse_class("kept=renewed")], "30", None)
    report = run_check(SHOP, CheckOptions(events=[log], outcomes=spec, min_cases=5)).report.to_json()
    return [d for d in report["outcomes"]["drivers"] if d["driver"] and d["outcome"] == "lost"]


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10_000))
def test_a_planted_driver_is_found(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    log = _log(tmp_path_factory.mktemp("planted") / "log.csv", seed, planted=True)
    found = _drivers(log)
    assert any(d["feature"] == {"kind": "touchpoint", "touchpoint": "hotline"} and d["lift"] > 2 for d in found)


def test_no_driver_when_outcomes_do_not_depend_on_the_path(tmp_path: Path) -> None:
    # Benjamini-Hochberg keeps the chance of any false driver near 5% per log: over 12 seeds, at most 2
    seeds_with_false_drivers = sum(bool(_drivers(_log(tmp_path / f"{s}.csv", s, planted=False))) for s in range(12))
    assert seeds_with_false_drivers <= 2
