"""The exported Mermaid parses in Mermaid's own grammar: drawn by the npm ``mermaid`` package in headless Chromium.

Mermaid is loaded from tests/browser/node_modules (``make install`` runs npm
install there), never from a CDN, and every network request is refused.
Without Chromium or node_modules the tests skip on a laptop but fail when CI
is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cjm.render.markdown import to_markdown
from cjm.render.mermaid import to_mermaid
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
MERMAID = ROOT / "tests" / "browser" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip

# Parse first (Mermaid's grammar decides), then draw; return what a reader would see.
RENDER = """
async (source) => {
  mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
  await mermaid.parse(source);
  const {svg} = await mermaid.render('cjm-journey', source);
  const holder = document.createElement('div');
  holder.innerHTML = svg;
  document.body.replaceChildren(holder);
  const root = holder.querySelector('svg');
  return {
    role: root.getAttribute('aria-roledescription'),
    text: root.textContent,
    tasks: root.querySelectorAll('.task').length,
    scripts: holder.querySelectorAll('script').length,
    accTitle: root.querySelector(':scope > title')?.textContent ?? null,
    accDescr: root.querySelector(':scope > desc')?.textContent ?? null,
  };
}
"""


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    """A Chromium page with Mermaid loaded from node_modules and the network switched off."""
    missing = [str(p) for p in (CHROMIUM, MERMAID) if not p.exists()]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI, but these are missing: {', '.join(missing)}")
        pytest.skip(f"missing {', '.join(missing)} (run 'make install')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context()
        requests: list[str] = []
        context.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
        tab = context.new_page()
        tab.set_content("<!doctype html><html><body></body></html>")
        tab.add_script_tag(content=MERMAID.read_text(encoding="utf-8"))
        yield tab
        assert requests == [], f"the page tried to reach the network: {requests}"
        browser.close()


def draw(page: Any, source: str) -> dict[str, Any]:
    """Mermaid's parse and render of ``source`` in the browser; a syntax error fails the test."""
    result: dict[str, Any] = page.evaluate(RENDER, source)
    return result


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_draw_as_mermaid_journeys(page: Any, example: Path) -> None:
    journey = load_journey(str(example))
    drawn = draw(page, to_mermaid(journey))
    assert drawn["role"] == "journey"
    assert drawn["tasks"] >= len(journey.actions())
    for _, action in journey.actions():
        assert action.name in drawn["text"]
    for stage in journey.stages:
        assert stage.name in drawn["text"]


def test_hostile_names_draw_as_text(page: Any, hostile_journey: Path) -> None:
    journey = load_journey(str(hostile_journey))
    drawn = draw(page, to_mermaid(journey))
    assert drawn["role"] == "journey" and drawn["scripts"] == 0
    for needle in ("<script>alert('x')</script>", '"]; x [label="pwned"]; //', "Step 1: pay; #1 priority, 100%% sure"):
        assert needle in drawn["text"]
    assert "💳" in drawn["text"] and "مرحبا" in drawn["text"] and "title deed check" in drawn["text"]
    assert 'Zoë, "the" <admin>: #1; ok' in drawn["text"]  # the persona stays one actor


def test_actors_and_accessible_title_and_description_draw(page: Any) -> None:
    from cjm.model import Journey

    journey = Journey.model_validate(
        {
            "cjm": 1,
            "id": "chores",
            "title": "Chores: a #1 day",
            "description": "Who does what; at home",
            "scope": {"persona": "p", "scenario": "s"},
            "personas": [{"id": "p", "name": "Me"}],
            "stages": [
                {
                    "id": "home",
                    "name": "Home",
                    "actions": [
                        {"id": "feed", "name": "Feed", "emotion": 1, "actors": ["Cat"]},
                        {"id": "play", "name": "Play", "actors": ["Me", "Dog, the elder"]},
                    ],
                }
            ],
        }
    )
    drawn = draw(page, to_mermaid(journey))
    assert drawn["role"] == "journey"
    assert (drawn["accTitle"], drawn["accDescr"]) == ("Chores: a #1 day", "Who does what; at home")
    for actor in ("Cat", "Me", "Dog, the elder"):
        assert actor in drawn["text"]


def test_the_block_embedded_in_markdown_draws(page: Any) -> None:
    journey = load_journey(str(EXAMPLES[0]))
    markdown = to_markdown(journey)
    block = markdown.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert draw(page, block)["role"] == "journey"


def test_a_broken_diagram_is_rejected_by_the_same_check(page: Any) -> None:
    from playwright.sync_api import Error

    with pytest.raises(Error):
        draw(page, "journey\n  section A\n    Pay; now: 3: Me\n")
