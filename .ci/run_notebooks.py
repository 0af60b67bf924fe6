"""Notebooks for running: ``make run-notebooks`` writes chapters/run/*.ipynb from the chapters.

A chapter notebook is MyST: its prose holds roles (``{glue:text}``, ``{doc}``, ``{cite}``,
``{py:func}``, ...) and colon-fenced directives (``:::{admonition}``) that only the book build
understands. Opened in JupyterLab, Binder or Colab they show as raw text. This script turns each
executed chapter (the numbers come from its saved outputs) into a notebook that reads there as
the page does, and the book's launch buttons open it (_ext/launch_run_notebooks.py):

- ``{glue:text}`key:fmt``` becomes the glued value, formatted as the page formats it (MyST-NB's
  own function, on the ``text/plain`` the chapter's saved output holds for that key);
- ``{doc}``, ``{ref}``, ``{numref}`` become links to the published page (``SITE``), ``{term}``
  a link into the glossary, ``{py:func}`` & co. code linked to the API page;
- ``{cite}`` becomes an author-year citation from references.bib, as the page shows it;
- admonitions become block quotes with a bold title, dropdowns ``<details>`` blocks, figures
  images with their caption, literalinclude the code it shows; math stays as it is (Jupyter
  renders it).

Code cells are the chapter's own, without outputs (the notebook is for running), except the
first one, the Colab install cell: here it keeps Colab's ipywidgets (7.7) instead of upgrading
it to 8, which leaves widgets and progress bars blank on Colab, and switches on Colab's manager
for custom widgets. The extras it installs are the chapter's own (its first cell).

Usage: python .ci/run_notebooks.py [--out DIR] [NOTEBOOK ...]   (default: chapters/*.ipynb)
"""
import argparse
import json
import posixpath
import re
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import yaml
from myst_nb.core.variables import format_plain_text
from pybtex.database import parse_file
from pybtex.richtext import Text
from sphinx.directives.code import LiteralIncludeReader

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "chapters" / "run"

sys.path.insert(0, str(ROOT / ".ci"))  # .ci is no package; run as a script it is there already
from glossary_links import glossary_terms as glossary_term_list  # noqa: E402


def site_url():
    """Where the book is published: ``html.baseurl`` in _config.yml if set, else the GitHub
    Pages address of the repository the book names (github.com/OWNER/REPO is published by
    .github/workflows/book.yml at OWNER.github.io/REPO)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    base = (config.get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    owner, repo = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?",
                               config["repository"]["url"]).groups()
    return f"https://{owner.lower()}.github.io/{repo}/"


SITE = site_url()
GENERATED_BY = ".ci/run_notebooks.py"

ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<content>[^`]+)`")
TITLED = re.compile(r"(?P<text>.*?)\s*<(?P<target>[^<>]+)>", re.S)
DIRECTIVE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
CODE_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$]+?\$", re.S)
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso"}


class MystError(ValueError):
    """Markup this script cannot render: extend it rather than publish raw MyST."""


# --- what the roles point at -----------------------------------------------------------------

@cache
def title(docname):
    """The first heading of a page (what Sphinx shows as a {doc} link's text)."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / (docname + suffix)
        if path.exists():
            break
    else:
        raise MystError(f"{{doc}} target {docname!r}: no such page")
    if suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in read(path)["cells"]
                         if c["cell_type"] == "markdown")
    else:
        text = path.read_text()
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    return heading.group(1).strip() if heading else docname


@cache
def labels():
    """``(label)=`` targets of every page: label -> (docname, the heading that follows)."""
    found = {}
    pages = [*ROOT.glob("*.md"), *(ROOT / "chapters").glob("*.ipynb")]
    for path in pages:
        docname = path.relative_to(ROOT).with_suffix("").as_posix()
        text = path.read_text() if path.suffix == ".md" else "\n".join(
            "".join(c["source"]) for c in read(path)["cells"] if c["cell_type"] == "markdown")
        for match in re.finditer(r"^\(([\w.:-]+)\)=\s*\n+#+\s+(.+)$", text, re.M):
            found[match.group(1)] = (docname, match.group(2).strip())
    return found


@cache
def glossary_terms():
    """The terms of glossary.md as written there (.ci/glossary_links.py reads them), by their
    lower-case form: Sphinx matches a {term} case-insensitively, but builds the anchor from the
    term as the glossary writes it."""
    return {term.lower(): term for term in glossary_term_list()}


@cache
def bibliography():
    return parse_file(str(ROOT / "references.bib")).entries


def plain(latex):
    """BibTeX field text without braces and with accents resolved."""
    return Text.from_latex(latex).render_as("text")


def authors(key):
    """Author part of an author-year citation, as sphinxcontrib-bibtex's author_year style
    writes it: "Nielsen", "Minsky and Papert", "He *et al.*"."""
    entries = bibliography()
    if key not in entries:
        raise MystError(f"{{cite}} key {key!r} is not in references.bib")
    entry = entries[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not last:
        return plain(entry.fields.get("organization", key))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} *et al.*"


