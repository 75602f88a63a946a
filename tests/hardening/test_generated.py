"""Property tests across the product: generated and mutated inputs never crash, hang or leak markup."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.diff import diff_journeys
from cjm.model import Journey
from cjm.render.dot import to_dot
from cjm.render.html import render_html
from cjm.render.markdown import to_markdown
from cjm.render.mermaid import to_mermaid
from cjm.validate.loader import load_text
from tests.conftest import EXAMPLES, run_cli_inprocess
from tests.strategies import journey_documents, mutate

FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _load(document: dict[str, Any]) -> Journey:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    result = load_text(text, "generated.journey.yaml")
    assert result.journey is not None, [d.message for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.severity.value == "error"]
    return result.journey


@FAST
@given(journey_documents())
def test_generated_journeys_load_and_render_in_every_text_format(document: dict[str, Any]) -> None:
    journey = _load(document)
    html = render_html(journey)
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "\x1b" not in html
    dot = to_dot(journey)
    assert '"]; x [label="pwned"' not in dot
    mermaid = to_mermaid(journey)
    tasks = [
        line
        for line in mermaid.splitlines()
        if line.startswith("    ") and ":" in line and not line.strip().startswith(("%%", "accTitle:", "accDescr:"))
    ]
    assert len(tasks) == len(journey.actions())
    markdown = to_markdown(journey)
    assert "<script>" not in markdown


@FAST
@given(journey_documents(), journey_documents())
def test_generated_pairs_always_diff(a: dict[str, Any], b: dict[str, Any]) -> None:
    old, new = _load(a), _load(b)
    changes = diff_journeys(old, new)
    assert all(change.impact in ("positive", "negative", "neutral") for change in changes)
    assert diff_journeys(new, new) == []


SOURCES = [p.read_text("utf-8") for p in EXAMPLES]
JUNK = [
    " &a",
    " *a",
    " !!python/object:os.system",
    ": x",
    " [",
    "\t",
    " yes",
    " 1e999",
    " ~",
    " <<: *a",
    " \x1b[2J",
    " '",
    ' "',
    " {",
    " -",
    " ? x",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.data())
def test_mutated_files_through_the_cli_exit_0_or_1_with_json(source: str, data: st.DataObject) -> None:
    text = mutate(source, data, JUNK, edits=3, ops=("delete", "duplicate", "indent", "dedent", "junk"))
    result = run_cli_inprocess("validate", "-F", "json", "-", stdin=text.encode())
    assert result.exit_code in (0, 1), result.stderr
    assert result.stderr == ""
    payload = json.load(io.StringIO(result.stdout))
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in payload["findings"])


def test_examples_render_to_well_formed_svg() -> None:
    from cjm.render.dot import render_graphviz

    for path in EXAMPLES:
        journey = load_text(path.read_text(), str(path)).journey
        assert journey is not None
        ET.fromstring(render_graphviz(journey, "svg"))
