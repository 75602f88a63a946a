"""Departments as the map shows them: as written in the journey, or by the display name a catalog gives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cjm.render.dot import to_dot
from cjm.render.html import render_html
from cjm.render.markdown import to_markdown
from cjm.workspace import open_workspace
from tests.conftest import run_cli_inprocess

BLUEPRINT = Path(__file__).with_name("blueprint.journey.yaml")
CATALOG = """\
cjm: 1
kind: catalog
departments:
  - digitale
  - {id: Rete-Filiali, name: Rete delle filiali, description: Le 140 filiali e i loro consulenti}
  - IT
"""


def _workspace(tmp_path: Path, catalog: str = CATALOG) -> Path:
    (tmp_path / "cjm.toml").write_text('catalog = ["catalog.yaml"]\n', encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(catalog, encoding="utf-8")
    shutil.copy(BLUEPRINT, tmp_path / "mutuo.journey.yaml")
    return tmp_path / "mutuo.journey.yaml"


def test_a_catalog_display_name_shows_wherever_the_id_is_written(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    journey = open_workspace([str(path)]).journey(str(path))
    html, markdown, dot = render_html(journey), to_markdown(journey), to_dot(journey)
    # the id is matched without case, as lint CJM115 matches it; the touchpoint keeps its id in the data
    assert journey.touchpoints[2].departments == ["rete-filiali"]
    for drawn in (html, markdown, dot.replace("<BR/>", " ")):  # the flow wraps its labels
        assert "Rete delle filiali" in drawn
    rows = re.findall(r'<ul class="cjm-depts">(.*?)</ul>', html)
    assert rows and all("rete-filiali" not in row for row in rows), rows
    assert "Consulente mutui · Rete delle filiali" in html  # the frontstage step's department
    assert "Consulente mutui, Rete delle filiali" in markdown
    assert "<span>digitale</span>" in html  # a plain entry: shown as written, never title-cased


def test_the_site_and_validate_agree_on_the_named_departments(tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    checked = run_cli_inprocess("validate", str(tmp_path), "-f", "json")
    assert checked.exit_code == 0 and '"CJM115"' not in checked.stdout  # the ids are the catalog's
    done = run_cli_inprocess("render", str(tmp_path), "-o", str(tmp_path / "site"))
    assert done.exit_code == 0, done.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "site" / "mutuo-blueprint.html").read_text(encoding="utf-8")
    assert "Rete delle filiali" in index and "Rete delle filiali" in page
    assert path.read_text(encoding="utf-8") == BLUEPRINT.read_text(encoding="utf-8")


def test_an_unknown_department_is_still_flagged_by_its_id(tmp_path: Path) -> None:
    _workspace(tmp_path, CATALOG.replace("  - digitale\n", ""))
    checked = run_cli_inprocess("validate", str(tmp_path), "--strict", "-f", "json")
    assert checked.exit_code == 1
    assert '"CJM115"' in checked.stdout and "digitale" in checked.stdout


def test_a_malformed_department_entry_is_a_located_error(tmp_path: Path) -> None:
    _workspace(tmp_path, CATALOG.replace("name: Rete delle filiali, ", ""))
    checked = run_cli_inprocess("validate", str(tmp_path))
    assert checked.exit_code != 0
    assert "catalog.yaml:5" in checked.stdout and "name" in checked.stdout
