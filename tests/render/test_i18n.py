"""The customer's language: `lang: it` draws every label, duration and number in Italian; catalogs are complete."""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cjm.render.dot import to_dot
from cjm.render.html import render_html
from cjm.render.i18n import duration, language, number, speaking, unsupported_language
from cjm.render.markdown import to_markdown
from cjm.render.site import render_index
from cjm.workspace import load_journey
from tests.conftest import ROOT, run_cli_inprocess

ITALIAN = Path(__file__).with_name("mutuo.journey.yaml")
LOCALE = ROOT / "cjm" / "render" / "locale"
TEMPLATES = ROOT / "cjm" / "render" / "templates"


class _Text(HTMLParser):
    """The visible text and the aria-label/title attributes of a page (not its style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag == "style"
        self.parts.extend(v for k, v in attrs if k in ("aria-label", "title") and v)

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _catalog() -> dict[str, str | tuple[str, ...]]:
    from babel.messages.pofile import read_po

    with (LOCALE / "it" / "LC_MESSAGES" / "cjm.po").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(handle) if m.id}


def _extracted() -> set[str]:
    """Every message the code and templates mark, as `make messages` extracts it (Babel)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("cjm/render/**.py", "python"), ("cjm/render/templates/**.j2", "jinja2")]
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def _called() -> set[str]:
    """Every literal passed to _(), N_() or ngettext() in the render code, read from the syntax tree:
    unlike Babel's extractor it also sees a call inside an f-string, which `make messages` would miss."""
    found = set()
    for source in (ROOT / "cjm" / "render").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _MARKERS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


_MARKERS = ("_", "N_", "ngettext")


def test_the_italian_map_matches_its_golden(golden) -> None:
    journey = load_journey(str(ITALIAN))
    golden("render/richiesta-mutuo.html", render_html(journey))
    golden("render/richiesta-mutuo.md", to_markdown(journey))
    golden("render/index-it.html", render_index([journey]))


def test_an_italian_map_says_it_is_italian_and_shows_no_english_label() -> None:
    html = render_html(load_journey(str(ITALIAN)))
    assert '<html lang="it">' in html
    texts = _texts(html)
    for label in ("Fase 1", "Criticità", "Punti di contatto", "Richiede 3 settimane", "Richiede 1 giorno",
                  "Richiede 1,5 ore", "Emozione", "Linea di visibilità", "68,5%"):  # fmt: skip
        assert any(label in t for t in texts), label
    english = {k for k, v in _catalog().items() if isinstance(v, str) and v != k and len(k) > 3 and "%" not in k}
    leaked = sorted(t for t in texts if t in english)
    assert leaked == [], f"English labels on an Italian map: {leaked}"
    assert not any(re.search(r"\bTakes\b|\bStage \d|\bPain points\b", t) for t in texts)


