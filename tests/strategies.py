"""Hypothesis strategies for journeys: valid documents (with hostile text) built from the format's rules."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cjm.model import CHANNELS, SEVERITIES

HOSTILE = [
    "<script>alert(1)</script>",
    '"]; x [label="pwned"',
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "| table | break |",
    "`code` *bold* _it_ [link](javascript:alert(1))",
    "# heading",
    "line one\nline two",
    "tab\there",
    "\u202eevil rtl override",
    "مسار العميل",
    "顧客の旅",
    "🛒 emoji 👩‍👩‍👧",
    "x" * 500,
    "\x1b[31mred\x1b[0m",
    "a\u0000b",
    "\\N \\G \\l",
    "%% not a comment",
    "&amp; &lt;",
    ": colon; semi # hash",
]

slugs = st.from_regex(r"[a-z][a-z0-9-]{0,11}", fullmatch=True)
# text the YAML dumper can always write: no lone surrogates
plain_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
texts = st.one_of(st.sampled_from(HOSTILE), plain_text).filter(lambda s: s.strip() != "" and "\x00" not in s)


@st.composite
def journey_documents(draw: st.DrawFn, max_stages: int = 5, max_actions: int = 4) -> dict[str, Any]:
    """A valid journey as plain data: unique ids, every reference resolvable, values in range."""
    n_tp = draw(st.integers(1, 6))
    touchpoints = [
        {
            "id": f"tp-{i}",
            "name": draw(texts),
            "channel": draw(st.sampled_from(CHANNELS)),
            "departments": draw(st.lists(texts, max_size=2)),
        }
        for i in range(n_tp)
    ]
    backstage = [{"id": f"bs-{i}", "name": draw(texts), "owner": draw(texts)} for i in range(draw(st.integers(0, 3)))]
    stages = []
    pains: list[str] = []
    for s in range(draw(st.integers(1, max_stages))):
        actions = []
        for a in range(draw(st.integers(0, max_actions))):
            action: dict[str, Any] = {"id": f"s{s}-a{a}", "name": draw(texts)}
            if draw(st.booleans()):
                action["emotion"] = draw(st.integers(-2, 2))
            action["touchpoints"] = draw(
                st.lists(st.sampled_from([t["id"] for t in touchpoints]), max_size=2, unique=True)
            )
            if backstage and draw(st.booleans()):
                action["backstage"] = [draw(st.sampled_from([b["id"] for b in backstage]))]
            if draw(st.booleans()):
                pid = f"pain-{s}-{a}"
                pains.append(pid)
                action["pain_points"] = [
                    {
                        "id": pid,
                        "text": draw(texts),
                        "severity": draw(st.sampled_from(SEVERITIES)),
                        "owner": draw(texts),
                    }
                ]
            if draw(st.booleans()):
                action["thoughts"] = draw(st.lists(texts, max_size=2))
            if draw(st.booleans()):
                action["evidence"] = draw(st.sampled_from(["observed", "reported", "assumed"]))
            actions.append(action)
        stage: dict[str, Any] = {"id": f"stage-{s}", "name": draw(texts), "actions": actions}
        if pains and draw(st.booleans()):
            stage["opportunities"] = [{"text": draw(texts), "addresses": [draw(st.sampled_from(pains))]}]
        stages.append(stage)
    metrics = []
    if draw(st.booleans()):
        metrics.append(
            {
                "id": "nps",
                "kind": "nps",
                "target": draw(st.integers(-100, 100)),
                "current": draw(st.integers(-100, 100)),
            }
        )
    if draw(st.booleans()):
        metrics.append(
            {"id": "csat", "kind": "csat", "stage": "stage-0", "target": 90, "current": draw(st.integers(0, 100))}
        )
    return {
        "cjm": 1,
        "id": draw(slugs),
        "title": draw(texts),
        "scope": {
            "persona": "p",
            "scenario": draw(texts),
            "research": [
                {
                    "source": draw(texts),
                    "link": draw(st.sampled_from(["https://example.com/a", "javascript:alert(1)", "data:text/html,x"])),
                }
            ],
        },
        "personas": [{"id": "p", "name": draw(texts)}],
        "stages": stages,
        "touchpoints": touchpoints,
        "backstage": backstage,
        "metrics": metrics,
    }


MUTATIONS = ("delete", "duplicate", "indent", "dedent", "junk", "swap")


def mutate(source: str, data: st.DataObject, junk: list[str], edits: int = 4, ops: tuple[str, ...] = MUTATIONS) -> str:
    """``source`` with 1..``edits`` random line edits: deleted, duplicated, re-indented, swapped or junk appended."""
    lines = source.splitlines()
    for _ in range(data.draw(st.integers(1, edits))):
        op = data.draw(st.sampled_from(ops))
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "junk":
            lines[i] += data.draw(st.sampled_from(junk))
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)
