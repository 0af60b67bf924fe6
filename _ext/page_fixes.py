"""Small fixes to the pages Jupyter Book 1 writes, each checked by tests/test_browser.py.

- Sphinx 7 writes an inline script that an extension adds after the builder starts twice
  (fixed upstream in sphinx-doc/sphinx#13402; Jupyter Book 1 pins sphinx 7). A repeated
  ``const`` declaration, such as sphinx-thebe's ``THEBE_JS_URL``, then throws in the browser.
  Each page keeps only the first copy of every script.
- The theme reports "invalid theme mode" on a first visit unless a default mode is set.
- ``static/page-fixes.js`` makes the menu and page-contents buttons work (checked by
  tests/test_screens.py): sphinx-book-theme 1.3.0 shows its own copies of them in the article
  header, but its script and pydata-sphinx-theme 0.17.1's bind only the first button of each
  kind on the page, the hidden copy in the top navbar, so the visible ones did nothing: no menu
  below 992px, no way to hide the sidebar above. ``static/page-fixes.css`` makes long API links,
  inline code, signatures, headings, index tables and display equations wrap or scroll in their
  own box on narrow screens, so that no page scrolls sideways.
"""
from pathlib import Path

STATIC = Path(__file__).parent / "static"


def _script_key(script):
    filename = getattr(script, "filename", script) or ""  # inline scripts: None or ""
    return str(filename), tuple(sorted(getattr(script, "attributes", {}).items()))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        if _script_key(script) not in seen:
            seen.add(_script_key(script))
            unique.append(script)
    context["script_files"] = unique


def set_default_mode(app, config):
    config.html_context.setdefault("default_mode", "auto")


def add_static_files(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", set_default_mode)
    app.connect("config-inited", add_static_files)
    app.add_css_file("page-fixes.css")
    app.add_js_file("page-fixes.js", defer="defer")
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
