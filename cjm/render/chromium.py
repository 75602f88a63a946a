"""Headless Chromium as a layout engine: print a page to PDF or capture it as PNG, over the DevTools pipe.

No Python package is needed: Chromium is started with ``--remote-debugging-pipe`` and spoken to in
JSON over two file descriptors (the Chrome DevTools Protocol). The page is loaded from a private
temporary folder, every host name resolves to nothing (a map never fetches anything), and the
browser is killed after ``TIMEOUT`` seconds at the latest.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cjm.errors import CjmError, DependencyError

TIMEOUT = 120.0  # seconds for one whole drawing
MAX_MESSAGE = 512 * 1024 * 1024  # bytes: a screenshot of a very large map is tens of MB in base64
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
ARGS = (
    "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--hide-scrollbars", "--mute-audio", "--font-render-hinting=none", "--host-resolver-rules=MAP * ~NOTFOUND",
)  # fmt: skip
MISSING = (
    "drawing the map as {fmt} needs Chromium (or Chrome), which was not found; install it "
    "(Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) or name it in "
    "CJM_CHROMIUM=/path/to/chromium. The Graphviz flow needs no browser: -f flow-{fmt}"
)
PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")


class BrowserError(CjmError):
    """Chromium started but did not draw the page (it crashed, timed out or refused a command)."""


def find_chromium() -> str | None:
    """The Chromium program: $CJM_CHROMIUM when set, else the first known name on PATH."""
    named = os.environ.get("CJM_CHROMIUM")
    if named:
        return named if shutil.which(named) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


@dataclass(frozen=True)
class Shot:
    """What to draw: ``pdf`` (paged by the page's CSS) or ``png`` (the whole page at ``width`` CSS px)."""

    fmt: str
    width: int = 1600
    scale: float = 1.0


class _Pipe:
    """One DevTools connection: numbered commands out, their answers (and events) back."""

    def __init__(self, process: subprocess.Popen[bytes], write_fd: int, read_fd: int, deadline: float) -> None:
        self.process, self.write_fd, self.read_fd, self.deadline = process, write_fd, read_fd, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not finish drawing within {TIMEOUT:.0f} s")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium stopped while drawing the map")
            self.buffer += chunk
            if len(self.buffer) > MAX_MESSAGE:
                raise BrowserError("Chromium sent an answer too large to keep in memory")
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Run one command and return its result; an error answer is a BrowserError."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            os.write(self.write_fd, json.dumps(message).encode("utf-8") + b"\0")
        except BrokenPipeError:
            raise BrowserError("Chromium stopped while drawing the map") from None
        while True:
            answer = self._message()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise BrowserError(f"Chromium refused {method}: {answer['error'].get('message', '')}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def wait_for(self, event: str) -> None:
        """Block until Chromium reports ``event`` (already reported ones count)."""
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._message())


def zero_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates zeroed, digit for digit (the byte offsets stay right)."""
    digits = bytes.maketrans(b"0123456789", b"0000000000")
    return PDF_DATES.sub(lambda m: m.group(0).translate(digits), pdf)


@contextmanager
def _browser(program: str, profile: str) -> Iterator[_Pipe]:
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    def wire() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
        commands, answers = os.dup(to_browser_r), os.dup(from_browser_w)  # either may already be 3 or 4
        os.dup2(commands, 3)
        os.dup2(answers, 4)

    process = subprocess.Popen(  # a fixed argument list, no shell
        [program, *ARGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=False,  # our pipes are not inheritable (PEP 446); only the dup2 copies on 3 and 4 pass
        preexec_fn=wire,  # only dup2, before exec
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(process, to_browser_w, from_browser_r, time.monotonic() + TIMEOUT)
    try:
        yield pipe
    except BaseException:
        _close(pipe, graceful=False)
        raise
    _close(pipe, graceful=True)


def _close(pipe: _Pipe, graceful: bool) -> None:
    """Ask Chromium to quit (its helpers stop writing the profile), then make sure it has; kill it after a failure."""
    try:
        if not graceful:
            raise OSError("the drawing failed")
        os.write(pipe.write_fd, json.dumps({"id": 0, "method": "Browser.close"}).encode("utf-8") + b"\0")
        pipe.process.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        pipe.process.kill()
        pipe.process.wait()
    finally:
        os.close(pipe.write_fd)
        os.close(pipe.read_fd)


def _capture(pipe: _Pipe, url: str, shot: Shot) -> bytes:
    target = pipe.send("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    pipe.send("Page.enable", session)
    pipe.send(
        "Emulation.setDeviceMetricsOverride", session,
        width=shot.width, height=1000, deviceScaleFactor=shot.scale, mobile=False,
    )  # fmt: skip
    pipe.events.clear()
    pipe.send("Page.navigate", session, url=url)
    pipe.wait_for("Page.loadEventFired")
    if shot.fmt == "pdf":
        answer = pipe.send("Page.printToPDF", session, printBackground=True, preferCSSPageSize=True)
        return zero_dates(base64.b64decode(answer["data"]))
    size = pipe.send("Page.getLayoutMetrics", session)["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": shot.width, "height": size["height"], "scale": 1}
    answer = pipe.send("Page.captureScreenshot", session, format="png", clip=clip, captureBeyondViewport=True)
    return base64.b64decode(answer["data"])


def draw(html: str, shot: Shot) -> bytes:
    """``html`` drawn by headless Chromium as PDF or PNG bytes (PDF dates zeroed: same page, same bytes)."""
    program = find_chromium()
    if program is None:
        raise DependencyError(MISSING.format(fmt=shot.fmt))
    with tempfile.TemporaryDirectory(prefix="cjm-print-", ignore_cleanup_errors=True) as folder:
        page = Path(folder) / "map.html"
        page.write_text(html, encoding="utf-8")
        with _browser(program, str(Path(folder) / "profile")) as pipe:
            try:
                return _capture(pipe, page.as_uri(), shot)
            except (OSError, ValueError, KeyError) as exc:
                raise BrowserError(f"Chromium could not draw the map: {exc}") from exc
