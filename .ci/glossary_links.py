"""Link each glossary term at its first use in every chapter, as a MyST {term} role.

    python .ci/glossary_links.py          # say what it would link, change nothing
    python .ci/glossary_links.py --write  # rewrite the chapters' Markdown cells

The terms are those of glossary.md. A "use" is the term (or its plural) as a whole word in a
chapter's running prose: headings, code, math, links, other roles, directive lines and HTML are
left alone. tests/test_glossary.py checks with the same rules that every chapter links each term
at its first use, so a new paragraph that mentions a term first must carry the link.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
# Getting started is about running the book ("restart the kernel"), not about its ideas.
SKIPPED = {"00-getting-started"}

# Text that is not running prose: a term inside it is neither a use nor linkable.
PROTECTED = re.compile(
    r"```.*?```|:::.*?$|^\s*#.*?$|^\s*:[\w-]+:.*?$"  # fences, directive lines, headings, options
    r"|\{[\w:-]+\}`[^`]*`"                            # roles: {term}, {doc}, {glue:text}, ...
    r"|`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$"              # code, display and inline math
    r"|\[[^\]]*\]\([^)]*\)|<[^>\n]*>|https?://\S+"    # links, HTML tags, bare URLs
    r"|restart(?:ing)?\s+the\s+kernel|(?:Jupyter|Python|IPython)\s+kernel",  # Jupyter's kernel
    re.S | re.M)
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<([^>`]+)>|([^`]+))`")


def glossary_terms(path=ROOT / "glossary.md"):
    """The terms defined in glossary.md's glossary block, in order."""
    block = re.search(r"```\{glossary\}\n(.*?)```", path.read_text(), re.S)[1]
    return [line.strip() for line in block.splitlines()
            if line and not line.startswith((" ", ":")) and line.strip()]


def pattern(term):
    """The term or its plural as a whole word; case-insensitive except for acronyms (XOR)."""
    words = r"\s+".join(re.escape(w) for w in term.split())
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}(?:e?s)?(?![\w-])", flags)


def prose_spans(text):
    """(start, end) of the stretches of ``text`` that are running prose."""
    spans, at = [], 0
    for match in PROTECTED.finditer(text):
        spans.append((at, match.start()))
        at = match.end()
    spans.append((at, len(text)))
    return spans


def markdown_cells(nb):
    return [cell for cell in nb["cells"] if cell["cell_type"] == "markdown"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def first_uses(nb, terms):
    """{term: (cell index, "linked" or "unlinked", position, matched text)} for the first use of
    each term in the chapter's Markdown, in reading order."""
    found = {}
    for index, cell in enumerate(markdown_cells(nb)):
        text = source(cell)
        events = []  # (position, term, kind, matched text)
        for role in TERM_ROLE.finditer(text):
            target = (role[1] or role[2]).strip()
            for term in terms:
                if target.lower() == term.lower():
                    events.append((role.start(), term, "linked", role[0]))
        for term in terms:
            rule = pattern(term)
            for start, end in prose_spans(text):
                match = rule.search(text, start, end)
                if match:
                    events.append((match.start(), term, "unlinked", match[0]))
                    break
        for position, term, kind, matched in sorted(events):
            found.setdefault(term, (index, kind, position, matched))
    return found


def link(nb, terms):
    """Link the first use of every term that is not yet linked there; return what changed."""
    cells = markdown_cells(nb)
    changed = []
    while True:  # one term at a time: a new link may hide the first use of a shorter term
        unlinked = [(term, use) for term, use in first_uses(nb, terms).items()
                    if use[1] == "unlinked"]
        if not unlinked:
            return changed
        term, (index, _, position, shown) = unlinked[0]
        shown = " ".join(shown.split())  # a role on one line
        role = (f"{{term}}`{shown}`" if shown.lower() == term.lower()
                else f"{{term}}`{shown} <{term}>`")
        text = source(cells[index])
        end = pattern(term).match(text, position).end()
        cells[index]["source"] = (text[:position] + role + text[end:]).splitlines(keepends=True)
        changed.append((term, shown))


def main(argv):
    write = "--write" in argv
    terms = glossary_terms()
    for path in CHAPTERS:
        if path.stem in SKIPPED:
            continue
        nb = json.loads(path.read_text())
        changed = link(nb, terms)
        for term, shown in changed:
            print(f"{path.stem}: {term} <- {shown!r}")
        if write and changed:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
