"""Serve MathJax from the book itself, so that pages render their mathematics offline.

Sphinx loads MathJax from a CDN by default. The ``django-static-mathjax`` wheel (installed from
requirements.txt; no Django needed) carries MathJax 3.2.2's browser build; this extension copies
its single-file SVG renderer (with all TeX extensions) into ``_static/`` and points the pages at it.
"""
from pathlib import Path

# The "full" build carries every TeX extension (\boldsymbol, ...): the plain tex-svg.js would
# fetch them on demand from files the book does not ship.
MATHJAX_FILE = "tex-svg-full.js"


def _use_local_mathjax(app, config):
    import mathjax  # the django-static-mathjax package

    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    config.html_static_path.append(str(es5 / MATHJAX_FILE))
    config.mathjax_path = MATHJAX_FILE


def setup(app):
    app.connect("config-inited", _use_local_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
