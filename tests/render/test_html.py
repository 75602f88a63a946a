"""The HTML journey map: goldens of the examples, hostile text, safe links, overlays (evidence, diff)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.model import Journey
from cjm.render.html import render_html
from cjm.workspace import load_journey
from tests.conftest import EXAMPLES, ROOT, example_workspace

HOSTILE = Path(__file__).with_name("hostile.journey.yaml")
B2B = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
VOID = {"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr", "area", "base", "embed", "track"}
SVG_LEAVES = {"circle", "line", "path", "rect", "text", "use", "title", "desc"}


class _Balance(HTMLParser):
    """Checks that every element is closed in order, and collects tags, ids and hrefs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a":
            self.hrefs.append(str(values.get("href")))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Balance:
    """The page parsed; asserts it is well-formed (every element closed, in order)."""
    checker = _Balance()
    checker.feed(html)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, f"unclosed elements: {checker.stack}"
    return checker


def svgs(html: str) -> list[ET.Element]:
    """Every inline <svg> of the page parsed as XML: it must be well-formed XML on its own."""
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_html_matches_golden(example: Path, run_cli, golden) -> None:
    result = run_cli("render", str(example.relative_to(ROOT)), "-f", "html", cwd=ROOT)
    assert result.exit_code == 0, result.stderr
    golden(f"render/{example.name.removesuffix('.journey.yaml')}.html", result.stdout)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_page_is_well_formed_self_contained_and_complete(example: Path) -> None:
    journey = load_journey(str(example))
    html = render_html(journey)
    page = parse(html)
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert not re.search(r"""(src=|@import|url\(\s*['"]?(?!#))""", html), "the page must not load anything"
    assert all(i.startswith(journey.id) for i in page.ids), [i for i in page.ids if not i.startswith(journey.id)]
    assert len(page.ids) == len(set(page.ids)), "element ids must be unique"
    for svg in svgs(html):
        assert svg.tag.endswith("svg")
    actions = journey.actions()
    assert html.count('class="cjm-emotion-point') == len(actions)
    assert html.count('<th scope="col" id=') == len(actions) + sum(1 for s in journey.stages if not s.actions)
    for stage in journey.stages:
        assert f'id="{journey.id}--stage-{stage.id}"' in html
    assert "<title" in html and "<desc" in html  # the curve is described for screen readers
    for metric in journey.metrics:
        assert f'id="{journey.id}--metric-{metric.id}"' in html


def test_same_input_gives_identical_bytes(run_cli, tmp_path: Path) -> None:
    first = run_cli("render", str(B2B), "-o", str(tmp_path / "a.html"))
    second = run_cli("render", str(B2B), "-o", str(tmp_path / "b.html"))
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == run_cli("render", str(B2B)).stdout


def test_hostile_text_renders_escaped_and_well_formed(run_cli) -> None:
    result = run_cli("render", str(HOSTILE))
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    page = parse(html)
    assert "script" not in page.tags and "img" not in page.tags and "em" not in page.tags
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "]; x [label=" in "".join(page.text)
    text = "".join(page.text)
    assert "يطلب المساعدة من الدعم الفني عبر الهاتف" in text and "לקוח מבקש החזר כספי" in text
    assert "🚀 launch" in text
    long_name = re.search(r'name: "(Verylong[^"]+)"', HOSTILE.read_text(encoding="utf-8"))
    assert long_name and len(long_name.group(1)) == 500 and long_name.group(1) in text
    for svg in svgs(html):
        assert svg.tag.endswith("svg")


def test_only_http_and_mailto_links_become_links(run_cli) -> None:
    html = run_cli("render", str(HOSTILE)).stdout
    hrefs = parse(html).hrefs
    assert hrefs == ["https://example.com/?a=1&b=<2>", "mailto:cx@example.com"]
    assert "javascript:alert(document.cookie)" in html  # still shown, as plain text
    assert 'href="javascript' not in html and 'href=" javascript' not in html and 'href="data:' not in html


def test_assumed_items_are_marked_and_empty_stages_keep_a_column(run_cli) -> None:
    html = run_cli("render", str(HOSTILE)).stdout
    assert re.search(r'<th scope="col" id="hostile-text--a1" class="[^"]*cjm-assumed', html)
    assert re.search(r'class="cjm-card-item cjm-pain cjm-sev-critical cjm-assumed"', html)
    assert re.search(r'class="cjm-emotion-point cjm-emo-m2 cjm-assumed"', html)
    assert 'id="hostile-text--stage-s2--empty"' in html and "No actions mapped yet" in html


