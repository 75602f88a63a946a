"""A catalog with broken entries still provides the others: journeys that use valid entries get no false
CJM021, a journey that uses a broken entry waits for that entry's own error, and every catalog mistake shows
in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import cjm.api
from cjm.errors import InputError
from tests.conftest import Result
from tests.test_one_workspace import repo_of
from tests.test_workspace import make, shared_journey, validate

BROKEN = """cjm: 1
kind: catalog
personas:
  - {id: shopper, name: Online shopper}
  - {id: Bad Id, name: Nobody}
touchpoints:
  - {id: call-centre, name: Call centre, channel: telepathy, departments: [support]}
  - {id: courier, name: Courier, channel: in-person, departments: [logistics]}
  - {id: courier, name: Courier again, channel: phone, departments: [logistics]}
  - {name: No id at all, channel: web}
backstage:
  - {id: refunds, name: Refund handling, owner: Finance, colour: red}
departments: [support, logistics, marketing]
extra: key
"""


def findings(payload: dict) -> set[tuple[str, str, int, int]]:
    return {(Path(f["path"]).name, f["rule"], f["line"], f["column"]) for f in payload["findings"]}


def test_a_broken_entry_hides_neither_the_other_entries_nor_the_other_mistakes(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    root = make(tmp_path, shared_journey(), catalog=BROKEN)
    result, payload = validate(run_cli, root)
    assert result.exit_code == 1
    assert findings(payload) == {
        ("shared.yaml", "CJM010", 5, 10),  # 'Bad Id' is not an id
        ("shared.yaml", "CJM010", 7, 51),  # channel 'telepathy'
        ("shared.yaml", "CJM020", 9, 10),  # courier twice, among the entries that validated
        ("shared.yaml", "CJM010", 10, 5),  # no id
        ("shared.yaml", "CJM010", 12, 58),  # unknown key 'colour'
        ("shared.yaml", "CJM010", 14, 1),  # unknown key 'extra'
    }, "the journey uses the persona shopper and the touchpoint courier: no CJM021 for either"


def test_a_reference_to_a_broken_entry_waits_for_its_error(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey().replace("[courier]", "[courier, call-centre]"), catalog=BROKEN)
    _, payload = validate(run_cli, root)
    assert [f for f in payload["findings"] if f["rule"] == "CJM021"] == [], "call-centre's channel is the mistake"
    assert ("shared.yaml", "CJM010", 7, 51) in findings(payload)


def test_a_reference_to_an_unknown_id_is_still_reported(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey().replace("[courier]", "[curier]"), catalog=BROKEN)
    _, payload = validate(run_cli, root)
    unknown = [f for f in payload["findings"] if f["rule"] == "CJM021"]
    assert len(unknown) == 1 and "'curier'" in unknown[0]["message"] and "courier" in (unknown[0]["hint"] or "")


def test_render_draws_the_valid_catalog_entries_by_name(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey(), catalog=BROKEN)
    result = run_cli("render", "-f", "dot", "journeys/kettle.journey.yaml", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "Courier" in result.stdout and "Courier again" not in result.stdout, "the first definition, as CJM020 says"


def test_render_refuses_a_journey_that_uses_a_broken_entry(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    root = make(tmp_path, shared_journey().replace("[courier]", "[courier, call-centre]"), catalog=BROKEN)
    result = run_cli("render", "journeys/kettle.journey.yaml", cwd=root)
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        "uses touchpoint 'call-centre', whose catalog entry (catalog/shared.yaml:7) has an error;"
        " run 'cjm validate' to see it"
    ) in result.stderr


def test_an_entry_broken_in_one_catalog_and_valid_in_another_can_be_drawn(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    root = make(tmp_path, shared_journey().replace("[courier]", "[courier, call-centre]"), catalog=BROKEN)
    (root / "catalog" / "phone.yaml").write_text(
        "cjm: 1\nkind: catalog\ntouchpoints:\n  - {id: call-centre, name: Call centre, channel: phone}\n",
        encoding="utf-8",
    )
    result = run_cli("render", "-f", "dot", "journeys/kettle.journey.yaml", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "Call centre" in result.stdout


def test_a_broken_department_entry_is_a_finding_not_a_crash(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    catalog = BROKEN.replace(
        "departments: [support, logistics, marketing]", "departments: [support, {id: logistics, name: 5}, marketing]"
    )
    journey = shared_journey().replace("departments: [marketing]", "departments: [marketing, logistics]")
    root = make(tmp_path, journey, catalog=catalog)
    result, payload = validate(run_cli, root)
    assert result.exit_code == 1
    assert ("shared.yaml", "CJM010", 13, 46) in findings(payload)  # name 5 is not text
    assert [f for f in payload["findings"] if f["rule"] == "CJM115"] == [], "logistics waits for its entry's error"


def test_a_journey_at_a_revision_is_checked_against_the_catalogs_of_that_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry was broken at HEAD and is mended here: the journey here loads, the one at HEAD is refused."""
    root = repo_of(make(tmp_path, shared_journey().replace("[courier]", "[courier, call-centre]"), catalog=BROKEN))
    (root / "catalog" / "shared.yaml").write_text(BROKEN.replace("channel: telepathy", "channel: phone"))
    monkeypatch.chdir(root)
    assert cjm.api.load("journeys/kettle.journey.yaml").id == "kettle-purchase-emotion"
    with pytest.raises(
        InputError, match=r"uses touchpoint 'call-centre', whose catalog entry \(HEAD:catalog/shared.yaml:7\)"
    ):
        cjm.api.load("HEAD:journeys/kettle.journey.yaml")
