"""The statistics of outcome drivers, in pure Python on small aggregate counts.

Per feature, a 2x2 table: journeys of an outcome class with and without the feature, and the other finished
journeys with and without it. From it: both rates, lift, difference, a two-sided p-value (Fisher's exact
test when a cell holds fewer than ``FISHER_BELOW`` journeys, else the pooled two-proportion z-test) and,
over every feature tested, Benjamini-Hochberg q-values. Fisher's test is computed from log-gamma: the
hypergeometric terms are summed outward from the first term on each side of the mode that is no more
likely than the observed table, until they no longer change the sum, so it costs a few hundred steps
however large the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FISHER_BELOW = 1000  # a cell with fewer journeys than this: Fisher's exact test
_RELATIVE = 1e-7  # terms this close to the observed one count as equally likely (as R and SciPy do)


@dataclass(frozen=True)
class Table:
    """Journeys with the feature and all journeys, in the class (``a`` of ``n1``) and outside (``b`` of ``n2``)."""

    a: int
    n1: int
    b: int
    n2: int

    def cells(self) -> tuple[int, int, int, int]:
        """The four cells: with/without in the class, with/without outside."""
        return self.a, self.n1 - self.a, self.b, self.n2 - self.b


@dataclass(frozen=True)
class Comparison:
    """A feature's figures: rates, lift (None when the outside rate is 0), difference, p-value and test."""

    rate_in: float
    rate_out: float
    lift: float | None
    difference: float
    p_value: float
    test: str


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _log_pmf(x: int, rows: int, column: int, total: int) -> float:
    """log P(X = x) for the count in the first cell, all margins fixed (hypergeometric)."""
    return _log_choose(column, x) + _log_choose(total - column, rows - x) - _log_choose(total, rows)


def _boundary(lo: int, hi: int, below: bool, level: float, pmf: object) -> int:
    """On a monotone side [lo, hi] of the mode, the x nearest the mode whose log term is <= level (or the end)."""
    assert callable(pmf)
    # below: terms rise from lo to hi (left side); else they fall from lo to hi (right side)
    if below:
        if pmf(lo) > level:
            return lo - 1  # no term qualifies
        while lo < hi:  # the largest x with term <= level
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if pmf(mid) <= level else (lo, mid - 1)
        return lo
    if pmf(hi) > level:
        return hi + 1
    while lo < hi:  # the smallest x with term <= level
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if pmf(mid) <= level else (mid + 1, hi)
    return lo


def fisher_exact(table: Table) -> float:
    """Two-sided p-value of Fisher's exact test: the probability of every table no more likely than this one."""
    a, b, c, d = table.cells()
    rows, column, total = a + b, a + c, a + b + c + d
    low, high = max(0, rows - (total - column)), min(rows, column)
    if low == high:
        return 1.0

    def pmf(x: int) -> float:
        return _log_pmf(x, rows, column, total)

    level = pmf(a) + math.log1p(_RELATIVE)
    mode = min(high, max(low, (rows + 1) * (column + 1) // (total + 2)))
    terms: list[float] = []
    start = _boundary(low, mode, True, level, pmf)  # left side: walk down from start to low
    x = start
    while x >= low:
        term = math.exp(pmf(x))
        terms.append(term)
        if term < 1e-17 * max(terms[0], 1e-300) and x < start - 10:
            break
        x -= 1
    start = _boundary(mode + 1, high, False, level, pmf) if mode < high else high + 1
    x = start
    first = len(terms)
    while x <= high:
        term = math.exp(pmf(x))
        terms.append(term)
        if term < 1e-17 * max(terms[first], 1e-300) and x > start + 10:
            break
        x += 1
    return min(1.0, math.fsum(terms))


def z_test(table: Table) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    pooled = (table.a + table.b) / (table.n1 + table.n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / table.n1 + 1 / table.n2))
    if spread == 0:
        return 1.0
    z = (table.a / table.n1 - table.b / table.n2) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def compare(table: Table) -> Comparison:
    """Rates, lift, difference and p-value of one feature (both groups must hold journeys)."""
    if table.n1 <= 0 or table.n2 <= 0:
        raise ValueError("both groups need journeys")
    rate_in, rate_out = table.a / table.n1, table.b / table.n2
    small = min(table.cells()) < FISHER_BELOW
    p_value = fisher_exact(table) if small else z_test(table)
    lift = rate_in / rate_out if rate_out > 0 else None
    return Comparison(rate_in, rate_out, lift, rate_in - rate_out, p_value, "fisher" if small else "z")


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg q-values, in the order of ``p_values``."""
    count = len(p_values)
    order = sorted(range(count), key=lambda i: p_values[i])
    q = [1.0] * count
    running = 1.0
    for rank in range(count, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * count / rank)
        q[i] = min(1.0, running)
    return q
