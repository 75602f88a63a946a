"""Property tests of the loader: any text gives located findings or a model, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.validate.loader import load_bytes, load_text
from cjm.validate.yaml_reader import split_lines
from tests.conftest import EXAMPLES
from tests.strategies import mutate

LOADER_JUNK = [
    " &a",
    " *a",
    " !!python/name:os.system",
    ": x",
    " [",
    "\t",
    "\x00",
    " yes",
    " 1e999",
    " 0x" + "f" * 5000,
]
SOURCES = [p.read_text("utf-8") for p in EXAMPLES]


def _check(result_lines: int, diagnostics: list) -> None:  # type: ignore[type-arg]
    for d in diagnostics:
        assert d.code.startswith("CJM")
        assert d.span.line >= 1 and d.span.column >= 1
        assert d.span.line <= max(result_lines, 1) + 1, d
        assert d.message


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.data())
def test_mutated_examples_never_crash(source: str, data: st.DataObject) -> None:
    text = mutate(source, data, LOADER_JUNK)
    result = load_text(text, "m.journey.yaml")
    _check(len(split_lines(text)), result.diagnostics)
    assert (result.journey is not None) or result.diagnostics


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    result = load_bytes(data, "b.journey.yaml")
    assert result.journey is None or not [d for d in result.diagnostics if d.severity.value == "error"]
    _check(
        len(split_lines(result.text)) if result.text else data.count(b"\n") + data.count(b"\r") + 1, result.diagnostics
    )


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _check(len(split_lines(text)), load_text(text, "t.journey.yaml").diagnostics)
