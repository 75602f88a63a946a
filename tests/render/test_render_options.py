"""`cjm render --page` and `--lang`: checked before anything is read, and the labels follow --lang."""

from __future__ import annotations

import pytest

import cjm.api
from cjm.errors import ConfigError
from tests.conftest import ROOT

B2C = ROOT / "examples" / "b2c-online-grocery.journey.yaml"


def test_lang_draws_the_labels_in_that_language_and_keeps_the_map_text(run_cli) -> None:
    english = run_cli("render", str(B2C))
    italian = run_cli("render", str(B2C), "--lang", "it")
    assert english.exit_code == 0 and italian.exit_code == 0, italian.stderr
    assert '<html lang="en"' in english.stdout and '<html lang="it"' in italian.stdout
    assert "Punti di contatto" in italian.stdout and "Punti di contatto" not in english.stdout
    assert "Hears about FreshCart" in italian.stdout  # the team's own words are never translated
    unknown = run_cli("render", str(B2C), "--lang", "sv")
    assert unknown.exit_code == 0 and "warning" in unknown.stderr  # no Swedish labels: English, and a warning


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--page", "B5", "--page: unknown paper 'B5'; choose from: A4, A3, A2, letter"),
        ("--lang", "it;rm -rf", "--lang: 'it;rm -rf' is not a language tag"),
        ("--lang", "", "--lang: '' is not a language tag"),
    ],
)
def test_a_bad_page_or_lang_is_a_usage_error(run_cli, option: str, value: str, message: str) -> None:
    result = run_cli("render", str(B2C), option, value)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_api_takes_the_same_choices() -> None:
    assert '<html lang="it"' in str(cjm.api.render(B2C, "html", lang="it"))
    with pytest.raises(ConfigError, match="unknown paper"):
        cjm.api.render(B2C, "pdf", page="B5")
