"""The frontstage lane of a service blueprint: what staff do in front of the customer, in every output."""

from __future__ import annotations

from pathlib import Path

from cjm.render.dot import to_dot
from cjm.render.html import render_html
from cjm.render.markdown import to_markdown
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, run_cli_inprocess

BLUEPRINT = Path(__file__).with_name("blueprint.journey.yaml")
WITHOUT = Path(__file__).with_name("mutuo.journey.yaml")


def test_a_step_is_text_or_a_mapping_with_owner_and_department() -> None:
    action = next(a for _, a in load_journey(str(BLUEPRINT)).actions() if a.frontstage)
    first, second = action.frontstage
    assert (first.text, first.owner, first.department) == (
        "Controlla la lista dei documenti con la coppia", "Consulente mutui", "rete-filiali",
    )  # fmt: skip
    assert (second.text, second.owner, second.department) == ("Fissa l'appuntamento con il perito", None, None)


def test_an_unknown_key_in_a_step_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey.yaml"
    bad.write_text(BLUEPRINT.read_text(encoding="utf-8").replace("department: rete-filiali", "dept: rete-filiali"))
    result = run_cli_inprocess("validate", str(bad))
    assert result.exit_code == 1 and "CJM010" in result.stdout and "dept" in result.stdout, result.stdout


def test_the_html_lane_sits_between_the_customer_lanes_and_the_line_of_visibility(golden) -> None:
    html = render_html(load_journey(str(BLUEPRINT)))
    golden("render/mutuo-blueprint.html", html)
    order = [html.index(f'class="cjm-row-{row}') for row in ("touchpoints", "opps", "frontstage", "visibility")]
    assert order == sorted(order)
    assert html.count('class="cjm-card-item cjm-front"') == 2
    assert "Responsabile: Consulente mutui · rete-filiali" in html
    for example in (*EXAMPLES, WITHOUT):
        assert "cjm-row-frontstage" not in render_html(load_journey(str(example))), "no empty lane"


def test_the_flow_draws_each_step_under_its_action() -> None:
    dot = to_dot(load_journey(str(BLUEPRINT)))
    assert "Frontstage,<BR/>sopra la linea di visibilità" in dot  # the blueprint is Italian
    assert dot.count("mutuo-blueprint__frontstage__consegna-documenti__") >= 4  # 2 nodes, 2 edges
    assert (
        '"mutuo-blueprint__action__consegna-documenti" -> "mutuo-blueprint__frontstage__consegna-documenti__0"' in dot
    )
    assert "Frontstage" not in to_dot(load_journey(str(WITHOUT)))


def test_markdown_has_a_frontstage_column_only_for_a_blueprint(golden) -> None:
    text = to_markdown(load_journey(str(BLUEPRINT)))
    golden("render/mutuo-blueprint.md", text)
    assert "| Frontstage |" in text
    assert "Controlla la lista dei documenti con la coppia (Consulente mutui, rete-filiali)" in text
    assert "Frontstage" not in to_markdown(load_journey(str(WITHOUT)))


def test_cjm_diff_names_the_steps_added_and_removed(tmp_path: Path) -> None:
    result = run_cli_inprocess("diff", str(WITHOUT), str(BLUEPRINT))
    assert result.exit_code == 0, result.stderr
    assert "Frontstage of “Consegna i documenti”: added “Controlla la lista dei documenti" in result.stdout
    assert "“Fissa l'appuntamento con il perito”" in result.stdout
    back = run_cli_inprocess("diff", str(BLUEPRINT), str(WITHOUT))
    assert "Frontstage of “Consegna i documenti”: removed" in back.stdout


def test_a_step_without_owner_is_cjm119() -> None:
    result = run_cli_inprocess("validate", str(BLUEPRINT), "--select", "CJM120")
    assert "CJM120" in result.stdout and "frontstage step of 'consegna-documenti' has no owner" in result.stdout
