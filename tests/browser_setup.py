"""What the browser tests share: Debian's Chromium, how to launch it, and a quiet local server.

test_browser.py and test_screens.py call `require_chromium()` at import, so that they skip
where Chromium or Playwright is missing, except under CI=true, where that is a failure (CI
installs both); conftest.py's `browser` and `site` fixtures use the rest.
"""
import importlib.util
import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def missing_browser():
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (pip install -r requirements.txt)"
    return None


def require_chromium():
    """Skip the calling test module without a browser; fail instead under CI=true.

    Called at import, before the session builds the book."""
    missing = missing_browser()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing, allow_module_level=True)


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built book; answers Chromium's /favicon.ico (the book has none, and the 404
    would be logged as a console error that says nothing about the book's pages)."""

    def do_GET(self):
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


@contextmanager
def serve(folder):
    """Serve ``folder`` on a free port of 127.0.0.1 while the block runs; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
