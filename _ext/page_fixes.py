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
- Notebooks executed with widgets carry the widgets' state in their metadata, which myst-nb
  writes into the page (17-124 KB) for a widget manager this book does not load: the pages show
  each widget's static twin or live view instead. No page ships that state.
- docutils marks each entry of the bibliography role="doc-biblioentry" inside a role="list";
  a list may only hold list items (axe-core: aria-required-children), so the entries become
  role="listitem".
- autodoc documents every field of a named tuple as "Alias for field number N"; the tuples' own
  docstrings describe their fields, so these empty entries are left out of the API page.
- The chapters cite author-year ("Bishop, 2006"), and so does the References page: its labels
  come from the ``plain_author_year`` bibliography style (_config.yml: bibtex_default_style),
  pybtex's "plain" style with author-year labels instead of keys such as "LWahlstromLSchon22".
"""
import re
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


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_widget_state(app, pagename, templatename, context, doctree):
    context["script_files"] = [
        script for script in context.get("script_files", [])
        if getattr(script, "attributes", {}).get("type") != WIDGET_STATE]


def bibliography_entries_are_list_items(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


NAMEDTUPLE_FIELD = re.compile(r"Alias for field number \d+")


def skip_namedtuple_fields(app, what, name, obj, skip, options):
    if NAMEDTUPLE_FIELD.fullmatch((getattr(obj, "__doc__", None) or "").strip()):
        return True
    return None


def author_year_label(entry):
    """A work's label as the chapters cite it: "Bishop, 2006", "Hubel and Wiesel, 1962",
    "He et al., 2016"."""
    names = [" ".join(part.render_as("text") for part in person.rich_last_names)
             for person in entry.persons.get("author") or entry.persons.get("editor") or []]
    if len(names) > 2:
        names = [names[0] + " et al."]
    return f"{' and '.join(names) or entry.key}, {entry.fields.get('year', 'n.d.')}"


def _author_year_style():
    from pybtex.style.formatting.plain import Style
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = [author_year_label(entry) for entry in sorted_entries]
            for i, label in enumerate(labels):  # the same authors and year: 2016a, 2016b
                if labels.count(label) > 1:
                    label += "abcdefghijklmnopqrstuvwxyz"[labels[:i].count(label)]
                yield label

    class AuthorYearStyle(Style):
        default_label_style = AuthorYearLabels

    return AuthorYearStyle


def set_default_mode(app, config):
    config.html_context.setdefault("default_mode", "auto")


def add_static_files(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", "plain_author_year", _author_year_style())
    app.connect("config-inited", set_default_mode)
    app.connect("config-inited", add_static_files)
    app.add_css_file("page-fixes.css")
    app.add_js_file("page-fixes.js", defer="defer")
    app.connect("html-page-context", drop_repeated_scripts)
    # After myst-nb has added the page's own scripts (at the default priority, 500).
    app.connect("html-page-context", drop_widget_state, priority=900)
    app.connect("html-page-context", bibliography_entries_are_list_items)
    app.setup_extension("sphinx.ext.autodoc")  # which defines the event
    app.connect("autodoc-skip-member", skip_namedtuple_fields)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
