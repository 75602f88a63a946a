"""Benchmark cjm side by side with the tools a team would otherwise run.

    python bench/run.py [--runs N] [--quick] [--only NAME] [--write]

Every comparison runs its two commands alternately (A B A B ...) after one
warm-up each, as whole processes, and reports medians, the median of the
per-pair ratios A/B, the spread of those ratios (machine noise), and peak
memory (max RSS of the process tree's largest process, from wait4). The
anchor tools (check-jsonschema, yamllint) live in bench/.venv, never in
cjm's own environment; cjm itself is measured from bench/.venv-cjm, where
this checkout is installed the way users install it (not editable, so no
import hook runs at start-up). ``--write`` stores the table in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
ANCHORS = HERE / ".venv"
CJM_ENV = HERE / ".venv-cjm"  # cjm installed as a user installs it (not editable: no import hook at start-up)
CJM = [str(CJM_ENV / "bin" / "cjm")]
SCHEMA = str(ROOT / "schemas" / "journey.schema.json")


@dataclass(frozen=True)
class Sample:
    """One finished run: wall seconds, CPU seconds, peak RSS in MiB, exit code."""

    wall: float
    cpu: float
    rss_mib: float
    code: int


def run_once(command: Sequence[str]) -> Sample:
    """Run ``command`` to completion, output discarded, and read the kernel's accounting of it."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


@dataclass
class Comparison:
    """cjm's command against an anchor's, with the budget the ratio must meet."""

    name: str
    cjm: list[str]
    anchor: list[str] | None
    anchor_name: str
    budget: float | None = None  # the most cjm/anchor wall ratio allowed
    limit_s: float | None = None  # or: the most seconds cjm may take
    a: list[Sample] = field(default_factory=list)
    b: list[Sample] = field(default_factory=list)

    def measure(self, runs: int) -> None:
        # a warm-up fills the page cache; a command that runs for many seconds needs none (its first run does it)
        if run_once(self.cjm).wall < 10:
            run_once(self.cjm)
        if self.anchor and run_once(self.anchor).wall < 10:
            run_once(self.anchor)
        for _ in range(runs):
            self.a.append(run_once(self.cjm))
            if self.anchor:
                self.b.append(run_once(self.anchor))

    @property
    def ratios(self) -> list[float]:
        return [a.wall / b.wall for a, b in zip(self.a, self.b, strict=True)]

    def verdict(self) -> str:
        if self.budget is not None and self.b:
            return "ok" if statistics.median(self.ratios) <= self.budget else "OVER"
        if self.limit_s is not None:
            return "ok" if statistics.median(s.wall for s in self.a) <= self.limit_s else "OVER"
        return ""

    def row(self) -> str:
        a_wall = statistics.median(s.wall for s in self.a)
        a_rss = max(s.rss_mib for s in self.a)
        if self.b:
            b_wall = statistics.median(s.wall for s in self.b)
            ratio = statistics.median(self.ratios)
            spread = f"{min(self.ratios):.2f}-{max(self.ratios):.2f}"
            anchor = f"{b_wall:.3f} s, {max(s.rss_mib for s in self.b):.0f} MiB"
            ratio_txt = f"{ratio:.2f}x ({spread})"
        else:
            anchor, ratio_txt = "-", "-"
        budget = f"<= {self.budget}x" if self.budget is not None else (f"<= {self.limit_s} s" if self.limit_s else "-")
        codes = sorted({s.code for s in self.a})
        return (
            f"| {self.name} | {a_wall:.3f} s, {a_rss:.0f} MiB | {self.anchor_name} | {anchor} | {ratio_txt} "
            f"| {budget} | {self.verdict()} | {codes} |"
        )


def ensure_anchors() -> None:
    """Create bench/.venv with the anchor tools (pinned in bench/requirements.txt) if missing."""
    if (ANCHORS / "bin" / "yamllint").exists() and (ANCHORS / "bin" / "check-jsonschema").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(ANCHORS)], check=True)
    subprocess.run(
        [str(ANCHORS / "bin" / "pip"), "install", "--quiet", "-r", str(HERE / "requirements.txt")], check=True
    )


def ensure_cjm() -> None:
    """Install this checkout of cjm, non-editable, into bench/.venv-cjm (dependencies once, cjm every run)."""
    pip = str(CJM_ENV / "bin" / "pip")
    if not (CJM_ENV / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(CJM_ENV)], check=True)
        subprocess.run([pip, "install", "--quiet", str(ROOT)], check=True)
    subprocess.run([pip, "install", "--quiet", "--no-deps", "--force-reinstall", str(ROOT)], check=True)


def ensure_corpus() -> None:
    """Generate the deterministic corpus once."""
    if (CORPUS / "small" / "0999.journey.yaml").exists() and (CORPUS / "large" / "0099.journey.yaml").exists():
        return
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(CORPUS)], check=True)


