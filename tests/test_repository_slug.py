"""Where the project lives is one constant, cjm.project.REPOSITORY; every URL in the tree follows it.

Until the first release it is the placeholder OWNER/cjm. The release checklist
(CONTRIBUTING.md) sets it with `make set-repository REPO=owner/name`; these tests
fail if a file is left behind or a URL is spelled another way.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from cjm.project import REPOSITORY, REPOSITORY_URL, raw_url
from tests.conftest import ROOT

PLACEHOLDER = "OWNER/cjm"
SLUG_URL = re.compile(r"https://(?:github\.com|raw\.githubusercontent\.com)/([\w.-]+/[\w.-]+)")
ELSEWHERE = {"actions/checkout", "actions/setup-python", "pypa/gh-action-pypi-publish", "github/codeql-action"}


def _tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [p for p in done.stdout.splitlines() if not p.startswith("tests/browser/")]


def test_package_urls_are_the_constant() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert all(re.fullmatch(rf"{re.escape(REPOSITORY_URL)}([/#].*)?", url) for url in urls.values()), urls
    for name in ("journey", "catalog"):
        schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert schema["$id"] == raw_url(f"schemas/{name}.schema.json")


def test_no_file_names_another_home_for_cjm() -> None:
    wrong = []
    for rel in _tracked():
        if rel == "tests/test_repository_slug.py":
            continue  # names the placeholder on purpose
        path = ROOT / rel
        if path.suffix not in {".md", ".py", ".toml", ".json", ".yml", ".yaml", ".txt", ".j2", ".html"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if REPOSITORY != PLACEHOLDER and PLACEHOLDER in text:
            wrong.append(f"{rel}: still says {PLACEHOLDER}")
        for slug in SLUG_URL.findall(text):
            owner_name = "/".join(slug.split("/")[:2])
            if owner_name.endswith("/cjm") and owner_name != REPOSITORY and owner_name not in ELSEWHERE:
                wrong.append(f"{rel}: {owner_name}")
    assert not wrong, "run `make set-repository REPO=owner/name`:\n  " + "\n  ".join(wrong)
