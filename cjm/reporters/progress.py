"""Progress on a terminal: the command line decides whether to show it, the core only ticks.

A long run (many maps to render, a large event log) reports each step to a
``Tick``; ``cli.py`` passes ``terminal_bar`` when standard error is a
terminal and ``no_progress`` otherwise, so the core never asks whether it
runs on a terminal and never writes to one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from cjm.escape import rich_markup

Tick = Callable[[str], None]  # called once per finished step, with what it was (a file name, a table)
Progress = Callable[[int, str], AbstractContextManager[Tick]]  # (steps in all, what is going on) -> a tick


@contextmanager
def no_progress(total: int, label: str) -> Iterator[Tick]:
    """Show nothing (not a terminal, or too little to do)."""
    yield lambda step: None


@contextmanager
def terminal_bar(total: int, label: str) -> Iterator[Tick]:
    """A transient rich progress bar on standard error; step names are shown as text, never as markup."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    columns = (TextColumn(rich_markup(label)), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"))
    with RichProgress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)
        yield lambda step: bar.update(task, advance=1, description=rich_markup(step))
