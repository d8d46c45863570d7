"""The built HTML book in a real browser (headless Chromium from Debian, driven by Playwright).

The book is built from the current sources into a temporary folder, served on 127.0.0.1, and every
page is opened: math typeset by the book's own MathJax (no CDN is reachable), every image loaded,
the Colab button pointing at that chapter's notebook, copy buttons on code cells, and the search page
finding "Adam".
"""
import functools
import http.server
import pathlib
import shutil
import subprocess
import sys
import threading

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
    yield f"http://127.0.0.1:{server.server_address[1]}"
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


def test_search_finds_adam(site, page):
    page.goto(f"{site}/search.html?q=Adam", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    results = page.locator("#search-results ul.search li")
    assert results.count() >= 1
    assert any("adam" in results.nth(i).inner_text().lower() for i in range(results.count()))