def test_long_feelings_are_shortened_in_the_curve_but_complete_in_its_tooltip() -> None:
    journey = load_journey(str(HOSTILE))
    html = render_html(journey)
    label = re.search(r'<text class="cjm-pt-label"[^>]*>([^<]*)</text>', html)
    assert label and label.group(1).endswith("…") and len(label.group(1)) <= 22
    assert "−2 (very negative, Verylong" in html


_SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(str.strip)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_SAFE_TEXT, thought=_SAFE_TEXT, feeling=_SAFE_TEXT)
def test_any_text_renders_well_formed_and_escaped(name: str, thought: str, feeling: str) -> None:
    base = load_journey(str(B2B))
    stage = base.stages[1]
    action = stage.actions[0].model_copy(update={"name": name, "feeling": feeling, "thoughts": [thought]})
    stages = [*base.stages[:1], stage.model_copy(update={"actions": [action]}), *base.stages[2:]]
    journey = Journey.model_validate(base.model_copy(update={"stages": stages}).model_dump())
    html = render_html(journey)
    page = parse(html)
    assert set(page.tags) <= set(parse(render_html(base)).tags)  # the text added no element
    assert name.strip() in "".join(page.text).replace("\r\n", "\n").replace("\r", "\n") or "\r" in name


def _tp(ident: str, status: str, events: int | None, cases: int | None, channel: str = "web") -> dict[str, Any]:
    return {"id": ident, "status": status, "events": events, "cases": cases, "channels": {channel: events} if events
            else {}, "rework": 0, "name": ident, "declared_channel": channel, "stages": [], "by_stage": []}  # fmt: skip


def _stage(ident: str, reached: int, **figures: Any) -> dict[str, Any]:
    return {"id": ident, "name": ident, "status": "observed", "partly_verifiable": False,
            "unverifiable_touchpoints": [], "reached_cases": reached, **figures}  # fmt: skip


def _move(kind: str, count: int, cases: int, source: str, target: str, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "count": count, "cases": cases, "from_stage": source, "to_stage": target,
            "conformant": kind == "forward", **more}  # fmt: skip


# A version 2 report written by hand (cjm evidence check writes the same shape; schemas/evidence.schema.json).
EVIDENCE = {
    "version": 2,
    "run": {"cjm": "1.0", "map": "b2b-fleet-software", "map_sha256": "0" * 64, "events_files": ["crm.csv"],
            "semantics": {"gap_days": 90, "window_days": 60}},
    "cases": 4821, "journeys": 5137, "events": 109352, "matched_events": 100187,
    "touchpoints": [
        _tp("search-ads", "observed", 30112, 4100, "ads"), _tp("sales-call", "observed", 2200, 1300, "phone"),
        _tp("trade-newsletter", "never_observed", 0, 0, "email"),
        {**_tp("customer-complaint-call", "unverifiable", None, None, "phone"), "rework": None},
        {**_tp("account-review", "observed", None, None), "suppressed": True},
    ],
    "stages": [
        _stage("initial-consideration", 4300, reached_journeys=4400, entered_journeys=3000, continued_journeys=2800),
        _stage("active-evaluation", 2795, reached_journeys=2900, continued_journeys=900, median_hours_in_stage=41.5),
        _stage("purchase-decision", 900, reached_journeys=950),
    ],
    "funnel": [],
    "transitions": [
        _move("loop_back", 512, 441, "implementation", "active-evaluation"),
        _move("skip", 80, 75, "initial-consideration", "purchase-decision", skipped=["active-evaluation"]),
        _move("forward", 9000, 4000, "trigger", "initial-consideration"),
    ],
    "fitness": 0.93, "conforming_journeys": 0.81,
    "edges": [], "variants": [],
    "unmapped": [
        {"event": "community_post", "events": 741, "cases": 390, "between": ["active-evaluation", "purchase-decision"],
         "places": []},
        {"event": "<script>x</script>", "events": 3, "cases": 2, "between": ["nowhere", None], "places": []},
    ],
    "findings": [{"severity": "warning", "kind": "never-observed", "message": "trade-newsletter never observed",
                  "ids": ["trade-newsletter"], "weight": 1.0}],
}  # fmt: skip


