"""Generate the benchmark corpus: realistic, valid journey files, the same bytes on every run.

    python bench/generate.py OUT_DIR [--small 1000] [--large 100]

writes OUT_DIR/small/NNNN.journey.yaml (about 5 KB each, like the examples)
and OUT_DIR/large/NNN.journey.yaml (12 stages x 12 actions, 24 touchpoints,
about 35 KB each).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

CHANNELS = ["web", "email", "phone", "chat", "social", "ads", "video", "document", "event", "in-person", "app", "sms"]
DEPARTMENTS = ["marketing", "sales", "support", "product", "legal", "finance", "logistics", "design"]
VERBS = [
    "Reads",
    "Compares",
    "Requests",
    "Downloads",
    "Calls",
    "Chats about",
    "Signs",
    "Configures",
    "Pays for",
    "Reviews",
    "Shares",
    "Asks about",
    "Books",
    "Cancels",
    "Renews",
    "Installs",
    "Explores",
    "Negotiates",
]
OBJECTS = ["the pricing page", "a demo", "the contract", "a product sheet", "an invoice", "the onboarding guide",
           "delivery options", "a support ticket", "the mobile app", "a webinar", "the proposal", "a refund",
           "the renewal offer", "a case study", "the setup wizard", "an integration"]  # fmt: skip
FEELINGS = {-2: "furious", -1: "annoyed", 0: "neutral", 1: "pleased", 2: "delighted"}
STAGES = ["Awareness", "Trigger", "Research", "Consideration", "Evaluation", "Negotiation", "Purchase",
          "Onboarding", "Adoption", "Service", "Expansion", "Loyalty"]  # fmt: skip


def journey(rng: random.Random, index: int, stages: int, actions_per_stage: int, touchpoints: int) -> dict[str, Any]:
    """One valid journey with every section filled in."""
    tps = []
    for t in range(touchpoints):
        tps.append(
            {
                "id": f"tp-{t}",
                "name": f"{rng.choice(OBJECTS).capitalize()} {t}",
                "channel": rng.choice(CHANNELS),
                "departments": rng.sample(DEPARTMENTS, rng.randint(1, 3)),
                "owner": f"Team {rng.randint(1, 9)}",
                "events": [f"event_{t}", f"event_{t}_*"],
            }
        )
    backstage = [
        {
            "id": f"bs-{b}",
            "name": f"Process {b}",
            "owner": f"Ops {b}",
            "systems": ["CRM", rng.choice(["ERP", "WMS", "billing"])],
        }
        for b in range(max(3, touchpoints // 4))
    ]
    stage_list = []
    emotion = 0
    for s in range(stages):
        actions = []
        for a in range(actions_per_stage):
            emotion = max(-2, min(2, emotion + rng.choice([-1, 0, 0, 1])))
            action: dict[str, Any] = {
                "id": f"s{s}-a{a}",
                "name": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                "touchpoints": sorted({f"tp-{rng.randrange(touchpoints)}" for _ in range(rng.randint(1, 2))}),
                "emotion": emotion,
                "feeling": FEELINGS[emotion],
                "backstage": [f"bs-{rng.randrange(len(backstage))}"],
                "evidence": rng.choice(["observed", "reported", "assumed"]),
            }
            if rng.random() < 0.3:
                action["thoughts"] = [f"I hope {rng.choice(OBJECTS)} is quick"]
            if (emotion < 0 and rng.random() < 0.5) or rng.random() < 0.1:
                pid = f"pain-{s}-{a}"
                text = f"Waiting for {rng.choice(OBJECTS)}"
                severity = rng.choice(["low", "medium", "high"])
                owner = f"Team {rng.randint(1, 9)}"
                action["pain_points"] = [{"id": pid, "text": text, "severity": severity, "owner": owner}]
                action["opportunities"] = [
                    {"text": f"Automate {rng.choice(OBJECTS)}", "impact": "high", "effort": "low", "owner": "Product",
                     "addresses": [pid]}
                ]  # fmt: skip
            actions.append(action)
        stage_list.append(
            {"id": f"stage-{s}", "name": STAGES[s % len(STAGES)], "goal": "Move forward", "actions": actions}
        )
    return {
        "cjm": 1,
        "id": f"journey-{index}",
        "title": f"Generated journey {index}",
        "description": "A synthetic journey for benchmarks.",
        "owner": "Benchmark team",
        "tags": ["bench"],
        "scope": {
            "persona": "buyer",
            "scenario": "Buy and use the product",
            "start": "Has a problem",
            "end": "Renews",
            "goal": "Solve the problem",
            "research": [{"source": "Interviews", "date": "2026-01-15"}],
        },
        "personas": [{"id": "buyer", "name": "The buyer", "goals": ["Save time"], "needs": ["Clarity"]}],
        "stages": stage_list,
        "touchpoints": tps,
        "backstage": backstage,
        "metrics": [
            {"id": "nps", "kind": "nps", "name": "NPS", "target": 40, "current": rng.randint(-20, 60)},
            {"id": "ces", "kind": "ces", "stage": "stage-0", "target": 2, "current": round(rng.uniform(1, 6), 1)},
        ],
    }


def write_corpus(out: Path, small: int, large: int) -> None:
    """Write the small and large corpora under ``out`` (deterministic: fixed seeds)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, count, shape in (("small", small, (4, 3, 8)), ("large", large, (12, 12, 24))):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(f"cjm-bench-{name}")
        for i in range(count):
            data = journey(rng, i, *shape)
            text = "# yaml-language-server: $schema=../../../schemas/journey.schema.json\n" + yaml.dump(
                data, sort_keys=False, allow_unicode=True, width=100, Dumper=dumper, default_flow_style=None
            )
            (folder / f"{i:04d}.journey.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100)
    args = parser.parse_args()
    write_corpus(args.out, args.small, args.large)


if __name__ == "__main__":
    main()
