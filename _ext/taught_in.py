"""Turn each docstring's "Taught in: chapter N, ..." line into a link to that chapter.

nnkit's docstrings end with the chapter that teaches the function (a test checks it). In the
API reference that line becomes a link at the top of the entry, so a reader moves from the code
to the prose in one click. It is moved up because napoleon would otherwise read a paragraph
after "Returns" as one more returned value.
"""
import re

CHAPTER = re.compile(r'chapter (\d+), "([^"]+)"\s+\((chapters/[\w-]+)\)')


def _split_taught_in(lines):
    """Return the docstring lines without the "Taught in" paragraph, and that paragraph."""
    for start, line in enumerate(lines):
        if line.strip().startswith("Taught in:"):
            end = start
            while end < len(lines) and lines[end].strip():
                end += 1
            return lines[:start] + lines[end:], " ".join(l.strip() for l in lines[start:end])
    return lines, None


def link_chapters(app, what, name, obj, options, lines):
    rest, taught_in = _split_taught_in(lines)
    if taught_in is None:
        return
    linked = CHAPTER.sub(r':doc:`chapter \1, "\2" </\3>`', taught_in)
    summary_end = next((i for i, line in enumerate(rest) if not line.strip()), len(rest))
    lines[:] = rest[:summary_end] + ["", linked] + rest[summary_end:]


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    # Before napoleon (priority 500) turns numpydoc sections into reST.
    app.connect("autodoc-process-docstring", link_chapters, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
