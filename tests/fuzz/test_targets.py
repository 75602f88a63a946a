"""Every fuzz target runs on its seed corpus in the normal suite, without atheris: the harnesses stay runnable."""

from __future__ import annotations

import pytest

from tests.fuzz.targets import TARGETS, seeds


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_target_handles_its_seed_corpus(target: str) -> None:
    corpus = seeds(target)
    assert len(corpus) >= 2, f"{target}: the seed corpus is missing"
    for seed in corpus:
        TARGETS[target](seed.read_bytes())


JUNK = {
    "empty": b"",
    "binary": b"\x00\xff\xfe",
    "deep [": b"[" * 5000,
    "deep {": b"{" * 5000,
    "newlines": b"\n" * 100,
    "mapping files not text": b"sources:\n  - files: [events.csv, {more: }]\n",  # found by make fuzz
}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("junk", list(JUNK))
def test_each_target_handles_junk(target: str, junk: str) -> None:
    TARGETS[target](JUNK[junk])