def cite(name, keys):
    refs = SITE + "references.html"
    keys = [k.strip() for k in keys.split(",")]
    years = [plain(bibliography()[k].fields.get("year", "n.d.")) if k in bibliography() else ""
             for k in keys]
    # Several references in one citation appear sorted, as the page sorts them (author, year).
    keys, years = zip(*sorted(zip(keys, years), key=lambda ky: (authors(ky[0]).lower(), ky[1])))
    if name in ("cite:t", "cite:ts"):
        return ", ".join(f"[{authors(k)} \\[{y}\\]]({refs})" for k, y in zip(keys, years))
    return "\\[" + ", ".join(f"[{authors(k)}, {y}]({refs})" for k, y in zip(keys, years)) + "\\]"


def split_title(content):
    match = TITLED.fullmatch(content)
    if match and match.group("text"):
        return " ".join(match.group("text").split()), match.group("target").strip()
    return None, " ".join(content.split())


def resolve_doc(docname, target):
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(docname), target))


def py_link(name, content):
    text, target = split_title(content)
    short = target.startswith("~")
    target = target.lstrip("~.")
    if text is None:
        text = target.rsplit(".", 1)[-1] if short else target
        if name in ("py:func", "py:meth"):
            text += "()"
    anchor = f"module-{target}" if name == "py:mod" else target
    return f"[`{text}`]({SITE}api.html#{anchor})"


def render_role(match, docname, glue):
    name, content = match.group("name"), match.group("content")
    if name in ("glue", "glue:", "glue:text"):
        key, _, spec = content.partition(":") if name == "glue:text" else (content, "", "")
        if "::" in key:
            raise MystError(f"{docname}: glue from another page ({content!r}) is not supported")
        if glue.get(key, "") is None:
            return "*(measured when you run the code above)*"
        if key not in glue:
            raise MystError(f"{docname}: glue key {key!r} has no saved output: execute the "
                            "chapter (make notebooks) and check that the cell is not tagged "
                            "nbval-ignore-output")
        return format_plain_text(glue[key], spec)
    if name == "doc":
        text, target = split_title(content)
        page = resolve_doc(docname, target)
        return f"[{text or title(page)}]({SITE}{page}.html)"
    if name in ("ref", "numref"):
        text, label = split_title(content)
        if label not in labels():
            raise MystError(f"{docname}: {{{name}}} label {label!r} is not defined")
        page, heading = labels()[label]
        return f"[{(text or heading).replace('{number}', '').strip()}]({SITE}{page}.html#{label})"
    if name.startswith("cite"):
        return cite(name, content)
    if name == "term":
        text, term = split_title(content)
        if term.lower() not in glossary_terms():
            raise MystError(f"{docname}: {{term}} {term!r} is not in the glossary")
        anchor = "term-" + re.sub(r"[^\w.]+", "-", glossary_terms()[term.lower()]).strip("-")
        return f"[{text or term}]({SITE}glossary.html#{anchor})"
    if name in ("py:func", "py:meth", "py:class", "py:mod", "py:data", "py:attr", "py:exc",
                "py:obj"):
        return py_link(name, content)
    if name in ("math",):
        return f"${content}$"
    raise MystError(f"{docname}: no plain-Markdown rendering for role {{{name}}}")


# --- directives ------------------------------------------------------------------------------

def join_math(text):
    """Put each math span on one line, so that a block quote's "> " never lands inside TeX
    (Jupyter takes math out of the text before it parses the Markdown)."""
    return MATH.sub(lambda m: " ".join(m.group(0).split("\n")), text)


def quote(lines):
    text = join_math("\n".join(lines).strip("\n"))
    return ["> " + line if line else ">" for line in text.split("\n")]


def render_directive(docname, name, arg, options, body):
    if name == "admonition" or name in ADMONITIONS:
        heading = arg or {"seealso": "See also"}.get(name, name.capitalize())
        return ["", *quote([f"**{heading}**", "", *body]), ""]
    if name == "dropdown":
        return ["", "<details>", f"<summary>{arg or 'Details'}</summary>", "", *body, "",
                "</details>", ""]
    if name == "figure":
        caption = " ".join(line.strip() for line in body if line.strip())
        image = f"![{options.get('alt', caption)}]({arg})"
        return ["", image, "", f"*{caption}*" if caption else "", ""]
    if name in ("math",):
        return ["", "$$", *body, "$$", ""]
    if name in ("code", "code-block", "code-cell"):
        return ["", "```" + arg, *body, "```", ""]
    if name == "literalinclude":  # the lines the page shows, read as Sphinx reads them
        path = ROOT / posixpath.dirname(docname) / arg
        if not path.exists():
            raise MystError(f"{docname}: {{literalinclude}} {arg}: no such file")
        config = SimpleNamespace(source_encoding="utf-8-sig")
        code, _ = LiteralIncludeReader(str(path), dict(options), config).read()
        return ["", "```" + options.get("language", ""), *code.rstrip("\n").split("\n"), "```",
                ""]
    raise MystError(f"{docname}: no plain-Markdown rendering for directive {{{name}}}")