def comparisons(scratch: Path) -> list[Comparison]:
    """Every measured pair, as the performance issue lists them."""
    small = sorted(str(p) for p in (CORPUS / "small").glob("*.yaml"))
    large = sorted(str(p) for p in (CORPUS / "large").glob("*.yaml"))
    tenth = small[:100]
    one = small[0]
    cjs = [str(ANCHORS / "bin" / "check-jsonschema"), "--schemafile", SCHEMA]
    yl = [str(ANCHORS / "bin" / "yamllint"), "-d", "relaxed"]
    site_in = scratch / "site-in"
    site_in.mkdir(exist_ok=True)
    for path in small[:100]:
        shutil.copy(path, site_in)
    return [
        Comparison(
            "validate 1,000 files", [*CJM, "validate", str(CORPUS / "small")], [*cjs, *small], "check-jsonschema", 0.2
        ),
        Comparison(
            "validate 1,000 files", [*CJM, "validate", str(CORPUS / "small")], [*yl, str(CORPUS / "small")], "yamllint"
        ),
        Comparison(
            "validate 100 large files",
            [*CJM, "validate", str(CORPUS / "large")],
            [*cjs, *large],
            "check-jsonschema",
            0.2,
        ),
        Comparison(
            "validate 100 large files",
            [*CJM, "validate", str(CORPUS / "large")],
            [*yl, str(CORPUS / "large")],
            "yamllint",
        ),
        Comparison("start-up: --version", [*CJM, "--version"], [*yl[:1], "--version"], "yamllint --version", 1.3),
        Comparison("validate one file", [*CJM, "validate", one], [*yl, one], "yamllint (same file)", 1.5),
        Comparison("memory: validate 100 files", [*CJM, "validate", *tenth], None, "-"),
        Comparison(
            "render 12x12 -> html",
            [*CJM, "render", large[0], "-f", "html", "-o", str(scratch / "a.html")],
            None,
            "-",
            limit_s=None,
        ),
        Comparison(
            "render 12x12 -> svg", [*CJM, "render", large[0], "-f", "svg", "-o", str(scratch / "a.svg")], None, "-"
        ),
        Comparison(
            "render 100 journeys -> site", [*CJM, "render", str(site_in), "-o", str(scratch / "site")], None, "-"
        ),
        Comparison("diff two large journeys", [*CJM, "diff", large[0], large[1]], None, "-"),
    ]


def render_own_time(path: str, runs: int) -> float:
    """Median seconds cjm itself spends loading and rendering one journey to HTML, in process."""
    code = (
        "import sys, time\n"
        "from cjm.validate.loader import load_journey\n"
        "from cjm.render.html import render_html\n"
        "times = []\n"
        f"for _ in range({runs + 1}):\n"
        "    t = time.perf_counter(); render_html(load_journey(sys.argv[1])); times.append(time.perf_counter() - t)\n"
        "times.sort(); print(times[len(times[1:]) // 2 + 1] if len(times) > 2 else times[-1])\n"
    )
    python = str(CJM_ENV / "bin" / "python")
    out = subprocess.run([python, "-c", code, path], capture_output=True, text=True, check=True, cwd=HERE)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each command (default 5)")
    parser.add_argument("--quick", action="store_true", help="3 runs, for a first look")
    parser.add_argument("--only", help="run only comparisons whose name contains this")
    parser.add_argument("--write", action="store_true", help="store the table in bench/README.md")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    ensure_anchors()
    ensure_cjm()
    ensure_corpus()
    header = (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {runs} alternating runs after a warm-up; medians"
    )
    lines = [
        header,
        "",
        "| what | cjm | anchor | anchor time | ratio (spread) | budget | verdict | cjm exit codes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory(prefix="cjm-bench-") as tmp:
        all_rows = comparisons(Path(tmp))
        for comparison in all_rows:
            if args.only and args.only not in comparison.name:
                continue
            comparison.measure(runs)
            lines.append(comparison.row())
            print(lines[-1], flush=True)
        memory = {c.name: max(s.rss_mib for s in c.a) for c in all_rows if c.a}
        if "memory: validate 100 files" in memory and "validate 1,000 files" in memory:
            growth = memory["validate 1,000 files"] / memory["memory: validate 100 files"]
            verdict = "ok" if growth <= 1.25 else "OVER"
            lines.append(
                f"\npeak memory, 1,000 files / 100 files: {growth:.2f}x (budget: does not grow, <= 1.25x) {verdict}"
            )
            print(lines[-1])
        if not args.only or "render" in args.only:
            own = render_own_time(str(CORPUS / "large" / "0000.journey.yaml"), runs)
            verdict = "ok" if own < 0.3 else "OVER"
            lines.append(
                f"render 12x12 -> html, cjm's own time (load + render, in process): {own:.3f} s "
                f"(budget < 0.3 s) {verdict}"
            )
            print(lines[-1])
    if args.write:
        readme = HERE / "README.md"
        text = readme.read_text()
        start, end = "<!-- results -->", "<!-- /results -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        readme.write_text(f"{head}{start}\n{chr(10).join(lines)}\n{end}{tail}")
    return 1 if any("OVER" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
