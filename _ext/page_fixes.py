"""Small fixes to the pages Jupyter Book 1 writes, each checked by tests/test_browser.py.

- Sphinx 7 writes an inline script that an extension adds after the builder starts twice
  (fixed upstream in sphinx-doc/sphinx#13402; Jupyter Book 1 pins sphinx 7). A repeated
  ``const`` declaration, such as sphinx-thebe's ``THEBE_JS_URL``, then throws in the browser.
  Each page keeps only the first copy of every script.
- The theme reports "invalid theme mode" on a first visit unless a default mode is set.
"""


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


def setup(app):
    app.connect("config-inited", set_default_mode)
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
