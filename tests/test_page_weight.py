"""Every chapter page, with everything it loads, weighs at most 3 MiB (issue 18).

A headless Chromium opens each chapter of the book that conftest.py builds, scrolls to its end
so that anything loaded late is loaded too, waits until MathJax has typeset and the network is
idle, and adds up the uncompressed bodies of every response the page received: the HTML, its
style sheets, scripts, fonts, images and frames. _ext/offline_assets.py keeps MathJax to the
components the book uses and drops Font Awesome's 1.4 MiB icon script; this test keeps it so.
Without /usr/bin/chromium the test skips, except under CI=true, where it fails.
"""
from pathlib import Path

from browser_setup import require_chromium
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [name for name in parse_toc_yaml(ROOT / "_toc.yml") if name.startswith("chapters/")]
LIMIT = 3 * 2**20  # bytes

require_chromium()  # skip here, fail under CI, before the session builds the book


def weigh(browser, url):
    """{url: bytes} of every response that loading `url` brings, as a reader reads it."""
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(url, wait_until="load")
        page.evaluate("() => Promise.all([window.MathJax?.startup?.promise, document.fonts.ready])")
        page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_load_state("networkidle")
        sizes = {}
        for response in responses:
            body = b"" if 300 <= response.status < 400 else response.body()
            sizes[response.url] = sizes.get(response.url, 0) + len(body)
    finally:
        context.close()
    return sizes


def mib(size):
    return f"{size / 2**20:.2f} MiB"


def test_the_chapters_are_measured():
    assert len(CHAPTERS) == 11, CHAPTERS  # 00 to 10


def test_every_chapter_page_with_its_assets_weighs_at_most_3_mib(browser, site):
    heavy, weights = [], {}
    for name in CHAPTERS:
        sizes = weigh(browser, f"{site}{name}.html")
        assert any(url.endswith(f"{name}.html") for url in sizes), f"{name}: page not loaded"
        weights[name] = total = sum(sizes.values())
        if total > LIMIT:
            largest = sorted(sizes.items(), key=lambda item: -item[1])[:6]
            heavy.append(f"{name}: {mib(total)} in {len(sizes)} responses; largest: "
                         + ", ".join(f"{url.removeprefix(site)} {mib(size)}"
                                     for url, size in largest))
    print("\n".join(f"{name}: {mib(total)}" for name, total in weights.items()))
    assert not heavy, f"{len(heavy)} chapter pages weigh over {mib(LIMIT)}:\n" + "\n".join(heavy)
