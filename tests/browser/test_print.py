"""`cjm render -f pdf|png`: the map itself drawn by headless Chromium, checked by rasterising it (pdftoppm).

Needs Chromium and poppler-utils (`make system-deps`); without them the tests skip on a laptop, fail in CI.
The rasterised page is compared with a golden greyscale image (tests/golden/print/*.pgm) within a measured
tolerance, never byte for byte: fonts and anti-aliasing move pixels. CJM_UPDATE_GOLDENS=1 rewrites them.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, ROOT, run_cli_inprocess
from tests.render.test_printed import big_journey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

B2B = ROOT / "examples" / "b2b-fleet-software.journey.yaml"
A3_POINTS = (1191, 842)  # 420 x 297 mm landscape
MEAN_TOLERANCE = 2.0  # mean absolute grey-level difference (0-255) from the golden; measured 0.013 on this machine
PIXEL_TOLERANCE = 0.02  # share of pixels more than 64 grey levels off


@pytest.fixture(scope="module", autouse=True)
def tools() -> None:
    from cjm.render.chromium import find_chromium

    missing = [name for name in ("pdftoppm", "pdfinfo") if not shutil.which(name)]
    if find_chromium() is None:
        missing.append("chromium")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {', '.join(missing)} is missing: make system-deps")
        pytest.skip(f"{', '.join(missing)} not installed")


def pdf_pages(pdf: Path) -> tuple[int, set[tuple[int, int]]]:
    """The page count and the set of page sizes in whole points."""
    out = subprocess.run(["pdfinfo", "-l", "1000", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
    sizes = set()
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            words = line.split("size:")[1].split()
            sizes.add((round(float(words[0])), round(float(words[2]))))
    return pages, sizes


def raster(pdf: Path, page: int, dpi: int = 20) -> tuple[int, int, bytes]:
    """One page as greyscale pixels: (width, height, one byte a pixel)."""
    data = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


def compare_golden(name: str, image: tuple[int, int, bytes]) -> tuple[float, float]:
    """(mean difference, share of very different pixels) against tests/golden/print/NAME.pgm."""
    width, height, pixels = image
    path = GOLDEN / "print" / f"{name}.pgm"
    if os.environ.get("CJM_UPDATE_GOLDENS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"P5\n%d %d\n255\n" % (width, height) + pixels)
    _, w, h, _, expected = path.read_bytes().split(maxsplit=4)
    assert (int(w), int(h)) == (width, height), f"{name}: the page is {width}x{height}, the golden {w}x{h}"
    diffs = [abs(a - b) for a, b in zip(pixels, expected, strict=True)]
    return sum(diffs) / len(diffs), sum(d > 64 for d in diffs) / len(diffs)


def margins_are_blank(image: tuple[int, int, bytes], columns: int = 4) -> bool:
    """Nothing is drawn in the page's right margin: no stage or card was cut at the paper's edge."""
    width, height, pixels = image
    return all(pixels[y * width + x] >= 250 for y in range(height) for x in range(width - columns, width))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_b2b_example_prints_on_a3_landscape_like_its_golden(tmp_path: Path) -> None:
    pdf = tmp_path / "b2b.pdf"
    result = run_cli_inprocess("render", str(B2B), "-o", str(pdf))
    assert result.exit_code == 0, result.stderr
    pages, sizes = pdf_pages(pdf)
    assert pages == 3, "a cover (scope, persona), the map on one page, the panels"
    assert sizes == {A3_POINTS}
    image = raster(pdf, 2)
    assert margins_are_blank(image)
    mean, far = compare_golden("b2b-page-2", image)
    assert mean <= MEAN_TOLERANCE and far <= PIXEL_TOLERANCE, (mean, far)
    again = run_cli_inprocess("render", str(B2B), "-o", str(pdf))
    assert "(unchanged)" in again.stderr, "the same map prints the same bytes (the PDF dates are zeroed)"


def test_a_12x12_map_prints_one_stage_a_page_not_a_strip(tmp_path: Path) -> None:
    source = big_journey(tmp_path)
    pdf = tmp_path / "big.pdf"
    result = run_cli_inprocess("render", str(source), "-o", str(pdf))
    assert result.exit_code == 0, result.stderr
    pages, sizes = pdf_pages(pdf)
    assert pages >= 14, "a cover, 12 bands of one 12-action stage each, the panels"
    assert sizes == {A3_POINTS}
    for page in (2, 13):
        image = raster(pdf, page)
        assert margins_are_blank(image), f"page {page} is cut at the right edge"
    mean, far = compare_golden("big-page-2", raster(pdf, 2))
    assert mean <= MEAN_TOLERANCE and far <= PIXEL_TOLERANCE, (mean, far)


def test_the_png_is_the_map_in_bands_never_a_strip(tmp_path: Path) -> None:
    png = tmp_path / "b2b.png"
    assert run_cli_inprocess("render", str(B2B), "-o", str(png)).exit_code == 0
    width, height = png_size(png)
    assert 2500 <= width <= 2700 and height > 2000, (width, height)  # 11 actions: 156 + 11 x 216 + padding
    big = tmp_path / "big.png"
    assert run_cli_inprocess("render", str(big_journey(tmp_path)), "-o", str(big)).exit_code == 0
    width, height = png_size(big)
    assert width <= 5500 and 1 / 3 < width / height < 3, (width, height)  # Graphviz drew a 46:1 strip


def test_the_flow_keeps_its_own_names(tmp_path: Path) -> None:
    result = run_cli_inprocess("render", str(B2B), "-f", "flow-pdf,flow-png,flow-svg", "-o", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["b2b-fleet-software.flow.pdf", "b2b-fleet-software.flow.png", "b2b-fleet-software.flow.svg"]
    assert (tmp_path / "b2b-fleet-software.flow.pdf").read_bytes().startswith(b"%PDF")


def test_without_chromium_the_message_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJM_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = run_cli_inprocess("render", str(B2B), "-o", str(tmp_path / "map.pdf"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "needs Chromium" in result.stderr and "-f flow-pdf" in result.stderr
    assert not (tmp_path / "map.pdf").exists()


def test_an_italian_map_prints_its_labels_in_italian(tmp_path: Path) -> None:
    pdf = tmp_path / "mutuo.pdf"
    source = ROOT / "tests" / "render" / "mutuo.journey.yaml"
    assert run_cli_inprocess("render", str(source), "-o", str(pdf)).exit_code == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label in ("FASE 1", "CRITICITÀ", "PUNTI DI", "Richiede 3 settimane", "68,5%", "LINEA DI VISIBILITÀ"):
        assert label in text, label
    for english in ("Pain points", "STAGE 1", "Takes ", "Touchpoints"):
        assert english not in text, english


# The PDF against the browser: the same band, screenshot by Chromium with print media at the page's printable
# width, and rasterised from the PDF by pdftoppm at 96 dpi (1 px = 1 CSS px), compared in a canvas.
# Measured on the B2B example: mean 4.7 grey levels, 2.0 % of pixels more than 64 off (vector text vs raster
# anti-aliasing), at an offset of (30, 29) px: the 8 mm margin.
SCREEN_MEAN, SCREEN_FAR = 8.0, 0.05
COMPARE = """async ([a, b, ox, oy]) => {
  const load = (src) => new Promise(r => { const i = new Image(); i.onload = () => r(i); i.src = src; });
  const [ia, ib] = [await load(a), await load(b)];
  const w = ia.width, h = ia.height;
  const ca = new OffscreenCanvas(w, h).getContext('2d'); ca.drawImage(ia, 0, 0);
  const cb = new OffscreenCanvas(w, h).getContext('2d'); cb.drawImage(ib, -ox, -oy);
  const da = ca.getImageData(0, 0, w, h).data, db = cb.getImageData(0, 0, w, h).data;
  let sum = 0, far = 0;
  for (let p = 0; p < da.length; p += 4) {
    const d = Math.abs((da[p] + da[p + 1] + da[p + 2]) / 3 - (db[p] + db[p + 1] + db[p + 2]) / 3);
    sum += d; if (d > 64) far++;
  }
  return [sum / (w * h), far / (w * h)];
}"""


def test_the_pdf_page_matches_the_browser_screenshot_of_the_same_band(tmp_path: Path) -> None:
    import base64

    from playwright.sync_api import sync_playwright

    from cjm.render.printed import print_html, printable_width
    from cjm.workspace import load_journey
    from tests.browser.test_pages import ARGS, CHROMIUM

    journey = load_journey(str(B2B))
    page_html = tmp_path / "print.html"
    page_html.write_text(print_html(journey), encoding="utf-8")
    pdf = tmp_path / "b2b.pdf"
    assert run_cli_inprocess("render", str(B2B), "-o", str(pdf)).exit_code == 0
    subprocess.run(["pdftoppm", "-r", "96", "-f", "2", "-l", "2", "-png", str(pdf), str(tmp_path / "page")], check=True)
    rasterised = next(tmp_path.glob("page-*2.png"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": round(printable_width("A3") / 0.99), "height": 1000})
        page.emulate_media(media="print")
        page.goto(page_html.as_uri())
        shot = page.locator(".cjm-band").first.screenshot()
        uri = [f"data:image/png;base64,{base64.b64encode(d).decode()}" for d in (shot, rasterised.read_bytes())]
        results = [page.evaluate(COMPARE, [*uri, x, y]) for x in (29, 30) for y in (29, 30)]
        browser.close()
    mean, far = min(results)
    assert mean <= SCREEN_MEAN and far <= SCREEN_FAR, (mean, far)


def test_page_and_lang_choose_the_paper_and_the_labels(tmp_path: Path) -> None:
    b2c = ROOT / "examples" / "b2c-online-grocery.journey.yaml"
    pdf = tmp_path / "b2c.pdf"
    result = run_cli_inprocess("render", str(b2c), "-o", str(pdf), "--page", "A4", "--lang", "it")
    assert result.exit_code == 0, result.stderr
    pages, sizes = pdf_pages(pdf)
    assert sizes == {(842, 595)}, "A4 landscape"
    a3 = tmp_path / "b2c-a3.pdf"
    assert run_cli_inprocess("render", str(b2c), "-o", str(a3)).exit_code == 0
    assert pages > pdf_pages(a3)[0], "the smaller paper holds fewer actions a page"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "CONTATTO" in text.upper() and "TOUCHPOINTS" not in text.upper()  # the lane label, in Italian