def test_evidence_overlay_draws_reach_funnels_ghosts_and_flows(run_cli, tmp_path: Path) -> None:
    report = tmp_path / "evidence.json"
    report.write_text(json.dumps(EVIDENCE), encoding="utf-8")
    result = run_cli("render", str(B2B), "--evidence", str(report))
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    parse(html)
    assert re.search(
        r'class="cjm-tp cjm-tp-observed cjm-heat-4"[^>]*>\s*<svg[^>]*><use href="#b2b-fleet-software-ch-ads"', html
    )
    assert "cjm-tp-never-observed" in html and "never observed in the event data" in html
    assert "cjm-tp-unverifiable" in html
    assert ">4,100</span>" in html and ">suppressed</span>" in html  # reach badges, withheld figures stay withheld
    assert 'style="width: 100.0%"' in html and 'style="width: 65.0%"' in html  # funnel bars on stage headers
    assert "2,795 customers reached it · 900 moved on · typically 41.5 hours in the stage" in html
    assert "4,300 customers reached it · 3,000 journeys started here" in html
    assert "↺ 512 go back to Active evaluation (441 customers)" in html
    assert "↷ 80 skip to Purchase decision" in html
    assert "In the data, not on the map" in html and ">community_post</span>" in html
    assert "&lt;script&gt;x&lt;/script&gt; (3 events · 2 customers)" in html  # unplaced: listed in the banner
    assert "93% of transitions follow the map" in html


def test_evidence_from_another_version_of_the_map_says_so_on_the_page(run_cli, tmp_path: Path) -> None:
    import hashlib

    from cjm.render.overlay import STALE

    current = hashlib.sha256(B2B.read_bytes()).hexdigest()
    for digest, stale in ((current, False), ("0" * 64, True)):
        report = tmp_path / "evidence.json"
        report.write_text(json.dumps({**EVIDENCE, "run": {**EVIDENCE["run"], "map_sha256": digest}}))
        result = run_cli("render", str(B2B), "--evidence", str(report))
        assert result.exit_code == 0, result.stderr
        assert (STALE.split(":")[0] in result.stdout) is stale, digest


def test_evidence_for_another_map_or_malformed_is_a_located_usage_error(run_cli, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**EVIDENCE, "run": {**EVIDENCE["run"], "map": "someone-else"}}), encoding="utf-8")
    result = run_cli("render", str(B2B), "--evidence", str(other))
    assert result.exit_code == 2 and "is for map 'someone-else'" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1,\n  "run": }', encoding="utf-8")
    result = run_cli("render", str(B2B), "--evidence", str(broken))
    assert result.exit_code == 2 and f"{broken}:2:10: not JSON" in result.stderr
    shapeless = tmp_path / "shapeless.json"
    shapeless.write_text(json.dumps({**EVIDENCE, "touchpoints": [{}]}))
    result = run_cli("render", str(B2B), "--evidence", str(shapeless))
    assert result.exit_code == 2 and "touchpoints.0.id: Field required" in result.stderr
    assert "more problem(s)" in result.stderr  # every missing field is one problem; the first is named
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({**EVIDENCE, "stages": [{**EVIDENCE["stages"][0], "reach\x1b[31m": 1}]}))
    result = run_cli("render", str(B2B), "--evidence", str(unknown))
    assert result.exit_code == 2 and "stages.0.reach\\x1b[31m: Extra inputs are not permitted" in result.stderr
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**EVIDENCE, "version": 1}))
    result = run_cli("render", str(B2B), "--evidence", str(old))
    assert result.exit_code == 2 and "has version 1, and this cjm reads version 2" in result.stderr
    assert "cjm evidence check --format json' again" in result.stderr
    result = run_cli("render", str(B2B), "-f", "md", "--evidence", str(other))
    assert result.exit_code == 2 and "html map only" in result.stderr
    assert "Traceback" not in result.stderr


def _edited(text: str) -> str:
    text = text.replace("        emotion: -2\n        feeling: frustrated", "        emotion: 1\n        feeling: calm")
    text = text.replace(
        "      - id: go-live\n",
        "      - id: train-dispatchers\n        name: Trains the dispatchers\n        touchpoints: [onboarding-chat]\n"
        "        emotion: 0\n      - id: go-live\n",
    )
    return text.replace(
        "      - id: quarterly-review\n        name: Reviews overtime savings in a quarterly business review\n"
        "        touchpoints: [account-review]\n        emotion: 1\n        feeling: confident\n"
        '        thoughts: ["Overtime is down 18 percent"]\n',
        "",
    )