def test_every_marked_label_has_an_italian_translation_and_the_mo_is_compiled() -> None:
    catalog = _catalog()
    missing = sorted((_extracted() | _called()) - set(catalog))
    assert missing == [], f"labels not in cjm/render/locale/it/LC_MESSAGES/cjm.po (run make messages): {missing}"
    empty = sorted(k for k, v in catalog.items() if not (v if isinstance(v, str) else all(v)))
    assert empty == [], f"untranslated: {empty}"
    with (LOCALE / "it" / "LC_MESSAGES" / "cjm.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = sorted(k for k, v in catalog.items() if isinstance(v, str) and compiled.gettext(k) != v)
    assert stale == [], f"cjm.mo is older than cjm.po (run make messages): {stale}"


def test_the_flow_of_an_italian_map_is_drawn_in_italian() -> None:
    dot = to_dot(load_journey(str(ITALIAN)))
    for label in ("Azioni del cliente", "Punti di contatto", "Linea di visibilità", "Emozione", "molto negativa"):
        assert label in dot, label
    for english in ("Customer actions", "Touchpoints", "Line of visibility", "very negative", "pain point"):
        assert english not in dot, english


def test_no_template_prints_text_outside_a_translated_label() -> None:
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{% block body_class %\}.*?\{% endblock %\}", " ", text)  # CSS classes
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
        text = re.sub(r"<style>.*?</style>|<[^>]*>", " ", text, flags=re.S)
        words = re.findall(r"[A-Za-z]{2,}", text)
        assert words == [], f"{template.name} prints untranslated text: {words}"


def test_durations_and_numbers_follow_the_language() -> None:
    with speaking(language("it")):
        assert [duration(d) for d in ("1d", "2d", "3w", "1.5h", "1h30m", "P2D")] == [
            "1 giorno", "2 giorni", "3 settimane", "1,5 ore", "1 ora 30 minuti", "P2D",
        ]  # fmt: skip
        assert number(1234.5) == "1.234,5"
    with speaking(language("en-GB")):
        assert [duration(d) for d in ("1d", "3w", "1mo")] == ["1 day", "3 weeks", "1 month"]
        assert number(1234.5) == "1,234.5"
    assert duration("1d") == "1 day", "outside a drawing, labels are English"


def test_a_regional_tag_uses_its_language_and_an_unknown_one_falls_back_with_a_warning(tmp_path: Path) -> None:
    assert unsupported_language("it-CH") is None and unsupported_language(None) is None
    text = ITALIAN.read_text(encoding="utf-8")
    swiss = tmp_path / "ch.journey.yaml"
    swiss.write_text(text.replace("lang: it", "lang: it-CH"), encoding="utf-8")
    result = run_cli_inprocess("render", str(swiss), "-o", str(tmp_path / "ch.html"))
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert 'lang="it-CH"' in (tmp_path / "ch.html").read_text(encoding="utf-8")
    klingon = tmp_path / "tlh.journey.yaml"
    klingon.write_text(text.replace("lang: it", "lang: tlh"), encoding="utf-8")
    result = run_cli_inprocess("render", str(klingon), "-f", "md,html", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("no translation for lang 'tlh'") == 1, result.stderr
    assert "Pain points" in (tmp_path / "out" / "richiesta-mutuo.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["italiano", "it_IT", "1t", ""])
def test_a_malformed_lang_is_a_located_validation_error(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "bad.journey.yaml"
    path.write_text(ITALIAN.read_text(encoding="utf-8").replace("lang: it", f"lang: '{bad}'"), encoding="utf-8")
    result = run_cli_inprocess("validate", str(path))
    assert result.exit_code == 1 and "bad.journey.yaml:5:7: CJM010" in result.stdout, result.stdout
    assert "is not a language tag" in result.stdout and "BCP 47" in result.stdout


def _italian_examples(tmp_path: Path) -> Path:
    """The examples folder with `lang: it` on every journey: an Italian workspace with a lifecycle and nesting."""
    import shutil

    root = tmp_path / "esempi"
    shutil.copytree(ROOT / "examples", root)
    for path in root.rglob("*.journey.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\ncjm: 1\n", "\ncjm: 1\nlang: it\n", 1), encoding="utf-8")
    return root


BOARD_ENGLISH = re.compile(
    r"\b(Lifecycle board|Blind spots?|Owner:|Covers:|Evidence:|\d customers?|stage-wide|is detailed in|Details “|"
    r"continued|No status|Draft|Researched|Validated|Live|Retired|Score|How it scores|pain \d|impact \d|effort \d|"
    r"reach \d|By department|By severity|At touchpoints|Nested journeys|not in this site)\b"
)


def test_an_italian_workspace_draws_the_portfolio_in_italian(tmp_path: Path) -> None:
    root = _italian_examples(tmp_path)
    checked = run_cli_inprocess(
        "evidence", "check", str(root / "b2b-fleet-software.journey.yaml"),
        "--mapping", str(root / "evidence" / "crm-mapping.yaml"), "-F", "json", "-o", str(tmp_path / "ev"),
    )  # fmt: skip
    assert checked.exit_code in (0, 1), checked.stderr
    result = run_cli_inprocess(
        "render", str(root), "-o", str(tmp_path / "sito"), "--evidence", str(tmp_path / "ev" / "evidence.json")
    )
    assert result.exit_code == 0, result.stderr
    index = (tmp_path / "sito" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="it">' in index
    texts = _texts(index)
    for label in ("Percorsi lungo il ciclo di vita", "Stato del percorso", "Punti ciechi:",
                  "Punto cieco: nessun percorso copre questa fase", "Attivo", "Validato", "Ricerca svolta",
                  "macro-percorso", "Responsabile: CX team", "Evidenze: 3.000 clienti", "Punteggio",
                  "Come si calcola il punteggio", "Criticità per punto di contatto e reparto", "Per gravità",
                  "Percorsi annidati", "dettaglio in", "portata 1,56 (1.688 clienti)", "18,72"):  # fmt: skip
        assert any(label in t for t in texts), label
    leaked = sorted({m.group(0) for t in texts for m in [BOARD_ENGLISH.search(t)] if m})
    assert leaked == [], f"English board labels on an Italian index: {leaked}"
    english = {k for k, v in _catalog().items() if isinstance(v, str) and v != k and len(k) > 3 and "%" not in k}
    assert sorted(t for t in texts if t in english) == []


def test_the_italian_pain_tables_name_a_missing_touchpoint_or_department_in_italian(tmp_path: Path) -> None:
    text = (
        ITALIAN.read_text(encoding="utf-8")
        .replace("    actions: []", "    pain_points: [{text: Troppe firme, severity: medium}]\n    actions: []")
        .replace("channel: in-person, departments: [rete-filiali], ", "channel: in-person, ")
    )
    path = tmp_path / "mutuo.journey.yaml"
    path.write_text(text, encoding="utf-8")
    texts = _texts(render_index([load_journey(str(path))]))
    assert "nessun punto di contatto" in texts and "nessun reparto" in texts
    assert "1 media" in texts and "1 critica" in texts
    assert not any(t in ("no touchpoint", "no department") for t in texts)