def convert(lines, docname, glue):
    """Markdown lines with MyST directives and roles -> plain Markdown lines."""
    out, prose = [], []

    def flush():
        if prose:
            text = ROLE.sub(lambda m: render_role(m, docname, glue), "\n".join(prose))
            out.extend(text.split("\n"))
            prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        directive = DIRECTIVE.match(line.strip())
        fence = CODE_FENCE.match(line)
        if directive:
            flush()
            close = next((j for j in range(i + 1, len(lines))
                          if lines[j].strip() == directive.group("fence")), None)
            if close is None:
                raise MystError(f"{docname}: unclosed {{{directive.group('name')}}} directive")
            body, options = lines[i + 1:close], {}
            while body and OPTION.match(body[0].strip()):
                option = OPTION.match(body.pop(0).strip())
                options[option.group("key")] = option.group("value")
            out.extend(render_directive(docname, directive.group("name"),
                                        directive.group("arg").strip(), options,
                                        convert(body, docname, glue)))
            i = close + 1
        elif fence:
            flush()
            close = next((j for j in range(i + 1, len(lines))
                          if lines[j].strip() == fence.group("fence")), len(lines) - 1)
            out.extend(lines[i:close + 1])
            i = close + 1
        else:
            prose.append(line)
            i += 1
    flush()
    return out


def markdown(source, docname, glue):
    lines = convert(source.split("\n"), docname, glue)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return re.sub(r"\n>\n(>\n)+", "\n>\n", text)


# --- notebooks -------------------------------------------------------------------------------

def read(path):
    return json.loads(Path(path).read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def glued(nb):
    """Glue key -> the text/plain MyST-NB's glue role formats (from the saved outputs), or None
    for a key glued in a cell tagged nbval-ignore-output: a measurement (a time) that differs
    from run to run, so it is not saved and the student's own run shows it."""
    values = {}
    for cell in nb["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            for key in re.findall(r"""\bglue\(\s*["']([^"']+)["']""", source(cell)):
                values[key] = None
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                values[meta["name"]] = source({"source": output["data"][prefix + "text/plain"]})
    return values


def install_cell(chapter_source):
    """The Colab install cell, with the extras the chapter's own first cell installs."""
    match = re.search(r'"nnkit-book\[([\w,]*)\] @ (git\+\S+?)"', chapter_source)
    if "google.colab" not in chapter_source or not match:
        return None
    extras = [e for e in match.group(1).split(",") if e and e != "widgets"]
    requirement = f"nnkit-book[{','.join(extras)}] @ {match.group(2)}"
    return "\n".join([
        '# On Google Colab, install nnkit (distribution "nnkit-book") with what this chapter',
        f"# imports ({', '.join(extras) or 'no extras'}); elsewhere this cell does nothing.",
        "# Colab's own ipywidgets (7.7) stays: ipywidgets 8 leaves widgets and progress bars",
        "# blank there, so the install keeps the installed version, and Colab's manager for",
        "# custom widgets is switched on.",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    from importlib.metadata import version",
        "",
        '    keep_widgets = "ipywidgets==" + version("ipywidgets")',
        f'    %pip install --quiet "{requirement}" "{{keep_widgets}}"',
        "    from google.colab import output",
        "",
        "    output.enable_custom_widget_manager()",
    ])


def run_notebook(path):
    """The notebook for running, made from the executed chapter at ``path``."""
    path = Path(path).resolve()
    nb = read(path)
    docname = path.relative_to(ROOT).with_suffix("").as_posix()
    glue = glued(nb)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        text = source(cell)
        new = {"cell_type": cell["cell_type"], "metadata": cell.get("metadata", {})}
        if "id" in cell:
            new["id"] = cell["id"]
        if cell["cell_type"] == "markdown":
            text = markdown(text, docname, glue)
        elif cell["cell_type"] == "code":
            if index == 0 and install_cell(text):
                text = install_cell(text)
            new.update(execution_count=None, outputs=[])
        new["source"] = text.splitlines(keepends=True)
        cells.append(new)
    metadata = {k: v for k, v in nb["metadata"].items() if k not in ("widgets",)}
    metadata["nnkit"] = {"generated_from": path.relative_to(ROOT).as_posix(),
                         "generated_by": GENERATED_BY, "page": f"{SITE}{docname}.html"}
    return {"cells": cells, "metadata": metadata, "nbformat": nb["nbformat"],
            "nbformat_minor": nb["nbformat_minor"]}


def dumps(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder to write (default: %(default)s)")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    failed = []
    for path in paths:
        target = args.out / path.name
        try:
            text = dumps(run_notebook(path))
        except MystError as error:
            failed.append(str(error))
            continue
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            print(f"wrote {target}", file=sys.stderr)
    if failed:
        sys.exit("\n".join(["not written:", *failed]))


if __name__ == "__main__":
    main()
