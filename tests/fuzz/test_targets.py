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
}
# Known defects in code another engineer owns (issue 21, "the evidence mapping file"): plain yaml.safe_load
# recurses until RecursionError. strict: this fails loudly once the mapping loader is fixed, so remove it then.
KNOWN = {("mapping", "deep ["), ("mapping", "deep {")}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("junk", list(JUNK))
def test_each_target_handles_junk(target: str, junk: str) -> None:
    if (target, junk) in KNOWN:
        with pytest.raises(RecursionError):
            TARGETS[target](JUNK[junk])
        pytest.xfail("the evidence mapping loader recurses on deep YAML (issue 21)")
    TARGETS[target](JUNK[junk])