def test_diff_highlights_added_changed_and_removed_cells_and_the_old_curve(run_cli, tmp_path: Path) -> None:
    new = example_workspace(tmp_path) / "b2b.journey.yaml"
    new.write_text(_edited(B2B.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("render", str(new), "--diff", str(B2B))
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    parse(html)
    assert re.search(r'id="b2b-fleet-software--train-dispatchers" class="[^"]*cjm-diff-added', html)
    assert re.search(r'id="b2b-fleet-software--connect-erp" class="[^"]*cjm-diff-changed', html)
    assert "Removed action: Reviews overtime savings in a quarterly business review" in html
    assert 'class="cjm-old-curve"' in html and html.count('class="cjm-old-point"') == 10
    assert "Previous emotion curve" in html


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_against_a_git_revision_of_the_same_file(run_cli, tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    path = example_workspace(tmp_path) / "map.journey.yaml"
    path.write_text(B2B.read_text(encoding="utf-8"), encoding="utf-8")
    git("add", "map.journey.yaml", "cjm.toml", "catalog.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1")
    path.write_text(_edited(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("render", "map.journey.yaml", "--diff", "HEAD", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "HEAD:map.journey.yaml" in result.stdout and "cjm-diff-added" in result.stdout
    result = run_cli("render", "map.journey.yaml", "--diff", "no-such-rev", cwd=tmp_path)
    assert result.exit_code == 2 and "not a revision git knows" in result.stderr


def test_render_usage_errors_are_exit_2_without_traceback(run_cli, tmp_path: Path) -> None:
    cases = [
        (("render", str(B2B), "-f", "gif"), "unknown format 'gif'"),
        (("render", str(B2B), "-f", "png"), "png is binary"),
        (("render", str(B2B), "-f", "html,md"), "several formats need -o FOLDER"),
        (
            ("render", str(B2B), "-f", "md", "-o", str(tmp_path / "x.html")),
            "has a .html extension but the format is md",
        ),
        (("render", str(tmp_path / "missing.journey.yaml")), "no such file or folder"),
        (("render", str(tmp_path)), "no journey files found"),
        (("render", "-"), "not standard input"),
        (("render", str(B2B), "--watch"), "--watch rewrites files"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)


def test_an_invalid_journey_is_a_located_error(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey.yaml"
    bad.write_text("cjm: 1\nid: bad\ntitle: Bad\nscope: {persona: p, scenario: s}\nstages: []\n", encoding="utf-8")
    result = run_cli("render", str(bad), "-o", str(tmp_path / "bad.html"))
    assert result.exit_code == 2 and f"{bad}:5:" in result.stderr
    assert not (tmp_path / "bad.html").exists()


def test_importing_the_cli_does_not_import_the_renderers() -> None:
    code = (
        "import sys, cjm.cli; bad = {'jinja2', 'rich', 'watchfiles', 'cjm.render.html'} & set(sys.modules); print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "set()"


def test_a_backstage_process_spans_the_adjacent_actions_that_share_it() -> None:
    from cjm.render.view import build_view
    from cjm.validate.loader import load_text

    text = """cjm: 1
id: spans
title: Spans
scope: {persona: p, scenario: s}
personas: [{id: p, name: P}]
stages:
  - id: one
    name: One
    actions:
      - {id: a, name: A, backstage: [crm]}
      - {id: b, name: B, backstage: [crm, erp]}
  - id: two
    name: Two
    actions:
      - {id: c, name: C, backstage: [erp]}
      - {id: d, name: D}
      - {id: e, name: E, backstage: [crm]}
backstage:
  - {id: crm, name: CRM update}
  - {id: erp, name: ERP booking}
"""
    journey = load_text(text, "spans.journey.yaml").journey
    assert journey is not None
    tracks = build_view(journey).backstage_tracks
    drawn = [[(cell.span, cell.card.text if cell.card else None) for cell in track] for track in tracks]
    assert drawn == [
        [(2, "CRM update"), (1, None), (1, None), (1, "CRM update")],  # a-b as one card; e far away: its own
        [(1, None), (2, "ERP booking"), (1, None), (1, None)],  # b-c overlaps a-b: a second track
    ]
    assert all(sum(cell.span for cell in track) == 5 for track in tracks), "every track covers every column"
