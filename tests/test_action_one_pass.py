"""The action's validate mode: one validation writes the annotations, the SARIF and the summary (-F FMT=FILE)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_integration_hooks import BIN, BROKEN, fake, run_step


def test_action_validates_once_for_every_report(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.journey.yaml").write_text(BROKEN, encoding="utf-8")
    shims, log = tmp_path / "shims", tmp_path / "calls.log"
    fake(
        shims,
        "cjm",
        "import os, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"os.execv({str(BIN / 'cjm')!r}, [{str(BIN / 'cjm')!r}, *sys.argv[1:]])\n",
    )
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = {"RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(temp / "output"),
              "GITHUB_STEP_SUMMARY": str(temp / "summary.md")}  # fmt: skip
    env = {"CJM_COMMAND": "validate", "CJM_PATHS": ".", "CJM_BIN_DIR": str(shims), "CJM_UPLOAD_SARIF": "true",
           "CJM_SUMMARY": "true"}  # fmt: skip
    done = run_step("Run cjm", work, env, [], runner)
    assert done.returncode == 1, done.stderr
    assert log.read_text().splitlines() == [
        f"validate --format github --format sarif={temp}/cjm.sarif --format text={temp}/cjm-validate.txt ."
    ]
    assert "::error file=a.journey.yaml" in done.stdout
    assert json.loads((temp / "cjm.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "CJM021"
    assert "a.journey.yaml:" in (temp / "summary.md").read_text() and "CJM021" in (temp / "summary.md").read_text()
    assert sorted(p.name for p in work.iterdir()) == ["a.journey.yaml"], "nothing is written into the checkout"
