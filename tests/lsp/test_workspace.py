"""What the server notices while it runs: bursts of changes, and a cjm.toml or catalog created or deleted on disk."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import JOURNEY, QUIET, make_workspace
from tests.lsp.session import Session

Serve = Callable[..., Session]
KIOSK = "cjm: 1\nkind: catalog\ntouchpoints:\n  - {id: kiosk, name: In-store kiosk, channel: in-person}\n"


def _unknown(found: list[lsp.Diagnostic]) -> list[str]:
    """The ids the diagnostics call unknown references (CJM021), in order."""
    return [d.message.split("'")[1] for d in found if d.code == "CJM021"]


def test_a_burst_of_changes_is_checked_once_at_its_last_version(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path, options={"debounceMs": 1000})  # the longest pause: the burst is read within it
    uri = session.open(journey)
    assert session.diagnostics(uri) == []
    before = session.published_count()
    texts = [JOURNEY.replace("[help-centre, form]", f"[help-centre, typed-{n}]") for n in range(12)]
    last = session.burst(uri, texts)
    assert _unknown(session.diagnostics(uri, last)) == ["typed-11"]
    time.sleep(1.5)  # anything else the server would publish has come by now
    assert session.history[before:] == [(uri, last)]  # one publication, for the final text only


def test_with_the_default_pause_a_burst_ends_with_its_last_version(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    session = serve(tmp_path)
    uri = session.open(journey)
    session.diagnostics(uri)
    before = session.published_count()
    texts = [JOURNEY.replace("[help-centre, form]", f"[help-centre, typed-{n}]") for n in range(30)]
    last = session.burst(uri, texts)
    assert _unknown(session.diagnostics(uri, last)) == ["typed-29"]
    time.sleep(0.3)
    versions = [version or 0 for _, version in session.history[before:]]
    # never a check of a text the editor no longer has after a newer one: versions only go up, ending at the last
    assert versions == sorted(set(versions)) and versions[-1] == last, versions


def test_a_cjm_toml_created_after_start_applies_at_the_next_change(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    (tmp_path / "cjm.toml").unlink()
    session = serve(tmp_path)  # a client that watches no file for the server
    uri = session.open(journey)
    assert set(_unknown(session.diagnostics(uri))) == {"shopper", "help-centre", "crm-sync"}  # no catalog yet
    (tmp_path / "cjm.toml").write_text(QUIET, encoding="utf-8")
    assert session.diagnostics(uri, session.replace(uri, JOURNEY)) == []  # its catalog and ignores apply
    (tmp_path / "cjm.toml").unlink()
    assert "help-centre" in _unknown(session.diagnostics(uri, session.replace(uri, JOURNEY)))


def test_a_catalog_created_after_start_is_found_on_save(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    text = JOURNEY.replace("[help-centre, form]", "[help-centre, kiosk]")
    journey.write_text(text, encoding="utf-8")
    session = serve(tmp_path)
    uri = session.open(journey)
    assert _unknown(session.diagnostics(uri)) == ["kiosk"]
    (tmp_path / "catalog" / "kiosk.yaml").write_text(KIOSK, encoding="utf-8")
    before = session.published_count()
    session.save(uri)
    assert session.next_diagnostics(uri, before) == []
    (tmp_path / "catalog" / "kiosk.yaml").unlink()  # a deleted catalog is noticed at the next change
    assert _unknown(session.diagnostics(uri, session.replace(uri, text))) == ["kiosk"]


def test_file_events_from_the_editor_recheck_open_documents(tmp_path: Path, serve: Serve) -> None:
    journey = make_workspace(tmp_path)
    (tmp_path / "cjm.toml").unlink()
    text = JOURNEY.replace("[help-centre, form]", "[help-centre, kiosk]")
    journey.write_text(text, encoding="utf-8")
    session = serve(tmp_path, watch=True)
    registration = session.wait_registered(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    options = registration.register_options
    patterns = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in _watchers(options)]
    assert "**/cjm.toml" in patterns and "**/*.yaml" in patterns
    uri = session.open(journey)
    assert "kiosk" in _unknown(session.diagnostics(uri))

    (tmp_path / "cjm.toml").write_text(QUIET, encoding="utf-8")
    before = session.published_count()
    session.files_changed((tmp_path / "cjm.toml", lsp.FileChangeType.Created))
    assert _unknown(session.next_diagnostics(uri, before)) == ["kiosk"]  # the catalog applies, without an edit

    (tmp_path / "catalog" / "kiosk.yaml").write_text(KIOSK, encoding="utf-8")
    before = session.published_count()
    session.files_changed((tmp_path / "catalog" / "kiosk.yaml", lsp.FileChangeType.Created))
    assert session.next_diagnostics(uri, before) == []

    (tmp_path / "catalog" / "kiosk.yaml").unlink()
    before = session.published_count()
    session.files_changed((tmp_path / "catalog" / "kiosk.yaml", lsp.FileChangeType.Deleted))
    assert _unknown(session.next_diagnostics(uri, before)) == ["kiosk"]
    assert not [line for line in session.stderr if "cjm lsp:" in line], "".join(session.stderr)


def _watchers(options: object) -> list[object]:
    """The watchers of a registration's options, whichever form the client library gives them in."""
    return list(options["watchers"] if isinstance(options, dict) else getattr(options, "watchers", []))


def test_the_pause_is_read_from_the_initialization_options() -> None:
    from cjm.lsp.handlers import debounce_seconds

    assert debounce_seconds({"debounceMs": 50}, 0.005) == 0.05
    assert debounce_seconds({"debounceMs": 0}, 0.005) == 0
    for wrong in (None, [], {"debounceMs": -1}, {"debounceMs": 5000}, {"debounceMs": "50"}, {"debounceMs": True}):
        assert debounce_seconds(wrong, 0.005) == 0.005
