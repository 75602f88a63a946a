"""Fixtures of the language server tests: a served workspace with a journey that uses a catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.session import Session

CATALOG = """\
cjm: 1
kind: catalog
personas:
  - {id: shopper, name: Sam the shopper}
touchpoints:
  - id: help-centre
    name: Help centre
    channel: web
backstage:
  - {id: crm-sync, name: CRM sync}
"""

JOURNEY = """\
cjm: 1
id: returns
title: Return an item
scope:
  persona: shopper
  scenario: Return a parcel
stages:
  - id: ask
    name: Ask for a return
    actions:
      - id: read-policy
        name: Reads the return policy
        touchpoints: [help-centre, form]
        emotion: -1
        pain_points:
          - {id: policy-unclear, text: The policy is unclear, severity: high}
        opportunities:
          - {id: plain-policy, text: Write the policy plainly, addresses: [policy-unclear]}
      - id: fill-form
        name: Fills the return form
        touchpoints: [form]
        backstage: [crm-sync]
        emotion: 0
  - id: send
    name: Send it back
    actions:
      - id: post-parcel
        name: Posts the parcel
        touchpoints: [form]
        emotion: 1
touchpoints:
  - id: form
    name: Return form
    channel: web
metrics:
  - id: return-ces
    kind: ces
    stage: ask
"""


QUIET = 'catalog = ["catalog/*.yaml"]\nignore = ["ALL"]\n'  # the catalog, and no lint rule: a clean journey


def make_workspace(root: Path, config: str = QUIET) -> Path:
    """A workspace with a cjm.toml, one catalog and one journey; the journey's path."""
    (root / "cjm.toml").write_text(config, encoding="utf-8")
    (root / "catalog").mkdir()
    (root / "catalog" / "shared.yaml").write_text(CATALOG, encoding="utf-8")
    journey = root / "returns.journey.yaml"
    journey.write_text(JOURNEY, encoding="utf-8")
    return journey


@pytest.fixture
def serve() -> Iterator[Callable[..., Session]]:
    """Start `cjm lsp` in a folder; every session started is shut down after the test."""
    sessions: list[Session] = []

    def start(cwd: Path, options: Any = None, watch: bool = False) -> Session:
        sessions.append(Session(cwd, options, watch))
        return sessions[-1]

    yield start
    for session in sessions:
        session.close()


def position_of(text: str, needle: str, offset: int = 0, occurrence: int = 0) -> tuple[int, int]:
    """The 0-based (line, character) of ``needle``'s nth occurrence in ``text``, plus ``offset`` characters."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    return line, start - (text.rfind("\n", 0, start) + 1) + offset
