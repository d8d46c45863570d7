"""The built HTML book in a real browser (headless Chromium from Debian, driven by Playwright).

The book is built from the current sources into a temporary folder, served on 127.0.0.1, and every
page is opened: math typeset by the book's own MathJax (no CDN is reachable), every image loaded,
the Colab button pointing at that chapter's notebook, copy buttons on code cells, and the search page
finding "Adam". The reader's view (issue "every page legible at a glance"): at 1280 px no code,
output or table block is wider than its box (a table's own scroll frame excepted), no cell shows more
than one text output box, every figure is shown at 58 px per figure-inch or more (inches read from the
PNG's own dpi), and no page shows the test machinery's names; at 400 px the same counts are reported.
"""
import base64
import functools
import http.server
import pathlib
import shutil
import subprocess
import sys
import struct
import threading
import urllib.parse
import warnings

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
JUPYTER_BOOK = shutil.which("jupyter-book") or str(pathlib.Path(sys.executable).parent / "jupyter-book")
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [entry["file"] for entry in TOC["chapters"]]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine: install Debian's `chromium` package (.ci/run does) to run the browser test",
)


class Site(str):
    """The served book's address, which also knows the folder it serves."""

    def __new__(cls, url, html_dir):
        site = super().__new__(cls, url)
        site.html_dir = html_dir
        return site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    build = subprocess.run(
        [JUPYTER_BOOK, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    html = out / "_build" / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(f"http://127.0.0.1:{server.server_address[1]}", str(html))
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    external = []
    # Only the local server may be reached: a request elsewhere (a CDN) would fail for offline readers.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                  else (external.append(route.request.url), route.abort()))
    page = context.new_page()
    page.external_requests = external
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page(site, page, name):
    page.goto(f"{site}/{name}.html", wait_until="load")
    assert page.title(), "page has no title"

    if page.locator(".math").count():
        # Every math element typeset, hidden ones (in collapsed solutions) included: wait for the count,
        # not for a visible element.
        page.wait_for_function(
            "document.querySelectorAll('mjx-container').length >= document.querySelectorAll('.math').length",
            timeout=60000)
        assert not page.locator("mjx-merror").count(), "MathJax reported an error"

    if page.locator(ANIMATION_IMAGES).count():
        # A race's player sets its first frame from a setTimeout after the page's scripts ran.
        page.wait_for_function(ANIMATION_FRAMES_SET, timeout=20000)
    images = page.locator("img")
    for i in range(images.count()):
        ok = images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert ok, f"image {images.nth(i).get_attribute('src')} did not load"

    if (ROOT / f"{name}.ipynb").exists():
        repo = CONFIG["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
        branch = CONFIG["repository"]["branch"]
        colab = page.locator("a[href*='colab.research.google.com']")
        assert colab.count() >= 1, "no Colab launch button"
        href = colab.first.get_attribute("href")
        assert href.endswith(f"/github/{repo}/blob/{branch}/{name}.ipynb"), href
        cells = page.locator("div.cell_input").count()
        assert cells > 0
        page.locator("div.cell_input").first.hover()
        assert page.locator("div.cell_input button.copybtn").count() == cells, "a code cell lacks its copy button"

    assert page.external_requests == [], f"requests outside the book: {page.external_requests[:5]}"


# ------------------------------------------------------------------ animations (optlib.animate.race)
ANIMATION_IMAGES = "div.cell_output div.animation img[id^='_anim_img']"
ANIMATION_FRAMES_SET = (f"[...document.querySelectorAll(\"{ANIMATION_IMAGES}\")]"
                        ".every(img => img.complete && img.naturalWidth > 0)")
ANIMATED_PAGES = [name for name in PAGES if (ROOT / f"{name}.ipynb").exists()
                  and "_anim_img" in (ROOT / f"{name}.ipynb").read_text()]


def test_some_pages_have_animations():
    assert ANIMATED_PAGES, "no chapter stores an animation: the test below would check nothing"


@pytest.mark.parametrize("name", ANIMATED_PAGES)
def test_every_animation_loads_and_plays(site, page, name):
    """Offline (the page fixture blocks any other host): each player shows its first frame, and
    Play moves it on: the slider's value and the image's frame change."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/{name}.html", wait_until="load")
    players = page.locator("div.cell_output div.animation")
    assert players.count() >= 1
    page.wait_for_function(ANIMATION_FRAMES_SET, timeout=20000)
    for i in range(players.count()):
        player = players.nth(i)
        img, slider = player.locator("img").first, player.locator("input[type=range]").first
        assert img.evaluate("img => img.naturalWidth > 0 && img.naturalHeight > 0"), f"player {i}: no frame"
        first = (img.get_attribute("src"), slider.input_value())
        assert first[1] == "0", f"player {i} does not start at its first frame"
        player.scroll_into_view_if_needed()
        player.locator("button[title='Play']").click()
        page.wait_for_function("([img, slider]) => slider.value !== '0' && img.complete",
                               arg=[img.element_handle(), slider.element_handle()], timeout=10000)
        later = (img.get_attribute("src"), slider.input_value())
        assert later[0] != first[0] and int(later[1]) > 0, f"player {i}: Play did not change the frame"
        player.locator("button[title='Pause']").click()
    assert page.external_requests == [], f"requests outside the book: {page.external_requests[:5]}"


def test_search_finds_adam(site, page):
    page.goto(f"{site}/search.html?q=Adam", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    results = page.locator("#search-results ul.search li")
    assert results.count() >= 1
    assert any("adam" in results.nth(i).inner_text().lower() for i in range(results.count()))


# ------------------------------------------------------------------ the reader's view
MIN_PX_PER_INCH = 58  # matplotlib's 10-pt text is then at least 8 px high
MACHINERY = ("nbval", "NBVAL", "google.colab")
MEASURE = """() => {
  const wide = [];
  const frames = 'div.output.text_html, .pst-scrollable-table-container, .table-wrapper';
  for (const el of document.querySelectorAll('article pre, article table')) {
    if (el.closest('details:not([open]), .toggle-hidden, .dropdown:not([open])')) continue;
    const frame = el.tagName === 'TABLE' ? el.closest(frames) : null;
    const box = frame || el;
    const column = el.closest('article').getBoundingClientRect();
    const r = box.getBoundingClientRect();
    if (r.width === 0) continue;  // hidden (a closed solution)
    const overflows = !frame && el.scrollWidth > el.clientWidth + 1;
    const outside = r.right > column.right + 1;
    if (overflows || outside) wide.push(el.tagName + ': ' + el.innerText.slice(0, 60));
  }
  const boxes = [];
  for (const cell of document.querySelectorAll('div.cell_output')) {
    const text = cell.querySelectorAll(':scope > .output.stream, :scope > .output.text_plain, :scope > .output.text_html');
    if (text.length > 1) boxes.push(cell.innerText.slice(0, 60));
  }
  const images = [...document.querySelectorAll('div.cell_output img')].map(
    img => [img.getAttribute('src'), img.getBoundingClientRect().width]);
  return {wide, boxes, images, text: document.querySelector('article').innerText};
}"""


def _png_inches(path, data=None):
    """The width in inches that a PNG declares: its pixel width over the dpi of its pHYs chunk."""
    data = path.read_bytes() if data is None else data
    width = struct.unpack(">I", data[16:20])[0]
    at = data.find(b"pHYs")
    assert at > 0, f"{path.name} declares no dpi"
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    assert unit == 1, f"{path.name}: pHYs unit is not the metre"
    return width / (per_metre * 0.0254)


def _reader_view(site, page, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/{name}.html", wait_until="load")
    if page.locator(ANIMATION_IMAGES).count():
        page.wait_for_function(ANIMATION_FRAMES_SET, timeout=20000)
    found = page.evaluate(MEASURE)
    html = pathlib.Path(site.html_dir)
    small = []
    for src, shown in found["images"]:
        if src and src.startswith("data:image/png;base64,"):
            # An animation's frame (optlib.animate), embedded in the page: its PNG declares the
            # figure's dpi in pHYs like matplotlib's own PNGs, so it is checked the same way.
            data = base64.b64decode(src.split(",", 1)[1])
            path = pathlib.PurePosixPath(f"{name}: animation frame")
            px_per_inch = shown / _png_inches(path, data)
        else:
            path = (html / pathlib.PurePosixPath(name).parent / urllib.parse.unquote(src)).resolve()
            px_per_inch = shown / _png_inches(path)
        if px_per_inch < MIN_PX_PER_INCH:
            small.append(f"{path.name}: {px_per_inch:.0f} px per inch")
    words = [w for w in MACHINERY if w in found["text"]]
    return found["wide"], found["boxes"], small, words


@pytest.mark.parametrize("name", PAGES)
def test_reader_view_at_1280_px(site, page, name):
    wide, boxes, small, words = _reader_view(site, page, name, 1280)
    assert not wide, f"{len(wide)} blocks wider than their box (clipped or scrolling): {wide[:5]}"
    assert not boxes, f"{len(boxes)} cells show more than one output box: {boxes[:5]}"
    assert not small, f"figures shown below {MIN_PX_PER_INCH} px per figure-inch: {small}"
    assert not words, f"the page shows the test machinery's names: {words}"


def test_reader_view_at_400_px_is_reported(site, page):
    counts = {"wide blocks": 0, "cells with several boxes": 0, "small figures": 0}
    for name in PAGES:
        wide, boxes, small, _ = _reader_view(site, page, name, 400)
        counts["wide blocks"] += len(wide)
        counts["cells with several boxes"] += len(boxes)
        counts["small figures"] += len(small)
    warnings.warn(f"reader's view at 400 px, all pages (reported, not checked): {counts}")
