"""Point each chapter's launch buttons (Binder, Colab) at its notebook for running.

sphinx-book-theme builds the launch URLs from the page's own source, ``chapters/NN-x.ipynb``,
whose prose is MyST: roles and directives that Jupyter and Colab show as raw text, and no
glued numbers. ``make run-notebooks`` (.ci/run_notebooks.py) writes the same chapter rendered to
plain Markdown into ``chapters/run/NN-x.ipynb``; this extension swaps that path into every launch
URL the theme made. A chapter page without one is a build warning (an error under -W).
"""
import posixpath
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
RUN_FOLDER = "run"  # beside the chapters: chapters/run/ (.ci/run_notebooks.py writes it)


def run_notebook(pagename):
    """``chapters/05-x`` -> ``chapters/run/05-x.ipynb``."""
    folder, name = posixpath.split(pagename)
    return posixpath.join(folder, RUN_FOLDER, name + ".ipynb")


def point_at_run_notebooks(app, pagename, templatename, context, doctree):
    groups = [b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"]
    if not groups or not pagename.startswith("chapters/"):
        return
    target = run_notebook(pagename)
    if not (Path(app.srcdir) / target).exists():
        LOGGER.warning(f"{pagename} has no notebook for running ({target}): run "
                       "`make run-notebooks`", location=pagename)
        return
    source = pagename + ".ipynb"
    for group in groups:
        for button in group["buttons"]:
            url = button.get("url", "")
            if url.endswith(source):  # Binder (?urlpath=lab/tree/...) and Colab (/blob/main/...)
                button["url"] = url[: -len(source)] + target


def setup(app):
    # After sphinx-book-theme's add_launch_buttons (priority 501) has made the URLs.
    app.connect("html-page-context", point_at_run_notebooks, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
