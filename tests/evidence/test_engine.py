"""The statement runner: intermediate tables are dropped after their last reader, and a view keeps its sources."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from cjm.evidence.analysis import RESULT_TABLES, Statement, statements
from cjm.evidence.check import load_model
from cjm.evidence.database import Resources, connect, execute, spent_tables
from tests.evidence.helpers import SHOP

STEPS = [
    Statement("a", "SELECT 1 AS x"),
    Statement("b", "SELECT x FROM a"),
    Statement("v", "SELECT x FROM a UNION ALL SELECT x FROM b", view=True),
    Statement("w", "SELECT x FROM v", view=True),
    Statement("c", "SELECT COUNT(*) AS n FROM w"),
    Statement("d", "SELECT n FROM c"),
]


def test_a_view_keeps_the_tables_it_reads() -> None:
    drops = spent_tables(STEPS, keep={"d"})
    # a and b are read through v, and v through w, until c: all four go after c, not after v is defined
    assert drops == [[], [], [], [], ["a", "b", "v", "w"], ["c"]]


@pytest.mark.parametrize("bar", ["none", "terminal"])
def test_execute_leaves_only_what_is_kept(bar: str) -> None:
    from cjm.reporters.progress import no_progress, terminal_bar

    told: list[str] = []

    @contextmanager
    def recording(total: int, label: str) -> Iterator[Callable[[str], None]]:
        with (terminal_bar if bar == "terminal" else no_progress)(total, label) as tick:
            yield lambda step: (told.append(step), tick(step))[-1]

    with connect(Resources(memory_limit="256MB", threads=1)) as con:
        execute(con, STEPS, progress=recording, keep={"d"})
        assert told == [step.table for step in STEPS], "progress hears of every step, in order"
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert names == {"d"}
        assert con.execute("SELECT n FROM d").fetchone() == (2,)


def test_the_analysis_drops_every_intermediate_table() -> None:
    model, _ = load_model(SHOP)
    steps = statements(model, 10, approximate=False)
    drops = spent_tables(steps, keep=RESULT_TABLES)
    dropped = [name for spent in drops for name in spent]
    assert sorted(dropped) == sorted(s.table for s in steps if s.table not in RESULT_TABLES)
    # the per-event tables go as soon as the last statement reading the events view has run
    last_event_reader = max(i for i, s in enumerate(steps) if "cjm_ev" in s.sql and s.table != "cjm_ev")
    assert {"cjm_ord", "cjm_multi_ev", "cjm_ev"} <= set(drops[last_event_reader])
