"""Latency of `cjm lsp`: from a change sent by the editor to its diagnostics published, on a 12x12 map.

    python bench/lsp.py [--changes 200] [--catalog]

Generates the benchmark's large journey (12 stages x 12 actions, 24
touchpoints, about 39 KB; bench/generate.py, fixed seed) in a temporary
workspace, starts `cjm lsp` from this Python as an editor would, opens the
file, then sends whole-document changes one at a time, alternating between a
valid edit and one that adds an unknown reference (so both the clean path and
a finding are measured), and times each change to the publishDiagnostics of
its version. Prints the median, p95 and max, the same figures for the
in-process check alone (what the server does before it publishes, without
JSON-RPC), and that check's CPU time, which a loaded machine stretches less
than the wall time (it still slows each core's caches). The load average is
printed before and after: on a shared machine, record it with the figures.
With --catalog the workspace has a cjm.toml and its touchpoints move into a
catalog. The issue's budget: diagnostics within 100 ms of a change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import journey  # noqa: E402 - bench/ is not a package

BUDGET_MS = 100.0


def workspace(folder: Path, catalog: bool) -> Path:
    """Write the 12x12 journey (and, with ``catalog``, a cjm.toml and a catalog of its touchpoints)."""
    data: dict[str, Any] = journey(random.Random("cjm-bench-large"), 0, 12, 12, 24)
    if catalog:
        shared = {"cjm": 1, "kind": "catalog", "touchpoints": data.pop("touchpoints")}
        (folder / "catalog").mkdir()
        (folder / "catalog" / "shared.yaml").write_text(yaml.safe_dump(shared, sort_keys=False), encoding="utf-8")
        (folder / "cjm.toml").write_text('catalog = ["catalog/*.yaml"]\n', encoding="utf-8")
    path = folder / "large.journey.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return path


def edits(text: str, count: int) -> list[str]:
    """``count`` versions of the text: a renamed title, and every other one an unknown touchpoint too."""
    out = []
    for n in range(count):
        changed = text.replace("title: ", f"title: v{n} ", 1)
        if n % 2:
            # an action's list, at its own indentation: an unknown reference (CJM021), not a syntax error
            changed = changed.replace("    touchpoints:\n", "    touchpoints:\n    - not-declared-anywhere\n", 1)
        out.append(changed)
    return out


async def measure(path: Path, count: int) -> list[float]:
    """Milliseconds from each didChange to the diagnostics of its version."""
    client = LanguageClient("cjm-bench", "1")
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[float]] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        future = waiting.pop(params.version or 0, None)
        if future is not None:
            future.set_result(time.perf_counter())

    await client.start_io(sys.executable, "-m", "cjm", "lsp", cwd=str(path.parent))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    uri = from_fs_path(str(path)) or str(path)
    text = path.read_text(encoding="utf-8")
    waiting[1] = loop.create_future()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, text)))
    await asyncio.wait_for(waiting[1], 60)
    times = []
    for version, changed in enumerate(edits(text, count), start=2):
        done = waiting[version] = loop.create_future()
        start = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [lsp.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        times.append((await asyncio.wait_for(done, 60) - start) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def in_process(path: Path, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds of the server's own check per change (load and lint), without the protocol: wall and CPU."""
    import cjm.lsp
    from cjm.lsp.analysis import Workspaces, analyse
    from cjm.lsp.handlers import build_server

    build_server()  # what the server has loaded, and its collector's settings (if it has any: an older
    settle = getattr(cjm.lsp, "settle", None)  # checkout, on PYTHONPATH, is measured by the same script)
    if settle is not None:
        settle()
    workspaces = Workspaces()
    text = path.read_text(encoding="utf-8")
    analyse(str(path), text, workspaces)  # the workspace is opened once, as in the server
    wall, cpu = [], []
    for changed in edits(text, count):
        start, start_cpu = time.perf_counter(), time.thread_time()
        analyse(str(path), changed, workspaces)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<34} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=200, help="changes to time (default 200)")
    parser.add_argument("--catalog", action="store_true", help="touchpoints in a catalog, with a cjm.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = workspace(Path(folder), args.catalog)
        size = path.stat().st_size
        shape = f"12x12 journey, {size / 1024:.0f} KiB, {args.changes} changes"
        print(shape + (", catalog" if args.catalog else ""), flush=True)
        print(f"before: {load()}", flush=True)
        over_the_wire = asyncio.run(measure(path, args.changes))
        print(summary("change -> diagnostics published", over_the_wire))
        wall, cpu = in_process(path, args.changes)
        print(summary("the check alone, in process", wall))
        print(summary("the check's CPU time", cpu))
        print(f"after: {load()}")
    p95 = sorted(over_the_wire)[round(0.95 * (len(over_the_wire) - 1))]
    print(f"budget {BUDGET_MS:.0f} ms at p95: {'ok' if p95 <= BUDGET_MS else 'over'}")


if __name__ == "__main__":
    main()
