"""The README's walk-through of lost customers, at-risk journeys, segments and map fit, on the shipped example."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAP = str(ROOT / "examples" / "b2b-fleet-software.journey.yaml")
SELF_SERVE = str(ROOT / "examples" / "evidence" / "self-serve-buyer.journey.yaml")
OUTCOMES = str(ROOT / "examples" / "evidence" / "crm-mapping-outcomes.yaml")
MAPPING = str(ROOT / "examples" / "evidence" / "crm-mapping.yaml")


def test_the_generator_writes_the_shipped_files() -> None:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "examples" / "evidence" / "generate_crm_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    export, cancelled = module.export()
    assert export == (ROOT / "examples" / "evidence" / "crm-export.csv.gz").read_bytes()
    assert cancelled == (ROOT / "examples" / "evidence" / "crm-outcomes.csv.gz").read_bytes()


def test_lost_customers_drivers_at_risk_and_segments(run_cli) -> None:
    result = run_cli("evidence", "check", MAP, "--mapping", OUTCOMES, "-F", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    classes = {c["id"]: c["journeys"] for c in report["outcomes"]["classes"]}
    assert classes == {"lost": 208, "none": 2784, "open": 8}
    loop = next(d for d in report["outcomes"]["drivers"] if d["feature"].get("transition") == "loop_back")
    assert (loop["with_feature_in_class"], loop["with_feature"], loop["driver"]) == (85, 379, True)
    assert loop["lift"] > 4
    assert report["at_risk"]["journeys"] == 8 and report["at_risk"]["open_journeys"] == 8
    assert [v["segment"] for v in report["segments"]["values"]] == [
        "1-49 technicians", "50-199 technicians", "200+ technicians"]  # fmt: skip
    # the figures of the map are those of the plain mapping (the outcome file only adds its events)
    plain = json.loads(run_cli("evidence", "check", MAP, "--mapping", MAPPING, "-F", "json").stdout)
    assert [s["reached_journeys"] for s in plain["stages"]] == [s["reached_journeys"] for s in report["stages"]]


def test_which_persona_the_customers_follow(run_cli) -> None:
    result = run_cli("evidence", "fit", MAP, SELF_SERVE, "--mapping", MAPPING, "-F", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    shares = [(m["id"], m["journeys"]) for m in report["maps"]]
    assert shares == [("b2b-fleet-software", 2877), ("fleet-self-serve", 123)]
    assert report["none"]["journeys"] == 0
    assert report["maps"][1]["distinguishing"][0]["touchpoint"] == "contract-portal"
