"""The live widgets of the static page: every ``static/live/*.js`` is served by the book.

Each script registers one widget in ``window.nnkitLive`` (a plain-JSON ``compute`` function
that tests compare with nnkit) and mounts it into the placeholders that
``nnkit.widgets.base.live_html`` writes into a chapter's output. The scripts are the book's own
files: no CDN, no framework.
"""
from pathlib import Path

LIVE = Path(__file__).parent / "static" / "live"


def add_static_files(app, config):
    if str(LIVE.parent) not in config.html_static_path:  # page_fixes serves the same folder
        config.html_static_path.append(str(LIVE.parent))


def setup(app):
    app.connect("config-inited", add_static_files)
    for script in sorted(LIVE.glob("*.js")):
        app.add_js_file(f"live/{script.name}", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
